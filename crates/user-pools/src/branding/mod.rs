//! The hosted UI's branding: the classic customization (`SetUICustomization`: CSS for
//! Cognito's `-customizable` classes and a logo, pool-wide as `ALL` or per app client) and
//! managed login branding styles (`CreateManagedLoginBranding`…: a settings document and
//! assets, one style per app client). [`for_page`] is what the hosted pages ask: the style
//! sheet to serve (sanitised by [`css`]) and the logo.

pub mod assets;
pub mod css;

use domain::UserPoolId;
use domain::branding::ALL_CLIENTS;
use serde_json::{Map, Value};
use storage::branding::{
    self as store, AssetRow, ManagedLoginBranding, ManagedLoginBrandingRow, UiCustomization,
    UiCustomizationRow,
};
use storage::{Read, Tx};

use crate::{Ctx, Error, Result, clients, invalid, require_pool};

pub use assets::{Asset, check_logo, validate_settings};
pub use css::{CLASSES, Dropped, SanitizedCss, sanitize};

/// Cognito's CSS template of the classic hosted UI: every class with the properties it may
/// set, at Cognito's default values. The console offers it as a starting point.
pub const COGNITO_TEMPLATE_CSS: &str = "\
.logo-customizable {
  max-width: 60%;
  max-height: 30%;
}
.banner-customizable {
  padding: 25px 0px 25px 0px;
  background-color: lightgray;
}
.label-customizable {
  font-weight: 400;
}
.textDescription-customizable {
  padding-top: 10px;
  padding-bottom: 10px;
  display: block;
  font-size: 16px;
}
.idpDescription-customizable {
  padding-top: 10px;
  padding-bottom: 10px;
  display: block;
  font-size: 16px;
}
.legalText-customizable {
  color: #747474;
  font-size: 11px;
}
.submitButton-customizable {
  font-size: 14px;
  font-weight: bold;
  margin: 20px 0px 10px 0px;
  height: 40px;
  width: 100%;
  color: #fff;
  background-color: #337ab7;
}
.submitButton-customizable:hover {
  color: #fff;
  background-color: #286090;
}
.errorMessage-customizable {
  padding: 5px;
  font-size: 14px;
  width: 100%;
  background: #F5F5F5;
  border: 2px solid #D64958;
  color: #D64958;
}
.inputField-customizable {
  width: 100%;
  height: 34px;
  color: #555;
  background-color: #fff;
  border: 1px solid #ccc;
}
.inputField-customizable:focus {
  border-color: #66afe9;
  outline: 0;
}
.idpButton-customizable {
  height: 40px;
  width: 100%;
  text-align: center;
  margin-bottom: 15px;
  color: #fff;
  background-color: #5bc0de;
  border-color: #46b8da;
}
.idpButton-customizable:hover {
  color: #fff;
  background-color: #31b0d5;
}
.socialButton-customizable {
  border-radius: 2px;
  height: 40px;
  margin-bottom: 15px;
  padding: 1px;
  text-align: left;
  width: 100%;
}
.redirect-customizable {
  text-align: center;
}
.passwordCheck-notValid-customizable {
  color: #DF3312;
}
.passwordCheck-valid-customizable {
  color: #19BF00;
}
.background-customizable {
  background-color: #fff;
}
";

/// A classic customization as `GetUICustomization` answers it: the one that applies to the
/// client asked for (its own, else the pool's `ALL`), or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiView {
    /// `ALL` or the app client whose own customization this is.
    pub client_id: String,
    pub row: Option<UiCustomizationRow>,
}

/// The app client a classic customization is for: None for `ALL`.
fn scope(r: &impl Read, pool_id: &UserPoolId, client_id: &str) -> Result<Option<i64>> {
    if client_id == ALL_CLIENTS {
        return Ok(None);
    }
    Ok(Some(clients::get(r, pool_id, client_id)?.pk))
}

