//! Encrypted assertions (XML Encryption 1.1 as SAML uses it): a `saml:EncryptedAssertion`
//! holding one `xenc:EncryptedData` of type Element, whose content key comes in an
//! `xenc:EncryptedKey` inside its `ds:KeyInfo` or beside it in the `EncryptedAssertion`.
//!
//! Accepted, and nothing else:
//! - key transport RSA-OAEP: `xmlenc#rsa-oaep-mgf1p` (MGF1 with SHA-1; digest SHA-1) and
//!   `xmlenc11#rsa-oaep` with the same hash for the digest and MGF1 (SHA-1 — both defaults —,
//!   SHA-256, SHA-384 or SHA-512), with or without `OAEPparams`. A SHA-256 digest with MGF1
//!   over SHA-1 is refused by name: aws-lc (the one RSA implementation here, constant-time)
//!   offers OAEP only with one hash for both. RSA PKCS#1 v1.5 key transport is refused
//!   (padding oracles);
//! - content AES-128-CBC, AES-256-CBC (IV first, XML Encryption's padding: the last byte
//!   counts it), AES-128-GCM and AES-256-GCM (96-bit IV first, 128-bit tag last).
//!
//! The plaintext must be exactly one `saml:Assertion` element (read in the namespaces in scope
//! where the `EncryptedAssertion` stood). Every cryptographic failure — no key opens the
//! content key, the content does not decrypt or its padding or tag is wrong, the plaintext is
//! not one well-formed assertion — gets the same answer, so that the answers are no oracle on
//! the ciphertext (XML Encryption's CBC mode is open to one when they differ).

use aws_lc_rs::aead::{AES_128_GCM, AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{
    AES_128, AES_256, DecryptionContext, PaddedBlockDecryptingKey, UnboundCipherKey,
};
use aws_lc_rs::rsa::{
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OAEP_SHA384_MGF1SHA384, OAEP_SHA512_MGF1SHA512,
    OaepAlgorithm, OaepPrivateDecryptingKey, PrivateDecryptingKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use roxmltree::Node;
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

use super::xml::{self, ASSERTION_NS, DSIG_NS};

pub const XENC_NS: &str = "http://www.w3.org/2001/04/xmlenc#";
pub const XENC11_NS: &str = "http://www.w3.org/2009/xmlenc11#";

pub const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
pub const RSA_OAEP: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
pub const RSA_1_5: &str = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";
pub const AES128_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
pub const AES256_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
pub const AES128_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
pub const AES256_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
pub const ELEMENT_TYPE: &str = "http://www.w3.org/2001/04/xmlenc#Element";

pub const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";
pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
pub const SHA384: &str = "http://www.w3.org/2001/04/xmldsig-more#sha384";
pub const SHA512: &str = "http://www.w3.org/2001/04/xmlenc#sha512";
pub const MGF1_SHA1: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha1";
pub const MGF1_SHA256: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha256";
pub const MGF1_SHA384: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha384";
pub const MGF1_SHA512: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha512";

/// The most `EncryptedKey`s tried (an IdP encrypting to several recipients sends several).
const MAX_ENCRYPTED_KEYS: usize = 8;

/// What every cryptographic failure answers (see the module's note).
pub const DOES_NOT_DECRYPT: &str = "its encrypted assertion does not decrypt with this provider's encryption key (the IdP may encrypt to another certificate, or the ciphertext was changed)";

/// A service provider's private key for one of its encryption certificates.
#[derive(Clone)]
pub struct DecryptionKey {
    key: PrivateDecryptingKey,
    /// The certificate (DER) whose public key this is.
    pub certificate: Vec<u8>,
}

impl std::fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecryptionKey")
            .field("certificate_len", &self.certificate.len())
            .finish_non_exhaustive()
    }
}

impl PartialEq for DecryptionKey {
    fn eq(&self, other: &Self) -> bool {
        self.certificate == other.certificate
    }
}

impl Eq for DecryptionKey {}

