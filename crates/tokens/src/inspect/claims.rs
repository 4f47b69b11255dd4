//! The claims table: a one-line meaning for each registered (RFC 7519), OpenID Connect and
//! Cognito claim, and times as RFC 3339 UTC with relative wording against a `now` the caller
//! passes in.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One row of the claims table.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRow {
    /// The claim's name.
    pub name: String,
    /// Its value, as decoded.
    pub value: Value,
    /// What the claim means, when it is one the inspector knows.
    pub meaning: Option<&'static str>,
    /// For time claims (`exp`, `nbf`, `iat`, `auth_time`, `updated_at`) with a numeric value.
    pub time: Option<ClaimTime>,
    /// Something wrong with the value (a time claim that is not a number, say).
    pub problem: Option<String>,
}

/// A NumericDate shown for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimTime {
    /// Whole seconds since the epoch (fractions floored, out-of-range values saturated).
    pub secs: i64,
    /// RFC 3339 in UTC (`2024-05-01T12:00:00Z`), or `None` beyond the years 0000–9999.
    pub utc: Option<String>,
    /// Relative to `now`: "expires in 55 min", "expired 3 days ago", "issued 2 h ago".
    pub relative: String,
}

/// What a claim means, for the claims a developer meets in Cognito and OIDC tokens.
#[must_use]
pub fn claim_meaning(name: &str) -> Option<&'static str> {
    Some(match name {
        "iss" => "Issuer: who made and signed the token (for Cognito, the user pool's URL)",
        "sub" => "Subject: the user's permanent, never-reused id (a UUID in Cognito)",
        "aud" => "Audience: the app client(s) the token is meant for (ID tokens)",
        "exp" => "Expiry: the token must be refused at or after this time",
        "nbf" => "Not before: the token must be refused before this time",
        "iat" => "Issued at: when the token was made",
        "jti" => "JWT id: this token's unique id",
        "token_use" => {
            "Cognito: what the token is for, `id` (who the user is) or `access` (what it may call)"
        }
        "client_id" => "Cognito access tokens: the app client the token was issued to",
        "scope" => "OAuth 2.0 scopes granted, separated by spaces",
        "auth_time" => "When the user signed in; tokens from a refresh keep the original time",
        "cognito:groups" => "Cognito: the user's groups, highest precedence first",
        "cognito:username" => "Cognito ID tokens: the user's username (may differ from sub)",
        "cognito:roles" => "Cognito: the IAM role ARNs of the user's groups",
        "cognito:preferred_role" => {
            "Cognito: the role of the highest-precedence group that has one"
        }
        "username" => "Cognito access tokens: the user's username",
        "origin_jti" => {
            "Cognito: the sign-in (refresh token) this token descends from; revoking it revokes the token"
        }
        "event_id" => "Cognito: the authentication event that produced the token",
        "version" => "Cognito access tokens: the token format's version",
        "device_key" => "Cognito: the remembered device the user signed in from",
        "identities" => "Cognito: the federated identity providers linked to the user",
        "at_hash" => "OIDC: hash of the access token issued with this ID token",
        "c_hash" => "OIDC: hash of the authorization code issued with this ID token",
        "nonce" => "OIDC: the value the client sent to tie this ID token to its request",
        "azp" => "OIDC: the party the ID token was issued to, when the audience has several",
        "acr" => "OIDC: the authentication context class the sign-in satisfied",
        "amr" => "OIDC: the authentication methods used (pwd, mfa, ...)",
        "sid" => "OIDC: the session id at the identity provider",
        "email" => "The user's email address",
        "email_verified" => "Whether the user proved they own the email address",
        "phone_number" => "The user's phone number (E.164)",
        "phone_number_verified" => "Whether the user proved they own the phone number",
        "name" => "The user's full name",
        "given_name" => "The user's given (first) name",
        "family_name" => "The user's family (last) name",
        "middle_name" => "The user's middle name",
        "nickname" => "The user's casual name",
        "preferred_username" => "The name the user prefers to be shown (not unique)",
        "profile" => "URL of the user's profile page",
        "picture" => "URL of the user's picture",
        "website" => "URL of the user's website",
        "gender" => "The user's gender",
        "birthdate" => "The user's birthday (YYYY-MM-DD)",
        "zoneinfo" => "The user's time zone",
        "locale" => "The user's locale",
        "address" => "The user's postal address",
        "updated_at" => "When the user's profile was last changed",
        _ if name.starts_with("custom:") => "A custom attribute of the user pool",
        _ if name.starts_with("dev:") => "A developer-only attribute of the user pool",
        _ => return None,
    })
}

/// Which claims hold NumericDates.
fn is_time_claim(name: &str) -> bool {
    matches!(name, "exp" | "nbf" | "iat" | "auth_time" | "updated_at")
}

/// A NumericDate as whole seconds: fractions floored, values beyond `i64` saturated.
/// `None` for a value that is not a number.
#[must_use]
pub fn numeric_date(value: &Value) -> Option<i64> {
    let Value::Number(n) = value else {
        return None;
    };
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    if n.as_u64().is_some() {
        return Some(i64::MAX);
    }
    // `as` saturates out-of-range floats (and serde_json never yields NaN or infinity).
    n.as_f64().map(|f| f.floor() as i64)
}

