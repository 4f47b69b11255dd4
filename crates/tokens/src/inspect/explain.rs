//! The checklist: every check on a decoded token with its result and the reason, against keys
//! and expectations the caller gives and a `now` it passes in.

use std::fmt;

use serde_json::Value;

use super::alg::{Alg, KeyFamily};
use super::claims::{numeric_date, relative, rfc3339};
use super::decode::{Decoded, TokenKind};
use super::keys::KeyRing;
use crate::error::echo;

/// Which check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckName {
    /// The input decoded as a compact JWS.
    Structure,
    /// The header's `alg`: known, not `none`, suited to the keys (algorithm confusion).
    Algorithm,
    /// The signature verifies with one of the keys.
    Signature,
    /// `exp` is after `now - skew`.
    Expiry,
    /// `nbf` is not after `now + skew`.
    NotBefore,
    /// `iat` is not after `now + skew`.
    IssuedAt,
    /// `iss` is the expected issuer.
    Issuer,
    /// `aud` or `client_id` names the expected app client.
    Audience,
    /// `token_use` is the expected use.
    TokenUse,
    /// The token's sign-in has not been revoked (Poolhouse-issued tokens only).
    Revocation,
}

impl CheckName {
    /// A stable code for programs and the UI.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            CheckName::Structure => "structure",
            CheckName::Algorithm => "algorithm",
            CheckName::Signature => "signature",
            CheckName::Expiry => "exp",
            CheckName::NotBefore => "nbf",
            CheckName::IssuedAt => "iat",
            CheckName::Issuer => "iss",
            CheckName::Audience => "aud",
            CheckName::TokenUse => "token_use",
            CheckName::Revocation => "revoked",
        }
    }
}

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckResult {
    /// Checked and fine.
    Pass,
    /// Checked and wrong: the token must be refused.
    Fail,
    /// Fine as far as the check goes, but worth a look (a weak HMAC secret, no `exp`).
    Warning,
    /// Not checked, and why is in the reason (nothing expected, claim absent).
    Skipped,
}

impl CheckResult {
    /// `pass`, `fail`, `warning`, `skipped`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            CheckResult::Pass => "pass",
            CheckResult::Fail => "fail",
            CheckResult::Warning => "warning",
            CheckResult::Skipped => "skipped",
        }
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Which check.
    pub name: CheckName,
    /// Its outcome.
    pub result: CheckResult,
    /// Why, in words.
    pub reason: String,
    /// Whether the failure is the mark of an attack (`alg: none`, algorithm confusion), not a
    /// mere mistake.
    pub is_attack: bool,
    /// The `kid` (or the key's description) the check is about, when one is.
    pub key: Option<String>,
}

impl Check {
    /// A check without a key.
    #[must_use]
    pub fn new(name: CheckName, result: CheckResult, reason: impl Into<String>) -> Check {
        Check {
            name,
            result,
            reason: reason.into(),
            is_attack: false,
            key: None,
        }
    }

    fn attack(name: CheckName, reason: impl Into<String>) -> Check {
        Check {
            is_attack: true,
            ..Check::new(name, CheckResult::Fail, reason)
        }
    }
}

/// What the token is expected to be (everything optional), and when "now" is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expectations {
    /// The `iss` it must have.
    pub issuer: Option<String>,
    /// The app client it must be for (`aud` or `client_id`).
    pub client_id: Option<String>,
    /// The `token_use` it must have (`id` or `access`).
    pub token_use: Option<String>,
    /// Clock skew allowed on `exp`, `nbf` and `iat`, in seconds (negative counts as zero).
    pub skew_secs: i64,
    /// Now, in seconds since the epoch.
    pub now: i64,
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every check passed or was skipped (warnings allowed).
    Valid,
    /// At least one check failed.
    Invalid,
    /// A check found the mark of an attack (`alg: none`, algorithm confusion).
    Attack,
    /// The input is not a token that can be checked.
    NotAToken,
}

