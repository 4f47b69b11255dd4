//! A public key to verify with, whatever source it came from: its type, the key as SPKI DER
//! (parsed once per algorithm on first use), and the byte strings an attacker would use as an
//! HMAC secret in an algorithm-confusion attempt.

use std::fmt;
use std::sync::OnceLock;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::ParsedPublicKey;
use x509_cert::der::Decode;
use x509_cert::spki::SubjectPublicKeyInfoRef;

use super::error::KeyError;
use crate::error::echo;
use crate::inspect::alg::{Alg, Curve, KeyFamily};

/// The type of a public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// RSA, with its modulus size.
    Rsa {
        /// Modulus size in bits.
        bits: usize,
    },
    /// EC on a NIST curve.
    Ec(Curve),
    /// Ed25519.
    Ed25519,
}

impl KeyType {
    /// Whether a token signed with `alg` could have been signed by a key of this type.
    #[must_use]
    pub fn fits(self, alg: Alg) -> bool {
        match (self, alg.family()) {
            (KeyType::Rsa { .. }, KeyFamily::Rsa) | (KeyType::Ed25519, KeyFamily::Ed25519) => true,
            (KeyType::Ec(c), KeyFamily::Ec(want)) => c == want,
            _ => false,
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyType::Rsa { bits } => write!(f, "RSA {bits}-bit"),
            KeyType::Ec(c) => write!(f, "EC {}", c.name()),
            KeyType::Ed25519 => f.write_str("Ed25519"),
        }
    }
}

/// A public key to verify with.
pub struct PublicKey {
    /// Its `kid`, if the source gave one.
    pub kid: Option<String>,
    /// Its type.
    pub key_type: KeyType,
    /// The `alg` the source declares for it (a JWK's `alg`), if any.
    pub alg: Option<String>,
    /// The `use` the source declares (`sig`, `enc`), if any.
    pub key_use: Option<String>,
    /// Where it came from, for people ("JWKS key #2", "certificate CN=…").
    pub origin: String,
    /// DER SubjectPublicKeyInfo.
    spki: Vec<u8>,
    /// The key parsed once per algorithm, on first use.
    parsed: [OnceLock<Option<ParsedPublicKey>>; 13],
    /// Byte strings an attacker would use as an HMAC secret, with what each one is.
    confusion: Vec<(String, Vec<u8>)>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("kid", &self.kid)
            .field("key_type", &self.key_type)
            .field("alg", &self.alg)
            .field("origin", &self.origin)
            .finish()
    }
}

impl PublicKey {
    pub(super) fn new(
        spki: Vec<u8>,
        key_type: KeyType,
        kid: Option<String>,
        origin: String,
    ) -> PublicKey {
        let mut key = PublicKey {
            kid,
            key_type,
            alg: None,
            key_use: None,
            origin,
            spki,
            parsed: Default::default(),
            confusion: Vec::new(),
        };
        key.confusion = confusion_candidates(&key.spki, key_type);
        key
    }

    /// The key as DER SubjectPublicKeyInfo.
    #[must_use]
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// The key as PEM (`-----BEGIN PUBLIC KEY-----`), LF line endings.
    #[must_use]
    pub fn spki_pem(&self) -> String {
        pem_text("PUBLIC KEY", &self.spki)
    }

    /// A name for messages: `kid "abc" (RSA 2048-bit, JWKS key #1)`.
    #[must_use]
    pub fn describe(&self) -> String {
        match &self.kid {
            Some(kid) => format!("kid {:?} ({}, {})", echo(kid), self.key_type, self.origin),
            None => format!("{} ({})", self.origin, self.key_type),
        }
    }

    /// Verifies `signature` over `message` with `alg`; `false` for a wrong signature or an
    /// algorithm this key cannot do.
    pub(crate) fn verifies(&self, alg: Alg, message: &[u8], signature: &[u8]) -> bool {
        let Some(verification) = alg.verification() else {
            return false;
        };
        let Some(slot) = self.parsed.get(alg.index()) else {
            return false;
        };
        let parsed = slot.get_or_init(|| ParsedPublicKey::new(verification, &self.spki).ok());
        parsed
            .as_ref()
            .is_some_and(|k| k.verify_sig(message, signature).is_ok())
    }

    /// The encodings of this key that an algorithm-confusion token would use as its HMAC
    /// secret, with what each one is.
    pub(crate) fn confusion_secrets(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.confusion
            .iter()
            .map(|(what, bytes)| (what.as_str(), bytes.as_slice()))
    }

