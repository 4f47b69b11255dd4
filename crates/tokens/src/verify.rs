//! RS256 verification of Poolhouse's own tokens with parsed public keys cached per `kid`; the
//! signature check itself is [`crate::signature`], shared with other issuers' tokens.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use aws_lc_rs::signature::ParsedPublicKey;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::claims::{Lookup, Scanned, scan};
use crate::compact::{decode, decode_object, split};
use crate::error::{Error, Result, TokenPart, echo};
use crate::jwks::{Jwk, Jwks};
use crate::jws::JwsAlgorithm;
use crate::key::{SigningKey, cognito_header_b64, validate_kid};
use crate::remembered::Remembered;
use crate::signature::{check_signature, rsa_public_key};

/// Largest signature accepted (RSA with an 8192-bit key).

#[derive(Clone)]
struct VerifierKey {
    jwk: Jwk,
    parsed: ParsedPublicKey,
    /// The canonical header segment for this kid and its decoded form: tokens carrying exactly
    /// this segment skip header decoding.
    header_segment: String,
    header: Arc<Map<String, Value>>,
}

/// Verifies RS256 compact JWS tokens against a set of public keys indexed by `kid`.
///
/// Each key is parsed once into an aws-lc-rs [`ParsedPublicKey`], so a verification costs the
/// RSA operation plus decoding, not a key parse.
#[derive(Clone, Default)]
pub struct Verifier {
    keys: HashMap<String, VerifierKey>,
    /// Canonical header segment → kid.
    by_header: HashMap<String, String>,
    /// Tokens verified with exactly these keys ([`Verifier::verify_remembered`]); a new set
    /// whenever a key is added or removed.
    remembered: Arc<Remembered<VerifiedToken>>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut kids: Vec<&str> = self.kids().collect();
        kids.sort_unstable();
        f.debug_struct("Verifier").field("kids", &kids).finish()
    }
}

impl Verifier {
    /// A verifier with no keys.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A verifier for the RS256 signature keys of a JWKS document (`{"keys":[...]}`).
    /// Keys of other types or algorithms are skipped.
    ///
    /// # Errors
    /// [`Error::InvalidJwks`] if the document's shape is wrong; [`Error::InvalidJwk`] or
    /// [`Error::DuplicateKid`] for an unusable RSA key.
    pub fn from_jwks(jwks: &Value) -> Result<Self> {
        let set = Jwks::deserialize(jwks).map_err(|_| Error::InvalidJwks {
            reason: r#"expected {"keys":[{"kty":…},…]}"#,
        })?;
        Self::from_jwk_set(&set)
    }

    /// A verifier for the RS256 signature keys of a typed key set.
    ///
    /// # Errors
    /// As [`Verifier::from_jwks`].
    pub fn from_jwk_set(set: &Jwks) -> Result<Self> {
        let mut verifier = Self::new();
        for jwk in &set.keys {
            verifier.add_jwk(jwk)?;
        }
        Ok(verifier)
    }