impl DecryptionKey {
    /// An RSA private key (PKCS#8 DER, 2048 bits or more) and its certificate (DER).
    pub fn from_pkcs8(pkcs8: &[u8], certificate: Vec<u8>) -> Result<DecryptionKey, String> {
        let key = PrivateDecryptingKey::from_pkcs8(pkcs8)
            .map_err(|e| format!("the encryption key does not read: {e}"))?;
        if key.key_size_bits() < 2048 {
            return Err(format!(
                "the encryption key has {} bits; at least 2048 are needed",
                key.key_size_bits()
            ));
        }
        Ok(DecryptionKey { key, certificate })
    }
}

/// The `SubjectPublicKeyInfo` (DER) of a certificate (DER): what an encrypting party reads
/// from the certificate it is given.
pub fn certificate_public_key(certificate: &[u8]) -> Result<Vec<u8>, String> {
    let cert = Certificate::from_der(certificate)
        .map_err(|e| format!("the certificate is not X.509 DER: {e}"))?;
    cert.tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|e| format!("the certificate's key does not encode: {e}"))
}

fn b64(text: &str, what: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| format!("its {what} is not base64"))
}

fn algorithm<'a>(method: Option<Node<'a, '_>>, what: &str) -> Result<&'a str, String> {
    method
        .and_then(|m| m.attribute("Algorithm"))
        .ok_or_else(|| format!("its {what} names no EncryptionMethod Algorithm"))
}

fn cipher_value(n: Node<'_, '_>, what: &str) -> Result<Vec<u8>, String> {
    let value = xml::only_child(n, XENC_NS, "CipherData")
        .and_then(|d| xml::only_child(d, XENC_NS, "CipherValue"))
        .ok_or_else(|| {
            format!("its {what} has no CipherData/CipherValue (a CipherReference is not followed)")
        })?;
    b64(&xml::text(value), &format!("{what}'s CipherValue"))
}

/// The OAEP parameters of an `EncryptedKey`'s method, as aws-lc offers them.
fn oaep(method: Node<'_, '_>) -> Result<&'static OaepAlgorithm, String> {
    let alg = method.attribute("Algorithm").unwrap_or_default();
    let digest = method
        .children()
        .find(|c| xml::is(*c, DSIG_NS, "DigestMethod"))
        .and_then(|d| d.attribute("Algorithm"))
        .unwrap_or(SHA1);
    let mgf = if alg == RSA_OAEP_MGF1P {
        MGF1_SHA1
    } else {
        method
            .children()
            .find(|c| xml::is(*c, XENC11_NS, "MGF"))
            .and_then(|m| m.attribute("Algorithm"))
            .unwrap_or(MGF1_SHA1)
    };
    match (digest, mgf) {
        (SHA1, MGF1_SHA1) => Ok(&OAEP_SHA1_MGF1SHA1),
        (SHA256, MGF1_SHA256) => Ok(&OAEP_SHA256_MGF1SHA256),
        (SHA384, MGF1_SHA384) => Ok(&OAEP_SHA384_MGF1SHA384),
        (SHA512, MGF1_SHA512) => Ok(&OAEP_SHA512_MGF1SHA512),
        (d, m) if [SHA1, SHA256, SHA384, SHA512].contains(&d) => Err(format!(
            "its content key is wrapped with RSA-OAEP digest {d} and mask {m}; Poolhouse accepts \
             RSA-OAEP with one hash for both (rsa-oaep-mgf1p with SHA-1, or xmlenc11#rsa-oaep \
             with SHA-256 and mgf1sha256)"
        )),
        (d, _) => Err(format!("its RSA-OAEP digest {d} is not accepted")),
    }
}

/// The `EncryptedKey`s that may hold the content key: in the `EncryptedData`'s `KeyInfo`, and
/// beside the `EncryptedData` in the `EncryptedAssertion`.
fn encrypted_keys<'a, 'i>(
    encrypted_assertion: Node<'a, 'i>,
    data: Node<'a, 'i>,
) -> Vec<Node<'a, 'i>> {
    let in_key_info = xml::children(data, DSIG_NS, "KeyInfo")
        .flat_map(|k| xml::children(k, XENC_NS, "EncryptedKey").collect::<Vec<_>>());
    let beside = xml::children(encrypted_assertion, XENC_NS, "EncryptedKey");
    in_key_info.chain(beside).collect()
}

/// The content's algorithm, checked before anything is decrypted.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Content {
    Cbc128,
    Cbc256,
    Gcm128,
    Gcm256,
}

