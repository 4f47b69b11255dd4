//! Images and settings of the branding: the classic logo (a PNG or JPEG by its first bytes),
//! managed login assets (each file's bytes must be the type its `Extension` says), and the
//! managed login settings document.

use std::collections::HashSet;

use domain::FieldError;
use domain::branding::{AssetCategory, AssetExtension, ColorMode};
use serde_json::{Map, Value, json};
use storage::branding::AssetRow;

use crate::{Result, invalid};

/// The largest classic logo Cognito takes: 100 KB.
pub const MAX_LOGO_BYTES: usize = 100 * 1024;

/// The largest managed login asset (botocore's `AssetBytesType`).
pub const MAX_ASSET_BYTES: usize = 1_000_000;

/// The most assets a style holds (botocore's `AssetListType`).
pub const MAX_ASSETS: usize = 40;

/// Checks a classic logo and answers its media type: a PNG or a JPEG, by its magic bytes
/// (its name or a claimed type is not trusted), of at most [`MAX_LOGO_BYTES`].
pub fn check_logo(field: &str, bytes: &[u8]) -> Result<&'static str> {
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(invalid(
            field,
            format!(
                "the logo is {} bytes; at most {MAX_LOGO_BYTES} (100 KB) are taken",
                bytes.len()
            ),
        ));
    }
    if infer::image::is_png(bytes) {
        Ok("image/png")
    } else if infer::image::is_jpeg(bytes) {
        Ok("image/jpeg")
    } else {
        Err(invalid(
            field,
            "the logo must be a PNG or JPEG image, and its first bytes are neither",
        ))
    }
}

/// Whether `bytes` are a file of type `ext`, by their first bytes (an SVG: XML text whose
/// root element is `<svg`).
fn is_of_type(ext: AssetExtension, bytes: &[u8]) -> bool {
    match ext {
        AssetExtension::Png => infer::image::is_png(bytes),
        AssetExtension::Jpeg => infer::image::is_jpeg(bytes),
        AssetExtension::Webp => infer::image::is_webp(bytes),
        AssetExtension::Ico => infer::image::is_ico(bytes),
        AssetExtension::Svg => std::str::from_utf8(bytes).is_ok_and(|text| {
            let t = text.trim_start_matches('\u{feff}').trim_start();
            let t = match t.strip_prefix("<?xml") {
                Some(rest) => rest.split_once("?>").map_or("", |(_, r)| r).trim_start(),
                None => t,
            };
            t.starts_with("<svg")
        }),
    }
}

/// A managed login asset as requested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub category: AssetCategory,
    pub color_mode: ColorMode,
    pub extension: AssetExtension,
    pub bytes: Option<Vec<u8>>,
    pub resource_id: Option<String>,
}

