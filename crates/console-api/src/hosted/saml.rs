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
//! certificates, issuer, audience, recipient, times, `InResponseTo`; for a provider with
//! `EncryptedResponses`, the assertion decrypted with one of the provider's encryption keys
//! first, and a plain one refused) and each assertion is accepted once (`storage::saml_replay`, kept until its `NotOnOrAfter`). The NameID is the
//! subject; the attributes fill the pool's by the provider's AttributeMapping; then
//! `Engine::federated_hosted_sign_in` stores the user and the browser's session together,
//! and the authorize request ends as after a password sign-in (a code, or implicit tokens).
//!
//! Each SAML provider has an encryption key pair (`storage::saml_encryption_keys`, the private
//! key sealed under the master key), made when the provider is created (or, for one made
//! before, when its details are next updated); its newest certificate is shown as
//! `ProviderDetails.ActiveEncryptionCertificate` (base64 DER, as Cognito shows it) and listed
//! in the SP metadata when the provider encrypts. Metadata read at a `MetadataURL` is kept
//! ([`SamlKept`]) for its `cacheDuration` (6 hours without one, within 1 minute–1 day, never
//! past `validUntil`), read again when the provider is updated, and once per sign-in when a
//! response's signature does not verify with the kept certificates (the IdP may have rolled
//! its key).

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use federation::saml::decrypt::DecryptionKey;
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
pub(super) const MAX_PROVIDERS: u32 = domain::idp::MAX_IDPS_PER_POOL as u32;

/// The detail that shows a SAML provider's active encryption certificate (read-only).
pub use domain::idp::ACTIVE_ENCRYPTION_CERTIFICATE;

/// How long metadata read at a `MetadataURL` is kept when it names no `cacheDuration`.
pub const METADATA_KEPT_MS: i64 = 6 * 60 * 60 * 1000;
/// The bounds of a `cacheDuration` honoured.
const METADATA_KEPT_MIN_MS: i64 = 60 * 1000;
const METADATA_KEPT_MAX_MS: i64 = 24 * 60 * 60 * 1000;

/// Whether a provider's assertions come encrypted (`EncryptedResponses`).
pub(super) fn encrypts(p: &storage::idps::IdpRow) -> bool {
    p.details.get("EncryptedResponses").map(String::as_str) == Some("true")
}

/// What an encryption key is sealed to: the pool and the provider's name.
fn encryption_aad(pool_id: &str, name: &str) -> Vec<u8> {
    format!("saml-encryption:{pool_id}:{name}").into_bytes()
}

/// What the console keeps of its SAML providers between sign-ins.
#[derive(Default)]
pub(crate) struct SamlKept {
    /// Metadata read at a provider's `MetadataURL`, by provider (`user_pool_idps.pk`).
    metadata: Mutex<HashMap<i64, KeptMetadata>>,
    /// Opened decryption keys, by key (`saml_encryption_keys.pk`): opening and checking an
    /// RSA key costs more than the rest of a sign-in's reads.
    keys: Mutex<HashMap<i64, DecryptionKey>>,
}

struct KeptMetadata {
    /// The provider's `updated_at` when it was read: an update makes it stale.
    updated_at: i64,
    url: String,
    metadata: metadata::Metadata,
    until_ms: i64,
}

/// Until when metadata read at `now` may be kept.
fn kept_until(m: &metadata::Metadata, now: i64) -> i64 {
    let keep = m.cache_duration_ms.map_or(METADATA_KEPT_MS, |d| {
        d.clamp(METADATA_KEPT_MIN_MS, METADATA_KEPT_MAX_MS)
    });
    let until = now.saturating_add(keep);
    m.valid_until_ms.map_or(until, |v| until.min(v))
}

/// A SAML provider's new encryption key pair, made before the write that stores it.
pub(crate) struct NewEncryptionKey {
    certificate: Vec<u8>,
    sealed_key: Vec<u8>,
}

impl NewEncryptionKey {
    /// The certificate as `ActiveEncryptionCertificate` shows it (base64 DER).
    pub(crate) fn certificate_b64(&self) -> String {
        STANDARD.encode(&self.certificate)
    }

    /// Stores the pair for the provider `idp` (in the write that creates or updates it).
    pub(crate) fn store(&self, tx: &storage::Tx<'_>, idp: i64, now: i64) -> Result<(), ApiError> {
        storage::saml_encryption_keys::insert(tx, idp, &self.certificate, &self.sealed_key, now)?;
        Ok(())
    }
}

