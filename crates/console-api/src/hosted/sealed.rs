//! What a sign-in through another identity provider carries through the provider's pages: the
//! app's authorize request, the provider it went to, the `nonce` sent there, and a binding to
//! the browser that started it. It travels as the OIDC `state` and the SAML `RelayState`,
//! sealed under the store's master key and bound to the pool, so no row is written for a
//! sign-in that is never finished and nothing in it can be read or changed on the way. A
//! provider's answer POSTed cross-site is sealed the same way to go on to a same-site GET.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use user_pools::oauth::authorize::AuthorizeRequest;

use crate::{ApiError, Console, ErrorCode};

/// How long a provider has to send the browser back (a user may have to sign in there):
/// Cognito cancels a sign-in through a provider that does not finish within five minutes.
pub const FEDERATION_STATE_LIFETIME_MS: i64 = 5 * 60 * 1000;

/// The longest sealed state opened: the authorize request's parameters are bounded
/// (`MAX_PARAMETER` each), so a real one is far shorter.
const MAX_SEALED_STATE: usize = 16 * 1024;

/// A sign-in on its way through a provider.
#[derive(Debug, Clone)]
pub struct FederationState {
    /// The provider's `ProviderName` in the pool.
    pub provider: String,
    /// The app's authorize request, to go on with when the provider answers.
    pub request: AuthorizeRequest,
    /// The `nonce` sent to an OIDC provider (its ID token must carry it back).
    pub nonce: String,
    /// What ties the state to the browser that started it (a cookie's value, or empty when
    /// the provider's answer cannot carry the browser's cookies, as a SAML POST cannot).
    pub binding: String,
    /// When the state stops counting (ms since the epoch).
    pub expires_ms: i64,
}

/// The sealed form: short names, the request as its pairs.
#[derive(Serialize, Deserialize)]
struct Sealed {
    p: String,
    q: Vec<(String, String)>,
    n: String,
    b: String,
    e: i64,
}

fn state_aad(pool_id: &str) -> Vec<u8> {
    format!("poolhouse federation state\0{pool_id}").into_bytes()
}

pub(super) fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::InternalErrorException, e.to_string())
}

