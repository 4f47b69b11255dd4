//! A user pool's identity providers (`CreateIdentityProvider` and the rest) and the links of
//! provider identities to the pool's users (`AdminLinkProviderForUser`,
//! `AdminDisableProviderForUser`). What needs the network — an OIDC issuer's discovery
//! document, a SAML `MetadataURL` — is read through `federation` before the write, with no
//! transaction open.

use std::collections::BTreeMap;

use domain::idp::{self, ProviderType};
use domain::names::UserPoolId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::idps::IdpRow;
use ts_rs::TS;
use user_pools::idps::{self, IdpInput, IdpUpdate, ProviderUser};

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, secs};

dto! {
    /// `IdentityProviderType`. `ProviderDetails` shows `client_secret` but never Apple's
    /// `private_key`.
    pub struct IdentityProviderType {
        pub user_pool_id: String,
        pub provider_name: String,
        pub provider_type: String,
        pub provider_details: BTreeMap<String, String>,
        pub attribute_mapping: BTreeMap<String, String>,
        pub idp_identifiers: Vec<String>,
        /// `Level1`–`Level4` to the provider's `acr` values; sent when any is set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub acr_mapping: Option<BTreeMap<String, String>>,
        pub last_modified_date: f64,
        pub creation_date: f64,
    }
}

dto! {
    pub struct CreateIdentityProviderRequest {
        pub user_pool_id: UserPoolId,
        pub provider_name: String,
        /// `Google`, `Facebook`, `LoginWithAmazon`, `SignInWithApple`, `OIDC` or `SAML`.
        pub provider_type: String,
        pub provider_details: BTreeMap<String, String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub attribute_mapping: Option<BTreeMap<String, String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub idp_identifiers: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub acr_mapping: Option<BTreeMap<String, String>>,
    }
}

dto! {
    /// The answer of `CreateIdentityProvider`, `DescribeIdentityProvider`,
    /// `UpdateIdentityProvider` and `GetIdentityProviderByIdentifier`.
    pub struct IdentityProviderResponse {
        pub identity_provider: IdentityProviderType,
    }
}

dto! {
    /// `DescribeIdentityProvider` and `DeleteIdentityProvider`.
    pub struct IdentityProviderNameRequest {
        pub user_pool_id: UserPoolId,
        pub provider_name: String,
    }
}

dto! {
    /// `UpdateIdentityProvider`: the members given replace the stored ones; details left out
    /// of `ProviderDetails` that are secret (`client_secret`, `private_key`) are kept.
    pub struct UpdateIdentityProviderRequest {
        pub user_pool_id: UserPoolId,
        pub provider_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub provider_details: Option<BTreeMap<String, String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub attribute_mapping: Option<BTreeMap<String, String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub idp_identifiers: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub acr_mapping: Option<BTreeMap<String, String>>,
    }
}