/// `secs` as RFC 3339 UTC, or `None` outside the years the format can write.
#[must_use]
pub fn rfc3339(secs: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
}

/// A span of seconds in words: "42 s", "55 min", "5 h", "3 days", "2 years".
#[must_use]
pub fn span(secs: u64) -> String {
    const MIN: u64 = 60;
    const HOUR: u64 = 60 * MIN;
    const DAY: u64 = 24 * HOUR;
    const YEAR: u64 = 365 * DAY + DAY / 4;
    let plural = |n: u64, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    if secs < MIN {
        format!("{secs} s")
    } else if secs < 2 * HOUR {
        format!("{} min", secs / MIN)
    } else if secs < 2 * DAY {
        format!("{} h", secs / HOUR)
    } else if secs < 2 * YEAR {
        plural(secs / DAY, "day", "days")
    } else {
        plural(secs / YEAR, "year", "years")
    }
}

/// How `at` relates to `now`, worded for the claim it came from.
#[must_use]
pub fn relative(claim: &str, at: i64, now: i64) -> String {
    let ahead = at > now;
    let d = span(at.abs_diff(now));
    match (claim, ahead) {
        ("exp", true) => format!("expires in {d}"),
        ("exp", false) => format!("expired {d} ago"),
        ("nbf", true) => format!("not valid for another {d}"),
        ("nbf", false) => format!("valid since {d} ago"),
        ("iat", true) => format!("issued {d} in the future"),
        ("iat", false) => format!("issued {d} ago"),
        ("auth_time", true) => format!("signed in {d} in the future"),
        ("auth_time", false) => format!("signed in {d} ago"),
        (_, true) => format!("in {d}"),
        (_, false) => format!("{d} ago"),
    }
}

/// The table for a claims object, in the claims' (sorted) order.
#[must_use]
pub fn claim_rows(claims: &Map<String, Value>, now: i64) -> Vec<ClaimRow> {
    claims
        .iter()
        .map(|(name, value)| {
            let (time, problem) = if is_time_claim(name) {
                match numeric_date(value) {
                    Some(secs) => (
                        Some(ClaimTime {
                            secs,
                            utc: rfc3339(secs),
                            relative: relative(name, secs, now),
                        }),
                        None,
                    ),
                    None => (
                        None,
                        Some(format!(
                            "{name} must be a number of seconds since 1970 (a NumericDate), not {}",
                            json_kind(value)
                        )),
                    ),
                }
            } else {
                (None, None)
            };
            ClaimRow {
                name: name.clone(),
                value: value.clone(),
                meaning: claim_meaning(name),
                time,
                problem,
            }
        })
        .collect()
}

/// "a string", "an array", ... for messages about a value's type.
pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn relative_wording_reads_as_people_say_it() {
        assert_eq!(relative("exp", NOW + 55 * 60, NOW), "expires in 55 min");
        assert_eq!(relative("exp", NOW - 3 * 86_400, NOW), "expired 3 days ago");
        assert_eq!(
            relative("exp", NOW, NOW),
            "expired 0 s ago",
            "exp is exclusive"
        );
        assert_eq!(relative("iat", NOW - 7200, NOW), "issued 2 h ago");
        assert_eq!(relative("nbf", NOW + 30, NOW), "not valid for another 30 s");
        assert_eq!(relative("exp", NOW + 86_400, NOW), "expires in 24 h");
        assert_eq!(relative("exp", i64::MAX, NOW).split(' ').count(), 4);
        assert_eq!(span(86_400 * 2), "2 days");
        assert_eq!(span(86_400 * 800), "2 years");
        assert!(span(u64::MAX).ends_with("years"));
    }

    #[test]
    fn times_are_rfc3339_utc_and_out_of_range_is_none() {
        assert_eq!(rfc3339(NOW).as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(rfc3339(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(rfc3339(i64::MAX), None);
        assert_eq!(rfc3339(-99_999_999_999_999), None);
    }

    #[test]
    fn numeric_dates_floor_saturate_and_refuse_non_numbers() {
        assert_eq!(numeric_date(&json!(12.9)), Some(12));
        assert_eq!(numeric_date(&json!(u64::MAX)), Some(i64::MAX));
        assert_eq!(numeric_date(&json!(1e300)), Some(i64::MAX));
        assert_eq!(numeric_date(&json!(-1e300)), Some(i64::MIN));
        assert_eq!(numeric_date(&json!("1700000000")), None);
    }

    #[test]
    fn rows_explain_known_claims_and_flag_bad_times() {
        let claims = json!({"exp": NOW + 60, "iat": "yesterday", "custom:tier": "gold", "x": 1});
        let rows = claim_rows(claims.as_object().unwrap(), NOW);
        let row = |n: &str| rows.iter().find(|r| r.name == n).unwrap();
        assert_eq!(
            row("exp").time.as_ref().unwrap().relative,
            "expires in 1 min"
        );
        assert!(
            row("iat")
                .problem
                .as_ref()
                .unwrap()
                .contains("not a string")
        );
        assert_eq!(
            row("custom:tier").meaning,
            Some("A custom attribute of the user pool")
        );
        assert_eq!(row("x").meaning, None);
        for c in [
            "token_use",
            "cognito:groups",
            "origin_jti",
            "event_id",
            "auth_time",
            "client_id",
        ] {
            assert!(claim_meaning(c).is_some(), "{c} must be explained");
        }
    }
}
