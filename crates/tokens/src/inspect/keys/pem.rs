//! Keys from PEM text: public keys (SPKI `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY`), X.509
//! certificates (their subject's key), and the public half of private keys (PKCS#8, PKCS#1,
//! SEC1).

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING,
    ECDSA_P521_SHA512_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair,
};
use x509_cert::der::{Decode, Encode};

use super::error::KeyError;
use super::public::{KeyType, PublicKey, spki_type};
use super::{KeyRing, MAX_KEYS};
use crate::error::echo;

impl KeyRing {
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