/// `SetUICustomization`: replaces the CSS and the logo of `client_id` (`ALL`: the pool's
/// default) together, as Cognito does. The pool needs a domain; CSS that could load or run
/// anything is refused, by line; the logo is a PNG or JPEG of at most 100 KB.
pub fn set_ui(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    client_id: &str,
    css: Option<&str>,
    image: Option<&[u8]>,
) -> Result<UiView> {
    let pool = require_pool(tx, pool_id)?;
    let client = scope(tx, pool_id, client_id)?;
    if storage::domains::of_pool(tx, pool.pk)?.is_empty() {
        return Err(invalid(
            "UserPoolId",
            format!(
                "There has to be an existing domain associated with this user pool: create \
                 one for {pool_id} (CreateUserPoolDomain) before customizing its sign-in pages."
            ),
        ));
    }
    if let Some(css) = css {
        sanitize("CSS", css)?;
    }
    let image = match image.filter(|b| !b.is_empty()) {
        Some(bytes) => Some((bytes, check_logo("ImageFile", bytes)?)),
        None => None,
    };
    let now = ctx.clock.now_ms();
    // A new version each time, later than the one it replaces.
    let version = store::get_ui(tx, pool.pk, client)?
        .and_then(|old| old.css_version.parse::<i64>().ok())
        .map_or(now, |old| now.max(old + 1));
    store::put_ui(
        tx,
        pool.pk,
        client,
        &UiCustomization {
            css,
            image,
            css_version: &version.to_string(),
        },
        now,
    )?;
    Ok(UiView {
        client_id: client_id.to_string(),
        row: store::get_ui(tx, pool.pk, client)?,
    })
}

/// `GetUICustomization`: the client's own customization, else the pool's `ALL`, else none.
pub fn get_ui(r: &impl Read, pool_id: &UserPoolId, client_id: &str) -> Result<UiView> {
    let pool = require_pool(r, pool_id)?;
    let client = scope(r, pool_id, client_id)?;
    if client.is_some()
        && let Some(row) = store::get_ui(r, pool.pk, client)?
    {
        return Ok(UiView {
            client_id: client_id.to_string(),
            row: Some(row),
        });
    }
    Ok(UiView {
        client_id: ALL_CLIENTS.to_string(),
        row: store::get_ui(r, pool.pk, None)?,
    })
}

/// What a hosted page of a client shows: the style sheet (sanitised) and the logo.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageBranding {
    /// CSS for Cognito's classes, to go in the page's `<style>`; empty when none.
    pub css: String,
    /// The logo and its media type.
    pub logo: Option<(Vec<u8>, String)>,
    /// Changes whenever the customization does (for the logo's address).
    pub version: Option<String>,
}

/// The branding a hosted page of `client_id` (or `ALL`) shows. As in Cognito, a pool whose
/// domain serves managed login (`ManagedLoginVersion` 2) shows the client's managed login
/// style, as CSS for the same classes in light and dark, with its form logo; otherwise, its
/// classic customization (the client's own, else the pool's), sanitised as it is served.
pub fn for_page(r: &impl Read, pool_id: &UserPoolId, client_id: &str) -> Result<PageBranding> {
    let pool = require_pool(r, pool_id)?;
    let managed_login = storage::domains::of_pool(r, pool.pk)?
        .iter()
        .any(|d| d.managed_login_version >= 2);
    if managed_login && client_id != ALL_CLIENTS {
        let client = clients::get(r, pool_id, client_id)?;
        if let Some(style) = store::managed_of_client(r, client.pk)? {
            return managed_page(&style);
        }
    }
    let view = get_ui(r, pool_id, client_id)?;
    let Some(row) = view.row else {
        return Ok(PageBranding::default());
    };
    let css = match row.css.as_deref().map(|c| sanitize("CSS", c)) {
        Some(Ok(s)) => s.css,
        // Checked when it was set; a rule that tightened since leaves the page unstyled.
        Some(Err(e)) => {
            tracing::warn!(pool = %pool_id, reason = %e.reason, "stored CSS no longer passes");
            String::new()
        }
        None => String::new(),
    };
    Ok(PageBranding {
        css,
        logo: row.image,
        version: Some(row.css_version),
    })
}

/// A managed login branding style's request members.
#[derive(Debug, Clone, Default)]
pub struct StyleInput<'a> {
    pub use_cognito_provided_values: Option<bool>,
    pub settings: Option<&'a Map<String, Value>>,
    pub assets: Option<&'a [Asset]>,
}

impl StyleInput<'_> {
    /// With `UseCognitoProvidedValues`, Settings and Assets are left out (Cognito's rule).
    fn check(&self) -> Result<bool> {
        let use_cognito = self.use_cognito_provided_values.unwrap_or(false);
        if use_cognito && (self.settings.is_some() || self.assets.is_some()) {
            return Err(invalid(
                "UseCognitoProvidedValues",
                "with UseCognitoProvidedValues true, leave Settings and Assets out: the style \
                 takes Cognito's values",
            ));
        }
        if let Some(s) = self.settings {
            validate_settings("Settings", s)?;
        }
        Ok(use_cognito)
    }
}

fn encode_settings(s: Option<&Map<String, Value>>) -> Result<Option<String>> {
    s.map(|s| serde_json::to_string(s).map_err(|e| Error::Internal(e.to_string())))
        .transpose()
}

