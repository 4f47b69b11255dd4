//! Signing out of a user pool and of the SAML provider the browser signed in with, as Cognito
//! does it (SP-initiated single logout):
//!
//! - `/logout` ([`Console::hosted_sign_out`]) ends the browser's session here first, in one
//!   write that also takes away what the sign-in kept of its session at the IdP
//!   (`storage::saml_sessions`: NameID, SessionIndex). When that provider has `IDPSignout` and
//!   its metadata a `SingleLogoutService` with the HTTP-Redirect binding, the browser goes there
//!   with a `LogoutRequest` signed with the pool's signing certificate (Cognito signs it
//!   whatever `RequestSigningAlgorithm` says) and a sealed `RelayState`: the provider, the
//!   request's ID and where the sign-out ends (the registered `logout_uri`, or the sign-in page).
//!   Otherwise the sign-out is local only, as before.
//! - The IdP POSTs its `LogoutResponse` to `/saml2/logout` ([`Console::saml_logout_response`]):
//!   the RelayState opened (made here, for this pool, not run out), the response checked by
//!   `federation::saml::logout` (signature by the metadata's certificates, issuer,
//!   `InResponseTo` the request's ID, destination, status), and the browser sent on. Nothing is
//!   written: the session here ended at `/logout`.
//!
//! The state is sealed, not stored, like a sign-in's (`sealed.rs`): the IdP's POST is
//! cross-site and carries no `SameSite=Lax` cookie, so it cannot be bound to the browser; what
//! it can do is send a browser to a URL this pool registered.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use federation::saml::logout::{self, LogoutRequest, LogoutStatus, LogoutTrust};
use federation::saml::request;
use serde::{Deserialize, Serialize};

use super::saml::SAML;
use super::sealed::internal;
use crate::ops::Op;
use crate::{Actor, ApiError, Console};

/// How long the IdP has to send the browser back with its LogoutResponse.
pub const LOGOUT_STATE_LIFETIME_MS: i64 = 5 * 60 * 1000;

/// The longest sealed sign-out state opened (a real one holds a URL of at most 1,024
/// characters and a few names).
const MAX_SEALED_LOGOUT: usize = 8 * 1024;

/// Whether a provider asks for single logout (`IDPSignout`).
pub(crate) fn signs_out(p: &storage::idps::IdpRow) -> bool {
    p.provider_type == SAML && p.details.get("IDPSignout").map(String::as_str) == Some("true")
}

/// The pool's `/saml2/logout` beside each of its assertion consumer URLs (the SP metadata's
/// `SingleLogoutService`).
pub(crate) fn slo_url_of(acs_url: &str) -> Option<String> {
    acs_url
        .strip_suffix("/saml2/idpresponse")
        .map(|base| format!("{base}/saml2/logout"))
}

/// A sign-out on its way through the provider (sealed as the `RelayState`).
#[derive(Serialize, Deserialize)]
struct SealedLogout {
    /// The provider's `ProviderName`.
    p: String,
    /// The LogoutRequest's ID.
    i: String,
    /// Where the browser goes at the end.
    d: String,
    /// Expiry, ms since the epoch.
    e: i64,
}

fn logout_aad(pool_id: &str) -> Vec<u8> {
    format!("poolhouse saml logout state\0{pool_id}").into_bytes()
}

/// A fresh LogoutRequest ID (an NCName: `_` and 40 hex digits).
fn new_request_id() -> Result<String, ApiError> {
    let nonce = tokens::new_opaque_token().map_err(internal)?;
    let digest = tokens::opaque_digest(&format!("poolhouse saml logout request\0{nonce}"));
    let hex: String = digest[..20].iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("_{hex}"))
}

