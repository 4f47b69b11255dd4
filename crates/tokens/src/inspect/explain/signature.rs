//! The algorithm and signature checks: `alg: none` and algorithm confusion called attacks, an
//! HMAC checked against the secrets given, a signature against the public keys (by `kid`, key
//! type, declared `alg` and `use`).

use super::{Check, CheckName, CheckResult};
use crate::error::echo;
use crate::inspect::alg::{Alg, KeyFamily};
use crate::inspect::decode::Decoded;
use crate::inspect::keys::KeyRing;

/// The `alg` check and the signature check.
pub(super) fn signature_checks(decoded: &Decoded, ring: &KeyRing, checks: &mut Vec<Check>) {
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
    if decoded
        .header
        .as_ref()
        .and_then(|h| h.get("b64"))
        .is_some_and(|b64| b64 != &serde_json::Value::Bool(true))
    {
        checks.push(Check::new(
            N::Algorithm,
            R::Fail,
            "the header sets `b64` (RFC 7797, unencoded payload), which changes the signed bytes and which the inspector does not verify, so the token must be refused",
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
