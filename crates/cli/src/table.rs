//! Human tables for Poolhouse's own listings.

use serde_json::Value;

fn s(v: &Value, k: &str) -> String {
    match v.get(k) {
        Some(Value::String(x)) => x.clone(),
        Some(Value::Bool(b)) => {
            if *b {
                "yes".into()
            } else {
                "no".into()
            }
        }
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(","),
        _ => String::new(),
    }
}

/// An audit record's target as people know it: the label (a user's email or name, a client's
/// name) with the id it stands for, or the id alone when there is no label.
fn target_named(e: &Value) -> String {
    let target = s(e, "Target");
    match e.get("TargetLabel").and_then(Value::as_str) {
        Some(label) if !label.is_empty() && label != target => format!("{label} ({target})"),
        _ => target,
    }
}

fn time(v: &Value, k: &str) -> String {
    let Some(secs) = v.get(k).and_then(Value::as_f64) else {
        return String::new();
    };
    let ts = secs as i64;
    let (days, rem) = (ts.div_euclid(86_400), ts.rem_euclid(86_400));
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn grid(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count()).min(48);
        }
    }
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let c: String = c.chars().take(widths[i]).collect();
                format!("{c:<w$}", w = widths[i])
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(headers.iter().map(|h| h.to_string()).collect()) + "\n";
    for r in rows {
        out += &(line(r) + "\n");
    }
    out
}

/// A table for the operations that list things, or `None` to print JSON.
pub fn render(op: &str, v: &Value) -> Option<String> {
    let empty = Vec::new();
    let mut out = match op {
        "SearchUsers" => {
            let users = v.get("Users").and_then(Value::as_array).unwrap_or(&empty);
            let rows = users
                .iter()
                .map(|u| {
                    vec![
                        s(u, "Username"),
                        s(u, "Email"),
                        s(u, "UserStatus"),
                        s(u, "Enabled"),
                        s(u, "Groups"),
                        time(u, "LockedUntil"),
                        s(u, "FailedSignIns"),
                        time(u, "UserCreateDate"),
                    ]
                })
                .collect();
            let mut t = grid(
                &[
                    "USERNAME",
                    "EMAIL",
                    "STATUS",
                    "ENABLED",
                    "GROUPS",
                    "LOCKED UNTIL",
                    "FAILED",
                    "CREATED",
                ],
                rows,
            );
            let inside = if s(v, "MatchKind") == "Contains" {
                " (nothing starts with the query: matches inside emails, names and phones)"
            } else {
                ""
            };
            t += &format!("{} of {} users{inside}\n", users.len(), s(v, "TotalCount"));
            t
        }
        "ListAuditEvents" => {
            let events = v.get("Events").and_then(Value::as_array).unwrap_or(&empty);
            let rows = events
                .iter()
                .map(|e| {
                    vec![
                        time(e, "Time"),
                        s(e, "Actor"),
                        s(e, "Operation"),
                        s(e, "UserPoolId"),
                        target_named(e),
                        s(e, "Outcome"),
                        s(e, "ErrorCode"),
                    ]
                })
                .collect();
            grid(
                &[
                    "TIME",
                    "ACTOR",
                    "OPERATION",
                    "POOL",
                    "TARGET",
                    "OUTCOME",
                    "ERROR",
                ],
                rows,
            )
        }
        "ListOutboxMessages" => {
            let msgs = v
                .get("Messages")
                .and_then(Value::as_array)
                .unwrap_or(&empty);
            let rows = msgs
                .iter()
                .map(|m| {
                    vec![
                        time(m, "Time"),
                        s(m, "Medium"),
                        s(m, "Destination"),
                        s(m, "Kind"),
                        s(m, "Body"),
                    ]
                })
                .collect();
            grid(&["TIME", "MEDIUM", "TO", "KIND", "MESSAGE"], rows)
        }
        "ListHookInvocations" => {
            let calls = v
                .get("Invocations")
                .and_then(Value::as_array)
                .unwrap_or(&empty);
            let rows = calls
                .iter()
                .map(|c| {
                    vec![
                        time(c, "CreationDate"),
                        s(c, "TriggerSource"),
                        s(c, "Username"),
                        s(c, "Outcome"),
                        s(c, "StatusCode"),
                        format!("{} ms", s(c, "DurationMs")),
                        s(c, "Detail"),
                    ]
                })
                .collect();
            grid(
                &[
                    "TIME", "TRIGGER", "USER", "OUTCOME", "STATUS", "TOOK", "DETAIL",
                ],
                rows,
            )
        }
        _ => return None,
    };
    if let Some(t) = v.get("NextToken").and_then(Value::as_str) {
        out += &format!("more: --next-token {t}\n");
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_civil_utc() {
        let v = serde_json::json!({"T": 1_700_000_000.5});
        assert_eq!(super::time(&v, "T"), "2023-11-14 22:13:20");
    }
}
