//! The checklist: every check on a decoded token with its result and the reason, against keys
//! and expectations the caller gives and a `now` it passes in.
//!
//! The checklist's vocabulary and its order live here; `signature` holds the algorithm and
//! signature checks, `claims` the time and claim checks.

mod claims;
mod signature;

use std::fmt;

use super::decode::{Decoded, TokenKind};
use super::keys::KeyRing;

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
    signature::signature_checks(decoded, ring, &mut checks);
    claims::time_checks(decoded, expect, &mut checks);
    claims::claim_checks(decoded, expect, &mut checks);
    checks
}
