//! The hosted UI's branding vocabulary: managed login branding's asset categories, colour
//! modes and file types (botocore's `AssetCategoryType`, `ColorSchemeModeType`,
//! `AssetExtensionType`), and the classic customization's pool-wide client (`ALL`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The `ClientId` of a pool's default classic customization, which applies to every app
/// client without its own.
pub const ALL_CLIENTS: &str = "ALL";

/// Where an asset of a managed login style is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum AssetCategory {
    FaviconIco,
    FaviconSvg,
    EmailGraphic,
    SmsGraphic,
    AuthAppGraphic,
    PasswordGraphic,
    PasskeyGraphic,
    PageHeaderLogo,
    PageHeaderBackground,
    PageFooterLogo,
    PageFooterBackground,
    PageBackground,
    FormBackground,
    FormLogo,
    IdpButtonIcon,
}

/// Which colour scheme an asset is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum ColorMode {
    Light,
    Dark,
    Dynamic,
}

/// An asset's file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum AssetExtension {
    Ico,
    Jpeg,
    Png,
    Svg,
    Webp,
}

macro_rules! wire_names {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// Every value, in the model's order.
            pub const ALL: &'static [$t] = &[$(<$t>::$v),*];

            /// The wire name (`PAGE_HEADER_LOGO`), also the stored one.
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }

            /// The value of a wire name.
            pub fn parse(s: &str) -> Option<$t> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

wire_names!(AssetCategory {
    FaviconIco => "FAVICON_ICO",
    FaviconSvg => "FAVICON_SVG",
    EmailGraphic => "EMAIL_GRAPHIC",
    SmsGraphic => "SMS_GRAPHIC",
    AuthAppGraphic => "AUTH_APP_GRAPHIC",
    PasswordGraphic => "PASSWORD_GRAPHIC",
    PasskeyGraphic => "PASSKEY_GRAPHIC",
    PageHeaderLogo => "PAGE_HEADER_LOGO",
    PageHeaderBackground => "PAGE_HEADER_BACKGROUND",
    PageFooterLogo => "PAGE_FOOTER_LOGO",
    PageFooterBackground => "PAGE_FOOTER_BACKGROUND",
    PageBackground => "PAGE_BACKGROUND",
    FormBackground => "FORM_BACKGROUND",
    FormLogo => "FORM_LOGO",
    IdpButtonIcon => "IDP_BUTTON_ICON",
});

wire_names!(ColorMode {
    Light => "LIGHT",
    Dark => "DARK",
    Dynamic => "DYNAMIC",
});

wire_names!(AssetExtension {
    Ico => "ICO",
    Jpeg => "JPEG",
    Png => "PNG",
    Svg => "SVG",
    Webp => "WEBP",
});

impl AssetCategory {
    /// The file types a category takes: a favicon is an ICO or an SVG by its name; the
    /// pictures are raster or vector images.
    pub fn extensions(self) -> &'static [AssetExtension] {
        use AssetExtension::*;
        match self {
            AssetCategory::FaviconIco => &[Ico],
            AssetCategory::FaviconSvg => &[Svg],
            _ => &[Jpeg, Png, Svg, Webp],
        }
    }
}

impl AssetExtension {
    /// The media type the asset is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            AssetExtension::Ico => "image/x-icon",
            AssetExtension::Jpeg => "image/jpeg",
            AssetExtension::Png => "image/png",
            AssetExtension::Svg => "image/svg+xml",
            AssetExtension::Webp => "image/webp",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_serde_names() {
        for c in AssetCategory::ALL {
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(AssetCategory::parse(c.as_str()), Some(*c));
        }
        for m in ColorMode::ALL {
            assert_eq!(
                serde_json::to_string(m).unwrap(),
                format!("\"{}\"", m.as_str())
            );
        }
        for e in AssetExtension::ALL {
            assert_eq!(
                serde_json::to_string(e).unwrap(),
                format!("\"{}\"", e.as_str())
            );
        }
    }
}