impl Content {
    fn parse(alg: &str) -> Result<Content, String> {
        match alg {
            AES128_CBC => Ok(Content::Cbc128),
            AES256_CBC => Ok(Content::Cbc256),
            AES128_GCM => Ok(Content::Gcm128),
            AES256_GCM => Ok(Content::Gcm256),
            other => Err(format!(
                "its assertion is encrypted with {other}; Poolhouse accepts AES-128 or AES-256 \
                 in GCM (xmlenc11#aes128-gcm, aes256-gcm) or CBC (xmlenc#aes128-cbc, aes256-cbc)"
            )),
        }
    }

    fn key_len(self) -> usize {
        match self {
            Content::Cbc128 | Content::Gcm128 => 16,
            Content::Cbc256 | Content::Gcm256 => 32,
        }
    }

    /// Decrypts `data` (IV first) with `key`; `None` on any failure.
    fn decrypt(self, key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
        if key.len() != self.key_len() {
            return None;
        }
        match self {
            Content::Cbc128 | Content::Cbc256 => {
                let (iv, body) = data.split_first_chunk::<16>()?;
                if body.is_empty() || body.len() % 16 != 0 {
                    return None;
                }
                let alg = if self == Content::Cbc128 {
                    &AES_128
                } else {
                    &AES_256
                };
                let cipher =
                    PaddedBlockDecryptingKey::cbc_iso10126(UnboundCipherKey::new(alg, key).ok()?)
                        .ok()?;
                let mut buf = body.to_vec();
                let plain = cipher
                    .decrypt(&mut buf, DecryptionContext::Iv128((*iv).into()))
                    .ok()?;
                Some(plain.to_vec())
            }
            Content::Gcm128 | Content::Gcm256 => {
                let (iv, body) = data.split_first_chunk::<12>()?;
                if body.len() < 16 {
                    return None;
                }
                let alg = if self == Content::Gcm128 {
                    &AES_128_GCM
                } else {
                    &AES_256_GCM
                };
                let key = LessSafeKey::new(UnboundKey::new(alg, key).ok()?);
                let mut buf = body.to_vec();
                let plain = key
                    .open_in_place(Nonce::assume_unique_for_key(*iv), Aad::empty(), &mut buf)
                    .ok()?;
                Some(plain.to_vec())
            }
        }
    }
}

/// One wrapped content key and how it was wrapped.
struct Wrapped {
    oaep: &'static OaepAlgorithm,
    label: Option<Vec<u8>>,
    value: Vec<u8>,
}

fn wrapped(k: Node<'_, '_>) -> Result<Wrapped, String> {
    let method = xml::only_child(k, XENC_NS, "EncryptionMethod");
    let alg = algorithm(method, "EncryptedKey")?;
    let method = method.ok_or_else(|| "its EncryptedKey has no EncryptionMethod".to_owned())?;
    match alg {
        RSA_OAEP_MGF1P | RSA_OAEP => {}
        RSA_1_5 => {
            return Err(
                "its content key is wrapped with RSA PKCS#1 v1.5 (xmlenc#rsa-1_5), which is \
                 refused (it is open to padding-oracle attacks); use RSA-OAEP"
                    .to_owned(),
            );
        }
        other => {
            return Err(format!(
                "its content key is wrapped with {other}; Poolhouse accepts RSA-OAEP \
                 (xmlenc#rsa-oaep-mgf1p or xmlenc11#rsa-oaep)"
            ));
        }
    }
    let label = match method
        .children()
        .find(|c| xml::is(*c, XENC_NS, "OAEPparams"))
    {
        Some(p) => Some(b64(&xml::text(p), "OAEPparams")?).filter(|l| !l.is_empty()),
        None => None,
    };
    Ok(Wrapped {
        oaep: oaep(method)?,
        label,
        value: cipher_value(k, "EncryptedKey")?,
    })
}

