//! Keys from JSON: a JWKS (`{"keys":[…]}`) or one JWK: `RSA`, `EC`, `OKP` (Ed25519), or `oct`
//! (an HMAC secret).

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::RsaPublicKeyComponents;
use base64::Engine;
use serde_json::{Map, Value};

use super::error::KeyError;
use super::hmac::HmacSecret;
use super::public::{KeyType, PublicKey, spki_of};
use super::{KeyRing, LENIENT_URL_SAFE, MAX_KEYS};
use crate::b64::strip_leading_zeros;
use crate::error::echo;
use crate::inspect::alg::{Alg, Curve};
use crate::secret::SecretBytes;

impl KeyRing {
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
            let n = strip_leading_zeros(b64_member(obj, "n")?);
            let e = strip_leading_zeros(b64_member(obj, "e")?);
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
