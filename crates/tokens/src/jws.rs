//! Other issuers' tokens: a compact JWS checked against one key of their JWKS.
//!
//! [`JwkKey`] is a JWK parsed once for exactly one algorithm — RSA (`n`, `e`) for RS256, EC
//! P-256 (`x`, `y`) for ES256 — and [`JwkKey::verify`] checks a token's structure, its `alg`
//! against an explicit allow-list *and* the key's own algorithm, then its signature, with the
//! code [`crate::Verifier`] uses for Poolhouse's own tokens. The key is bound to its algorithm
//! when it is parsed, so algorithm confusion cannot happen: `none` and `HS*` are refused by
//! name, and an RS256 header never reaches an EC key (nor ES256 an RSA one).
//!
//! What a token must say is the caller's policy: which key (by `kid`), issuer, audience, times
//! and nonce are not checked here.

use std::fmt;

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, ParsedPublicKey};
use base64::Engine;
use serde_json::{Map, Value};

use crate::b64::LENIENT_URL_SAFE;
use crate::compact::{decode_object, split};
use crate::error::{Error, Result, TokenPart, echo};
use crate::jwks::Jwk;
use crate::signature::{check_signature, rsa_public_key};

/// A JWS algorithm a token may be accepted with: the allow-list is a slice of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JwsAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256, RSA keys of 2048–8192 bits.
    Rs256,
    /// ECDSA on P-256 with SHA-256, the signature as the 64-byte `r || s`.
    Es256,
}

impl JwsAlgorithm {
    /// Every algorithm this crate verifies.
    pub const ALL: [JwsAlgorithm; 2] = [JwsAlgorithm::Rs256, JwsAlgorithm::Es256];

    /// The JOSE name (`RS256`, `ES256`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            JwsAlgorithm::Rs256 => "RS256",
            JwsAlgorithm::Es256 => "ES256",
        }
    }

    /// The algorithm a JOSE name means (exactly, case-sensitive).
    #[must_use]
    pub fn from_name(name: &str) -> Option<JwsAlgorithm> {
        JwsAlgorithm::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The algorithm a JOSE header names, if `allowed` holds it. A header with `crit`, or with
    /// `b64` other than `true`, is refused too (no extension is understood). This reads an
    /// **unverified** header: it lets a caller refuse a token before fetching keys for it, and
    /// [`JwkKey::verify`] checks it again.
    ///
    /// # Errors
    /// [`Error::MissingAlgorithm`]; [`Error::AlgorithmNone`] for `none` (any case);
    /// [`Error::SymmetricAlgorithm`] for `HS*`; [`Error::UnsupportedAlgorithm`] for any other
    /// name not in `allowed`; [`Error::UnsupportedCritical`]; [`Error::UnencodedPayload`].
    pub fn of_header(
        header: &Map<String, Value>,
        allowed: &[JwsAlgorithm],
    ) -> Result<JwsAlgorithm> {
        let name = match header.get("alg") {
            Some(Value::String(alg)) => alg.as_str(),
            _ => return Err(Error::MissingAlgorithm),
        };
        let Some(alg) = JwsAlgorithm::from_name(name).filter(|a| allowed.contains(a)) else {
            return Err(if name.eq_ignore_ascii_case("none") {
                Error::AlgorithmNone
            } else if name
                .as_bytes()
                .get(..2)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"HS"))
            {
                Error::SymmetricAlgorithm { alg: echo(name) }
            } else {
                Error::UnsupportedAlgorithm {
                    alg: echo(name),
                    accepted: allowed
                        .iter()
                        .map(|a| a.name())
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            });
        };
        if header.contains_key("crit") {
            return Err(Error::UnsupportedCritical);
        }
        if header
            .get("b64")
            .is_some_and(|b64| b64 != &Value::Bool(true))
        {
            return Err(Error::UnencodedPayload);
        }
        Ok(alg)
    }
}

impl fmt::Display for JwsAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One public key from a JWKS, parsed once for the one algorithm it verifies.
#[derive(Clone)]
pub struct JwkKey {
    kid: Option<String>,
    algorithm: JwsAlgorithm,
    parsed: ParsedPublicKey,
}

impl fmt::Debug for JwkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwkKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// Length of one P-256 coordinate in bytes.
const P256_COORDINATE_LEN: usize = 32;

