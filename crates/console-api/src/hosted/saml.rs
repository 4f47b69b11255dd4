//! Sign-in through a user pool's SAML provider, the pool being the service provider (entity id
//! `urn:amazon:cognito:sp:<poolId>`, assertion consumer `…/saml2/idpresponse`):
//!
//! - SP-initiated: `/oauth2/authorize` naming a SAML provider sends the browser to the IdP's
//!   HTTP-Redirect SSO URL with an AuthnRequest whose ID is derived from the sealed
//!   federation state's nonce, and that state as `RelayState`. The state comes back with the
//!   response and tells which request it answers (`InResponseTo` must name it).
//! - IdP-initiated (only with the provider's `IDPInit`): a response that answers no request,
//!   with a `RelayState` holding the authorize request's parameters as Cognito documents it
//!   (`identity_provider`, `client_id`, `redirect_uri`, `response_type`, `scope`).
//!
//! The response is checked by `federation::saml::verify` (signature by the metadata's
//! certificates, issuer, audience, recipient, times, `InResponseTo`) and each assertion is
//! accepted once (`storage::saml_replay`, kept until its `NotOnOrAfter`). The NameID is the
//! subject; the attributes fill the pool's by the provider's AttributeMapping; then
//! `Engine::federated_hosted_sign_in` stores the user and the browser's session together,
//! and the authorize request ends as after a password sign-in (a code, or implicit tokens).

use federation::saml::{self, ReplayCache, SamlTrust, metadata, request};
use user_pools::oauth::authorize::{AuthorizeRequest, Authorized, Refusal};
use user_pools::oauth::{OAuthCode, OAuthError};
use user_pools::signin::Origin;

use storage::pools::PoolRow;

use crate::ops::Op;
use crate::{Actor, ApiError, Console, ErrorCode};

/// The provider type of a SAML provider.
pub const SAML: &str = "SAML";

/// A pool's providers, all of them.
const MAX_PROVIDERS: u32 = domain::idp::MAX_IDPS_PER_POOL as u32;

/// Whether a provider asks for signed AuthnRequests (`RequestSigningAlgorithm`).
fn signs_requests(p: &storage::idps::IdpRow) -> bool {
    p.details.get("RequestSigningAlgorithm").map(String::as_str) == Some("rsa-sha256")
}

/// What a SAML response at `/saml2/idpresponse` ends in.
#[derive(Debug, Clone)]
pub struct SamlSignedIn {
    /// Where the browser goes: the app's redirect URI with a code (or implicit tokens).
    pub location: String,
    /// The hosted session cookie's value (as `/login` sets it).
    pub session_cookie: String,
}

/// The AuthnRequest ID of a sign-in, from its state's nonce (an NCName: `_` and hex).
fn request_id(nonce: &str) -> String {
    let digest = tokens::opaque_digest(&format!("poolhouse saml request\0{nonce}"));
    let hex: String = digest[..20].iter().map(|b| format!("{b:02x}")).collect();
    format!("_{hex}")
}

/// Back to the app's (registered) redirect URI with `error`.
fn back(a: &Authorized, code: OAuthCode, description: impl Into<String>) -> Refusal {
    Refusal::Redirect {
        redirect_uri: a.redirect_uri.clone(),
        error: OAuthError::new(code, description),
        state: a.state.clone(),
    }
}

/// Records used assertions in the store.
struct StoreReplay<'a> {
    console: &'a Console,
}

impl ReplayCache for StoreReplay<'_> {
    fn first_use(&self, issuer: &str, id: &str, until_ms: i64) -> bool {
        let now = self.console.now();
        // Kept for the leeway `verify` gives the assertion's time as well.
        let until = until_ms.saturating_add(saml::LEEWAY_MS);
        let done: Result<bool, ApiError> = self
            .console
            .inner
            .db
            .write(|tx| Ok(storage::saml_replay::first_use(tx, issuer, id, until, now)?));
        done.unwrap_or_else(|e| {
            tracing::warn!(error = %e.message, "a SAML assertion's use could not be recorded");
            false
        })
    }
}

