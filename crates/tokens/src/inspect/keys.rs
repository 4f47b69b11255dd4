//! The keys a token is checked against: public keys from a JWKS, a JWK, a PEM public key
//! (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`), an X.509 certificate or a private key (its
//! public half), and HMAC secrets. Each public key also keeps the byte strings an attacker
//! would use as an HMAC secret in an algorithm-confusion attempt (its PEM text, its DER).

use std::fmt;
use std::sync::OnceLock;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING,
    ECDSA_P521_SHA512_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair, ParsedPublicKey,
    RsaKeyPair, RsaPublicKeyComponents,
};
use base64::Engine;
use base64::alphabet::{STANDARD, URL_SAFE};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Value};
use x509_cert::der::{Decode, Encode};
use x509_cert::spki::SubjectPublicKeyInfoRef;

use super::alg::{Alg, Curve, KeyFamily};
use crate::error::echo;
use crate::secret::SecretBytes;

/// base64url that tolerates `=` padding, for JWK members from any issuer.
pub(crate) const LENIENT_URL_SAFE: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Most keys one key source may hold (a JWKS with more is refused).
pub const MAX_KEYS: usize = 100;

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
    fn new(spki: Vec<u8>, key_type: KeyType, kid: Option<String>, origin: String) -> PublicKey {
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

    fn add_confusion_text(&mut self, what: &str, text: &str) {
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

fn pem_text(label: &str, der: &[u8]) -> String {
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

/// An HMAC secret.
pub struct HmacSecret {
    /// Its `kid` (from an `oct` JWK), if any.
    pub kid: Option<String>,
    /// Where it came from.
    pub origin: String,
    bytes: SecretBytes,
}

impl fmt::Debug for HmacSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacSecret")
            .field("kid", &self.kid)
            .field("origin", &self.origin)
            .field("len", &self.bytes.expose_secret().len())
            .finish()
    }
}

impl HmacSecret {
    pub(crate) fn bytes(&self) -> &[u8] {
        self.bytes.expose_secret()
    }
}

/// How an HMAC secret given as text is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretEncoding {
    /// The text's UTF-8 bytes (what most libraries do with a string secret). The default.
    #[default]
    Text,
    /// base64 or base64url, padded or not.
    Base64,
}

/// The keys and secrets a token is checked against.
#[derive(Debug, Default)]
pub struct KeyRing {
    /// Public keys.
    pub public: Vec<PublicKey>,
    /// HMAC secrets.
    pub secrets: Vec<HmacSecret>,
    /// What was skipped while reading the sources, for people.
    pub notes: Vec<String>,
}

impl KeyRing {
    /// An empty ring.
    #[must_use]
    pub fn new() -> KeyRing {
        KeyRing::default()
    }