impl Verdict {
    /// `Valid`, `Invalid`, `Attack`, `NotAToken`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Valid => "Valid",
            Verdict::Invalid => "Invalid",
            Verdict::Attack => "Attack",
            Verdict::NotAToken => "NotAToken",
        }
    }

    /// The verdict of a checklist.
    #[must_use]
    pub fn of(checks: &[Check]) -> Verdict {
        if checks.iter().any(|c| c.is_attack) {
            Verdict::Attack
        } else if checks
            .iter()
            .any(|c| c.name == CheckName::Structure && c.result == CheckResult::Fail)
        {
            Verdict::NotAToken
        } else if checks.iter().any(|c| c.result == CheckResult::Fail) {
            Verdict::Invalid
        } else {
            Verdict::Valid
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Runs every check on `decoded` with the keys in `ring`. The revocation check is not here
/// (it needs the store); callers that can, add it.
#[must_use]
pub fn explain(decoded: &Decoded, ring: &KeyRing, expect: &Expectations) -> Vec<Check> {
    use CheckName as N;
    use CheckResult as R;
    let mut checks = Vec::new();
    match (&decoded.problem, decoded.kind) {
        (Some(problem), _) => {
            checks.push(Check::new(N::Structure, R::Fail, problem.to_string()));
            return checks;
        }
        (None, TokenKind::Jwe) => {
            checks.push(Check::new(
                N::Structure,
                R::Fail,
                "a JWE (encrypted token): it cannot be verified without decrypting it, which the inspector does not do",
            ));
            return checks;
        }
        (None, TokenKind::NotAToken) => {
            checks.push(Check::new(N::Structure, R::Fail, "not a compact JWS"));
            return checks;
        }
        (None, TokenKind::Jws | TokenKind::Unsigned) => {}
    }
    if decoded.claims_map().is_some() {
        checks.push(Check::new(
            N::Structure,
            R::Pass,
            "a compact JWS whose payload is a JSON object of claims",
        ));
    } else {
        checks.push(Check::new(
            N::Structure,
            R::Fail,
            "a compact JWS, but its payload is not a JSON object of claims",
        ));
    }
    signature_checks(decoded, ring, &mut checks);
    time_checks(decoded, expect, &mut checks);
    claim_checks(decoded, expect, &mut checks);
    checks
}

fn signature_checks(decoded: &Decoded, ring: &KeyRing, checks: &mut Vec<Check>) {
    use CheckName as N;
    use CheckResult as R;
    let Some(alg_name) = decoded.alg() else {
        checks.push(Check::new(
            N::Algorithm,
            R::Fail,
            "the header has no string `alg`",
        ));
        checks.push(Check::new(
            N::Signature,
            R::Skipped,
            "no algorithm to verify with",
        ));
        return;
    };
    if alg_name.eq_ignore_ascii_case("none") {
        checks.push(Check::attack(
            N::Algorithm,
            "alg is `none`: an unsigned token, which anyone can write. A verifier that accepts it \
             accepts forgeries; this is an attack, not a mistake",
        ));
        checks.push(Check::new(
            N::Signature,
            R::Fail,
            "there is no signature to verify",
        ));
        return;
    }
    let Some(alg) = Alg::from_name(alg_name) else {
        checks.push(Check::new(
            N::Algorithm,
            R::Fail,
            format!(
                "alg {:?} is not one the inspector verifies (RS256/384/512, PS256/384/512, ES256/384/512, EdDSA, HS256/384/512)",
                echo(alg_name)
            ),
        ));
        checks.push(Check::new(
            N::Signature,
            R::Skipped,
            "the algorithm is not supported",
        ));
        return;
    };
    if decoded
        .header
        .as_ref()
        .is_some_and(|h| h.contains_key("crit"))
    {
        checks.push(Check::new(
            N::Algorithm,
            R::Fail,
            "the header lists critical extensions (`crit`), none of which the inspector understands, so the token must be refused",
        ));
        return;
    }
    let Some(input) = decoded.signing_input() else {
        checks.push(Check::new(N::Signature, R::Skipped, "nothing to verify"));
        return;
    };
    let message = input.as_bytes();
    let signature = decoded.signature.as_slice();
    if alg.is_hmac() {
        hmac_checks(alg, decoded, ring, message, signature, checks);
    } else {
        public_key_checks(alg, decoded, ring, message, signature, checks);
    }
}

fn hmac_checks(
    alg: Alg,
    decoded: &Decoded,
    ring: &KeyRing,
    message: &[u8],
    signature: &[u8],
    checks: &mut Vec<Check>,
) {
    use CheckName as N;
    use CheckResult as R;
    let Some(hmac) = alg.hmac() else {
        return;
    };
    let verifies = |secret: &[u8]| {
        aws_lc_rs::hmac::verify(&aws_lc_rs::hmac::Key::new(hmac, secret), message, signature)
            .is_ok()
    };
    // Algorithm confusion: the MAC was made with a public key's bytes as the secret.
    for key in &ring.public {
        if let Some((what, _)) = key.confusion_secrets().find(|(_, bytes)| verifies(bytes)) {
            checks.push(Check {
                key: Some(key.describe()),
                ..Check::attack(
                    N::Algorithm,
                    format!(
                        "ALGORITHM CONFUSION: this {alg} token's MAC was made with the public key itself as the HMAC secret: {}, as {what}. \
                         A verifier that hands its public key to an HMAC check would accept it, so anyone holding the \
                         public key can forge tokens. Verifiers must fix the algorithm per key, never take it from the token",
                        key.describe()
                    ),
                )
            });
            checks.push(Check::new(
                N::Signature,
                R::Fail,
                format!("refused: a MAC keyed with a public key ({what}) is a forgery"),
            ));
            return;
        }
    }
    let kid = decoded.kid();
    let candidates: Vec<_> = ring
        .secrets
        .iter()
        .filter(|s| match (kid, s.kid.as_deref()) {
            (Some(want), Some(have)) => want == have,
            _ => true,
        })
        .collect();
    if let Some(secret) = candidates.iter().find(|s| verifies(s.bytes())) {
        let len = secret.bytes().len();
        checks.push(if len < alg.min_hmac_len() {
            Check::new(
                N::Algorithm,
                R::Warning,
                format!(
                    "{alg} with a {len}-byte secret: shorter than the {} bytes that give it full strength (RFC 7518 §3.2); a short secret can be guessed offline from any one token",
                    alg.min_hmac_len()
                ),
            )
        } else {
            Check::new(N::Algorithm, R::Pass, format!("{alg}: HMAC with a shared secret"))
        });
        checks.push(Check {
            key: secret.kid.clone(),
            ..Check::new(
                N::Signature,
                R::Pass,
                format!("the {alg} MAC matches {}", secret.origin),
            )
        });
        return;
    }
    if ring.secrets.is_empty() {
        if ring.public.is_empty() {
            checks.push(Check::new(
                N::Algorithm,
                R::Pass,
                format!("{alg}: HMAC with a shared secret"),
            ));
            checks.push(Check::new(
                N::Signature,
                R::Fail,
                format!("{alg} is checked with a shared secret, and none was given"),
            ));
        } else {
            checks.push(Check::new(
                N::Algorithm,
                R::Warning,
                format!(
                    "an {alg} (shared-secret) token checked against public keys ({}): the shape of an algorithm-confusion attempt, though its MAC matches none of the keys' encodings",
                    ring.describe()
                ),
            ));
            checks.push(Check::new(
                N::Signature,
                R::Fail,
                format!("{alg} needs a shared secret; the keys given are public keys, which must never be used as HMAC secrets"),
            ));
        }
        return;
    }
    checks.push(Check::new(
        N::Algorithm,
        R::Pass,
        format!("{alg}: HMAC with a shared secret"),
    ));
    let reason = match (kid, candidates.is_empty()) {
        (Some(k), true) => format!(
            "unknown kid {:?}: no secret with that kid among {}",
            echo(k),
            ring.describe()
        ),
        _ => format!(
            "bad signature: the {alg} MAC does not match {}",
            ring.secrets
                .iter()
                .map(|s| s.origin.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    checks.push(Check::new(N::Signature, R::Fail, reason));
}

fn public_key_checks(
    alg: Alg,
    decoded: &Decoded,
    ring: &KeyRing,
    message: &[u8],
    signature: &[u8],
    checks: &mut Vec<Check>,
) {
    use CheckName as N;
    use CheckResult as R;
    checks.push(Check::new(
        N::Algorithm,
        R::Pass,
        format!("{alg}: needs {}", alg.family()),
    ));
    if ring.public.is_empty() {
        let reason = if ring.secrets.is_empty() {
            format!("no key was given to verify the {alg} signature with")
        } else {
            format!(
                "key type mismatch: the token is {alg}, which needs {}, but only HMAC secrets were given",
                alg.family()
            )
        };
        checks.push(Check::new(N::Signature, R::Fail, reason));
        return;
    }
    let kid = decoded.kid();
    let by_kid: Vec<_> = ring
        .public
        .iter()
        .filter(|k| match kid {
            Some(want) => k.kid.as_deref() == Some(want) || k.kid.is_none(),
            None => true,
        })
        .collect();
    if by_kid.is_empty() {
        let kids: Vec<String> = ring
            .public
            .iter()
            .filter_map(|k| k.kid.as_deref().map(|s| format!("{:?}", echo(s))))
            .collect();
        checks.push(Check::new(
            N::Signature,
            R::Fail,
            format!(
                "unknown kid {:?}: the keys given have kid {}",
                echo(kid.unwrap_or("")),
                kids.join(", ")
            ),
        ));
        return;
    }
    let mut mismatches = Vec::new();
    let mut tried = Vec::new();
    for key in &by_kid {
        if !key.key_type.fits(alg) {
            mismatches.push(format!(
                "{} is {}, but {alg} needs {}",
                key.describe(),
                key.key_type,
                alg.family()
            ));
            continue;
        }
        if let Some(declared) = key.alg.as_deref()
            && declared != alg.name()
        {
            mismatches.push(format!(
                "{} is declared for {}, not {alg}",
                key.describe(),
                echo(declared)
            ));
            continue;
        }
        if key.key_use.as_deref().is_some_and(|u| u != "sig") {
            mismatches.push(format!(
                "{} is for encryption (`use` is not `sig`)",
                key.describe()
            ));
            continue;
        }
        if key.verifies(alg, message, signature) {
            checks.push(Check {
                key: Some(key.kid.clone().unwrap_or_else(|| key.describe())),
                ..Check::new(
                    N::Signature,
                    R::Pass,
                    format!("the {alg} signature verifies with {}", key.describe()),
                )
            });
            return;
        }
        tried.push(key.describe());
    }
    let reason = if tried.is_empty() {
        format!("key type/alg mismatch: {}", mismatches.join("; "))
    } else {
        let mut reason = format!(
            "bad signature: the {alg} signature does not verify with {}",
            tried.join(", ")
        );
        if let Some(hint) = signature_shape_hint(alg, signature) {
            reason.push_str(&format!(" ({hint})"));
        }
        reason
    };
    checks.push(Check {
        key: kid.map(echo),
        ..Check::new(N::Signature, R::Fail, reason)
    });
}

/// A hint when a signature's length is wrong for its algorithm (a DER-encoded ECDSA signature
/// is a classic).
fn signature_shape_hint(alg: Alg, signature: &[u8]) -> Option<String> {
    match alg.family() {
        KeyFamily::Ec(curve) => {
            let want = curve.field_len() * 2;
            (signature.len() != want).then(|| {
                let der = if signature.first() == Some(&0x30) {
                    "; it looks DER-encoded, but JWS uses the raw r || s form"
                } else {
                    ""
                };
                format!(
                    "an {alg} signature is {want} bytes, this one is {}{der}",
                    signature.len()
                )
            })
        }
        KeyFamily::Ed25519 => (signature.len() != 64).then(|| {
            format!(
                "an EdDSA signature is 64 bytes, this one is {}",
                signature.len()
            )
        }),
        KeyFamily::Rsa | KeyFamily::Hmac => None,
    }
}

fn time_checks(decoded: &Decoded, expect: &Expectations, checks: &mut Vec<Check>) {
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

fn claim_checks(decoded: &Decoded, expect: &Expectations, checks: &mut Vec<Check>) {
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