    /// A verifier for the public halves of some signing keys.
    ///
    /// # Errors
    /// [`Error::DuplicateKid`] if two keys share a `kid`.
    pub fn from_signing_keys<'a>(keys: impl IntoIterator<Item = &'a SigningKey>) -> Result<Self> {
        let mut verifier = Self::new();
        for key in keys {
            verifier.add_signing_key(key)?;
        }
        Ok(verifier)
    }

    /// Adds the public half of a signing key.
    ///
    /// # Errors
    /// [`Error::DuplicateKid`] if its `kid` is already present.
    pub fn add_signing_key(&mut self, key: &SigningKey) -> Result<()> {
        self.add_jwk(&key.jwk()).map(|_| ())
    }

    /// Adds one JWK. Returns `Ok(false)` if it is not an RS256 signature key and was skipped.
    ///
    /// # Errors
    /// [`Error::InvalidJwk`] if an RSA key lacks a usable `kid`, `n` or `e`, or is not
    /// 2048–8192 bits; [`Error::DuplicateKid`] if its `kid` is already present.
    pub fn add_jwk(&mut self, jwk: &Jwk) -> Result<bool> {
        let unsupported_use = jwk.key_use.as_deref().is_some_and(|u| u != "sig");
        let unsupported_alg = jwk.alg.as_deref().is_some_and(|a| a != "RS256");
        if jwk.kty != "RSA" || unsupported_use || unsupported_alg {
            return Ok(false);
        }
        let invalid = |reason| Error::InvalidJwk {
            kid: jwk.kid.as_deref().map(echo),
            reason,
        };
        let kid = jwk.kid.as_deref().ok_or_else(|| invalid("missing kid"))?;
        validate_kid(kid)
            .map_err(|_| invalid("kid is empty, too long or has control characters"))?;
        if self.keys.contains_key(kid) {
            return Err(Error::DuplicateKid { kid: echo(kid) });
        }
        let (n, e, parsed) = rsa_public_key(jwk)?;
        let normalized = Jwk {
            alg: Some("RS256".to_owned()),
            e: URL_SAFE_NO_PAD.encode(&e),
            kid: Some(kid.to_owned()),
            kty: "RSA".to_owned(),
            crv: None,
            x: None,
            y: None,
            n: URL_SAFE_NO_PAD.encode(&n),
            key_use: Some("sig".to_owned()),
        };
        let header_segment = cognito_header_b64(kid)?;
        let header = Arc::new(decode_object(&header_segment, TokenPart::Header)?);
        self.remembered = Arc::default();
        self.by_header
            .insert(header_segment.clone(), kid.to_owned());
        self.keys.insert(
            kid.to_owned(),
            VerifierKey {
                jwk: normalized,
                parsed,
                header_segment,
                header,
            },
        );
        Ok(true)
    }

    /// Removes the key with this `kid`; returns whether it was present.
    pub fn remove(&mut self, kid: &str) -> bool {
        match self.keys.remove(kid) {
            Some(key) => {
                self.by_header.remove(&key.header_segment);
                self.remembered = Arc::default();
                true
            }
            None => false,
        }
    }

    /// The key ids known, in no particular order.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    /// Whether a key with this `kid` is known.
    #[must_use]
    pub fn contains(&self, kid: &str) -> bool {
        self.keys.contains_key(kid)
    }

    /// Number of keys.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are no keys.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The known keys as a JWKS, sorted by `kid`.
    #[must_use]
    pub fn jwks(&self) -> Jwks {
        let mut keys: Vec<Jwk> = self.keys.values().map(|k| k.jwk.clone()).collect();
        keys.sort_by(|a, b| a.kid.cmp(&b.kid));
        Jwks { keys }
    }

    /// Verifies a compact RS256 JWS and its time claims.
    ///
    /// In order: length (≤ [`crate::MAX_TOKEN_LEN`]) and exactly three parts; the header is a
    /// JSON object whose `alg` is exactly `RS256` (`none` and `HS*` are refused as algorithm
    /// confusion) with no `crit` and no `b64` other than `true`; its `kid` is known; the
    /// signature verifies; the claims are a JSON object; `exp` is present and
    /// `now_secs - skew_secs < exp`; `nbf` and `iat`, if present, are
    /// `≤ now_secs + skew_secs`. A negative skew counts as zero.
    ///
    /// Issuer, audience/client and `token_use` are the caller's to check, e.g. with
    /// [`VerifiedToken::expect_issuer`].
    ///
    /// # Errors
    /// The [`Error`] variant naming the first check that failed.
    pub fn verify(&self, token: &str, now_secs: i64, skew_secs: i64) -> Result<VerifiedToken> {
        let parts = split(token)?;
        let (key, header) = match self.canonical(parts.header) {
            // Byte-identical to a header we built and checked ourselves.
            Some(key) => (key, Arc::clone(&key.header)),
            None => {
                let header = decode_object(parts.header, TokenPart::Header)?;
                JwsAlgorithm::of_header(&header, &[JwsAlgorithm::Rs256])?;
                let kid = match header.get("kid") {
                    Some(Value::String(kid)) => kid.as_str(),
                    _ => return Err(Error::MissingKid),
                };
                let key = self
                    .keys
                    .get(kid)
                    .ok_or_else(|| Error::UnknownKid { kid: echo(kid) })?;
                (key, Arc::new(header))
            }
        };

        check_signature(&parts, &key.parsed)?;

        let json = decode(parts.claims, TokenPart::Claims)?;
        let scanned = scan(&json)?;
        check_times(&scanned, now_secs, skew_secs.max(0))?;
        Ok(VerifiedToken {
            header,
            json: json.into(),
            scanned,
            claims: OnceLock::new(),
        })
    }
}