/// The decrypted `saml:Assertion` of `encrypted_assertion` (a `saml:EncryptedAssertion`), as
/// text that stands where the `EncryptedAssertion` stood, decrypted with one of `keys`.
pub fn decrypt_assertion(
    encrypted_assertion: Node<'_, '_>,
    keys: &[DecryptionKey],
) -> Result<String, String> {
    let data = xml::only_child(encrypted_assertion, XENC_NS, "EncryptedData").ok_or_else(|| {
        "its EncryptedAssertion does not hold exactly one xenc:EncryptedData".to_owned()
    })?;
    if let Some(ty) = data.attribute("Type")
        && ty != ELEMENT_TYPE
    {
        return Err(format!(
            "its EncryptedData is of type {ty}; an encrypted assertion is of type {ELEMENT_TYPE}"
        ));
    }
    let content = Content::parse(algorithm(
        xml::only_child(data, XENC_NS, "EncryptionMethod"),
        "EncryptedData",
    )?)?;
    let ciphertext = cipher_value(data, "EncryptedData")?;
    let key_nodes = encrypted_keys(encrypted_assertion, data);
    if key_nodes.is_empty() {
        return Err(
            "its encrypted assertion carries no xenc:EncryptedKey (in the EncryptedData's \
             KeyInfo or beside it)"
                .to_owned(),
        );
    }
    if key_nodes.len() > MAX_ENCRYPTED_KEYS {
        return Err(format!(
            "its encrypted assertion carries {} EncryptedKeys; at most {MAX_ENCRYPTED_KEYS} are read",
            key_nodes.len()
        ));
    }
    let wrapped_keys = key_nodes
        .into_iter()
        .map(wrapped)
        .collect::<Result<Vec<_>, _>>()?;
    if keys.is_empty() {
        return Err(DOES_NOT_DECRYPT.to_owned());
    }

    let mut plaintext = None;
    'found: for w in &wrapped_keys {
        for k in keys {
            let Ok(oaep_key) = OaepPrivateDecryptingKey::new(k.key.clone()) else {
                continue;
            };
            if w.value.len() != oaep_key.key_size_bytes() {
                continue;
            }
            let mut out = vec![0u8; oaep_key.min_output_size()];
            let Ok(content_key) = oaep_key.decrypt(w.oaep, &w.value, &mut out, w.label.as_deref())
            else {
                continue;
            };
            if let Some(p) = content.decrypt(content_key, &ciphertext) {
                plaintext = Some(p);
                break 'found;
            }
        }
    }
    let plaintext = plaintext.ok_or_else(|| DOES_NOT_DECRYPT.to_owned())?;
    let text = String::from_utf8(plaintext).map_err(|_| DOES_NOT_DECRYPT.to_owned())?;
    let element = strip_declaration(&text);
    check_one_assertion(encrypted_assertion, element)?;
    Ok(element.to_owned())
}

/// The plaintext without a leading XML declaration (some IdPs serialise a document).
fn strip_declaration(text: &str) -> &str {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with("<?xml")
        && let Some(end) = t.find("?>")
    {
        return t[end + 2..].trim_start();
    }
    t
}

/// The plaintext must be one `saml:Assertion` element and nothing else, read with the
/// namespaces in scope at the `EncryptedAssertion` (a plaintext that closed the elements
/// around it, or added others beside it, would change the response's shape).
fn check_one_assertion(at: Node<'_, '_>, element: &str) -> Result<(), String> {
    let mut declarations = String::new();
    for ns in at.namespaces() {
        let uri = ns
            .uri()
            .replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;");
        match ns.name() {
            Some(prefix) if prefix != "xml" => {
                declarations.push_str(&format!(r#" xmlns:{prefix}="{uri}""#))
            }
            Some(_) => {}
            None => declarations.push_str(&format!(r#" xmlns="{uri}""#)),
        }
    }
    let wrapped = format!("<poolhouse-wrapper{declarations}>{element}</poolhouse-wrapper>");
    let doc = xml::parse(&wrapped).map_err(|_| DOES_NOT_DECRYPT.to_owned())?;
    let root = doc.root_element();
    let elements: Vec<_> = root.children().filter(Node::is_element).collect();
    let stray_text = root
        .children()
        .filter(Node::is_text)
        .any(|t| t.text().is_some_and(|s| !s.trim().is_empty()));
    match elements.as_slice() {
        [one] if xml::is(*one, ASSERTION_NS, "Assertion") && !stray_text => Ok(()),
        _ => Err(DOES_NOT_DECRYPT.to_owned()),
    }
}
