//! A fake OpenID Connect provider on 127.0.0.1:0: an issuer `http://127.0.0.1:PORT/idp` whose
//! discovery document names its JWKS (or, [`OidcIssuer::without_discovery`], one that has no
//! discovery document), keys that sign ID tokens as a provider's would, and the
//! means to misbehave (another issuer in the discovery document, keys rotated, a `max-age`, any
//! answer on any path through [`OidcIssuer::routes`]).

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::http::{Reply, Routes};

/// Where the fake issuer serves its discovery document and its keys.
pub const DISCOVERY_PATH: &str = "/idp/.well-known/openid-configuration";
pub const JWKS_PATH: &str = "/idp/jwks.json";

/// A provider's signing key: RS256 (RSA-2048) or ES256 (P-256), with its `kid`.
pub struct SigningKey {
    pub kid: String,
    pub alg: Algorithm,
    encoding: EncodingKey,
    /// The public key as the JWKS publishes it (with the `kid`).
    pub jwk: Jwk,
    /// The public key in PEM (for tests that misuse it, as an HS256 secret say).
    pub public_pem: String,
    /// The private key in PKCS#8 PEM (Sign in with Apple's team key, which Poolhouse signs
    /// its client secrets with).
    pub private_pem: String,
}

impl SigningKey {
    /// A fresh RS256 key.
    pub fn rs256(kid: &str) -> SigningKey {
        SigningKey::generate(kid, Algorithm::RS256)
    }

    /// A fresh ES256 key.
    pub fn es256(kid: &str) -> SigningKey {
        SigningKey::generate(kid, Algorithm::ES256)
    }

    fn generate(kid: &str, alg: Algorithm) -> SigningKey {
        let rc_alg = match alg {
            Algorithm::RS256 => &rcgen::PKCS_RSA_SHA256,
            Algorithm::ES256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            other => panic!("a test key is RS256 or ES256, not {other:?}"),
        };
        let pair = rcgen::KeyPair::generate_for(rc_alg).unwrap();
        let pem = pair.serialize_pem();
        let encoding = match alg {
            Algorithm::RS256 => EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
            _ => EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
        };
        let mut jwk = Jwk::from_encoding_key(&encoding, alg).unwrap();
        jwk.common.key_id = Some(kid.to_string());
        SigningKey {
            kid: kid.to_string(),
            alg,
            encoding,
            jwk,
            public_pem: pair.public_key_pem(),
            private_pem: pem,
        }
    }

    /// A JWT of `claims` signed with this key, its header naming the `kid`.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(self.alg);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap()
    }
}

/// The JWKS document of these keys.
pub fn jwks(keys: &[&SigningKey]) -> String {
    let set = JwkSet {
        keys: keys.iter().map(|k| k.jwk.clone()).collect(),
    };
    serde_json::to_string(&set).unwrap()
}

/// An OIDC provider on the loopback. Stops when dropped.
pub struct OidcIssuer {
    routes: Routes,
    issuer: String,
    key: SigningKey,
}

impl OidcIssuer {
    /// A provider publishing one RS256 key, `k1`, which [`OidcIssuer::token`] signs with.
    pub fn start() -> OidcIssuer {
        let key = SigningKey::rs256("k1");
        let routes = Routes::start();
        let issuer = format!("{}/idp", routes.base());
        let idp = OidcIssuer {
            routes,
            issuer,
            key,
        };
        idp.discovery(&idp.issuer);
        idp.publish(&[&idp.key], None);
        idp
    }

    /// A provider that publishes its keys at [`JWKS_PATH`] but no discovery document (its
    /// issuer's `/.well-known/openid-configuration` is a 404): a relying party must be given
    /// its endpoints and [`OidcIssuer::jwks_uri`] by hand.
    pub fn without_discovery() -> OidcIssuer {
        let key = SigningKey::rs256("k1");
        let routes = Routes::start();
        let issuer = format!("{}/idp", routes.base());
        let idp = OidcIssuer {
            routes,
            issuer,
            key,
        };
        idp.publish(&[&idp.key], None);
        idp
    }

    /// Where the provider publishes its keys: `http://127.0.0.1:PORT/idp/jwks.json`.
    pub fn jwks_uri(&self) -> String {
        format!("{}{JWKS_PATH}", self.routes.base())
    }

    /// The issuer URL: `http://127.0.0.1:PORT/idp`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The Logins key of the issuer: its URL without the scheme.
    pub fn name(&self) -> &str {
        self.issuer.trim_start_matches("http://")
    }

    /// The key the provider signs with unless a test publishes others.
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// An ID token of `claims` signed with [`OidcIssuer::key`].
    pub fn token(&self, claims: &Value) -> String {
        self.key.sign(claims)
    }

    /// Claims of a token this provider would issue to `client` for `sub`, valid for an hour
    /// from `now_s` (seconds).
    pub fn claims(&self, client: &str, sub: &str, now_s: i64) -> Value {
        json!({"iss": self.issuer, "aud": client, "sub": sub,
               "iat": now_s - 10, "exp": now_s + 3600})
    }

    /// Serves a discovery document naming `issuer` (the provider's own, or another).
    pub fn discovery(&self, issuer: &str) {
        let doc =
            json!({"issuer": issuer, "jwks_uri": format!("{}{JWKS_PATH}", self.routes.base())});
        self.routes.answer(DISCOVERY_PATH, Reply::json(200, doc));
    }

    /// Publishes these keys as the JWKS, with `Cache-Control: max-age` when given.
    pub fn publish(&self, keys: &[&SigningKey], max_age_s: Option<u32>) {
        let reply = Reply::json(200, jwks(keys));
        match max_age_s {
            Some(s) => {
                let cc = format!("public, max-age={s}");
                self.routes
                    .answer_with_headers(JWKS_PATH, reply, &[("Cache-Control", &cc)]);
            }
            None => self.routes.answer(JWKS_PATH, reply),
        }
    }

    /// The server, to answer any path with anything.
    pub fn routes(&self) -> &Routes {
        &self.routes
    }

    /// How many times the JWKS was fetched.
    pub fn jwks_hits(&self) -> usize {
        self.routes.hits(JWKS_PATH)
    }

    /// How many times the discovery document was fetched.
    pub fn discovery_hits(&self) -> usize {
        self.routes.hits(DISCOVERY_PATH)
    }
}