impl Console {
    /// A new state for a sign-in of `request` through `provider` in `pool_id`, with a fresh
    /// nonce, valid for [`FEDERATION_STATE_LIFETIME_MS`]; returns it with its sealed text.
    pub fn new_federation_state(
        &self,
        pool_id: &str,
        provider: &str,
        request: &AuthorizeRequest,
        binding: &str,
    ) -> Result<(FederationState, String), ApiError> {
        let state = FederationState {
            provider: provider.to_owned(),
            request: request.clone(),
            nonce: tokens::new_opaque_token().map_err(internal)?,
            binding: binding.to_owned(),
            expires_ms: self.now() + FEDERATION_STATE_LIFETIME_MS,
        };
        let sealed = Sealed {
            p: state.provider.clone(),
            q: request
                .pairs()
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            n: state.nonce.clone(),
            b: state.binding.clone(),
            e: state.expires_ms,
        };
        let plain = serde_json::to_vec(&sealed).map_err(internal)?;
        let bytes =
            tokens::seal(&self.inner.master, &plain, &state_aad(pool_id)).map_err(internal)?;
        Ok((state, URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// The state `sealed` carries, if it was made for `pool_id` by this store and has not run
    /// out. Whether its binding matches the browser is the caller's check.
    pub fn open_federation_state(&self, pool_id: &str, sealed: &str) -> Option<FederationState> {
        if sealed.len() > MAX_SEALED_STATE {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        let plain = tokens::open(&self.inner.master, &bytes, &state_aad(pool_id)).ok()?;
        let s: Sealed = serde_json::from_slice(plain.expose_secret()).ok()?;
        if s.e <= self.now() {
            return None;
        }
        Some(FederationState {
            provider: s.p,
            request: AuthorizeRequest::from_pairs(
                s.q.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            ),
            nonce: s.n,
            binding: s.b,
            expires_ms: s.e,
        })
    }
}

/// The digest of a binding cookie's value, which the state carries.
pub fn binding_of(cookie: &str) -> String {
    tokens::sha256_base64url(&format!("poolhouse federation binding\0{cookie}"))
}

/// How long a provider's posted answer, carried on to the same-site GET, stays usable.
const POSTED_ANSWER_LIFETIME_MS: i64 = 60 * 1000;

fn posted_aad(pool_id: &str) -> Vec<u8> {
    format!("poolhouse federation posted answer\0{pool_id}").into_bytes()
}

#[derive(Serialize, Deserialize)]
struct Posted {
    f: Vec<(String, String)>,
    e: i64,
}

impl Console {
    /// A provider's answer POSTed to `/oauth2/idpresponse` (`response_mode=form_post`, as
    /// Sign in with Apple answers), sealed so that it can go on to a GET of the same page: a
    /// cross-site POST carries no `SameSite=Lax` cookie, the top-level GET it is redirected to
    /// does. Sealed under the master key and bound to the pool, it lives a minute and neither
    /// the code nor anything else in it can be read from the URL.
    pub fn seal_posted_answer(
        &self,
        pool_id: &str,
        fields: &[(String, String)],
    ) -> Result<String, ApiError> {
        let plain = serde_json::to_vec(&Posted {
            f: fields.to_vec(),
            e: self.now() + POSTED_ANSWER_LIFETIME_MS,
        })
        .map_err(internal)?;
        let bytes =
            tokens::seal(&self.inner.master, &plain, &posted_aad(pool_id)).map_err(internal)?;
        Ok(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The fields of a sealed posted answer, if it was sealed for `pool_id` by this store and
    /// has not run out.
    pub fn open_posted_answer(&self, pool_id: &str, sealed: &str) -> Option<Vec<(String, String)>> {
        if sealed.len() > 2 * MAX_SEALED_STATE {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        let plain = tokens::open(&self.inner.master, &bytes, &posted_aad(pool_id)).ok()?;
        let p: Posted = serde_json::from_slice(plain.expose_secret()).ok()?;
        (p.e > self.now()).then_some(p.f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Arc;

    use domain::clock::FixedClock;

    fn console() -> (tempfile::TempDir, Arc<FixedClock>, Console) {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at(1_700_000_000_000));
        let console = Console::open(&dir.path().join("store.db"), clock.clone()).unwrap();
        (dir, clock, console)
    }

    #[test]
    fn a_state_opens_in_its_pool_only_and_carries_the_request() {
        let (_d, clock, c) = console();
        let req = AuthorizeRequest {
            client_id: Some("abc".into()),
            redirect_uri: Some("https://app.example/cb".into()),
            state: Some("app state & more".into()),
            identity_provider: Some("Corp".into()),
            ..Default::default()
        };
        let (made, sealed) = c
            .new_federation_state("us-east-1_a", "Corp", &req, "bind")
            .unwrap();
        let opened = c.open_federation_state("us-east-1_a", &sealed).unwrap();
        assert_eq!(opened.provider, "Corp");
        assert_eq!(opened.nonce, made.nonce);
        assert_eq!(opened.binding, "bind");
        assert_eq!(opened.request.pairs(), req.pairs());
        assert!(c.open_federation_state("us-east-1_b", &sealed).is_none());
        let mut tampered = sealed.clone().into_bytes();
        tampered[10] ^= 1;
        assert!(
            c.open_federation_state("us-east-1_a", &String::from_utf8(tampered).unwrap())
                .is_none()
        );
        let (_, other) = c
            .new_federation_state("us-east-1_a", "Corp", &req, "bind")
            .unwrap();
        assert_ne!(other, sealed, "each state has its own nonce");
        clock.advance(FEDERATION_STATE_LIFETIME_MS);
        assert!(
            c.open_federation_state("us-east-1_a", &sealed).is_none(),
            "run out"
        );
    }

    #[test]
    fn a_posted_answer_opens_in_its_pool_for_a_minute_and_bindings_are_digests() {
        let (_d, clock, c) = console();
        let fields = vec![
            ("code".to_string(), "c0de".to_string()),
            ("state".to_string(), "s".to_string()),
        ];
        let sealed = c.seal_posted_answer("us-east-1_a", &fields).unwrap();
        assert!(!sealed.contains("c0de"));
        assert_eq!(c.open_posted_answer("us-east-1_a", &sealed), Some(fields));
        assert_eq!(c.open_posted_answer("us-east-1_b", &sealed), None);
        assert_eq!(c.open_posted_answer("us-east-1_a", "x"), None);
        clock.advance(POSTED_ANSWER_LIFETIME_MS);
        assert_eq!(c.open_posted_answer("us-east-1_a", &sealed), None);
        assert_eq!(binding_of("cookie"), binding_of("cookie"));
        assert_ne!(binding_of("cookie"), binding_of("cookie2"));
        assert!(!binding_of("cookie").contains("cookie"));
    }
}