/// `CreateManagedLoginBranding`: one style per app client.
pub fn create_managed(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    client_id: &str,
    input: &StyleInput<'_>,
) -> Result<ManagedLoginBrandingRow> {
    let pool = require_pool(tx, pool_id)?;
    let client = clients::get(tx, pool_id, client_id)?;
    let use_cognito = input.check()?;
    if let Some(existing) = store::managed_of_client(tx, client.pk)? {
        return Err(Error::ManagedLoginBrandingExists(format!(
            "App client {client_id} already has managed login branding style {}.",
            existing.id
        )));
    }
    let assets = assets::rows("Assets", input.assets.unwrap_or_default(), &[])?;
    let settings = encode_settings(input.settings)?;
    let id = uuid::Uuid::new_v4().to_string();
    store::insert_managed(
        tx,
        &id,
        pool.pk,
        client.pk,
        &ManagedLoginBranding {
            use_cognito_provided_values: use_cognito,
            settings: settings.as_deref(),
            assets: &assets,
        },
        ctx.clock.now_ms(),
    )?;
    describe_managed(tx, pool_id, &id)
}

/// Checks a `ManagedLoginBrandingId`: a UUID (version 4), as Cognito issues them.
pub fn check_style_id(field: &str, id: &str) -> Result<()> {
    match uuid::Uuid::parse_str(id) {
        Ok(u) if u.get_version_num() == 4 && id.len() == 36 => Ok(()),
        _ => Err(invalid(
            field,
            format!("{id:?} is not a managed login branding id (a UUID v4)"),
        )),
    }
}

/// `DescribeManagedLoginBranding`.
pub fn describe_managed(
    r: &impl Read,
    pool_id: &UserPoolId,
    id: &str,
) -> Result<ManagedLoginBrandingRow> {
    check_style_id("ManagedLoginBrandingId", id)?;
    let pool = require_pool(r, pool_id)?;
    store::get_managed(r, pool.pk, id)?.ok_or_else(|| {
        Error::NotFound(format!(
            "Managed login branding style {id} does not exist in user pool {pool_id}."
        ))
    })
}

/// `DescribeManagedLoginBrandingByClient`.
pub fn describe_managed_by_client(
    r: &impl Read,
    pool_id: &UserPoolId,
    client_id: &str,
) -> Result<ManagedLoginBrandingRow> {
    let client = clients::get(r, pool_id, client_id)?;
    store::managed_of_client(r, client.pk)?.ok_or_else(|| {
        Error::NotFound(format!(
            "App client {client_id} has no managed login branding style."
        ))
    })
}

/// `UpdateManagedLoginBranding`: absent Settings or Assets are kept; with
/// `UseCognitoProvidedValues` both go back to Cognito's. An asset without Bytes keeps the
/// bytes the style has for its category and colour mode.
pub fn update_managed(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    id: &str,
    input: &StyleInput<'_>,
) -> Result<ManagedLoginBrandingRow> {
    let row = describe_managed(tx, pool_id, id)?;
    let use_cognito = input.check()?;
    let (settings, assets): (Option<String>, Vec<AssetRow>) = if use_cognito {
        (None, Vec::new())
    } else {
        let settings = match input.settings {
            Some(s) => encode_settings(Some(s))?,
            None => row.settings.clone(),
        };
        let assets = match input.assets {
            Some(a) => assets::rows("Assets", a, &row.assets)?,
            None => row.assets.clone(),
        };
        (settings, assets)
    };
    store::update_managed(
        tx,
        row.pk,
        &ManagedLoginBranding {
            use_cognito_provided_values: use_cognito,
            settings: settings.as_deref(),
            assets: &assets,
        },
        ctx.clock.now_ms(),
    )?;
    describe_managed(tx, pool_id, id)
}

/// `DeleteManagedLoginBranding`.
pub fn delete_managed(tx: &Tx<'_>, pool_id: &UserPoolId, id: &str) -> Result<()> {
    let row = describe_managed(tx, pool_id, id)?;
    store::delete_managed(tx, row.pk)?;
    Ok(())
}

/// A style's settings as stored, or with `merged` Poolhouse's defaults under them
/// (`ReturnMergedResources`).
pub fn settings_of(row: &ManagedLoginBrandingRow, merged: bool) -> Result<Option<Value>> {
    let own = row
        .settings
        .as_deref()
        .map(serde_json::from_str::<Value>)
        .transpose()
        .map_err(|e| Error::Internal(format!("stored branding settings: {e}")))?;
    if !merged {
        return Ok(own);
    }
    let mut base = assets::default_settings();
    if let Some(own) = own {
        assets::merge(&mut base, own);
    }
    Ok(Some(base))
}