/// Checks a style's assets (`field`: `Assets`) and answers the rows to store. An asset
/// without `Bytes` keeps the bytes `kept` has for its category and colour mode.
pub(crate) fn rows(field: &str, assets: &[Asset], kept: &[AssetRow]) -> Result<Vec<AssetRow>> {
    if assets.len() > MAX_ASSETS {
        return Err(invalid(
            field,
            format!(
                "{} assets; a style holds at most {MAX_ASSETS}",
                assets.len()
            ),
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(assets.len());
    for (i, a) in assets.iter().enumerate() {
        let at = format!("{field}[{i}]");
        if !seen.insert((a.category, a.color_mode)) {
            return Err(invalid(
                &at,
                format!(
                    "a second {} asset for {}: a style has one per category and colour mode",
                    a.category.as_str(),
                    a.color_mode.as_str()
                ),
            ));
        }
        if !a.category.extensions().contains(&a.extension) {
            let takes: Vec<_> = a.category.extensions().iter().map(|e| e.as_str()).collect();
            return Err(invalid(
                &format!("{at}.Extension"),
                format!(
                    "{} takes {}, not {}",
                    a.category.as_str(),
                    takes.join(" or "),
                    a.extension.as_str()
                ),
            ));
        }
        if let Some(id) = &a.resource_id
            && (id.is_empty()
                || id.len() > 40
                || !id
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == ' '))
        {
            return Err(invalid(
                &format!("{at}.ResourceId"),
                "1 to 40 letters, digits, '_', '-' and spaces",
            ));
        }
        let bytes = match &a.bytes {
            Some(b) => b.clone(),
            None => kept
                .iter()
                .find(|k| {
                    k.category == a.category.as_str() && k.color_mode == a.color_mode.as_str()
                })
                .and_then(|k| k.bytes.clone())
                .ok_or_else(|| {
                    invalid(
                        &format!("{at}.Bytes"),
                        "the asset's file is missing (the style has none to keep for this \
                         category and colour mode)",
                    )
                })?,
        };
        if bytes.len() > MAX_ASSET_BYTES {
            return Err(invalid(
                &format!("{at}.Bytes"),
                format!("{} bytes; at most {MAX_ASSET_BYTES} are taken", bytes.len()),
            ));
        }
        if !is_of_type(a.extension, &bytes) {
            return Err(invalid(
                &format!("{at}.Bytes"),
                format!(
                    "the file is not {} (its first bytes say otherwise)",
                    a.extension.as_str()
                ),
            ));
        }
        out.push(AssetRow {
            category: a.category.as_str().to_string(),
            color_mode: a.color_mode.as_str().to_string(),
            extension: a.extension.as_str().to_string(),
            bytes: Some(bytes),
            resource_id: a.resource_id.clone(),
        });
    }
    Ok(out)
}

/// The top-level members of Cognito's managed login settings document.
pub const SETTINGS_MEMBERS: &[&str] = &["categories", "componentClasses", "components"];

/// Checks a settings document: only Cognito's top-level members, and every colour (a member
/// named `color` or `…Color`) as Cognito writes them, eight hex digits `RRGGBBAA`.
pub fn validate_settings(
    field: &str,
    s: &Map<String, Value>,
) -> std::result::Result<(), FieldError> {
    for key in s.keys() {
        if !SETTINGS_MEMBERS.contains(&key.as_str()) {
            return Err(FieldError::new(
                format!("{field}.{key}"),
                format!(
                    "not a member of the settings document (it has {})",
                    SETTINGS_MEMBERS.join(", ")
                ),
            ));
        }
    }
    check_colors(field, &Value::Object(s.clone()))
}

fn check_colors(path: &str, v: &Value) -> std::result::Result<(), FieldError> {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let at = format!("{path}.{k}");
                if (k == "color" || k.ends_with("Color"))
                    && !v
                        .as_str()
                        .is_some_and(|c| c.len() == 8 && c.chars().all(|c| c.is_ascii_hexdigit()))
                {
                    return Err(FieldError::new(
                        at,
                        format!("a colour is eight hex digits, RRGGBBAA (0972d3ff), not {v}"),
                    ));
                }
                check_colors(&at, v)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_colors(&format!("{path}[{i}]"), v)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The values a style without its own has: Poolhouse's hosted pages' look, in the shape of
/// Cognito's settings document. `ReturnMergedResources` answers a style's settings over
/// these.
pub fn default_settings() -> Value {
    json!({
        "categories": {
            "global": {
                "colorSchemeMode": "LIGHT",
                "pageHeader": { "enabled": false },
                "pageFooter": { "enabled": false },
                "spacingDensity": "REGULAR"
            },
            "form": {
                "displayGraphics": true,
                "instructions": { "enabled": false },
                "languageSelector": { "enabled": false },
                "location": { "horizontal": "CENTER", "vertical": "CENTER" },
                "sessionTimerDisplay": "NONE"
            },
            "auth": {
                "federation": { "interfaceStyle": "BUTTON_LIST", "order": [] }
            }
        },
        "componentClasses": {
            "buttons": { "borderRadius": 8 },
            "input": {
                "borderRadius": 8,
                "lightMode": { "defaults": { "backgroundColor": "ffffffff", "borderColor": "8c8c94ff" } },
                "darkMode": { "defaults": { "backgroundColor": "0f141aff", "borderColor": "656871ff" } }
            },
            "link": {
                "lightMode": { "defaults": { "textColor": "006ce0ff" }, "hover": { "textColor": "002b66ff" } },
                "darkMode": { "defaults": { "textColor": "539fe5ff" }, "hover": { "textColor": "89bdeeff" } }
            }
        },
        "components": {
            "form": {
                "borderRadius": 8,
                "lightMode": { "backgroundColor": "ffffffff", "borderColor": "c6c6cdff" },
                "darkMode": { "backgroundColor": "0f141aff", "borderColor": "424650ff" }
            },
            "pageBackground": {
                "lightMode": { "color": "f2f3f3ff" },
                "darkMode": { "color": "0f141aff" }
            },
            "pageText": {
                "lightMode": { "bodyColor": "414d5cff", "headingColor": "000716ff", "descriptionColor": "414d5cff" },
                "darkMode": { "bodyColor": "b6bec9ff", "headingColor": "d1d5dbff", "descriptionColor": "b6bec9ff" }
            },
            "primaryButton": {
                "lightMode": {
                    "defaults": { "backgroundColor": "006ce0ff", "textColor": "ffffffff" },
                    "hover": { "backgroundColor": "002b66ff", "textColor": "ffffffff" }
                },
                "darkMode": {
                    "defaults": { "backgroundColor": "539fe5ff", "textColor": "000716ff" },
                    "hover": { "backgroundColor": "89bdeeff", "textColor": "000716ff" }
                }
            }
        }
    })
}

/// Merges `over` into `base`: objects member by member, anything else replaced.
pub fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0";

    #[test]
    fn a_logo_is_a_png_or_a_jpeg_by_its_bytes() {
        assert_eq!(check_logo("ImageFile", PNG).unwrap(), "image/png");
        assert_eq!(check_logo("ImageFile", JPEG).unwrap(), "image/jpeg");
        let gif = check_logo("ImageFile", b"GIF89a....").unwrap_err();
        assert!(matches!(gif, crate::Error::InvalidParameter(ref f) if f.field == "ImageFile"));
        let mut big = PNG.to_vec();
        big.resize(MAX_LOGO_BYTES + 1, 0);
        assert!(check_logo("ImageFile", &big).is_err());
    }

    fn asset(category: AssetCategory, extension: AssetExtension, bytes: &[u8]) -> Asset {
        Asset {
            category,
            color_mode: ColorMode::Light,
            extension,
            bytes: Some(bytes.to_vec()),
            resource_id: None,
        }
    }

    fn field(e: crate::Error) -> String {
        match e {
            crate::Error::InvalidParameter(f) => f.field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn assets_are_checked_by_category_type_and_bytes() {
        let ok = rows(
            "Assets",
            &[
                asset(AssetCategory::FormLogo, AssetExtension::Png, PNG),
                asset(
                    AssetCategory::FaviconSvg,
                    AssetExtension::Svg,
                    b"<?xml version=\"1.0\"?>\n<svg xmlns='http://www.w3.org/2000/svg'/>",
                ),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        let e = rows(
            "Assets",
            &[asset(AssetCategory::FaviconIco, AssetExtension::Png, PNG)],
            &[],
        );
        assert_eq!(field(e.unwrap_err()), "Assets[0].Extension");
        let e = rows(
            "Assets",
            &[asset(AssetCategory::FormLogo, AssetExtension::Png, JPEG)],
            &[],
        );
        assert_eq!(field(e.unwrap_err()), "Assets[0].Bytes");
        let twice = asset(AssetCategory::FormLogo, AssetExtension::Png, PNG);
        let e = rows("Assets", &[twice.clone(), twice], &[]);
        assert_eq!(field(e.unwrap_err()), "Assets[1]");
        let mut none = asset(AssetCategory::FormLogo, AssetExtension::Png, PNG);
        none.bytes = None;
        assert_eq!(
            field(rows("Assets", &[none.clone()], &[]).unwrap_err()),
            "Assets[0].Bytes"
        );
        assert_eq!(
            rows("Assets", &[none], &ok).unwrap()[0].bytes.as_deref(),
            Some(PNG)
        );
    }

    #[test]
    fn settings_keep_to_cognitos_members_and_colours() {
        let ok = json!({"components": {"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "ff0000ff"}}}}});
        validate_settings("Settings", ok.as_object().unwrap()).unwrap();
        let bad = json!({"components": {"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "red"}}}}});
        let e = validate_settings("Settings", bad.as_object().unwrap()).unwrap_err();
        assert_eq!(
            e.field,
            "Settings.components.primaryButton.lightMode.defaults.backgroundColor"
        );
        let e =
            validate_settings("Settings", json!({"theme": 1}).as_object().unwrap()).unwrap_err();
        assert_eq!(e.field, "Settings.theme");
        validate_settings("Settings", default_settings().as_object().unwrap()).unwrap();
    }

    #[test]
    fn merging_keeps_the_defaults_under_a_style() {
        let mut base = default_settings();
        merge(
            &mut base,
            json!({"components": {"form": {"borderRadius": 2}}}),
        );
        assert_eq!(base["components"]["form"]["borderRadius"], 2);
        assert_eq!(
            base["components"]["form"]["lightMode"]["backgroundColor"],
            "ffffffff"
        );
    }
}
