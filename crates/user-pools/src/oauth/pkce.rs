//! Proof Key for Code Exchange (RFC 7636): the challenge an authorize request sends, and the
//! verifier the token request must answer it with.

use subtle::ConstantTimeEq;

/// `code_challenge_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    S256,
    Plain,
}

impl Method {
    /// The method as the wire spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::S256 => "S256",
            Method::Plain => "plain",
        }
    }

    /// The method named (case-sensitive, as RFC 7636 spells them).
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "S256" => Some(Method::S256),
            "plain" => Some(Method::Plain),
            _ => None,
        }
    }
}

/// Whether `s` is a verifier (or a plain challenge) as RFC 7636 §4.1 allows: 43 to 128
/// characters of `[A-Za-z0-9-._~]`.
pub fn well_formed(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// The S256 challenge of a verifier: `BASE64URL(SHA256(verifier))`.
pub fn s256(verifier: &str) -> String {
    tokens::sha256_base64url(verifier)
}

/// Whether `verifier` answers `challenge` under `method`, compared in constant time.
pub fn verifies(method: Method, challenge: &str, verifier: &str) -> bool {
    if !well_formed(verifier) {
        return false;
    }
    let computed = match method {
        Method::S256 => s256(verifier),
        Method::Plain => verifier.to_string(),
    };
    computed.len() == challenge.len() && bool::from(computed.as_bytes().ct_eq(challenge.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_example_verifies() {
        // RFC 7636, appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert_eq!(s256(verifier), challenge);
        assert!(verifies(Method::S256, challenge, verifier));
        assert!(!verifies(
            Method::S256,
            challenge,
            &verifier.replace('d', "e")
        ));
        assert!(verifies(Method::Plain, verifier, verifier));
        assert!(!verifies(Method::Plain, challenge, verifier));
        assert!(!verifies(Method::Plain, "short", "short"));
    }
}
