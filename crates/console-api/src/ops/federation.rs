//! IAM-style identity providers that identity pools trust (Poolhouse's own service, IAM's
//! operation and member names): OpenID Connect providers (`Url`, `ClientIDList`,
//! `ThumbprintList`) and SAML providers (`Name`, `SAMLMetadataDocument`). Tags are IAM's list
//! of `{Key, Value}`; dates are epoch seconds, as this endpoint's JSON answers them. One
//! difference from IAM: `GetOpenIDConnectProvider` answers the issuer URL with its scheme,
//! since an http one on the loopback is allowed here.

use std::collections::BTreeMap;

use identity_pools::providers;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::federation_providers::{FederationKind, FederationProviderRow};
use storage::{Reader, Tx};
use ts_rs::TS;

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, ErrorCode, secs};

impl From<providers::Error> for ApiError {
    fn from(e: providers::Error) -> Self {
        use providers::Error as E;
        match e {
            E::NotFound(m) => ApiError::new(ErrorCode::NoSuchEntity, m),
            E::AlreadyExists(m) => ApiError::new(ErrorCode::EntityAlreadyExists, m),
            E::InvalidParameter(f) => f.into(),
            E::LimitExceeded(m) => ApiError::new(ErrorCode::LimitExceededException, m),
            E::Storage(s) => s.into(),
        }
    }
}

dto! {
    /// IAM's `Tag`.
    pub struct Tag {
        pub key: String,
        pub value: String,
    }
}