/// A self-signed certificate of `pair` named `common_name` (and `unit`, when given), valid ten
/// years from `from_ms` (as Cognito's user pool certificates are), with a serial number drawn
/// from `serial_seed`.
fn self_signed(
    pair: &rcgen::KeyPair,
    common_name: &str,
    unit: Option<&str>,
    from_ms: i64,
    serial_seed: &str,
) -> Result<Vec<u8>, ApiError> {
    let internal = |e: String| ApiError::new(ErrorCode::InternalErrorException, e);
    let mut params =
        rcgen::CertificateParams::new(Vec::<String>::new()).map_err(|e| internal(e.to_string()))?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, common_name);
    if let Some(unit) = unit {
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationalUnitName, unit);
    }
    let from = time::OffsetDateTime::from_unix_timestamp(from_ms.div_euclid(1000))
        .map_err(|e| internal(e.to_string()))?;
    params.not_before = from;
    params.not_after = from + time::Duration::days(3652);
    let mut serial = tokens::opaque_digest(serial_seed);
    serial.truncate(16);
    if let Some(first) = serial.first_mut() {
        *first &= 0x7f;
    }
    params.serial_number = Some(rcgen::SerialNumber::from_slice(&serial));
    let cert = params
        .self_signed(pair)
        .map_err(|e| internal(format!("a SAML certificate: {e}")))?;
    Ok(cert.der().to_vec())
}

