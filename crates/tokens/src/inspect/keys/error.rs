//! Why a key source could not be read: [`KeyError`], naming what was wrong and where.

/// Why a key source could not be read. The message names what was wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The text is none of the formats read.
    #[error("not a key: expected a JWKS or JWK (JSON starting with `{{`), or PEM (`-----BEGIN …`)")]
    UnknownFormat,
    /// JSON that does not parse.
    #[error("not valid JSON: {reason}")]
    Json {
        /// serde_json's reason.
        reason: String,
    },
    /// A JWKS without a `keys` array, or with too many keys.
    #[error("invalid JWKS: {reason}")]
    Jwks {
        /// What is wrong.
        reason: String,
    },
    /// A JWK that cannot be used.
    #[error("invalid JWK{}: {reason}", describe_jwk(*index, kid.as_deref()))]
    Jwk {
        /// Its position in a JWKS (0-based), if in one.
        index: Option<usize>,
        /// Its `kid` (shortened).
        kid: Option<String>,
        /// What is wrong.
        reason: String,
    },
    /// No usable key in a JWKS.
    #[error("the JWKS has no key the inspector can use{}", if skipped.is_empty() { String::new() } else { format!(" ({})", skipped.join("; ")) })]
    NoUsableKey {
        /// Why each key was skipped.
        skipped: Vec<String>,
    },
    /// PEM armour that does not parse.
    #[error("invalid PEM: {reason}")]
    Pem {
        /// What is wrong.
        reason: String,
    },
    /// A PEM block of a kind not read.
    #[error(
        "a PEM `{label}` block is not a key the inspector reads (PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE, PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY)"
    )]
    UnsupportedPem {
        /// The block's label.
        label: String,
    },
    /// An encrypted private key.
    #[error(
        "the private key is encrypted; decrypt it first (`openssl pkcs8 -in key.pem -out plain.pem`)"
    )]
    EncryptedPrivateKey,
    /// An X.509 certificate that does not parse.
    #[error("invalid X.509 certificate: {reason}")]
    Certificate {
        /// What the DER parser said.
        reason: String,
    },
    /// A public key whose algorithm no JWS algorithm uses.
    #[error("the key's algorithm ({oid}) is not one JWS uses (RSA, EC P-256/P-384/P-521, Ed25519)")]
    UnsupportedKeyType {
        /// Its object identifier.
        oid: String,
    },
    /// Key bytes the crypto library refused.
    #[error("{what} is not a valid key: {reason}")]
    Rejected {
        /// Which key.
        what: String,
        /// Why.
        reason: String,
    },
    /// An empty or undecodable HMAC secret.
    #[error("invalid secret: {reason}")]
    Secret {
        /// What is wrong.
        reason: String,
    },
}

fn describe_jwk(index: Option<usize>, kid: Option<&str>) -> String {
    match (index, kid) {
        (Some(i), Some(k)) => format!(" #{} (kid {k:?})", i + 1),
        (Some(i), None) => format!(" #{}", i + 1),
        (None, Some(k)) => format!(" (kid {k:?})"),
        (None, None) => String::new(),
    }
}
