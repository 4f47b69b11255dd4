//! The hosted UI's branding: classic customization (`SetUICustomization`,
//! `GetUICustomization`), managed login branding styles, the console's CSS preview, and
//! [`Console::branding_for`], the one call a hosted page makes for its style sheet and logo.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use domain::branding::{ALL_CLIENTS, AssetCategory, AssetExtension, ColorMode};
use domain::names::{ClientId, UserPoolId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use storage::branding::ManagedLoginBrandingRow;
use ts_rs::TS;
use user_pools::branding::{self, Asset, StyleInput, UiView};

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, secs};

/// The schema of a `Document` member (botocore's `Document` shape: a JSON object).
fn document_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "object" })
}

dto! {
    /// `SetUICustomization`: the CSS and the logo (base64, as the JSON protocol sends blobs)
    /// of one app client, or of every client without its own (`ALL`, also when ClientId is
    /// absent).
    pub struct SetUiCustomizationRequest {
        pub user_pool_id: UserPoolId,
        #[serde(default)]
        pub client_id: Option<ClientId>,
        #[serde(rename = "CSS", default)]
        pub css: Option<String>,
        #[serde(default)]
        pub image_file: Option<String>,
    }
}

dto! {
    pub struct GetUiCustomizationRequest {
        pub user_pool_id: UserPoolId,
        #[serde(default)]
        pub client_id: Option<ClientId>,
    }
}

dto! {
    /// `UICustomizationType`.
    #[derive(Default)]
    pub struct UiCustomizationType {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub user_pool_id: Option<String>,
        /// `ALL` when the pool's default applies.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub client_id: Option<String>,
        /// The logo's address on this server: `/<poolId>/branding/logo?client_id=…`, under
        /// the workspace's issuer base URL when one is set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub image_url: Option<String>,
        #[serde(rename = "CSS", default, skip_serializing_if = "Option::is_none")]
        pub css: Option<String>,
        #[serde(rename = "CSSVersion", default, skip_serializing_if = "Option::is_none")]
        pub css_version: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_modified_date: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub creation_date: Option<f64>,
    }
}

dto! {
    /// `SetUICustomizationResponse` and `GetUICustomizationResponse`.
    pub struct UiCustomizationResponse {
        #[serde(rename = "UICustomization")]
        pub ui_customization: UiCustomizationType,
    }
}

/// The logo's address (see [`UiCustomizationType::image_url`]).
pub fn logo_path(base: Option<&str>, pool_id: &str, client_id: &str, version: &str) -> String {
    let base = base.unwrap_or("").trim_end_matches('/');
    format!("{base}/{pool_id}/branding/logo?client_id={client_id}&v={version}")
}

fn ui_response(
    c: &Console,
    pool_id: &UserPoolId,
    v: UiView,
) -> Result<UiCustomizationResponse, ApiError> {
    let ws = c.workspace()?;
    let mut t = UiCustomizationType {
        user_pool_id: Some(pool_id.to_string()),
        client_id: Some(v.client_id.clone()),
        ..UiCustomizationType::default()
    };
    if let Some(row) = v.row {
        t.image_url = row.image.as_ref().map(|_| {
            logo_path(
                ws.issuer_base_url.as_deref(),
                pool_id,
                &v.client_id,
                &row.css_version,
            )
        });
        t.css = row.css;
        t.css_version = Some(row.css_version);
        t.last_modified_date = Some(secs(row.updated_at));
        t.creation_date = Some(secs(row.created_at));
    }
    Ok(UiCustomizationResponse {
        ui_customization: t,
    })
}

/// Decodes a blob member (base64 on the wire).
fn blob(field: &str, b64: &str) -> Result<Vec<u8>, ApiError> {
    STANDARD
        .decode(b64.trim())
        .map_err(|e| ApiError::invalid(field, format!("not base64: {e}")))
}

/// `SetUICustomization`.
pub(crate) fn set_ui_customization(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: SetUiCustomizationRequest,
) -> Result<UiCustomizationResponse, ApiError> {
    let client = req.client_id.as_deref().unwrap_or(ALL_CLIENTS).to_string();
    let image = req
        .image_file
        .as_deref()
        .map(|b| blob("ImageFile", b))
        .transpose()?;
    let view = c.write_audited(ctx, Some(&req.user_pool_id), Some(&client), |tx, uctx| {
        let v = branding::set_ui(
            tx,
            uctx,
            &req.user_pool_id,
            &client,
            req.css.as_deref(),
            image.as_deref(),
        )?;
        Ok((v, None))
    })?;
    ui_response(c, &req.user_pool_id, view)
}

