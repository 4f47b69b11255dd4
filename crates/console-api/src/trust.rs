//! The console's verifier of federated logins (OIDC, social, SAML): one
//! [`federation::Verifier`] per console, built on first use, so that providers' keys
//! stay cached between requests. The social providers' base URLs are their own unless
//! `POOLHOUSE_SOCIAL_ENDPOINTS` (`accounts.google.com=https://…,graph.facebook.com=http://127.0.0.1:…`)
//! or [`Console::set_social_endpoints`] moves them, for tests and offline use; an override
//! must be https or loopback http, and never changes the issuer a token must carry.

use std::sync::Arc;

use domain::identity_pool::IdentityPoolConfig;
use federation::{HttpFetch, Refusal, SocialEndpoints, Verified, Verifier, saml};
use identity_pools::trust;

use crate::{ApiError, Console, ErrorCode};

/// The variable that moves social providers' base URLs.
pub const SOCIAL_ENDPOINTS_VAR: &str = "POOLHOUSE_SOCIAL_ENDPOINTS";

fn build(endpoints: SocialEndpoints) -> Result<Arc<Verifier>, ApiError> {
    let fetch = HttpFetch::new()
        .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))?;
    Ok(Arc::new(Verifier::new(Arc::new(fetch), endpoints)))
}

impl Console {
    /// The verifier, built on first use.
    pub(crate) fn trust_verifier(&self) -> Result<Arc<Verifier>, ApiError> {
        let mut kept = self.inner.trust.lock().map_err(|_| {
            ApiError::new(
                ErrorCode::InternalErrorException,
                "the verifier's lock is poisoned",
            )
        })?;
        if let Some(v) = kept.as_ref() {
            return Ok(Arc::clone(v));
        }
        let mut endpoints = SocialEndpoints::default();
        if let Ok(text) = std::env::var(SOCIAL_ENDPOINTS_VAR) {
            endpoints = endpoints.with_overrides(&text).map_err(|e| {
                ApiError::new(
                    ErrorCode::InternalErrorException,
                    format!("{SOCIAL_ENDPOINTS_VAR}: {e}"),
                )
            })?;
        }
        let v = build(endpoints)?;
        *kept = Some(Arc::clone(&v));
        Ok(v)
    }

    /// Replaces the verifier with one using these social endpoints (its key cache starts
    /// empty).
    pub fn set_social_endpoints(&self, endpoints: SocialEndpoints) -> Result<(), ApiError> {
        let v = build(endpoints)?;
        let mut kept = self.inner.trust.lock().map_err(|_| {
            ApiError::new(
                ErrorCode::InternalErrorException,
                "the verifier's lock is poisoned",
            )
        })?;
        *kept = Some(v);
        Ok(())
    }

    /// Verifies a login of an OIDC, social or SAML provider that an identity pool with this
    /// configuration trusts: the provider is read from the store (no transaction is held while
    /// the provider is asked), then the token is checked at the console's clock.
    pub fn verify_federated_login(
        &self,
        config: &IdentityPoolConfig,
        provider: &str,
        token: &str,
    ) -> Result<Verified, Refusal> {
        let internal = |e: ApiError| Refusal::ExternalService(e.message);
        let verifier = self.trust_verifier().map_err(internal)?;
        let account = self.workspace().map_err(internal)?.account_id.clone();
        let login = trust::read(&self.inner.db, |r| {
            trust::resolve(r, &account, verifier.endpoints(), config, provider)
        })?;
        verifier.verify(&login, token, self.inner.clock.now_ms())
    }

    /// Verifies a web identity token issued by an OIDC provider the workspace holds a record
    /// of (STS's `AssumeRoleWithWebIdentity`): the record is found by the token's `iss`, then
    /// the token is checked as a login of that provider is (signature by the issuer's published
    /// keys, `iss`, `aud` among the record's client ids, times). `Ok(None)`: no record has that
    /// issuer.
    pub fn verify_oidc_web_identity(&self, token: &str) -> Result<Option<Verified>, Refusal> {
        let internal = |e: ApiError| Refusal::ExternalService(e.message);
        let (_, claims) = federation::oidc::parts(token)?;
        let iss = claims
            .get("iss")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let Some((name, row)) = self
            .inner
            .db
            .read(|r| identity_pools::providers::oidc_by_issuer(r, &iss))
            .map_err(|e| Refusal::ExternalService(e.to_string()))?
        else {
            return Ok(None);
        };
        let issuer = row.url.unwrap_or_default();
        let login = federation::Login {
            key: name,
            trusted: federation::Trusted::Oidc(federation::oidc::OidcTrust {
                issuers: vec![issuer.clone()],
                client_ids: row.client_ids,
                discovery_base: issuer,
            }),
        };
        let verifier = self.trust_verifier().map_err(internal)?;
        verifier
            .verify(&login, token, self.inner.clock.now_ms())
            .map(Some)
    }

    /// Verifies a base64 SAMLResponse of the SAML provider `provider_arn` (STS's
    /// `AssumeRoleWithSAML`: its `PrincipalArn`); [`federation::saml::pick_role`]
    /// then holds the requested role to the assertion's pairs.
    pub fn verify_saml_assertion(
        &self,
        provider_arn: &str,
        assertion_b64: &str,
    ) -> Result<Verified, Refusal> {
        let internal = |e: ApiError| Refusal::ExternalService(e.message);
        let account = self.workspace().map_err(internal)?.account_id.clone();
        let trusted = trust::read(&self.inner.db, |r| {
            trust::saml_provider(r, &account, "PrincipalArn", provider_arn)
        })?;
        saml::verify(
            &trusted,
            provider_arn,
            assertion_b64,
            self.inner.clock.now_ms(),
            None,
        )
    }
}