impl Console {
    /// The provider's metadata: its `MetadataFile`, or the document at its `MetadataURL`
    /// (read again at each sign-in, as the IdP may have rolled its certificate).
    pub(super) fn saml_metadata(
        &self,
        p: &storage::idps::IdpRow,
    ) -> Result<metadata::Metadata, String> {
        if let Some(doc) = p.details.get("MetadataFile") {
            return metadata::parse(doc).map_err(|e| {
                format!(
                    "the metadata of SAML provider {} does not read: {e}",
                    p.name
                )
            });
        }
        let Some(url) = p.details.get("MetadataURL") else {
            return Err(format!("SAML provider {} has no metadata", p.name));
        };
        let verifier = self.trust_verifier().map_err(|e| e.message)?;
        metadata::fetch(verifier.fetch(), url)
            .map(|(_, m)| m)
            .map_err(|e| {
                format!(
                    "the metadata of SAML provider {} could not be read: {e}",
                    p.name
                )
            })
    }

    /// The pool as a service provider: its entity id.
    pub fn saml_sp_entity_id(&self, pool_id: &str) -> String {
        request::sp_entity_id(pool_id)
    }

    /// The pool's SP metadata (entity id, the ACS URLs it is reached at, and the signing
    /// certificate when one of its SAML providers asks for signed requests or signs out; with
    /// the `SingleLogoutService` beside the ACS when one signs out), or `None` when there is no
    /// such pool.
    pub fn saml_sp_metadata(
        &self,
        pool_id: &str,
        acs_urls: &[String],
    ) -> Result<Option<String>, ApiError> {
        let found = self.read(|r| {
            let Some(pool) = storage::pools::get(r, pool_id)? else {
                return Ok(None);
            };
            let providers = storage::idps::list(r, pool.pk, "", MAX_PROVIDERS)?;
            let signs_out = providers.iter().any(super::saml_logout::signs_out);
            let signs_authn = providers.iter().any(signs_requests);
            Ok(Some((pool, signs_authn, signs_out)))
        })?;
        let Some((pool, signs_authn, signs_out)) = found else {
            return Ok(None);
        };
        let cert = if signs_authn || signs_out {
            Some(self.saml_signer(&pool)?.1)
        } else {
            None
        };
        let mut xml =
            request::sp_metadata(&request::sp_entity_id(pool_id), acs_urls, cert.as_deref());
        if cert.is_some() && !signs_authn {
            // The certificate is there for the signed LogoutRequests only: AuthnRequests are
            // not signed, and an IdP that believed they were would refuse them.
            xml = xml.replacen(
                r#"AuthnRequestsSigned="true""#,
                r#"AuthnRequestsSigned="false""#,
                1,
            );
        }
        let slo = acs_urls
            .first()
            .and_then(|acs| super::saml_logout::slo_url_of(acs));
        Ok(Some(match slo {
            Some(slo) if signs_out => saml::logout::with_single_logout(&xml, &slo),
            _ => xml,
        }))
    }