    /// Whether there is nothing to verify with.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.public.is_empty() && self.secrets.is_empty()
    }

    /// Adds whatever `text` holds: a JWKS, a JWK, or PEM (public key, certificate or private
    /// key). Answers how many keys were added.
    ///
    /// # Errors
    /// [`KeyError`] naming what is wrong with the text.
    pub fn add_text(&mut self, text: &str) -> Result<usize, KeyError> {
        let t = text.trim_start();
        if t.starts_with('{') {
            let value: Value = serde_json::from_str(text).map_err(|e| KeyError::Json {
                reason: e.to_string(),
            })?;
            if value.get("keys").is_some() {
                self.add_jwks(&value)
            } else {
                self.add_jwk(&value, None, "JWK").map(|()| 1)
            }
        } else if t.starts_with("-----BEGIN") {
            self.add_pem(text)
        } else {
            Err(KeyError::UnknownFormat)
        }
    }

    /// Adds the usable keys of a JWKS (`{"keys":[…]}`); keys that cannot be used are skipped
    /// with a note. Answers how many were added.
    ///
    /// # Errors
    /// [`KeyError::Jwks`] for a wrong shape or more than [`MAX_KEYS`] keys;
    /// [`KeyError::NoUsableKey`] when no key could be used.
    pub fn add_jwks(&mut self, jwks: &Value) -> Result<usize, KeyError> {
        let Some(keys) = jwks.get("keys").and_then(Value::as_array) else {
            return Err(KeyError::Jwks {
                reason: r#"expected {"keys":[…]} with an array of keys"#.to_owned(),
            });
        };
        if keys.len() > MAX_KEYS {
            return Err(KeyError::Jwks {
                reason: format!("{} keys; at most {MAX_KEYS} are read", keys.len()),
            });
        }
        let mut added = 0;
        let mut skipped = Vec::new();
        for (i, jwk) in keys.iter().enumerate() {
            match self.add_jwk(jwk, Some(i), &format!("JWKS key #{}", i + 1)) {
                Ok(()) => added += 1,
                Err(e) => skipped.push(e.to_string()),
            }
        }
        if added == 0 {
            return Err(KeyError::NoUsableKey { skipped });
        }
        for s in skipped {
            self.notes.push(format!("skipped: {s}"));
        }
        Ok(added)
    }

    /// Adds one JWK: `RSA` (`n`, `e`), `EC` (`crv`, `x`, `y`), `OKP` Ed25519 (`x`), or `oct`
    /// (`k`, an HMAC secret). A private JWK's public half is used.
    ///
    /// # Errors
    /// [`KeyError::Jwk`] naming the member at fault.
    pub fn add_jwk(
        &mut self,
        jwk: &Value,
        index: Option<usize>,
        origin: &str,
    ) -> Result<(), KeyError> {
        let kid = jwk.get("kid").and_then(Value::as_str).map(str::to_owned);
        let err = |reason: String| KeyError::Jwk {
            index,
            kid: kid.as_deref().map(echo),
            reason,
        };
        let Some(obj) = jwk.as_object() else {
            return Err(err("not a JSON object".to_owned()));
        };
        let alg = obj.get("alg").and_then(Value::as_str).map(str::to_owned);
        let key_use = obj.get("use").and_then(Value::as_str).map(str::to_owned);
        let kty = member(obj, "kty").map_err(&err)?;
        if kty == "oct" {
            let k = b64_member(obj, "k").map_err(&err)?;
            if k.is_empty() {
                return Err(err("`k` is empty".to_owned()));
            }
            self.secrets.push(HmacSecret {
                kid,
                origin: origin.to_owned(),
                bytes: SecretBytes::new(k),
            });
            return Ok(());
        }
        let (spki, key_type) = jwk_public(obj, kty).map_err(&err)?;
        let mut key = PublicKey::new(spki, key_type, kid.clone(), origin.to_owned());
        key.alg = alg;
        key.key_use = key_use;
        self.public.push(key);
        Ok(())
    }

    /// Adds every key in PEM text: `PUBLIC KEY`, `RSA PUBLIC KEY`, `CERTIFICATE`, and the public
    /// half of `PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`. Answers how many.
    ///
    /// # Errors
    /// [`KeyError`] for armour that does not parse or a block that is not a usable key.
    pub fn add_pem(&mut self, text: &str) -> Result<usize, KeyError> {
        let blocks = pem::parse_many(text).map_err(|e| KeyError::Pem {
            reason: e.to_string(),
        })?;
        if blocks.is_empty() {
            return Err(KeyError::Pem {
                reason: "no -----BEGIN …----- / -----END …----- block found".to_owned(),
            });
        }
        if blocks.len() > MAX_KEYS {
            return Err(KeyError::Pem {
                reason: format!("{} blocks; at most {MAX_KEYS} are read", blocks.len()),
            });
        }
        let single = blocks.len() == 1;
        let mut added = 0;
        for (i, block) in blocks.iter().enumerate() {
            let origin = if single {
                pem_origin(block.tag())
            } else {
                format!("{} (PEM block #{})", pem_origin(block.tag()), i + 1)
            };
            let (spki, key_type, origin) = pem_public(block.tag(), block.contents(), origin)?;
            let mut key = PublicKey::new(spki, key_type, None, origin);
            if single {
                key.add_confusion_text("the PEM text", text);
            }
            self.public.push(key);
            added += 1;
        }
        Ok(added)
    }

    /// Adds an HMAC secret.
    ///
    /// # Errors
    /// [`KeyError::Secret`] for an empty secret or base64 that does not decode.
    pub fn add_secret(&mut self, secret: &str, encoding: SecretEncoding) -> Result<(), KeyError> {
        let bytes = match encoding {
            SecretEncoding::Text => secret.as_bytes().to_vec(),
            SecretEncoding::Base64 => {
                let s = secret.trim();
                LENIENT_URL_SAFE
                    .decode(s)
                    .or_else(|_| LENIENT_STANDARD.decode(s))
                    .map_err(|e| KeyError::Secret {
                        reason: format!("not base64: {e}"),
                    })?
            }
        };
        if bytes.is_empty() {
            return Err(KeyError::Secret {
                reason: "it is empty".to_owned(),
            });
        }
        let origin = match encoding {
            SecretEncoding::Text => "the secret given",
            SecretEncoding::Base64 => "the secret given (base64)",
        };
        self.secrets.push(HmacSecret {
            kid: None,
            origin: origin.to_owned(),
            bytes: SecretBytes::new(bytes),
        });
        Ok(())
    }

    /// Names the ring's keys for messages: `kid "a" (RSA 2048-bit, JWKS key #1), …`.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut names: Vec<String> = self.public.iter().map(PublicKey::describe).collect();
        names.extend(self.secrets.iter().map(|s| match &s.kid {
            Some(k) => format!("kid {:?} (HMAC secret, {})", echo(k), s.origin),
            None => s.origin.clone(),
        }));
        names.join(", ")
    }
}