    pub(super) fn add_confusion_text(&mut self, what: &str, text: &str) {
        let mut push = |label: String, bytes: &[u8]| {
            if !self.confusion.iter().any(|(_, b)| b == bytes) {
                self.confusion.push((label, bytes.to_vec()));
            }
        };
        push(format!("{what} exactly as given"), text.as_bytes());
        push(format!("{what} trimmed"), text.trim().as_bytes());
        push(
            format!("{what} with a final newline"),
            format!("{}\n", text.trim()).as_bytes(),
        );
    }
}

pub(super) fn pem_text(label: &str, der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new(label, der.to_vec()),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

fn confusion_candidates(spki: &[u8], key_type: KeyType) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let add_pem = |out: &mut Vec<(String, Vec<u8>)>, label: &str, der: &[u8]| {
        let text = pem_text(label, der);
        out.push((format!("its PEM text ({label})"), text.as_bytes().to_vec()));
        out.push((
            format!("its PEM text ({label}) without the final newline"),
            text.trim_end().as_bytes().to_vec(),
        ));
        out.push((
            format!("its PEM text ({label}) with CRLF line endings"),
            text.replace('\n', "\r\n").into_bytes(),
        ));
        out.push((format!("its DER bytes ({label})"), der.to_vec()));
    };
    add_pem(&mut out, "PUBLIC KEY", spki);
    if let KeyType::Rsa { .. } = key_type
        && let Ok(rsa) = aws_lc_rs::rsa::PublicKey::from_der(spki)
    {
        add_pem(&mut out, "RSA PUBLIC KEY", rsa.as_ref());
    }
    if let Ok(info) = SubjectPublicKeyInfoRef::from_der(spki) {
        out.push((
            "its raw public key bytes".to_owned(),
            info.subject_public_key.raw_bytes().to_vec(),
        ));
    }
    out
}

/// Parses key bytes for `alg` and answers them as SPKI DER.
pub(super) fn spki_of(alg: Alg, bytes: &[u8], what: &str) -> Result<Vec<u8>, String> {
    let verification = alg
        .verification()
        .ok_or_else(|| format!("{alg} does not use a public key"))?;
    let parsed = ParsedPublicKey::new(verification, bytes)
        .map_err(|e| format!("{what} is not a valid {} key: {e}", alg.family()))?;
    parsed
        .as_der()
        .map(|d| d.as_ref().to_vec())
        .map_err(|_| format!("{what} could not be encoded"))
}

/// The type of the key in SPKI DER, checked by parsing it.
pub(super) fn spki_type(spki: &[u8]) -> Result<KeyType, KeyError> {
    let info = SubjectPublicKeyInfoRef::from_der(spki).map_err(|e| KeyError::Rejected {
        what: "the public key".to_owned(),
        reason: format!("not a SubjectPublicKeyInfo: {e}"),
    })?;
    let oid = info.algorithm.oid.to_string();
    let rejected = |reason: String| KeyError::Rejected {
        what: "the public key".to_owned(),
        reason,
    };
    match oid.as_str() {
        // rsaEncryption
        "1.2.840.113549.1.1.1" => {
            let key = aws_lc_rs::rsa::PublicKey::from_der(spki)
                .map_err(|e| rejected(format!("not an RSA public key: {e}")))?;
            let bits = key.modulus_len() * 8;
            if !(2048..=8192).contains(&bits) {
                return Err(rejected(format!(
                    "RSA {bits}-bit; keys of 2048 to 8192 bits are accepted"
                )));
            }
            Ok(KeyType::Rsa { bits })
        }
        // id-ecPublicKey
        "1.2.840.10045.2.1" => {
            let curve = info
                .algorithm
                .parameters_oid()
                .map(|o| o.to_string())
                .map_err(|e| rejected(format!("EC key without a named curve: {e}")))?;
            let (curve, alg) = match curve.as_str() {
                "1.2.840.10045.3.1.7" => (Curve::P256, Alg::Es256),
                "1.3.132.0.34" => (Curve::P384, Alg::Es384),
                "1.3.132.0.35" => (Curve::P521, Alg::Es512),
                other => {
                    return Err(rejected(format!(
                        "EC curve {other} is not P-256, P-384 or P-521"
                    )));
                }
            };
            spki_of(alg, spki, "the EC key").map_err(rejected)?;
            Ok(KeyType::Ec(curve))
        }
        // id-Ed25519
        "1.3.101.112" => {
            spki_of(Alg::EdDsa, spki, "the Ed25519 key").map_err(rejected)?;
            Ok(KeyType::Ed25519)
        }
        other => Err(KeyError::UnsupportedKeyType {
            oid: other.to_owned(),
        }),
    }
}