dto! {
    pub struct ListIdentityProvidersRequest {
        pub user_pool_id: UserPoolId,
        /// 1–60.
        #[serde(default)]
        pub max_results: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    /// `ProviderDescription`.
    pub struct ProviderDescription {
        pub provider_name: String,
        pub provider_type: String,
        pub last_modified_date: f64,
        pub creation_date: f64,
    }
}

dto! {
    pub struct ListIdentityProvidersResponse {
        pub providers: Vec<ProviderDescription>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct GetIdentityProviderByIdentifierRequest {
        pub user_pool_id: UserPoolId,
        pub idp_identifier: String,
    }
}

dto! {
    /// `ProviderUserIdentifierType`.
    #[derive(Default)]
    pub struct ProviderUserIdentifierType {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub provider_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub provider_attribute_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub provider_attribute_value: Option<String>,
    }
}

dto! {
    pub struct AdminLinkProviderForUserRequest {
        pub user_pool_id: UserPoolId,
        /// The existing user: `Cognito` and the username, or a provider and its subject.
        pub destination_user: ProviderUserIdentifierType,
        /// The provider identity (`Cognito_Subject` and the subject, or for SAML an
        /// attribute's name and value).
        pub source_user: ProviderUserIdentifierType,
    }
}

dto! {
    pub struct AdminDisableProviderForUserRequest {
        pub user_pool_id: UserPoolId,
        pub user: ProviderUserIdentifierType,
    }
}

fn provider_user(p: &ProviderUserIdentifierType) -> ProviderUser {
    ProviderUser {
        provider_name: p.provider_name.clone(),
        provider_attribute_name: p.provider_attribute_name.clone(),
        provider_attribute_value: p.provider_attribute_value.clone(),
    }
}

fn idp_type(c: &Console, pool_id: &str, p: &IdpRow) -> Result<IdentityProviderType, ApiError> {
    Ok(IdentityProviderType {
        user_pool_id: pool_id.to_string(),
        provider_name: p.name.clone(),
        provider_type: p.provider_type.clone(),
        provider_details: idps::shown_details(&c.inner.master, pool_id, p)?,
        attribute_mapping: p.attribute_mapping.clone(),
        idp_identifiers: p.idp_identifiers.clone(),
        acr_mapping: (!p.acr_mapping.is_empty()).then(|| p.acr_mapping.clone()),
        last_modified_date: secs(p.updated_at),
        creation_date: secs(p.created_at),
    })
}

impl Console {
    /// `ProviderDetails` as Cognito checks them, the network included: an OIDC provider
    /// without all four endpoints must have an issuer whose discovery document names the
    /// missing ones (they are read again at sign-in, not stored, as Cognito shows only the
    /// endpoints it could not discover); a SAML provider's metadata, given or at its URL,
    /// must read as an identity provider's with an RSA signing certificate.
    fn checked_details(
        &self,
        ty: ProviderType,
        given: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, ApiError> {
        let mut details = idp::normalise_details(ty, given)?;
        match ty {
            ProviderType::Oidc => {
                let missing = idp::missing_oidc_endpoints(&details);
                if missing.is_empty() {
                    return Ok(details);
                }
                let issuer = details.get("oidc_issuer").cloned().unwrap_or_default();
                let verifier = self.trust_verifier()?;
                let found = federation::jwks::discover(verifier.fetch(), &issuer).map_err(|r| {
                    ApiError::invalid(
                        "ProviderDetails.oidc_issuer",
                        format!(
                            "{}; give {} in ProviderDetails, or an issuer whose discovery \
                             document answers",
                            r.message().trim_end_matches('.'),
                            missing.join(", ")
                        ),
                    )
                })?;
                for key in missing {
                    let named = match key {
                        "authorize_url" => &found.authorization_endpoint,
                        "token_url" => &found.token_endpoint,
                        "attributes_url" => &found.userinfo_endpoint,
                        _ => &found.jwks_uri,
                    };
                    if named.is_none() {
                        return Err(ApiError::invalid(
                            format!("ProviderDetails.{key}"),
                            format!(
                                "the discovery document of {issuer} names no endpoint for \
                                 {key}; give it"
                            ),
                        ));
                    }
                }
            }
            ProviderType::Saml => {
                let metadata = if let Some(doc) = details.get("MetadataFile") {
                    federation::saml::metadata::parse(doc).map_err(|e| {
                        ApiError::invalid("ProviderDetails.MetadataFile", e.to_string())
                    })?
                } else {
                    let url = details.get("MetadataURL").cloned().unwrap_or_default();
                    let verifier = self.trust_verifier()?;
                    federation::saml::metadata::fetch(verifier.fetch(), &url)
                        .map_err(|e| {
                            ApiError::invalid("ProviderDetails.MetadataURL", e.to_string())
                        })?
                        .1
                };
                // What Cognito reads from the metadata and shows among the details.
                for (key, value) in [
                    ("SSORedirectBindingURI", metadata.sso_redirect),
                    ("SLORedirectBindingURI", metadata.slo_redirect),
                ] {
                    if let Some(v) = value {
                        details.insert(key.to_string(), v);
                    }
                }
            }
            _ => {}
        }
        Ok(details)
    }
}

/// `CreateIdentityProvider`.
pub(crate) fn create_identity_provider(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: CreateIdentityProviderRequest,
) -> Result<IdentityProviderResponse, ApiError> {
    let ty = ProviderType::parse(&req.provider_type, "ProviderType")?;
    // The cheap checks first: no provider is asked about a request refused anyway.
    idp::check_name(&req.provider_name, ty)?;
    let pool = c.read(|r| Ok(user_pools::require_pool(r, &req.user_pool_id)?))?;
    let mapping = req.attribute_mapping.clone().unwrap_or_default();
    idp::normalise_mapping(ty, &mapping, &pool.config.schema_attributes)?;
    let ids = req.idp_identifiers.clone().unwrap_or_default();
    idp::check_identifiers(&ids)?;
    let acr = req.acr_mapping.clone().unwrap_or_default();
    idp::check_acr_mapping(&acr)?;
    let mut details = c.checked_details(ty, &req.provider_details)?;
    // Every SAML provider gets an encryption key pair, as in Cognito (made before the write).
    let encryption = match ty {
        ProviderType::Saml => {
            let k = c.new_saml_encryption_key(&req.user_pool_id, &req.provider_name)?;
            details.insert(
                idp::ACTIVE_ENCRYPTION_CERTIFICATE.into(),
                k.certificate_b64(),
            );
            Some(k)
        }
        _ => None,
    };
    c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.provider_name),
        |tx, uctx| {
            let row = idps::create(
                tx,
                uctx,
                &c.inner.master,
                &req.user_pool_id,
                &req.provider_name,
                &IdpInput {
                    provider_type: ty,
                    details: &details,
                    attribute_mapping: &mapping,
                    acr_mapping: &acr,
                    idp_identifiers: &ids,
                },
            )?;
            if let Some(k) = &encryption {
                k.store(tx, row.pk, c.now())?;
            }
            Ok((
                IdentityProviderResponse {
                    identity_provider: idp_type(c, &req.user_pool_id, &row)?,
                },
                None,
            ))
        },
    )
}

/// `DescribeIdentityProvider`.
pub(crate) fn describe_identity_provider(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: IdentityProviderNameRequest,
) -> Result<IdentityProviderResponse, ApiError> {
    let row = c.read(|r| Ok(idps::get(r, &req.user_pool_id, &req.provider_name)?))?;
    Ok(IdentityProviderResponse {
        identity_provider: idp_type(c, &req.user_pool_id, &row)?,
    })
}

/// `GetIdentityProviderByIdentifier`.
pub(crate) fn get_identity_provider_by_identifier(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: GetIdentityProviderByIdentifierRequest,
) -> Result<IdentityProviderResponse, ApiError> {
    let row = c.read(|r| {
        Ok(idps::by_identifier(
            r,
            &req.user_pool_id,
            &req.idp_identifier,
        )?)
    })?;
    Ok(IdentityProviderResponse {
        identity_provider: idp_type(c, &req.user_pool_id, &row)?,
    })
}

/// `UpdateIdentityProvider`.
pub(crate) fn update_identity_provider(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UpdateIdentityProviderRequest,
) -> Result<IdentityProviderResponse, ApiError> {
    let details = match &req.provider_details {
        None => None,
        Some(given) => {
            if req.provider_name.eq_ignore_ascii_case(idp::COGNITO) {
                return Err(user_pools::Error::UnsupportedIdentityProvider(
                    "COGNITO is the user pool's own directory and cannot be changed.".into(),
                )
                .into());
            }
            let row = c.read(|r| Ok(idps::get(r, &req.user_pool_id, &req.provider_name)?))?;
            let ty = idps::provider_type(&row)?;
            let merged = idps::details_for_update(&c.inner.master, &req.user_pool_id, &row, given)?;
            let mut checked = c.checked_details(ty, &merged)?;
            // A SAML provider keeps its encryption certificate (one made before has none yet).
            let mut encryption = None;
            if ty == ProviderType::Saml {
                let (cert, new) = c.saml_encryption_for_update(&req.user_pool_id, &row)?;
                checked.insert(idp::ACTIVE_ENCRYPTION_CERTIFICATE.into(), cert);
                encryption = new;
            }
            Some((checked, encryption))
        }
    };
    c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.provider_name),
        |tx, uctx| {
            let row = idps::update(
                tx,
                uctx,
                &c.inner.master,
                &req.user_pool_id,
                &req.provider_name,
                &IdpUpdate {
                    details: details.as_ref().map(|(d, _)| d),
                    attribute_mapping: req.attribute_mapping.as_ref(),
                    acr_mapping: req.acr_mapping.as_ref(),
                    idp_identifiers: req.idp_identifiers.as_deref(),
                },
            )?;
            if let Some((_, Some(k))) = &details {
                k.store(tx, row.pk, c.now())?;
            }
            Ok((
                IdentityProviderResponse {
                    identity_provider: idp_type(c, &req.user_pool_id, &row)?,
                },
                None,
            ))
        },
    )
}