impl Console {
    /// `/logout` for a browser whose session cookie is `cookie` (if any): the session ends here
    /// and, when it began with a SAML provider that signs out (`IDPSignout`, a
    /// `SingleLogoutService` in its metadata), answers the URL of the provider's sign-out with
    /// a signed LogoutRequest whose answer (at this pool's `/saml2/logout`) ends at `then`.
    /// `None`: the sign-out was local only, go to `then` now.
    pub fn hosted_sign_out(
        &self,
        pool_id: &str,
        cookie: Option<&str>,
        then: &str,
    ) -> Result<Option<String>, ApiError> {
        let Some(c) = cookie.and_then(|c| self.open_session_cookie(pool_id, c)) else {
            return Ok(None);
        };
        let actor = Actor::console();
        let ctx = self.hosted_ctx(Op::GlobalSignOut, &actor);
        let Some(session) = self.engine(&ctx, |e| e.end_hosted_session(&c.o))? else {
            return Ok(None);
        };
        let found = self.read(|r| {
            let Some(pool) = storage::pools::get(r, pool_id)? else {
                return Ok(None);
            };
            let provider = storage::idps::get(r, pool.pk, &session.provider)?;
            Ok(provider.filter(signs_out).map(|p| (pool, p)))
        })?;
        let Some((pool, provider)) = found else {
            return Ok(None);
        };
        let slo = match self.saml_metadata(&provider) {
            Ok(m) => m.slo_redirect,
            Err(e) => {
                tracing::warn!(pool = pool_id, provider = %provider.name, error = %e,
                    "signed out locally only: the provider's metadata could not be read");
                None
            }
        };
        let Some(slo) = slo else {
            return Ok(None);
        };
        let id = new_request_id()?;
        let now = self.now();
        let sealed = SealedLogout {
            p: provider.name.clone(),
            i: id.clone(),
            d: then.to_owned(),
            e: now + LOGOUT_STATE_LIFETIME_MS,
        };
        let plain = serde_json::to_vec(&sealed).map_err(internal)?;
        let relay = URL_SAFE_NO_PAD.encode(
            tokens::seal(&self.inner.master, &plain, &logout_aad(pool_id)).map_err(internal)?,
        );
        let issuer = request::sp_entity_id(pool_id);
        let req = LogoutRequest {
            id: &id,
            issuer: &issuer,
            destination: &slo,
            name_id: &session.name_id,
            name_id_format: session.name_id_format.as_deref(),
            session_index: session.session_index.as_deref(),
            issued_ms: now,
            not_on_or_after_ms: now + LOGOUT_STATE_LIFETIME_MS,
        };
        let (key, _) = self.saml_signer(&pool)?;
        let sign = |octets: &[u8]| rcgen::SigningKey::sign(&key, octets).ok();
        req.redirect_url(&relay, &sign)
            .map(Some)
            .map_err(|e| internal(format!("the SAML LogoutRequest: {e}")))
    }

    /// `POST /saml2/logout` with the IdP's `LogoutResponse` (`SAMLResponse`) and the
    /// `RelayState` [`Console::hosted_sign_out`] sent: where the browser goes (the sign-out's
    /// end), or why the response was refused (a sentence for the error page). Changes nothing.
    /// `slo_url`: where the response was posted, as its `Destination` must name it.
    pub fn saml_logout_response(
        &self,
        pool_id: &str,
        slo_url: &str,
        saml_response: &str,
        relay_state: Option<&str>,
    ) -> Result<Result<String, String>, ApiError> {
        let Some(state) = relay_state.and_then(|r| self.open_logout_state(pool_id, r)) else {
            return Ok(Err(
                "The LogoutResponse's RelayState is not a sign-out started here (or it ran out)."
                    .into(),
            ));
        };
        let provider = self.read(|r| {
            let Some(pool) = storage::pools::get(r, pool_id)? else {
                return Ok(None);
            };
            Ok(storage::idps::get(r, pool.pk, &state.p)?)
        })?;
        let Some(provider) = provider.filter(|p| p.provider_type == SAML) else {
            return Ok(Err(format!(
                "{} is not a SAML provider of this user pool.",
                state.p
            )));
        };
        let metadata = match self.saml_metadata(&provider) {
            Ok(m) => m,
            Err(m) => return Ok(Err(m)),
        };
        let trust = LogoutTrust {
            metadata: &metadata,
            request_id: &state.i,
            destination: slo_url,
        };
        match logout::verify_response(&trust, saml_response, self.now()) {
            Ok(LogoutStatus::Success) => Ok(Ok(state.d)),
            Ok(LogoutStatus::Failed { code, message }) => Ok(Err(format!(
                "You are signed out here, but {} did not end your session there: it answered {code}{}.",
                provider.name,
                message.map(|m| format!(" ({m})")).unwrap_or_default()
            ))),
            Err(e) => Ok(Err(e.to_string())),
        }
    }

    fn open_logout_state(&self, pool_id: &str, sealed: &str) -> Option<SealedLogout> {
        if sealed.len() > MAX_SEALED_LOGOUT {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        let plain = tokens::open(&self.inner.master, &bytes, &logout_aad(pool_id)).ok()?;
        let s: SealedLogout = serde_json::from_slice(plain.expose_secret()).ok()?;
        (s.e > self.now()).then_some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_fresh_ncnames_and_slo_urls_sit_beside_the_acs() {
        let a = new_request_id().unwrap();
        assert!(a.starts_with('_') && a.len() == 41, "{a}");
        assert_ne!(a, new_request_id().unwrap());
        assert_eq!(
            slo_url_of("http://h:1/us-east-1_X/saml2/idpresponse").as_deref(),
            Some("http://h:1/us-east-1_X/saml2/logout")
        );
        assert_eq!(slo_url_of("http://h:1/elsewhere"), None);
    }
}