/// `GetUICustomization`.
pub(crate) fn get_ui_customization(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: GetUiCustomizationRequest,
) -> Result<UiCustomizationResponse, ApiError> {
    let client = req.client_id.as_deref().unwrap_or(ALL_CLIENTS);
    let view = c.read(|r| Ok(branding::get_ui(r, &req.user_pool_id, client)?))?;
    ui_response(c, &req.user_pool_id, view)
}

dto! {
    /// Poolhouse's CSS check for the console's editor: what a style sheet would serve, and
    /// the logo of the customization that applies to a pool's client (`ALL` when ClientId is
    /// absent) when a pool is named.
    pub struct PreviewUiCustomizationRequest {
        #[serde(rename = "CSS")]
        pub css: String,
        #[serde(default)]
        pub user_pool_id: Option<UserPoolId>,
        #[serde(default)]
        pub client_id: Option<ClientId>,
        /// A managed login style's settings document (as CreateManagedLoginBranding takes
        /// it): the answer's `ManagedCSS` is what the hosted pages derive from it.
        #[serde(default)]
        #[schemars(schema_with = "document_schema")]
        #[ts(type = "Record<string, unknown>", optional)]
        pub settings: Option<Map<String, Value>>,
    }
}

dto! {
    /// The style sheets a managed login style gives the hosted pages, by colour scheme.
    pub struct ManagedCss {
        pub light: String,
        pub dark: String,
    }
}

dto! {
    /// A part of a style sheet that is not served.
    pub struct DroppedCss {
        pub line: u32,
        pub what: String,
        pub reason: String,
    }
}

dto! {
    /// One of Cognito's classes and the properties it may set.
    pub struct CustomizableClass {
        /// `.submitButton-customizable:hover`.
        pub selector: String,
        pub properties: Vec<String>,
    }
}

dto! {
    pub struct PreviewUiCustomizationResponse {
        /// The style sheet as the hosted pages serve it.
        #[serde(rename = "CSS")]
        pub css: String,
        pub dropped: Vec<DroppedCss>,
        pub classes: Vec<CustomizableClass>,
        /// Cognito's CSS template: every class at its default values.
        pub template: String,
        /// The logo that applies, as a `data:` URL (the console shows it without a request).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub logo_data_url: Option<String>,
        /// With `Settings`: the managed login style's sheets, over Poolhouse's defaults.
        #[serde(rename = "ManagedCSS", default, skip_serializing_if = "Option::is_none")]
        pub managed_css: Option<ManagedCss>,
    }
}

/// `PreviewUICustomization`: the style sheet as it would be served, what is left out and
/// why; a refusal is the error SetUICustomization would answer.
pub(crate) fn preview_ui_customization(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: PreviewUiCustomizationRequest,
) -> Result<PreviewUiCustomizationResponse, ApiError> {
    let logo_data_url = match &req.user_pool_id {
        Some(pool) => {
            let client = req.client_id.as_deref().unwrap_or(ALL_CLIENTS);
            c.read(|r| Ok(branding::for_page(r, pool, client)?))?
                .logo
                .map(|(bytes, media)| format!("data:{media};base64,{}", STANDARD.encode(bytes)))
        }
        None => None,
    };
    let managed_css = req
        .settings
        .as_ref()
        .map(|s| branding::managed_scheme_css("Settings", Some(s)))
        .transpose()?
        .map(|(light, dark)| ManagedCss { light, dark });
    let s = branding::sanitize("CSS", &req.css)?;
    Ok(PreviewUiCustomizationResponse {
        css: s.css,
        dropped: s
            .dropped
            .into_iter()
            .map(|d| DroppedCss {
                line: d.line,
                what: d.what,
                reason: d.reason,
            })
            .collect(),
        classes: branding::CLASSES
            .iter()
            .map(|(class, props)| CustomizableClass {
                selector: format!(".{class}"),
                properties: props.iter().map(|p| p.to_string()).collect(),
            })
            .collect(),
        template: branding::COGNITO_TEMPLATE_CSS.to_string(),
        logo_data_url,
        managed_css,
    })
}

dto! {
    /// `AssetType`: `Bytes` in base64.
    pub struct AssetType {
        pub category: AssetCategory,
        pub color_mode: ColorMode,
        pub extension: AssetExtension,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bytes: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub resource_id: Option<String>,
    }
}

