//! The JWS algorithms the inspector knows, and the key family each one needs.

use std::fmt;

/// A JWS `alg` the inspector can verify and sign with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (Cognito's algorithm).
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512,
    /// RSASSA-PSS with SHA-256 (MGF1 SHA-256, 32-byte salt).
    Ps256,
    /// RSASSA-PSS with SHA-384.
    Ps384,
    /// RSASSA-PSS with SHA-512.
    Ps512,
    /// ECDSA on P-256 with SHA-256, signature as the 64-byte `r || s`.
    Es256,
    /// ECDSA on P-384 with SHA-384, signature as the 96-byte `r || s`.
    Es384,
    /// ECDSA on P-521 with SHA-512, signature as the 132-byte `r || s`.
    Es512,
    /// EdDSA with Ed25519 (`EdDSA`, or `Ed25519` as RFC 9864 names it).
    EdDsa,
    /// HMAC with SHA-256: a shared secret, not a key pair.
    Hs256,
    /// HMAC with SHA-384.
    Hs384,
    /// HMAC with SHA-512.
    Hs512,
}

/// What kind of key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFamily {
    /// An RSA key (RS*, PS*).
    Rsa,
    /// An EC key on this curve (ES*).
    Ec(Curve),
    /// An Ed25519 key (EdDSA).
    Ed25519,
    /// A shared secret (HS*).
    Hmac,
}

/// A NIST curve used by ECDSA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    /// P-256 (secp256r1), for ES256.
    P256,
    /// P-384 (secp384r1), for ES384.
    P384,
    /// P-521 (secp521r1), for ES512.
    P521,
}

impl Curve {
    /// The JWK `crv` name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    /// Bytes of one coordinate (and of `r` and `s` in a signature).
    #[must_use]
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    /// The curve a JWK `crv` names.
    #[must_use]
    pub fn from_name(crv: &str) -> Option<Curve> {
        match crv {
            "P-256" => Some(Curve::P256),
            "P-384" => Some(Curve::P384),
            "P-521" => Some(Curve::P521),
            _ => None,
        }
    }
}

impl fmt::Display for KeyFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyFamily::Rsa => f.write_str("an RSA key"),
            KeyFamily::Ec(c) => write!(f, "an EC {} key", c.name()),
            KeyFamily::Ed25519 => f.write_str("an Ed25519 key"),
            KeyFamily::Hmac => f.write_str("a shared secret"),
        }
    }
}

impl Alg {
    /// Every algorithm, in the order the inspector lists them.
    pub const ALL: [Alg; 13] = [
        Alg::Rs256,
        Alg::Rs384,
        Alg::Rs512,
        Alg::Ps256,
        Alg::Ps384,
        Alg::Ps512,
        Alg::Es256,
        Alg::Es384,
        Alg::Es512,
        Alg::EdDsa,
        Alg::Hs256,
        Alg::Hs384,
        Alg::Hs512,
    ];

    /// The `alg` header value.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Alg::Rs256 => "RS256",
            Alg::Rs384 => "RS384",
            Alg::Rs512 => "RS512",
            Alg::Ps256 => "PS256",
            Alg::Ps384 => "PS384",
            Alg::Ps512 => "PS512",
            Alg::Es256 => "ES256",
            Alg::Es384 => "ES384",
            Alg::Es512 => "ES512",
            Alg::EdDsa => "EdDSA",
            Alg::Hs256 => "HS256",
            Alg::Hs384 => "HS384",
            Alg::Hs512 => "HS512",
        }
    }

    /// The algorithm an `alg` header value names (exact spelling; `Ed25519` is read as EdDSA).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Alg> {
        if name == "Ed25519" {
            return Some(Alg::EdDsa);
        }
        Alg::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The key this algorithm needs.
    #[must_use]
    pub fn family(self) -> KeyFamily {
        match self {
            Alg::Rs256 | Alg::Rs384 | Alg::Rs512 | Alg::Ps256 | Alg::Ps384 | Alg::Ps512 => {
                KeyFamily::Rsa
            }
            Alg::Es256 => KeyFamily::Ec(Curve::P256),
            Alg::Es384 => KeyFamily::Ec(Curve::P384),
            Alg::Es512 => KeyFamily::Ec(Curve::P521),
            Alg::EdDsa => KeyFamily::Ed25519,
            Alg::Hs256 | Alg::Hs384 | Alg::Hs512 => KeyFamily::Hmac,
        }
    }

    /// Whether this is an HMAC (shared-secret) algorithm.
    #[must_use]
    pub fn is_hmac(self) -> bool {
        self.family() == KeyFamily::Hmac
    }

    /// Position in [`Alg::ALL`], for per-algorithm caches.
    pub(crate) fn index(self) -> usize {
        match self {
            Alg::Rs256 => 0,
            Alg::Rs384 => 1,
            Alg::Rs512 => 2,
            Alg::Ps256 => 3,
            Alg::Ps384 => 4,
            Alg::Ps512 => 5,
            Alg::Es256 => 6,
            Alg::Es384 => 7,
            Alg::Es512 => 8,
            Alg::EdDsa => 9,
            Alg::Hs256 => 10,
            Alg::Hs384 => 11,
            Alg::Hs512 => 12,
        }
    }

    /// The smallest HMAC secret that gives the algorithm its full strength (RFC 7518 §3.2:
    /// a key at least as long as the hash output).
    pub(crate) fn min_hmac_len(self) -> usize {
        match self {
            Alg::Hs384 => 48,
            Alg::Hs512 => 64,
            _ => 32,
        }
    }

    pub(crate) fn hmac(self) -> Option<aws_lc_rs::hmac::Algorithm> {
        match self {
            Alg::Hs256 => Some(aws_lc_rs::hmac::HMAC_SHA256),
            Alg::Hs384 => Some(aws_lc_rs::hmac::HMAC_SHA384),
            Alg::Hs512 => Some(aws_lc_rs::hmac::HMAC_SHA512),
            _ => None,
        }
    }

    pub(crate) fn verification(
        self,
    ) -> Option<&'static dyn aws_lc_rs::signature::VerificationAlgorithm> {
        use aws_lc_rs::signature as s;
        Some(match self {
            Alg::Rs256 => &s::RSA_PKCS1_2048_8192_SHA256,
            Alg::Rs384 => &s::RSA_PKCS1_2048_8192_SHA384,
            Alg::Rs512 => &s::RSA_PKCS1_2048_8192_SHA512,
            Alg::Ps256 => &s::RSA_PSS_2048_8192_SHA256,
            Alg::Ps384 => &s::RSA_PSS_2048_8192_SHA384,
            Alg::Ps512 => &s::RSA_PSS_2048_8192_SHA512,
            Alg::Es256 => &s::ECDSA_P256_SHA256_FIXED,
            Alg::Es384 => &s::ECDSA_P384_SHA384_FIXED,
            Alg::Es512 => &s::ECDSA_P521_SHA512_FIXED,
            Alg::EdDsa => &s::ED25519,
            Alg::Hs256 | Alg::Hs384 | Alg::Hs512 => return None,
        })
    }
}

impl fmt::Display for Alg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_index_matches_the_list() {
        for (i, a) in Alg::ALL.into_iter().enumerate() {
            assert_eq!(Alg::from_name(a.name()), Some(a));
            assert_eq!(a.index(), i, "{a} must sit at its index");
        }
        assert_eq!(Alg::from_name("Ed25519"), Some(Alg::EdDsa));
        assert_eq!(
            Alg::from_name("rs256"),
            None,
            "alg names are case-sensitive"
        );
        assert_eq!(Alg::from_name("none"), None);
    }
}
