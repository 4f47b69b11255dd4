//! The claim checks: `exp`, `nbf` and `iat` against `now` with the skew allowed, then `iss`,
//! `aud`/`client_id` and `token_use` against what the caller expects.

use serde_json::Value;

use super::{Check, CheckName, CheckResult, Expectations};
use crate::error::echo;
use crate::inspect::claims::{numeric_date, relative, rfc3339};
use crate::inspect::decode::Decoded;

/// `exp`, `nbf` and `iat`.
pub(super) fn time_checks(decoded: &Decoded, expect: &Expectations, checks: &mut Vec<Check>) {
    use CheckName as N;
    use CheckResult as R;
    let Some(claims) = decoded.claims_map() else {
        return;
    };
    let now = expect.now;
    let skew = expect.skew_secs.max(0);
    let when = |secs: i64| match rfc3339(secs) {
        Some(t) => format!(" ({t})"),
        None => String::new(),
    };
    let skew_note = if skew > 0 {
        format!(", allowing {skew} s of clock skew")
    } else {
        String::new()
    };
    for (name, claim) in [
        (N::Expiry, "exp"),
        (N::NotBefore, "nbf"),
        (N::IssuedAt, "iat"),
    ] {
        let Some(value) = claims.get(claim) else {
            checks.push(match name {
                N::Expiry => Check::new(
                    name,
                    R::Warning,
                    "no exp: the token never expires (Cognito's always do)",
                ),
                _ => Check::new(name, R::Skipped, format!("no {claim} claim")),
            });
            continue;
        };
        let Some(at) = numeric_date(value) else {
            checks.push(Check::new(
                name,
                R::Fail,
                format!("{claim} is not a number of seconds since 1970"),
            ));
            continue;
        };
        let words = relative(claim, at, now);
        let (ok, reason) = match name {
            N::Expiry => (
                now.saturating_sub(skew) < at,
                format!("{words}{}{skew_note}", when(at)),
            ),
            N::NotBefore => (
                at <= now.saturating_add(skew),
                format!("{words}{}{skew_note}", when(at)),
            ),
            _ => (
                at <= now.saturating_add(skew),
                format!("{words}{}{skew_note}", when(at)),
            ),
        };
        let mut check = Check::new(name, if ok { R::Pass } else { R::Fail }, reason);
        if ok && name == N::Expiry && rfc3339(at).is_none() {
            check.result = R::Warning;
            check.reason = format!(
                "exp {at} is beyond any date (year 9999): the token practically never expires"
            );
        }
        checks.push(check);
    }
}

/// `iss`, `aud`/`client_id` and `token_use`.
pub(super) fn claim_checks(decoded: &Decoded, expect: &Expectations, checks: &mut Vec<Check>) {
    use CheckName as N;
    use CheckResult as R;
    let Some(claims) = decoded.claims_map() else {
        return;
    };
    let shown = |v: Option<&Value>| match v {
        Some(Value::String(s)) => format!("{:?}", echo(s)),
        Some(other) => echo(&other.to_string()),
        None => "absent".to_owned(),
    };
    checks.push(match &expect.issuer {
        None => Check::new(
            N::Issuer,
            R::Skipped,
            format!("no issuer expected; iss is {}", shown(claims.get("iss"))),
        ),
        Some(want) => match claims.get("iss").and_then(Value::as_str) {
            Some(iss) if iss == want => {
                Check::new(N::Issuer, R::Pass, format!("iss is {:?}", echo(iss)))
            }
            _ => Check::new(
                N::Issuer,
                R::Fail,
                format!(
                    "iss is {}, expected {:?}",
                    shown(claims.get("iss")),
                    echo(want)
                ),
            ),
        },
    });
    checks.push(match &expect.client_id {
        None => Check::new(N::Audience, R::Skipped, "no app client expected"),
        Some(want) => {
            let client_id = claims.get("client_id").and_then(Value::as_str);
            let aud_has = match claims.get("aud") {
                Some(Value::String(a)) => a == want,
                Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(want)),
                _ => false,
            };
            if client_id == Some(want.as_str()) {
                Check::new(N::Audience, R::Pass, format!("client_id is {:?}", echo(want)))
            } else if aud_has {
                Check::new(N::Audience, R::Pass, format!("aud includes {:?}", echo(want)))
            } else {
                Check::new(
                    N::Audience,
                    R::Fail,
                    format!(
                        "issued to another app client: aud is {} and client_id is {}, expected {:?}",
                        shown(claims.get("aud")),
                        shown(claims.get("client_id")),
                        echo(want)
                    ),
                )
            }
        }
    });
    checks.push(match &expect.token_use {
        None => Check::new(
            N::TokenUse,
            R::Skipped,
            format!(
                "no token_use expected; it is {}",
                shown(claims.get("token_use"))
            ),
        ),
        Some(want) => match claims.get("token_use").and_then(Value::as_str) {
            Some(u) if u == want => Check::new(N::TokenUse, R::Pass, format!("token_use is {u:?}")),
            _ => Check::new(
                N::TokenUse,
                R::Fail,
                format!(
                    "token_use is {}, expected {:?}{}",
                    shown(claims.get("token_use")),
                    echo(want),
                    match want.as_str() {
                        "access" =>
                            ": an ID token tells who the user is; APIs must take access tokens",
                        "id" =>
                            ": an access token says what the caller may do, not who the user is",
                        _ => "",
                    }
                ),
            ),
        },
    });
}