dto! {
    pub struct CreateManagedLoginBrandingRequest {
        pub user_pool_id: UserPoolId,
        pub client_id: ClientId,
        #[serde(default)]
        pub use_cognito_provided_values: Option<bool>,
        /// Cognito's settings document (a JSON object).
        #[serde(default)]
        #[schemars(schema_with = "document_schema")]
        #[ts(type = "Record<string, unknown>", optional)]
        pub settings: Option<Map<String, Value>>,
        #[serde(default)]
        pub assets: Option<Vec<AssetType>>,
    }
}

dto! {
    /// `ManagedLoginBrandingType`.
    pub struct ManagedLoginBrandingType {
        pub managed_login_branding_id: String,
        pub user_pool_id: String,
        pub use_cognito_provided_values: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(schema_with = "document_schema")]
        #[ts(type = "Record<string, unknown>")]
        pub settings: Option<Value>,
        pub assets: Vec<AssetType>,
        pub creation_date: f64,
        pub last_modified_date: f64,
    }
}

dto! {
    /// The answer of Create, Describe, DescribeByClient and Update.
    pub struct ManagedLoginBrandingResponse {
        pub managed_login_branding: ManagedLoginBrandingType,
    }
}

dto! {
    pub struct DescribeManagedLoginBrandingRequest {
        pub user_pool_id: UserPoolId,
        pub managed_login_branding_id: String,
        #[serde(default)]
        pub return_merged_resources: Option<bool>,
    }
}

dto! {
    pub struct DescribeManagedLoginBrandingByClientRequest {
        pub user_pool_id: UserPoolId,
        pub client_id: ClientId,
        #[serde(default)]
        pub return_merged_resources: Option<bool>,
    }
}

dto! {
    /// `UpdateManagedLoginBranding`: botocore marks every member optional; the pool and the
    /// style are refused by name when absent.
    pub struct UpdateManagedLoginBrandingRequest {
        #[serde(default)]
        pub user_pool_id: Option<UserPoolId>,
        #[serde(default)]
        pub managed_login_branding_id: Option<String>,
        #[serde(default)]
        pub use_cognito_provided_values: Option<bool>,
        #[serde(default)]
        #[schemars(schema_with = "document_schema")]
        #[ts(type = "Record<string, unknown>", optional)]
        pub settings: Option<Map<String, Value>>,
        #[serde(default)]
        pub assets: Option<Vec<AssetType>>,
    }
}

dto! {
    pub struct DeleteManagedLoginBrandingRequest {
        pub managed_login_branding_id: String,
        pub user_pool_id: UserPoolId,
    }
}

fn assets_in(assets: Option<&[AssetType]>) -> Result<Option<Vec<Asset>>, ApiError> {
    assets
        .map(|list| {
            list.iter()
                .enumerate()
                .map(|(i, a)| {
                    Ok(Asset {
                        category: a.category,
                        color_mode: a.color_mode,
                        extension: a.extension,
                        bytes: a
                            .bytes
                            .as_deref()
                            .map(|b| blob(&format!("Assets[{i}].Bytes"), b))
                            .transpose()?,
                        resource_id: a.resource_id.clone(),
                    })
                })
                .collect()
        })
        .transpose()
}

fn style_response(
    pool_id: &str,
    row: &ManagedLoginBrandingRow,
    merged: bool,
) -> Result<ManagedLoginBrandingResponse, ApiError> {
    let assets = row
        .assets
        .iter()
        .filter_map(|a| {
            Some(AssetType {
                category: AssetCategory::parse(&a.category)?,
                color_mode: ColorMode::parse(&a.color_mode)?,
                extension: AssetExtension::parse(&a.extension)?,
                bytes: a.bytes.as_deref().map(|b| STANDARD.encode(b)),
                resource_id: a.resource_id.clone(),
            })
        })
        .collect();
    Ok(ManagedLoginBrandingResponse {
        managed_login_branding: ManagedLoginBrandingType {
            managed_login_branding_id: row.id.clone(),
            user_pool_id: pool_id.to_string(),
            use_cognito_provided_values: row.use_cognito_provided_values,
            settings: branding::settings_of(row, merged)?,
            assets,
            creation_date: secs(row.created_at),
            last_modified_date: secs(row.updated_at),
        },
    })
}