fn tag_map(tags: Option<Vec<Tag>>) -> Result<BTreeMap<String, String>, ApiError> {
    let mut out = BTreeMap::new();
    for t in tags.unwrap_or_default() {
        if out.insert(t.key.clone(), t.value).is_some() {
            return Err(ApiError::invalid(
                "Tags",
                format!("the key '{}' is given twice", t.key),
            ));
        }
    }
    Ok(out)
}

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag {
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

dto! {
    pub struct CreateOpenIdConnectProviderRequest {
        pub url: String,
        #[serde(default, rename = "ClientIDList")]
        pub client_id_list: Option<Vec<String>>,
        #[serde(default)]
        pub thumbprint_list: Option<Vec<String>>,
        #[serde(default)]
        pub tags: Option<Vec<Tag>>,
    }
}

dto! {
    pub struct CreateOpenIdConnectProviderResponse {
        #[serde(rename = "OpenIDConnectProviderArn")]
        pub open_id_connect_provider_arn: String,
        pub tags: Vec<Tag>,
    }
}

dto! {
    pub struct OpenIdConnectProviderArnRequest {
        #[serde(rename = "OpenIDConnectProviderArn")]
        pub open_id_connect_provider_arn: String,
    }
}

dto! {
    pub struct GetOpenIdConnectProviderResponse {
        pub url: String,
        #[serde(rename = "ClientIDList")]
        pub client_id_list: Vec<String>,
        pub thumbprint_list: Vec<String>,
        pub create_date: f64,
        pub tags: Vec<Tag>,
    }
}

dto! {
    /// IAM's `OpenIDConnectProviderListEntry`.
    pub struct OpenIdConnectProviderListEntry {
        pub arn: String,
    }
}

dto! {
    pub struct ListOpenIdConnectProvidersResponse {
        #[serde(rename = "OpenIDConnectProviderList")]
        pub open_id_connect_provider_list: Vec<OpenIdConnectProviderListEntry>,
    }
}

dto! {
    /// `AddClientIDToOpenIDConnectProvider` and `RemoveClientIDFromOpenIDConnectProvider`.
    pub struct OpenIdConnectProviderClientIdRequest {
        #[serde(rename = "OpenIDConnectProviderArn")]
        pub open_id_connect_provider_arn: String,
        #[serde(rename = "ClientID")]
        pub client_id: String,
    }
}

dto! {
    pub struct UpdateOpenIdConnectProviderThumbprintRequest {
        #[serde(rename = "OpenIDConnectProviderArn")]
        pub open_id_connect_provider_arn: String,
        pub thumbprint_list: Vec<String>,
    }
}

dto! {
    pub struct CreateSamlProviderRequest {
        #[serde(rename = "SAMLMetadataDocument")]
        pub saml_metadata_document: String,
        pub name: String,
        #[serde(default)]
        pub tags: Option<Vec<Tag>>,
    }
}

dto! {
    pub struct CreateSamlProviderResponse {
        #[serde(rename = "SAMLProviderArn")]
        pub saml_provider_arn: String,
        pub tags: Vec<Tag>,
    }
}

dto! {
    pub struct SamlProviderArnRequest {
        #[serde(rename = "SAMLProviderArn")]
        pub saml_provider_arn: String,
    }
}

dto! {
    pub struct GetSamlProviderResponse {
        #[serde(rename = "SAMLMetadataDocument")]
        pub saml_metadata_document: String,
        pub create_date: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub valid_until: Option<f64>,
        pub tags: Vec<Tag>,
        /// Poolhouse's addition: what the metadata was read as.
        #[serde(rename = "EntityID")]
        pub entity_id: String,
        /// Poolhouse's addition: the signing certificates' subjects and expiry (epoch seconds).
        pub signing_certificates: Vec<SigningCertificate>,
    }
}

dto! {
    /// A signing certificate of a SAML provider's metadata.
    pub struct SigningCertificate {
        pub subject: String,
        pub not_after: f64,
    }
}

dto! {
    /// IAM's `SAMLProviderListEntry`.
    pub struct SamlProviderListEntry {
        pub arn: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub valid_until: Option<f64>,
        pub create_date: f64,
    }
}

dto! {
    pub struct ListSamlProvidersResponse {
        #[serde(rename = "SAMLProviderList")]
        pub saml_provider_list: Vec<SamlProviderListEntry>,
    }
}

dto! {
    pub struct UpdateSamlProviderRequest {
        #[serde(rename = "SAMLMetadataDocument")]
        pub saml_metadata_document: String,
        #[serde(rename = "SAMLProviderArn")]
        pub saml_provider_arn: String,
    }
}

dto! {
    pub struct UpdateSamlProviderResponse {
        #[serde(rename = "SAMLProviderArn")]
        pub saml_provider_arn: String,
    }
}

fn account(c: &Console) -> Result<String, ApiError> {
    Ok(c.workspace()?.account_id.clone())
}

/// A provider record's ARN (the account's, as every record's is).
fn arn(kind: FederationKind, account: &str, name: &str) -> String {
    match kind {
        FederationKind::Oidc => providers::oidc_arn(account, name),
        FederationKind::Saml => providers::saml_arn(account, name),
    }
}

/// Creates a provider record of `kind` (`create` makes it, at the clock, in the account, with
/// the tags) in one transaction audited under the ARN it gets; answers that ARN and its tags.
fn create_provider(
    c: &Console,
    ctx: &OpCtx<'_>,
    kind: FederationKind,
    tags: Option<Vec<Tag>>,
    create: impl FnOnce(
        &Tx<'_>,
        i64,
        &str,
        &BTreeMap<String, String>,
    ) -> Result<FederationProviderRow, providers::Error>,
) -> Result<(String, Vec<Tag>), ApiError> {
    let tags = tag_map(tags)?;
    c.write_audited(ctx, None, None, |tx, uctx| {
        let row = create(tx, uctx.clock.now_ms(), uctx.account, &tags)?;
        let arn = arn(kind, uctx.account, &row.name);
        Ok(((arn.clone(), tag_list(&row.tags)), Some(arn)))
    })
}

/// The provider record `arn` names (`get` finds it in the account).
fn read_provider(
    c: &Console,
    get: impl FnOnce(&Reader<'_>, &str) -> Result<FederationProviderRow, providers::Error>,
) -> Result<FederationProviderRow, ApiError> {
    let account = account(c)?;
    c.read(|r| Ok(get(r, &account)?))
}

/// The provider records of `kind`, each with its ARN.
fn list_providers(
    c: &Console,
    kind: FederationKind,
) -> Result<Vec<(String, FederationProviderRow)>, ApiError> {
    let account = account(c)?;
    let rows = c.read(|r| Ok(providers::list(r, kind)?))?;
    Ok(rows
        .into_iter()
        .map(|row| (arn(kind, &account, &row.name), row))
        .collect())
}

/// One change to the provider record `arn` names (`change` makes it, at the clock, in the
/// account) in one transaction audited under that ARN; what `change` answers is not.
fn change_provider<R>(
    c: &Console,
    ctx: &OpCtx<'_>,
    arn: &str,
    change: impl FnOnce(&Tx<'_>, i64, &str) -> Result<R, providers::Error>,
) -> Result<Empty, ApiError> {
    c.write_audited(ctx, None, Some(arn), |tx, uctx| {
        change(tx, uctx.clock.now_ms(), uctx.account)?;
        Ok((Empty {}, None))
    })
}

/// `CreateOpenIDConnectProvider`.
pub(crate) fn create_open_id_connect_provider(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: CreateOpenIdConnectProviderRequest,
) -> Result<CreateOpenIdConnectProviderResponse, ApiError> {
    let client_ids = req.client_id_list.unwrap_or_default();
    let thumbprints = req.thumbprint_list.unwrap_or_default();
    let (arn, tags) = create_provider(
        c,
        ctx,
        FederationKind::Oidc,
        req.tags,
        |tx, now, account, tags| {
            providers::create_oidc(tx, now, account, &req.url, &client_ids, &thumbprints, tags)
        },
    )?;
    Ok(CreateOpenIdConnectProviderResponse {
        open_id_connect_provider_arn: arn,
        tags,
    })
}

/// `GetOpenIDConnectProvider`.
pub(crate) fn get_open_id_connect_provider(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: OpenIdConnectProviderArnRequest,
) -> Result<GetOpenIdConnectProviderResponse, ApiError> {
    let arn = req.open_id_connect_provider_arn;
    let row = read_provider(c, |r, account| providers::get_oidc(r, account, &arn))?;
    Ok(GetOpenIdConnectProviderResponse {
        url: row.url.unwrap_or_default(),
        client_id_list: row.client_ids,
        thumbprint_list: row.thumbprints,
        create_date: secs(row.created_at),
        tags: tag_list(&row.tags),
    })
}

/// `ListOpenIDConnectProviders`.
pub(crate) fn list_open_id_connect_providers(
    c: &Console,
    _ctx: &OpCtx<'_>,
    _req: Empty,
) -> Result<ListOpenIdConnectProvidersResponse, ApiError> {
    Ok(ListOpenIdConnectProvidersResponse {
        open_id_connect_provider_list: list_providers(c, FederationKind::Oidc)?
            .into_iter()
            .map(|(arn, _)| OpenIdConnectProviderListEntry { arn })
            .collect(),
    })
}

/// `AddClientIDToOpenIDConnectProvider`.
pub(crate) fn add_client_id_to_open_id_connect_provider(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: OpenIdConnectProviderClientIdRequest,
) -> Result<Empty, ApiError> {
    let arn = req.open_id_connect_provider_arn;
    change_provider(c, ctx, &arn, |tx, now, account| {
        providers::add_client_id(tx, now, account, &arn, &req.client_id)
    })
}

/// `RemoveClientIDFromOpenIDConnectProvider`.
pub(crate) fn remove_client_id_from_open_id_connect_provider(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: OpenIdConnectProviderClientIdRequest,
) -> Result<Empty, ApiError> {
    let arn = req.open_id_connect_provider_arn;
    change_provider(c, ctx, &arn, |tx, now, account| {
        providers::remove_client_id(tx, now, account, &arn, &req.client_id)
    })
}

/// `UpdateOpenIDConnectProviderThumbprint`.
pub(crate) fn update_open_id_connect_provider_thumbprint(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UpdateOpenIdConnectProviderThumbprintRequest,
) -> Result<Empty, ApiError> {
    let arn = req.open_id_connect_provider_arn;
    change_provider(c, ctx, &arn, |tx, now, account| {
        providers::update_thumbprints(tx, now, account, &arn, &req.thumbprint_list)
    })
}

/// `DeleteOpenIDConnectProvider`.
pub(crate) fn delete_open_id_connect_provider(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: OpenIdConnectProviderArnRequest,
) -> Result<Empty, ApiError> {
    let arn = req.open_id_connect_provider_arn;
    change_provider(c, ctx, &arn, |tx, _, account| {
        providers::delete_oidc(tx, account, &arn)
    })
}

/// `CreateSAMLProvider`.
pub(crate) fn create_saml_provider(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: CreateSamlProviderRequest,
) -> Result<CreateSamlProviderResponse, ApiError> {
    let (arn, tags) = create_provider(
        c,
        ctx,
        FederationKind::Saml,
        req.tags,
        |tx, now, account, tags| {
            providers::create_saml(
                tx,
                now,
                account,
                &req.name,
                &req.saml_metadata_document,
                tags,
            )
        },
    )?;
    Ok(CreateSamlProviderResponse {
        saml_provider_arn: arn,
        tags,
    })
}

/// `GetSAMLProvider`: the stored document, and what it was read as.
pub(crate) fn get_saml_provider(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: SamlProviderArnRequest,
) -> Result<GetSamlProviderResponse, ApiError> {
    let arn = req.saml_provider_arn;
    let row = read_provider(c, |r, account| providers::get_saml(r, account, &arn))?;
    let doc = row.metadata.unwrap_or_default();
    // Checked when stored; metadata that no longer reads is damage.
    let m = federation::saml::metadata::parse(&doc).map_err(|e| {
        ApiError::new(
            ErrorCode::InternalErrorException,
            format!("stored SAML metadata is unreadable: {e}"),
        )
    })?;
    Ok(GetSamlProviderResponse {
        saml_metadata_document: doc,
        create_date: secs(row.created_at),
        valid_until: row.valid_until.map(secs),
        tags: tag_list(&row.tags),
        entity_id: m.entity_id,
        signing_certificates: m
            .signing_keys
            .iter()
            .map(|k| SigningCertificate {
                subject: k.subject.clone(),
                not_after: k.not_after as f64,
            })
            .collect(),
    })
}

/// `ListSAMLProviders`.
pub(crate) fn list_saml_providers(
    c: &Console,
    _ctx: &OpCtx<'_>,
    _req: Empty,
) -> Result<ListSamlProvidersResponse, ApiError> {
    Ok(ListSamlProvidersResponse {
        saml_provider_list: list_providers(c, FederationKind::Saml)?
            .into_iter()
            .map(|(arn, p)| SamlProviderListEntry {
                arn,
                valid_until: p.valid_until.map(secs),
                create_date: secs(p.created_at),
            })
            .collect(),
    })
}

/// `UpdateSAMLProvider`: replaces the metadata.
pub(crate) fn update_saml_provider(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UpdateSamlProviderRequest,
) -> Result<UpdateSamlProviderResponse, ApiError> {
    let arn = req.saml_provider_arn;
    change_provider(c, ctx, &arn, |tx, now, account| {
        providers::update_saml(tx, now, account, &arn, &req.saml_metadata_document)
    })?;
    Ok(UpdateSamlProviderResponse {
        saml_provider_arn: arn,
    })
}

/// `DeleteSAMLProvider`.
pub(crate) fn delete_saml_provider(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: SamlProviderArnRequest,
) -> Result<Empty, ApiError> {
    let arn = req.saml_provider_arn;
    change_provider(c, ctx, &arn, |tx, _, account| {
        providers::delete_saml(tx, account, &arn)
    })
}