impl Verifier {
    /// [`Verifier::verify`], remembering the tokens that verify: the same token presented
    /// again (byte for byte, while this verifier's keys stand) skips the signature check and
    /// the decoding, and only its times are checked again, so the answer is always the one
    /// [`Verifier::verify`] would give. For tokens a client sends with every call, such as an
    /// identity pool's logins; at most 1,024 are kept per key set.
    ///
    /// # Errors
    /// As [`Verifier::verify`].
    pub fn verify_remembered(
        &self,
        token: &str,
        now_secs: i64,
        skew_secs: i64,
    ) -> Result<VerifiedToken> {
        let signature = token.rsplit_once('.').map_or("", |(_, s)| s);
        if let Some(kept) = self.remembered.get(token, signature) {
            check_times(&kept.scanned, now_secs, skew_secs.max(0))?;
            return Ok(kept);
        }
        let verified = self.verify(token, now_secs, skew_secs)?;
        if let Ok(Some(exp)) = verified.scanned.exp.get("exp") {
            // Built once, so every later use of the remembered token shares the map.
            verified.claims_built();
            self.remembered
                .keep(token, signature, &verified, exp, now_secs);
        }
        Ok(verified)
    }

    #[cfg(test)]
    pub(crate) fn remembered(&self) -> &Remembered<VerifiedToken> {
        &self.remembered
    }

    /// The key whose canonical header segment is exactly `header`. A pool publishes two to
    /// four keys: comparing that many short segments costs less than hashing one.
    fn canonical(&self, header: &str) -> Option<&VerifierKey> {
        if self.keys.len() <= 8 {
            self.keys.values().find(|k| k.header_segment == header)
        } else {
            self.by_header
                .get(header)
                .and_then(|kid| self.keys.get(kid))
        }
    }
}

fn check_times(claims: &Scanned, now: i64, skew: i64) -> Result<()> {
    let exp = claims
        .exp
        .get("exp")?
        .ok_or(Error::MissingClaim { claim: "exp" })?;
    if now.saturating_sub(skew) >= exp {
        return Err(Error::Expired { exp, now });
    }
    let latest = now.saturating_add(skew);
    if let Some(nbf) = claims.nbf.get("nbf")?
        && nbf > latest
    {
        return Err(Error::NotYetValid { nbf, now });
    }
    if let Some(iat) = claims.iat.get("iat")?
        && iat > latest
    {
        return Err(Error::IssuedInFuture { iat, now });
    }
    Ok(())
}

/// A token whose signature, algorithm and times have been checked.
///
/// Its claims stay as the decoded JSON: the few that checks read (`token_use`, `iss`,
/// `client_id`, `aud`, `origin_jti`, `sub`, `username`) are found in one pass during
/// verification, and the full map is built only if [`VerifiedToken::claims`] is asked for.
#[derive(Debug, Clone)]
pub struct VerifiedToken {
    header: Arc<Map<String, Value>>,
    json: Arc<[u8]>,
    scanned: Scanned,
    claims: OnceLock<Arc<Map<String, Value>>>,
}

impl PartialEq for VerifiedToken {
    fn eq(&self, other: &Self) -> bool {
        self.header == other.header && self.json == other.json
    }
}