fn pem_origin(label: &str) -> String {
    match label {
        "CERTIFICATE" => "certificate".to_owned(),
        "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
            "PEM private key (its public half)".to_owned()
        }
        _ => "PEM public key".to_owned(),
    }
}

fn member<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    match obj.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("`{name}` must be a string")),
        None => Err(format!("`{name}` is missing")),
    }
}

pub(crate) fn b64_member(obj: &Map<String, Value>, name: &str) -> Result<Vec<u8>, String> {
    let s = member(obj, name)?;
    LENIENT_URL_SAFE
        .decode(s)
        .map_err(|e| format!("`{name}` is not base64url: {e}"))
}

/// The public half of a JWK as SPKI DER.
fn jwk_public(obj: &Map<String, Value>, kty: &str) -> Result<(Vec<u8>, KeyType), String> {
    match kty {
        "RSA" => {
            let n = strip_zeros(b64_member(obj, "n")?);
            let e = strip_zeros(b64_member(obj, "e")?);
            if n.len() < 256 || n.len() > 1024 {
                return Err(format!(
                    "the modulus `n` is {} bits; RSA keys of 2048 to 8192 bits are accepted",
                    n.len() * 8
                ));
            }
            let parsed = RsaPublicKeyComponents { n: &n, e: &e }
                .to_parsed_public_key(&aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256)
                .map_err(|e| format!("`n` and `e` are not an RSA public key: {e}"))?;
            let spki = parsed
                .as_der()
                .map_err(|_| "the RSA key could not be encoded".to_owned())?;
            Ok((spki.as_ref().to_vec(), KeyType::Rsa { bits: n.len() * 8 }))
        }
        "EC" => {
            let crv = member(obj, "crv")?;
            let curve = Curve::from_name(crv).ok_or_else(|| {
                format!("curve `crv` {:?} is not P-256, P-384 or P-521", echo(crv))
            })?;
            let x = b64_member(obj, "x")?;
            let y = b64_member(obj, "y")?;
            let n = curve.field_len();
            if x.len() != n || y.len() != n {
                return Err(format!(
                    "`x` and `y` must be {n} bytes each on {}, not {} and {}",
                    curve.name(),
                    x.len(),
                    y.len()
                ));
            }
            let mut point = Vec::with_capacity(1 + 2 * n);
            point.push(4);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            let alg = match curve {
                Curve::P256 => Alg::Es256,
                Curve::P384 => Alg::Es384,
                Curve::P521 => Alg::Es512,
            };
            Ok((
                spki_of(alg, &point, "the EC point (x, y)")?,
                KeyType::Ec(curve),
            ))
        }
        "OKP" => {
            let crv = member(obj, "crv")?;
            if crv != "Ed25519" {
                return Err(format!(
                    "OKP curve {:?} is not Ed25519 (the only one JWS signs with here)",
                    echo(crv)
                ));
            }
            let x = b64_member(obj, "x")?;
            if x.len() != 32 {
                return Err(format!("`x` must be 32 bytes for Ed25519, not {}", x.len()));
            }
            Ok((spki_of(Alg::EdDsa, &x, "`x`")?, KeyType::Ed25519))
        }
        other => Err(format!(
            "key type `kty` {:?} is not RSA, EC, OKP or oct",
            echo(other)
        )),
    }
}