    /// The pool's SAML request signing key and its certificate (DER): the pool's current
    /// ID-token key, in a self-signed certificate named by the SP entity id, valid ten years
    /// from the pool's creation (as Cognito's signing certificate is). Made the same each
    /// time from the same key, so it is not stored; a rotated key makes a new one.
    pub(super) fn saml_signer(
        &self,
        pool: &PoolRow,
    ) -> Result<(rcgen::KeyPair, Vec<u8>), ApiError> {
        let internal = |e: String| ApiError::new(ErrorCode::InternalErrorException, e);
        let keys = self.pool_keys(pool)?;
        let pair = rcgen::KeyPair::try_from(keys.id.pkcs8_der().expose_secret())
            .map_err(|e| internal(format!("the pool's signing key: {e}")))?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())
            .map_err(|e| internal(e.to_string()))?;
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, request::sp_entity_id(&pool.id));
        let from = time::OffsetDateTime::from_unix_timestamp(pool.created_at.div_euclid(1000))
            .map_err(|e| internal(e.to_string()))?;
        params.not_before = from;
        params.not_after = from + time::Duration::days(3652);
        let mut serial =
            tokens::opaque_digest(&format!("poolhouse saml signing\0{}", keys.id.kid()));
        serial.truncate(16);
        if let Some(first) = serial.first_mut() {
            *first &= 0x7f;
        }
        params.serial_number = Some(rcgen::SerialNumber::from_slice(&serial));
        let cert = params
            .self_signed(&pair)
            .map_err(|e| internal(format!("the SAML signing certificate: {e}")))?;
        Ok((pair, cert.der().to_vec()))
    }

    /// SP-initiated sign-in: where the browser goes for an authorized request naming a SAML
    /// provider (its SSO URL with the AuthnRequest and the sealed state as `RelayState`);
    /// `acs_url` is this pool's `/saml2/idpresponse` as the browser reaches it.
    pub fn saml_start(
        &self,
        pool_id: &str,
        a: &Authorized,
        req: &AuthorizeRequest,
        acs_url: &str,
    ) -> Result<Result<String, Refusal>, ApiError> {
        let Some(p) = a.provider.as_ref().filter(|p| p.provider_type == SAML) else {
            return Ok(Err(back(
                a,
                OAuthCode::InvalidRequest,
                "the request names no SAML provider",
            )));
        };
        let sso = match p.details.get("SSORedirectBindingURI") {
            Some(sso) => sso.clone(),
            None => match self.saml_metadata(p) {
                Ok(m) => match m.sso_redirect {
                    Some(sso) => sso,
                    None => {
                        return Ok(Err(back(
                            a,
                            OAuthCode::InvalidRequest,
                            format!(
                                "the metadata of SAML provider {} names no SingleSignOnService with the HTTP-Redirect binding",
                                p.name
                            ),
                        )));
                    }
                },
                Err(m) => return Ok(Err(back(a, OAuthCode::InvalidRequest, m))),
            },
        };
        let (state, sealed) = self.new_federation_state(pool_id, &p.name, req, "")?;
        let id = request_id(&state.nonce);
        let issuer = request::sp_entity_id(pool_id);
        let authn = request::AuthnRequest {
            id: &id,
            issuer: &issuer,
            destination: &sso,
            acs_url,
            issued_ms: self.now(),
        };
        let signer = if signs_requests(p) {
            Some(self.saml_signer(&a.sc.pool)?.0)
        } else {
            None
        };
        let sign = |octets: &[u8]| {
            signer
                .as_ref()
                .and_then(|k| rcgen::SigningKey::sign(k, octets).ok())
        };
        let location = authn
            .redirect_url(
                &sealed,
                signer.is_some().then_some(&sign as request::Signer<'_>),
            )
            .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))?;
        Ok(Ok(location))
    }

    /// `POST /saml2/idpresponse` from `ip`: the response checked, the user signed in, the
    /// browser sent on to the app. `relay_state` is the sealed state of an SP-initiated
    /// sign-in; when it is not one, `unsolicited` is the authorize request an IdP-initiated
    /// sign-in's `RelayState` spells out. `acs_url`: where the response was posted.
    pub fn saml_response(
        &self,
        ip: &str,
        pool_id: &str,
        acs_url: &str,
        saml_response: &str,
        relay_state: Option<&str>,
        unsolicited: Option<&AuthorizeRequest>,
    ) -> Result<Result<SamlSignedIn, Refusal>, ApiError> {
        let page = |m: &str| Ok(Err(Refusal::Page(m.to_owned())));
        let opened = relay_state.and_then(|r| self.open_federation_state(pool_id, r));
        let (req, answering) = match (&opened, unsolicited) {
            (Some(state), _) => (
                state.request.clone(),
                Some((state.provider.clone(), request_id(&state.nonce))),
            ),
            (None, Some(req)) => (req.clone(), None),
            (None, None) => {
                return page(
                    "The SAML response's RelayState is not a sign-in started here (or it ran out), \
                     and it does not name an app client for an IdP-initiated sign-in.",
                );
            }
        };
        let a = match self.oauth_check(pool_id, &req)? {
            Ok(a) => a,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let Some(p) = a.provider.clone() else {
            return Ok(Err(back(
                &a,
                OAuthCode::InvalidRequest,
                "the RelayState names no identity provider (identity_provider or idp_identifier)",
            )));
        };
        if p.provider_type != SAML {
            return Ok(Err(back(
                &a,
                OAuthCode::InvalidRequest,
                format!("identity provider {} is not a SAML provider", p.name),
            )));
        }
        match &answering {
            Some((provider, _)) if *provider != p.name => {
                return Ok(Err(back(
                    &a,
                    OAuthCode::InvalidRequest,
                    "the sign-in was started with another provider",
                )));
            }
            None if p.details.get("IDPInit").map(String::as_str) != Some("true") => {
                return Ok(Err(back(
                    &a,
                    OAuthCode::InvalidRequest,
                    format!(
                        "SAML provider {} does not allow IdP-initiated sign-in (IDPInit); start the sign-in at /oauth2/authorize",
                        p.name
                    ),
                )));
            }
            _ => {}
        }
        let metadata = match self.saml_metadata(&p) {
            Ok(m) => m,
            Err(m) => return Ok(Err(back(&a, OAuthCode::InvalidRequest, m))),
        };
        let mut trust = SamlTrust::for_service_provider(
            &p.name,
            metadata,
            request::sp_entity_id(pool_id),
            acs_url,
        );
        if let Some((_, id)) = &answering {
            trust = trust.answering(id.clone());
        }
        let replay = StoreReplay { console: self };
        let verified = match saml::verify(&trust, &p.name, saml_response, self.now(), Some(&replay))
        {
            Ok(v) => v,
            Err(refusal) => {
                let m = refusal.message();
                let m = m.strip_prefix("Invalid login token. ").unwrap_or(&m);
                let m = m.replace(
                    "which Poolhouse cannot decrypt",
                    "which Poolhouse cannot decrypt: encrypted SAML assertions (EncryptedResponses) are not supported",
                );
                return Ok(Err(back(&a, OAuthCode::InvalidRequest, m)));
            }
        };
        let pool = match domain::UserPoolId::parse(pool_id) {
            Ok(p) => p,
            Err(_) => return page("This user pool does not exist."),
        };
        let actor = Actor::endpoint(ip);
        let ctx = self.hosted_ctx(Op::InitiateAuth, &actor);
        let origin = Origin {
            ip: Some(ip.to_owned()),
            client_metadata: serde_json::Value::Null,
        };
        // What a sign-out at the provider will name (`/logout`, `saml_logout.rs`).
        let idp_session = verified
            .saml
            .as_ref()
            .map(|g| user_pools::federated::IdpSession {
                name_id: g.name_id.clone(),
                name_id_format: g.name_id_format.clone(),
                session_index: g.session_index.clone(),
            })
            .unwrap_or_else(|| user_pools::federated::IdpSession {
                name_id: verified.subject.clone(),
                ..Default::default()
            });
        let signed_in = self.engine(&ctx, |e| {
            e.federated_saml_hosted_sign_in(
                &pool,
                &a.sc,
                &p.name,
                &verified.subject,
                &verified.claims,
                &origin,
                &idp_session,
            )
        });
        let refresh_token = match signed_in {
            Ok((_, refresh)) => refresh,
            Err(e) if e.code == ErrorCode::InternalErrorException => return Err(e),
            Err(e) => return Ok(Err(back(&a, OAuthCode::InvalidRequest, e.message))),
        };
        let not_stored = || {
            ApiError::new(
                ErrorCode::InternalErrorException,
                "the sign-in was not stored",
            )
        };
        let session_cookie = self
            .hosted_session_cookie(pool_id, &refresh_token)?
            .ok_or_else(not_stored)?;
        let session = self
            .hosted_session(pool_id, &session_cookie)?
            .ok_or_else(not_stored)?;
        let location = self.oauth_authorize_signed_in(&a, &session)?;
        Ok(Ok(SamlSignedIn {
            location,
            session_cookie,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_id_is_an_ncname_fixed_by_the_nonce() {
        let id = request_id("nonce-1");
        assert_eq!(id, request_id("nonce-1"));
        assert_ne!(id, request_id("nonce-2"));
        assert!(id.starts_with('_') && id.len() == 41);
        assert!(id[1..].bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