impl VerifiedToken {
    /// The JOSE header.
    #[must_use]
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }

    /// Every claim (built on first use).
    #[must_use]
    pub fn claims(&self) -> &Map<String, Value> {
        self.claims_built()
    }

    /// Every claim, shared: a clone of this token (a remembered one) shares the same map.
    #[must_use]
    pub fn shared_claims(&self) -> Arc<Map<String, Value>> {
        Arc::clone(self.claims_built())
    }

    /// The claims, by value.
    #[must_use]
    pub fn into_claims(self) -> Map<String, Value> {
        match self.claims.into_inner() {
            Some(claims) => Arc::unwrap_or_clone(claims),
            None => serde_json::from_slice(&self.json).unwrap_or_default(),
        }
    }

    fn claims_built(&self) -> &Arc<Map<String, Value>> {
        // The scan accepted the bytes exactly when a map would: this parse cannot fail.
        self.claims
            .get_or_init(|| Arc::new(serde_json::from_slice(&self.json).unwrap_or_default()))
    }

    /// The `kid` the token was verified with.
    #[must_use]
    pub fn kid(&self) -> &str {
        self.header.get("kid").and_then(Value::as_str).unwrap_or("")
    }

    /// One claim.
    #[must_use]
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.claims().get(name)
    }

    /// One claim, if it is a string.
    #[must_use]
    pub fn str_claim(&self, name: &str) -> Option<&str> {
        match self.scanned.lookup(&self.json, name) {
            Lookup::Str(s) => Some(s),
            Lookup::NotAString => None,
            Lookup::Unknown => self.claims().get(name).and_then(Value::as_str),
        }
    }

    /// Checks that `iss` equals `issuer`.
    ///
    /// # Errors
    /// [`Error::IssuerMismatch`].
    pub fn expect_issuer(&self, issuer: &str) -> Result<()> {
        match self.str_claim("iss") {
            Some(iss) if iss == issuer => Ok(()),
            found => Err(Error::IssuerMismatch {
                expected: issuer.to_owned(),
                found: found.map(echo),
            }),
        }
    }

    /// Checks that `token_use` equals `token_use` (`id` or `access` for Cognito tokens).
    ///
    /// # Errors
    /// [`Error::TokenUseMismatch`].
    pub fn expect_token_use(&self, token_use: &str) -> Result<()> {
        match self.str_claim("token_use") {
            Some(found) if found == token_use => Ok(()),
            found => Err(Error::TokenUseMismatch {
                expected: token_use.to_owned(),
                found: found.map(echo),
            }),
        }
    }

    /// Checks that the token was issued to app client `client_id`: the `client_id` claim
    /// (access tokens) or `aud`, a string or an array (ID tokens).
    ///
    /// # Errors
    /// [`Error::ClientMismatch`].
    pub fn expect_client_id(&self, client_id: &str) -> Result<()> {
        let by_client_id = self.str_claim("client_id") == Some(client_id);
        let by_aud = by_client_id
            || match self.str_claim("aud") {
                Some(aud) => aud == client_id,
                // An array of audiences (or no `aud`): the full claims.
                None => match self.claims().get("aud") {
                    Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(client_id)),
                    _ => false,
                },
            };
        if by_client_id || by_aud {
            Ok(())
        } else {
            Err(Error::ClientMismatch {
                expected: client_id.to_owned(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::remembered::CAPACITY;
    use crate::{SigningKey, Verifier};

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn verified_tokens_are_kept_up_to_the_capacity_and_refused_ones_never() {
        let key = SigningKey::generate_rs256().unwrap();
        let mut v = Verifier::from_signing_keys([&key]).unwrap();
        let sign = |i: i64| {
            key.sign_jwt(&json!({"sub": "s", "iat": NOW, "exp": NOW + 10 + i}))
                .unwrap()
        };
        let first = sign(0);
        v.verify_remembered(&first, NOW, 0).unwrap();
        v.verify_remembered(&first, NOW, 0).unwrap();
        assert_eq!(v.remembered().len(), 1, "the same token is kept once");
        assert!(v.verify_remembered(&first, NOW + 10, 0).is_err());
        assert!(v.verify_remembered("a.b.c", NOW, 0).is_err());
        assert_eq!(v.remembered().len(), 1, "refusals are not kept");

        for i in 1..CAPACITY as i64 {
            v.verify_remembered(&sign(i), NOW, 0).unwrap();
        }
        assert_eq!(v.remembered().len(), CAPACITY);
        // Full: at NOW + 510 the tokens expiring at NOW + 10 ..= NOW + 510 (501 of them) have
        // expired, and they make room.
        v.verify_remembered(&sign(5_000), NOW + 510, 0).unwrap();
        assert_eq!(v.remembered().len(), CAPACITY - 501 + 1);

        // A key added or removed starts a new set.
        v.add_signing_key(&SigningKey::generate_rs256().unwrap())
            .unwrap();
        assert_eq!(v.remembered().len(), 0);
    }
}
