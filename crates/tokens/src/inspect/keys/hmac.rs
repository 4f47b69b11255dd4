//! HMAC secrets: given as text (its UTF-8 bytes, or base64) or as an `oct` JWK.

use std::fmt;

use base64::Engine;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::error::KeyError;
use super::{KeyRing, LENIENT_URL_SAFE};
use crate::secret::SecretBytes;

/// Standard base64 that tolerates missing `=` padding, for secrets given as base64.
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An HMAC secret.
pub struct HmacSecret {
    /// Its `kid` (from an `oct` JWK), if any.
    pub kid: Option<String>,
    /// Where it came from.
    pub origin: String,
    pub(super) bytes: SecretBytes,
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

impl KeyRing {
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
}