/// `CreateManagedLoginBranding`.
pub(crate) fn create_managed_login_branding(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: CreateManagedLoginBrandingRequest,
) -> Result<ManagedLoginBrandingResponse, ApiError> {
    let assets = assets_in(req.assets.as_deref())?;
    let input = StyleInput {
        use_cognito_provided_values: req.use_cognito_provided_values,
        settings: req.settings.as_ref(),
        assets: assets.as_deref(),
    };
    let row = c.write_audited(
        ctx,
        Some(&req.user_pool_id),
        Some(&req.client_id),
        |tx, uctx| {
            let row =
                branding::create_managed(tx, uctx, &req.user_pool_id, &req.client_id, &input)?;
            let id = row.id.clone();
            Ok((row, Some(id)))
        },
    )?;
    style_response(&req.user_pool_id, &row, false)
}

/// `DescribeManagedLoginBranding`.
pub(crate) fn describe_managed_login_branding(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: DescribeManagedLoginBrandingRequest,
) -> Result<ManagedLoginBrandingResponse, ApiError> {
    describe_style(c, &req.user_pool_id, req.return_merged_resources, |r| {
        branding::describe_managed(r, &req.user_pool_id, &req.managed_login_branding_id)
    })
}

/// `DescribeManagedLoginBrandingByClient`.
pub(crate) fn describe_managed_login_branding_by_client(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: DescribeManagedLoginBrandingByClientRequest,
) -> Result<ManagedLoginBrandingResponse, ApiError> {
    describe_style(c, &req.user_pool_id, req.return_merged_resources, |r| {
        branding::describe_managed_by_client(r, &req.user_pool_id, &req.client_id)
    })
}

/// The style `find` reads, answered as both describe operations answer it (`merged`:
/// `ReturnMergedResources`).
fn describe_style(
    c: &Console,
    pool_id: &str,
    merged: Option<bool>,
    find: impl FnOnce(&storage::Reader<'_>) -> user_pools::Result<ManagedLoginBrandingRow>,
) -> Result<ManagedLoginBrandingResponse, ApiError> {
    let row = c.read(|r| Ok(find(r)?))?;
    style_response(pool_id, &row, merged == Some(true))
}

/// `UpdateManagedLoginBranding`.
pub(crate) fn update_managed_login_branding(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UpdateManagedLoginBrandingRequest,
) -> Result<ManagedLoginBrandingResponse, ApiError> {
    let pool_id = req
        .user_pool_id
        .clone()
        .ok_or_else(|| ApiError::invalid("UserPoolId", "the user pool is required"))?;
    let id = req.managed_login_branding_id.clone().ok_or_else(|| {
        ApiError::invalid("ManagedLoginBrandingId", "the style to update is required")
    })?;
    let assets = assets_in(req.assets.as_deref())?;
    let input = StyleInput {
        use_cognito_provided_values: req.use_cognito_provided_values,
        settings: req.settings.as_ref(),
        assets: assets.as_deref(),
    };
    let row = c.write_audited(ctx, Some(&pool_id), Some(&id), |tx, uctx| {
        Ok((
            branding::update_managed(tx, uctx, &pool_id, &id, &input)?,
            None,
        ))
    })?;
    style_response(&pool_id, &row, false)
}

/// `DeleteManagedLoginBranding`.
pub(crate) fn delete_managed_login_branding(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: DeleteManagedLoginBrandingRequest,
) -> Result<Empty, ApiError> {
    c.change(
        ctx,
        &req.user_pool_id,
        &req.managed_login_branding_id,
        |tx, _| branding::delete_managed(tx, &req.user_pool_id, &req.managed_login_branding_id),
    )
}

/// What a hosted page shows for its client: the style sheet for its `<style>` element
/// (sanitised: Cognito's classes and properties only) and the logo.
pub use user_pools::branding::PageBranding;

impl Console {
    /// The branding of the hosted pages of `client_id` (None or `ALL`: the pool's default):
    /// the client's classic customization, else the pool's. The CSS is safe to put in a
    /// `<style>` element; the logo is served by the endpoint's `/<poolId>/branding/logo`.
    pub fn branding_for(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> Result<PageBranding, ApiError> {
        let pool_id = UserPoolId::try_from(pool_id.to_string())?;
        let client_id = client_id.unwrap_or(ALL_CLIENTS);
        self.read(|r| Ok(branding::for_page(r, &pool_id, client_id)?))
    }
}