/// A colour of the settings document (`RRGGBBAA`) as CSS.
fn color(v: &Value, path: &[&str]) -> Option<String> {
    let mut at = v;
    for p in path {
        at = at.get(*p)?;
    }
    let c = at.as_str()?;
    (c.len() == 8 && c.chars().all(|c| c.is_ascii_hexdigit())).then(|| format!("#{c}"))
}

/// The CSS of one colour scheme of a managed login style, for Cognito's classes.
fn scheme_css(s: &Value, mode: &str) -> String {
    let rules: [(&str, &str, &[&str]); 11] = [
        (
            ".background-customizable",
            "background-color",
            &["components", "pageBackground", mode, "color"],
        ),
        (
            ".banner-customizable",
            "background-color",
            &["components", "form", mode, "backgroundColor"],
        ),
        (
            ".submitButton-customizable",
            "background-color",
            &[
                "components",
                "primaryButton",
                mode,
                "defaults",
                "backgroundColor",
            ],
        ),
        (
            ".submitButton-customizable",
            "color",
            &["components", "primaryButton", mode, "defaults", "textColor"],
        ),
        (
            ".submitButton-customizable:hover",
            "background-color",
            &[
                "components",
                "primaryButton",
                mode,
                "hover",
                "backgroundColor",
            ],
        ),
        (
            ".submitButton-customizable:hover",
            "color",
            &["components", "primaryButton", mode, "hover", "textColor"],
        ),
        (
            ".inputField-customizable",
            "background-color",
            &[
                "componentClasses",
                "input",
                mode,
                "defaults",
                "backgroundColor",
            ],
        ),
        (
            ".inputField-customizable",
            "border-color",
            &["componentClasses", "input", mode, "defaults", "borderColor"],
        ),
        (
            ".redirect-customizable",
            "color",
            &["componentClasses", "link", mode, "defaults", "textColor"],
        ),
        (
            ".label-customizable",
            "color",
            &["components", "pageText", mode, "bodyColor"],
        ),
        (
            ".textDescription-customizable",
            "color",
            &["components", "pageText", mode, "descriptionColor"],
        ),
    ];
    let mut out = String::new();
    for (selector, property, path) in rules {
        if let Some(c) = color(s, path) {
            out.push_str(&format!("{selector} {{ {property}: {c}; }}\n"));
        }
    }
    out
}

/// The CSS the hosted pages derive from a managed login style's settings (its own, over
/// Poolhouse's defaults), one sheet per colour scheme: `(light, dark)`. The console's preview
/// shows exactly these; the pages serve the dark one under `prefers-color-scheme: dark`.
/// The settings are checked as Create and Update check them.
pub fn managed_scheme_css(
    field: &str,
    own: Option<&Map<String, Value>>,
) -> Result<(String, String)> {
    let mut settings = assets::default_settings();
    if let Some(own) = own {
        validate_settings(field, own)?;
        assets::merge(&mut settings, Value::Object(own.clone()));
    }
    Ok((
        scheme_css(&settings, "lightMode"),
        scheme_css(&settings, "darkMode"),
    ))
}

/// The hosted page's branding from a managed login style: its settings (over the defaults)
/// as CSS, light and dark, and its form logo (a raster image: PNG, JPEG or WebP).
fn managed_page(style: &ManagedLoginBrandingRow) -> Result<PageBranding> {
    let settings = settings_of(style, true)?.unwrap_or_else(assets::default_settings);
    let dark = scheme_css(&settings, "darkMode");
    let mut css = scheme_css(&settings, "lightMode");
    if !dark.is_empty() {
        css.push_str(&format!(
            "@media (prefers-color-scheme: dark) {{\n{dark}}}\n"
        ));
    }
    let logo = ["LIGHT", "DYNAMIC", "DARK"].iter().find_map(|mode| {
        style.assets.iter().find_map(|a| {
            let ext = domain::branding::AssetExtension::parse(&a.extension)?;
            let raster = matches!(
                ext,
                domain::branding::AssetExtension::Png
                    | domain::branding::AssetExtension::Jpeg
                    | domain::branding::AssetExtension::Webp
            );
            (a.category == "FORM_LOGO" && a.color_mode == *mode && raster)
                .then(|| a.bytes.clone().map(|b| (b, ext.media_type().to_string())))
                .flatten()
        })
    });
    Ok(PageBranding {
        css,
        logo,
        version: Some(style.updated_at.to_string()),
    })
}