/// `DeleteIdentityProvider`: also removes the provider from the app clients that list it.
pub(crate) fn delete_identity_provider(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: IdentityProviderNameRequest,
) -> Result<Empty, ApiError> {
    c.change(ctx, &req.user_pool_id, &req.provider_name, |tx, uctx| {
        idps::delete(tx, uctx, &req.user_pool_id, &req.provider_name)
    })
}

/// `ListIdentityProviders`.
pub(crate) fn list_identity_providers(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListIdentityProvidersRequest,
) -> Result<ListIdentityProvidersResponse, ApiError> {
    let limit = listing_limit("MaxResults", req.max_results, 60, 60)?;
    let scope = format!("ListIdentityProviders|{}", req.user_pool_id);
    let after: String = cursor(c, &scope, req.next_token.as_deref())?.unwrap_or_default();
    let rows = c.read(|r| Ok(idps::list(r, &req.user_pool_id, &after, limit + 1)?))?;
    let (rows, next) = paged(c, rows, limit, &scope, |p| p.name.clone());
    Ok(ListIdentityProvidersResponse {
        providers: rows
            .iter()
            .map(|p| ProviderDescription {
                provider_name: p.name.clone(),
                provider_type: p.provider_type.clone(),
                last_modified_date: secs(p.updated_at),
                creation_date: secs(p.created_at),
            })
            .collect(),
        next_token: next,
    })
}

/// `AdminLinkProviderForUser`.
pub(crate) fn admin_link_provider_for_user(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminLinkProviderForUserRequest,
) -> Result<Empty, ApiError> {
    let target = req
        .destination_user
        .provider_attribute_value
        .clone()
        .unwrap_or_default();
    c.change(ctx, &req.user_pool_id, &target, |tx, uctx| {
        idps::link(
            tx,
            uctx,
            &req.user_pool_id,
            &provider_user(&req.destination_user),
            &provider_user(&req.source_user),
        )
    })
}

/// `AdminDisableProviderForUser`.
pub(crate) fn admin_disable_provider_for_user(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AdminDisableProviderForUserRequest,
) -> Result<Empty, ApiError> {
    let target = format!(
        "{}_{}",
        req.user.provider_name.as_deref().unwrap_or_default(),
        req.user
            .provider_attribute_value
            .as_deref()
            .unwrap_or_default()
    );
    c.change(ctx, &req.user_pool_id, &target, |tx, uctx| {
        idps::disable(tx, uctx, &req.user_pool_id, &provider_user(&req.user))
    })
}