impl JwkKey {
    /// Parses a JWK: `kty: RSA` (`n`, `e`, 2048–8192 bits) verifies RS256, `kty: EC` with
    /// `crv: P-256` (`x`, `y`, 32 bytes each) verifies ES256. A declared `alg` must be that
    /// algorithm and a declared `use` must be `sig`.
    ///
    /// # Errors
    /// [`Error::InvalidJwk`] naming what makes the key unusable: another key type or curve,
    /// a declared `alg` that does not fit it, `use` other than `sig`, or members that are not
    /// a valid public key.
    pub fn from_jwk(jwk: &Jwk) -> Result<JwkKey> {
        let invalid = |reason| Error::InvalidJwk {
            kid: jwk.kid.as_deref().map(echo),
            reason,
        };
        if jwk.key_use.as_deref().is_some_and(|u| u != "sig") {
            return Err(invalid("use is not sig: not a signature key"));
        }
        let (algorithm, parsed) = match jwk.kty.as_str() {
            "RSA" => (JwsAlgorithm::Rs256, rsa_public_key(jwk)?.2),
            "EC" => {
                if jwk.crv.as_deref() != Some("P-256") {
                    return Err(invalid("crv is not P-256; EC keys verify ES256 only"));
                }
                let coordinate = |member: &Option<String>, name| {
                    member
                        .as_deref()
                        .and_then(|m| LENIENT_URL_SAFE.decode(m).ok())
                        .filter(|c| c.len() == P256_COORDINATE_LEN)
                        .ok_or_else(|| invalid(name))
                };
                let x = coordinate(&jwk.x, "x is not 32 bytes of base64url")?;
                let y = coordinate(&jwk.y, "y is not 32 bytes of base64url")?;
                // The uncompressed SEC 1 point: 0x04 || x || y.
                let mut point = Vec::with_capacity(1 + 2 * P256_COORDINATE_LEN);
                point.push(4);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                let parsed = ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point)
                    .map_err(|_| invalid("x and y are not a point on P-256"))?;
                (JwsAlgorithm::Es256, parsed)
            }
            _ => return Err(invalid("kty is not RSA or EC")),
        };
        if jwk.alg.as_deref().is_some_and(|a| a != algorithm.name()) {
            return Err(invalid(match algorithm {
                JwsAlgorithm::Rs256 => "alg does not fit the key: RSA keys verify RS256 only",
                JwsAlgorithm::Es256 => "alg does not fit the key: EC P-256 keys verify ES256 only",
            }));
        }
        Ok(JwkKey {
            kid: jwk.kid.clone(),
            algorithm,
            parsed,
        })
    }

    /// The key's `kid`, if the JWK had one.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The one algorithm this key verifies.
    #[must_use]
    pub fn algorithm(&self) -> JwsAlgorithm {
        self.algorithm
    }

    /// Verifies a compact JWS's signature with this key. In order: length and three parts;
    /// the header is a JSON object whose `alg` is in `allowed` ([`JwsAlgorithm::of_header`])
    /// and is this key's algorithm; the signature verifies; the claims are a JSON object.
    ///
    /// Nothing else is checked: the header's `kid`, `iss`, `aud`, `exp`/`nbf`/`iat` and any
    /// nonce are the caller's policy.
    ///
    /// # Errors
    /// The [`Error`] naming the first check that failed; [`Error::KeyAlgorithmMismatch`]
    /// when an allowed `alg` is not this key's.
    pub fn verify(&self, token: &str, allowed: &[JwsAlgorithm]) -> Result<VerifiedJws> {
        let parts = split(token)?;
        let header = decode_object(parts.header, TokenPart::Header)?;
        let alg = JwsAlgorithm::of_header(&header, allowed)?;
        if alg != self.algorithm {
            return Err(Error::KeyAlgorithmMismatch {
                alg: alg.name(),
                key: self.algorithm.name(),
            });
        }
        check_signature(&parts, &self.parsed)?;
        let claims = decode_object(parts.claims, TokenPart::Claims)?;
        Ok(VerifiedJws {
            algorithm: alg,
            header,
            claims,
        })
    }
}

/// A token whose algorithm and signature [`JwkKey::verify`] checked, and nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedJws {
    algorithm: JwsAlgorithm,
    header: Map<String, Value>,
    claims: Map<String, Value>,
}

impl VerifiedJws {
    /// The algorithm it was signed with.
    #[must_use]
    pub fn algorithm(&self) -> JwsAlgorithm {
        self.algorithm
    }

    /// The JOSE header.
    #[must_use]
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }

    /// The claims.
    #[must_use]
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// Header and claims, by value.
    #[must_use]
    pub fn into_parts(self) -> (Map<String, Value>, Map<String, Value>) {
        (self.header, self.claims)
    }
}