/// Whether a provider asks for signed AuthnRequests (`RequestSigningAlgorithm`).
pub(super) fn signs_requests(p: &storage::idps::IdpRow) -> bool {
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
    /// The provider's metadata: its `MetadataFile`, or the document at its `MetadataURL` as
    /// kept ([`SamlKept`]; read again when the kept copy is stale).
    pub(super) fn saml_metadata(
        &self,
        p: &storage::idps::IdpRow,
    ) -> Result<metadata::Metadata, String> {
        self.saml_metadata_kept(p, false).map(|(m, _)| m)
    }

    /// [`Console::saml_metadata`], read again when `refresh`; answers whether it was read
    /// just now.
    fn saml_metadata_kept(
        &self,
        p: &storage::idps::IdpRow,
        refresh: bool,
    ) -> Result<(metadata::Metadata, bool), String> {
        if let Some(doc) = p.details.get("MetadataFile") {
            return metadata::parse(doc).map(|m| (m, false)).map_err(|e| {
                format!(
                    "the metadata of SAML provider {} does not read: {e}",
                    p.name
                )
            });
        }
        let Some(url) = p.details.get("MetadataURL") else {
            return Err(format!("SAML provider {} has no metadata", p.name));
        };
        let now = self.now();
        if !refresh {
            let kept = self.inner.saml.metadata.lock().map_err(|e| e.to_string())?;
            if let Some(k) = kept.get(&p.pk)
                && k.updated_at == p.updated_at
                && k.url == *url
                && now < k.until_ms
            {
                return Ok((k.metadata.clone(), false));
            }
        }
        let verifier = self.trust_verifier().map_err(|e| e.message)?;
        let (_, read) = metadata::fetch(verifier.fetch(), url).map_err(|e| {
            format!(
                "the metadata of SAML provider {} could not be read: {e}",
                p.name
            )
        })?;
        let mut kept = self.inner.saml.metadata.lock().map_err(|e| e.to_string())?;
        kept.retain(|_, k| now < k.until_ms);
        kept.insert(
            p.pk,
            KeptMetadata {
                updated_at: p.updated_at,
                url: url.clone(),
                metadata: read.clone(),
                until_ms: kept_until(&read, now),
            },
        );
        Ok((read, true))
    }

    /// A new encryption key pair for the SAML provider `name` of `pool_id`: RSA-2048, in a
    /// self-signed certificate valid ten years, the private key sealed under the master key.
    /// Made before the write (generating an RSA key takes a while).
    pub(crate) fn new_saml_encryption_key(
        &self,
        pool_id: &str,
        name: &str,
    ) -> Result<NewEncryptionKey, ApiError> {
        let internal = |e: String| ApiError::new(ErrorCode::InternalErrorException, e);
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256)
            .map_err(|e| internal(format!("a SAML encryption key: {e}")))?;
        let now = self.now();
        let certificate = self_signed(
            &pair,
            &request::sp_entity_id(pool_id),
            Some(name),
            now,
            &format!("poolhouse saml encryption\0{pool_id}\0{name}\0{now}"),
        )?;
        let pkcs8 = tokens::SecretBytes::new(pair.serialize_der());
        let sealed_key = tokens::seal(
            &self.inner.master,
            pkcs8.expose_secret(),
            &encryption_aad(pool_id, name),
        )
        .map_err(|e| internal(format!("sealing a SAML encryption key: {e}")))?;
        Ok(NewEncryptionKey {
            certificate,
            sealed_key,
        })
    }

    /// For a change of a SAML provider's details: the certificate its details show (its newest
    /// key's), and a new key pair to store when it has none yet.
    pub(crate) fn saml_encryption_for_update(
        &self,
        pool_id: &str,
        p: &storage::idps::IdpRow,
    ) -> Result<(String, Option<NewEncryptionKey>), ApiError> {
        let kept = self.read(|r| Ok(storage::saml_encryption_keys::of_idp(r, p.pk)?))?;
        match kept.first() {
            Some(k) => Ok((STANDARD.encode(&k.certificate), None)),
            None => {
                let new = self.new_saml_encryption_key(pool_id, &p.name)?;
                Ok((new.certificate_b64(), Some(new)))
            }
        }
    }

    /// The keys that decrypt the provider's assertions: every key pair it has, opened.
    fn saml_decryption_keys(
        &self,
        pool_id: &str,
        p: &storage::idps::IdpRow,
    ) -> Result<Vec<DecryptionKey>, ApiError> {
        let rows = self.read(|r| Ok(storage::saml_encryption_keys::of_idp(r, p.pk)?))?;
        let mut keys = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(k) = self
                .inner
                .saml
                .keys
                .lock()
                .ok()
                .and_then(|kept| kept.get(&row.pk).cloned())
                // A row id may come back after a delete: the certificate tells the key.
                .filter(|k| k.certificate == row.certificate)
            {
                keys.push(k);
                continue;
            }
            let pkcs8 = tokens::open(
                &self.inner.master,
                &row.sealed_key,
                &encryption_aad(pool_id, &p.name),
            )
            .map_err(|_| {
                ApiError::new(
                    ErrorCode::InternalErrorException,
                    format!(
                        "the encryption key of SAML provider {} cannot be opened with this \
                         workspace's master key",
                        p.name
                    ),
                )
            })?;
            let key = DecryptionKey::from_pkcs8(pkcs8.expose_secret(), row.certificate.clone())
                .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e))?;
            if let Ok(mut kept) = self.inner.saml.keys.lock() {
                kept.insert(row.pk, key.clone());
            }
            keys.push(key);
        }
        Ok(keys)
    }

    /// The pool as a service provider: its entity id.
    pub fn saml_sp_entity_id(&self, pool_id: &str) -> String {
        request::sp_entity_id(pool_id)
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
        let cert = self_signed(
            &pair,
            &request::sp_entity_id(&pool.id),
            None,
            pool.created_at,
            &format!("poolhouse saml signing\0{}", keys.id.kid()),
        )?;
        Ok((pair, cert))
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
        let decryption = if encrypts(&p) {
            let keys = self.saml_decryption_keys(pool_id, &p)?;
            if keys.is_empty() {
                return Ok(Err(back(
                    &a,
                    OAuthCode::InvalidRequest,
                    format!(
                        "SAML provider {} takes encrypted responses (EncryptedResponses) but has \
                         no encryption certificate yet: update the provider's details to have \
                         one made, and give it to the IdP",
                        p.name
                    ),
                )));
            }
            Some(keys)
        } else {
            None
        };
        let replay = StoreReplay { console: self };
        let mut refresh = false;
        let verified = loop {
            let (metadata, fresh) = match self.saml_metadata_kept(&p, refresh) {
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
            if let Some(keys) = &decryption {
                trust = trust.encrypted(keys.clone());
            }
            match saml::verify(&trust, &p.name, saml_response, self.now(), Some(&replay)) {
                Ok(v) => break v,
                // The IdP may have rolled its key since its metadata was kept: read it again,
                // once per sign-in.
                Err(refusal)
                    if !fresh
                        && !refresh
                        && p.details.contains_key("MetadataURL")
                        && refusal.message().contains(saml::UNKNOWN_KEY) =>
                {
                    refresh = true;
                }
                Err(refusal) => {
                    let m = refusal.message();
                    let m = m.strip_prefix("Invalid login token. ").unwrap_or(&m);
                    return Ok(Err(back(&a, OAuthCode::InvalidRequest, m)));
                }
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