/// Parses key bytes for `alg` and answers them as SPKI DER.
fn spki_of(alg: Alg, bytes: &[u8], what: &str) -> Result<Vec<u8>, String> {
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

fn strip_zeros(mut bytes: Vec<u8>) -> Vec<u8> {
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    bytes.drain(..zeros);
    bytes
}

/// The public key of one PEM block as SPKI DER, its type, and where it came from.
fn pem_public(
    label: &str,
    der: &[u8],
    origin: String,
) -> Result<(Vec<u8>, KeyType, String), KeyError> {
    let rejected = |reason: String| KeyError::Rejected {
        what: format!("the {label} block"),
        reason,
    };
    match label {
        "PUBLIC KEY" => {
            let key_type = spki_type(der)?;
            Ok((der.to_vec(), key_type, origin))
        }
        "RSA PUBLIC KEY" => {
            let key = aws_lc_rs::rsa::PublicKey::from_der(der)
                .map_err(|e| rejected(format!("not a PKCS#1 RSA public key: {e}")))?;
            let spki = key
                .as_der()
                .map_err(|_| rejected("could not be encoded".to_owned()))?;
            let bits = key.modulus_len() * 8;
            Ok((spki.as_ref().to_vec(), KeyType::Rsa { bits }, origin))
        }
        "CERTIFICATE" => {
            let cert =
                x509_cert::Certificate::from_der(der).map_err(|e| KeyError::Certificate {
                    reason: e.to_string(),
                })?;
            let tbs = cert.tbs_certificate();
            let spki =
                tbs.subject_public_key_info()
                    .to_der()
                    .map_err(|e| KeyError::Certificate {
                        reason: e.to_string(),
                    })?;
            let key_type = spki_type(&spki)?;
            let subject = tbs.subject().to_string();
            let origin = if subject.is_empty() {
                origin
            } else {
                format!("{origin} {}", echo(&subject))
            };
            Ok((spki, key_type, origin))
        }
        "PRIVATE KEY" => {
            let spki = private_pkcs8_public(der).ok_or_else(|| {
                rejected(
                    "not an RSA, EC (P-256/P-384/P-521) or Ed25519 PKCS#8 private key".to_owned(),
                )
            })?;
            let key_type = spki_type(&spki)?;
            Ok((spki, key_type, origin))
        }
        "RSA PRIVATE KEY" => {
            let pair = RsaKeyPair::from_der(der)
                .map_err(|e| rejected(format!("not a PKCS#1 RSA private key: {e}")))?;
            let spki = pair
                .public_key()
                .as_der()
                .map_err(|_| rejected("could not be encoded".to_owned()))?;
            let key_type = spki_type(spki.as_ref())?;
            Ok((spki.as_ref().to_vec(), key_type, origin))
        }
        "EC PRIVATE KEY" => {
            let spki = [
                &ECDSA_P256_SHA256_FIXED_SIGNING,
                &ECDSA_P384_SHA384_FIXED_SIGNING,
                &ECDSA_P521_SHA512_FIXED_SIGNING,
            ]
            .into_iter()
            .find_map(|alg| EcdsaKeyPair::from_private_key_der(alg, der).ok())
            .and_then(|pair| pair.public_key().as_der().ok())
            .ok_or_else(|| {
                rejected("not a SEC1 EC private key on P-256, P-384 or P-521".to_owned())
            })?;
            let key_type = spki_type(spki.as_ref())?;
            Ok((spki.as_ref().to_vec(), key_type, origin))
        }
        "ENCRYPTED PRIVATE KEY" => Err(KeyError::EncryptedPrivateKey),
        other => Err(KeyError::UnsupportedPem { label: echo(other) }),
    }
}

/// The SPKI DER of a PKCS#8 private key's public half.
fn private_pkcs8_public(der: &[u8]) -> Option<Vec<u8>> {
    if let Ok(pair) = RsaKeyPair::from_pkcs8(der) {
        return pair.public_key().as_der().ok().map(|d| d.as_ref().to_vec());
    }
    for alg in [
        &ECDSA_P256_SHA256_FIXED_SIGNING,
        &ECDSA_P384_SHA384_FIXED_SIGNING,
        &ECDSA_P521_SHA512_FIXED_SIGNING,
    ] {
        if let Ok(pair) = EcdsaKeyPair::from_pkcs8(alg, der) {
            return pair.public_key().as_der().ok().map(|d| d.as_ref().to_vec());
        }
    }
    Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
        .ok()
        .and_then(|pair| pair.public_key().as_der().ok())
        .map(|d| d.as_ref().to_vec())
}

/// The type of the key in SPKI DER, checked by parsing it.
pub(crate) fn spki_type(spki: &[u8]) -> Result<KeyType, KeyError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};

    fn rsa_spki() -> Vec<u8> {
        let pair = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        pair.public_key().as_der().unwrap().as_ref().to_vec()
    }

    #[test]
    fn pem_public_keys_and_pkcs1_are_read() {
        let spki = rsa_spki();
        let mut ring = KeyRing::new();
        assert_eq!(ring.add_text(&pem_text("PUBLIC KEY", &spki)).unwrap(), 1);
        assert_eq!(ring.public[0].key_type, KeyType::Rsa { bits: 2048 });
        let pkcs1 = aws_lc_rs::rsa::PublicKey::from_der(&spki).unwrap();
        ring.add_text(&pem_text("RSA PUBLIC KEY", pkcs1.as_ref()))
            .unwrap();
        assert_eq!(
            ring.public[1].spki_der(),
            spki.as_slice(),
            "PKCS#1 becomes the same SPKI"
        );
    }

    #[test]
    fn ec_jwk_and_private_pem_are_read() {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let mut ring = KeyRing::new();
        ring.add_text(&pem_text("PRIVATE KEY", doc.as_ref()))
            .unwrap();
        assert_eq!(ring.public[0].key_type, KeyType::Ec(Curve::P256));
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, doc.as_ref()).unwrap();
        let point = pair.public_key().as_ref().to_vec();
        let b = |s: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let jwk = serde_json::json!({"kty":"EC","crv":"P-256","x":b(&point[1..33]),"y":b(&point[33..]),"kid":"e"});
        ring.add_text(&jwk.to_string()).unwrap();
        assert_eq!(ring.public[1].spki_der(), ring.public[0].spki_der());
    }

    #[test]
    fn bad_sources_say_what_is_wrong() {
        let mut ring = KeyRing::new();
        let e = ring.add_text("hello").unwrap_err();
        assert_eq!(e, KeyError::UnknownFormat);
        let e = ring
            .add_text(r#"{"keys":[{"kty":"RSA","kid":"a","n":"AQAB","e":"AQAB"}]}"#)
            .unwrap_err();
        assert!(e.to_string().contains("#1 (kid \"a\")"), "{e}");
        assert!(e.to_string().contains("24 bits"), "{e}");
        let e = ring
            .add_text(r#"{"kty":"EC","crv":"P-999","x":"","y":""}"#)
            .unwrap_err();
        assert!(e.to_string().contains("P-999"), "{e}");
        let e = ring
            .add_text("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n")
            .unwrap_err();
        assert!(matches!(e, KeyError::UnsupportedPem { .. }), "{e}");
        let e = ring
            .add_text("-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n")
            .unwrap_err();
        assert!(matches!(e, KeyError::Pem { .. }), "{e}");
        assert!(ring.add_secret("", SecretEncoding::Text).is_err());
        assert!(ring.add_secret("***", SecretEncoding::Base64).is_err());
        assert!(ring.is_empty());
    }

    #[test]
    fn a_jwks_skips_unusable_keys_with_a_note() {
        let spki = rsa_spki();
        let key = aws_lc_rs::rsa::PublicKey::from_der(&spki).unwrap();
        let b = |s: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let n = b(key.modulus().big_endian_without_leading_zero());
        let jwks = serde_json::json!({"keys":[
            {"kty":"RSA","kid":"good","n":n,"e":"AQAB","alg":"RS256"},
            {"kty":"XYZ","kid":"odd"},
            {"kty":"oct","kid":"h","k":"c2VjcmV0"}
        ]});
        let mut ring = KeyRing::new();
        assert_eq!(ring.add_jwks(&jwks).unwrap(), 2);
        assert_eq!(ring.public[0].spki_der(), spki.as_slice());
        assert_eq!(ring.secrets[0].bytes(), b"secret");
        assert_eq!(ring.notes.len(), 1);
        assert!(ring.notes[0].contains("XYZ"), "{:?}", ring.notes);
    }
}
