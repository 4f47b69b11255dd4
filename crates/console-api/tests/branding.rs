//! Hosted UI branding: classic customization (CSS and logo, pool-wide and per client) and
//! managed login branding styles, on a real store with a fixed clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use console_api::ErrorCode;
use serde_json::json;
use testkit::{TestConsole, create_client, create_pool, err, ok};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01";

/// A pool with a domain (classic customization needs one) and an app client.
fn console() -> (TestConsole, String, String) {
    let c = TestConsole::at(1_700_000_000_000);
    let pool = create_pool(&c, json!({"PoolName": "demo"}));
    let client = create_client(&c, json!({"UserPoolId": pool, "ClientName": "web"}));
    (c, pool, client)
}

fn with_domain(c: &TestConsole, pool: &str) {
    ok(
        c,
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "brand-demo"}),
    );
}

#[test]
fn a_pool_without_a_domain_cannot_be_customized() {
    let (c, pool, _) = console();
    let e = err(
        &c,
        "SetUICustomization",
        json!({"UserPoolId": pool, "ClientId": "ALL", "CSS": ".label-customizable{font-weight:400}"}),
    );
    assert_eq!(e.code, ErrorCode::InvalidParameterException);
    assert_eq!(e.field.as_deref(), Some("UserPoolId"));
}

#[test]
fn the_pools_default_applies_to_clients_without_their_own() {
    let (c, pool, client) = console();
    with_domain(&c, &pool);
    let css = ".submitButton-customizable { background-color: #123456; }\nbody { color: red }";
    let r = ok(
        &c,
        "SetUICustomization",
        json!({"UserPoolId": pool, "ClientId": "ALL", "CSS": css,
               "ImageFile": STANDARD.encode(PNG)}),
    );
    let u = &r["UICustomization"];
    assert_eq!(u["ClientId"], "ALL");
    assert_eq!(u["CSS"], css, "the CSS is answered as it was given");
    assert_eq!(u["CreationDate"], 1_700_000_000.0);
    let v = u["CSSVersion"].as_str().unwrap().to_string();
    let url = u["ImageUrl"].as_str().unwrap();
    assert_eq!(url, format!("/{pool}/branding/logo?client_id=ALL&v={v}"));

    // The client has none of its own: the pool's applies.
    let g = ok(
        &c,
        "GetUICustomization",
        json!({"UserPoolId": pool, "ClientId": client}),
    );
    assert_eq!(g["UICustomization"]["ClientId"], "ALL");
    assert_eq!(g["UICustomization"]["CSS"], css);

    // What a hosted page gets: the sanitised sheet and the logo.
    let page = c.branding_for(&pool, Some(&client)).unwrap();
    assert_eq!(
        page.css,
        ".submitButton-customizable {\n  background-color: #123456;\n}\n"
    );
    assert_eq!(page.logo, Some((PNG.to_vec(), "image/png".to_string())));
    let p = ok(
        &c,
        "PreviewUICustomization",
        json!({"CSS": "", "UserPoolId": pool, "ClientId": client}),
    );
    assert_eq!(
        p["LogoDataUrl"],
        format!("data:image/png;base64,{}", STANDARD.encode(PNG))
    );

    // The client's own replaces the pool's, CSS and logo together.
    ok(
        &c,
        "SetUICustomization",
        json!({"UserPoolId": pool, "ClientId": client, "CSS": ".label-customizable { font-weight: 700 }",
               "ImageFile": STANDARD.encode(JPEG)}),
    );
    let page = c.branding_for(&pool, Some(&client)).unwrap();
    assert_eq!(page.css, ".label-customizable {\n  font-weight: 700;\n}\n");
    assert_eq!(page.logo.unwrap().1, "image/jpeg");
    let page = c.branding_for(&pool, None).unwrap();
    assert_eq!(page.logo.unwrap().1, "image/png", "the pool's stays");

    // Setting again without a logo removes it (CSS and logo are set together).
    let r = ok(
        &c,
        "SetUICustomization",
        json!({"UserPoolId": pool, "ClientId": client, "CSS": ""}),
    );
    assert!(r["UICustomization"].get("ImageUrl").is_none(), "{r}");
    assert_ne!(r["UICustomization"]["CSSVersion"], v);
    assert_eq!(c.branding_for(&pool, Some(&client)).unwrap().logo, None);

    // A deleted client's customization goes with it.
    ok(
        &c,
        "DeleteUserPoolClient",
        json!({"UserPoolId": pool, "ClientId": client}),
    );
    let e = err(
        &c,
        "GetUICustomization",
        json!({"UserPoolId": pool, "ClientId": client}),
    );
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException);
}

#[test]
fn bad_css_and_logos_are_refused_by_field_and_nothing_is_written() {
    let (c, pool, _) = console();
    with_domain(&c, &pool);
    for (css, says) in [
        ("@import url(https://evil.example/x.css);", "@import"),
        (
            ".banner-customizable {\n background-color: url(https://x/y) }",
            "line 2: url(",
        ),
        (
            ".a { color: red }</style><script>alert(1)</script>",
            "<style>",
        ),
        (".a { width: expression(alert(1)) }", "expression("),
    ] {
        let e = err(
            &c,
            "SetUICustomization",
            json!({"UserPoolId": pool, "CSS": css}),
        );
        assert_eq!(e.code, ErrorCode::InvalidParameterException);
        assert_eq!(e.field.as_deref(), Some("CSS"), "{css}");
        assert!(e.message.contains(says), "{css}: {}", e.message);
    }
    let e = err(
        &c,
        "SetUICustomization",
        json!({"UserPoolId": pool, "ImageFile": STANDARD.encode(b"GIF89a\x01\0\x01\0")}),
    );
    assert_eq!(e.field.as_deref(), Some("ImageFile"));
    let mut big = PNG.to_vec();
    big.resize(100 * 1024 + 1, 0);
    let e = err(
        &c,
        "SetUICustomization",
        json!({"UserPoolId": pool, "ImageFile": STANDARD.encode(&big)}),
    );
    assert_eq!(e.field.as_deref(), Some("ImageFile"));
    assert!(e.message.contains("100 KB"), "{}", e.message);
    let e = err(
        &c,
        "SetUICustomization",
        json!({"UserPoolId": pool, "ImageFile": "not base64!"}),
    );
    assert_eq!(e.field.as_deref(), Some("ImageFile"));
    let e = err(
        &c,
        "SetUICustomization",
        json!({"UserPoolId": pool, "ClientId": "nosuchclient1234"}),
    );
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException);
    // Nothing was written.
    let g = ok(&c, "GetUICustomization", json!({"UserPoolId": pool}));
    assert!(g["UICustomization"].get("CSSVersion").is_none(), "{g}");
}

#[test]
fn the_preview_says_what_is_served_and_what_is_left_out() {
    let (c, _, _) = console();
    let r = ok(
        &c,
        "PreviewUICustomization",
        json!({"CSS": ".label-customizable { font-weight: 400; color: red }"}),
    );
    assert_eq!(r["CSS"], ".label-customizable {\n  font-weight: 400;\n}\n");
    assert_eq!(r["Dropped"][0]["What"], ".label-customizable { color }");
    assert_eq!(r["Dropped"][0]["Line"], 1);
    assert!(r["Classes"].as_array().unwrap().len() >= 13);
    assert!(
        r["Template"]
            .as_str()
            .unwrap()
            .contains(".submitButton-customizable")
    );
    let e = err(&c, "PreviewUICustomization", json!({"CSS": "@import 'x';"}));
    assert_eq!(e.field.as_deref(), Some("CSS"));
}

#[test]
fn the_preview_answers_a_managed_styles_sheets_as_the_pages_serve_them() {
    let (c, _, _) = console();
    let settings = json!({"components": {"primaryButton": {
        "lightMode": {"defaults": {"backgroundColor": "ff0000ff"}},
        "darkMode": {"defaults": {"backgroundColor": "00ff00ff"}}}}});
    let r = ok(
        &c,
        "PreviewUICustomization",
        json!({"CSS": "", "Settings": settings}),
    );
    let light = r["ManagedCSS"]["Light"].as_str().unwrap();
    let dark = r["ManagedCSS"]["Dark"].as_str().unwrap();
    assert!(
        light.contains(".submitButton-customizable { background-color: #ff0000ff; }"),
        "{light}"
    );
    assert!(
        dark.contains(".submitButton-customizable { background-color: #00ff00ff; }"),
        "{dark}"
    );
    // The defaults fill what the style leaves out.
    assert!(light.contains(".background-customizable { background-color: #f2f3f3ff; }"));
    let plain = ok(&c, "PreviewUICustomization", json!({"CSS": ""}));
    assert!(plain.get("ManagedCSS").is_none(), "{plain}");
    let e = err(
        &c,
        "PreviewUICustomization",
        json!({"CSS": "", "Settings": {"components": {"form": {"lightMode": {"backgroundColor": "red"}}}}}),
    );
    assert_eq!(
        e.field.as_deref(),
        Some("Settings.components.form.lightMode.backgroundColor")
    );
}

#[test]
fn a_managed_login_style_lives_one_per_client() {
    let (c, pool, client) = console();
    let settings = json!({"components": {"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "ff0000ff"}}}}});
    let r = ok(
        &c,
        "CreateManagedLoginBranding",
        json!({"UserPoolId": pool, "ClientId": client, "Settings": settings,
               "Assets": [{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG",
                           "Bytes": STANDARD.encode(PNG)}]}),
    );
    let b = &r["ManagedLoginBranding"];
    let id = b["ManagedLoginBrandingId"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 36);
    assert_eq!(b["Settings"], settings);
    assert_eq!(b["UseCognitoProvidedValues"], false);
    assert_eq!(b["Assets"][0]["Bytes"], STANDARD.encode(PNG));

    let e = err(
        &c,
        "CreateManagedLoginBranding",
        json!({"UserPoolId": pool, "ClientId": client}),
    );
    assert_eq!(e.code, ErrorCode::ManagedLoginBrandingExistsException);

    let by = ok(
        &c,
        "DescribeManagedLoginBrandingByClient",
        json!({"UserPoolId": pool, "ClientId": client}),
    );
    assert_eq!(
        by["ManagedLoginBranding"]["ManagedLoginBrandingId"],
        id.as_str()
    );
    let merged = ok(
        &c,
        "DescribeManagedLoginBranding",
        json!({"UserPoolId": pool, "ManagedLoginBrandingId": id, "ReturnMergedResources": true}),
    );
    let s = &merged["ManagedLoginBranding"]["Settings"];
    assert_eq!(
        s["components"]["primaryButton"]["lightMode"]["defaults"]["backgroundColor"],
        "ff0000ff"
    );
    assert!(
        s["components"]["form"]["lightMode"]["backgroundColor"].is_string(),
        "{s}"
    );

    // An asset without Bytes keeps the stored file; Settings left out are kept.
    let u = ok(
        &c,
        "UpdateManagedLoginBranding",
        json!({"UserPoolId": pool, "ManagedLoginBrandingId": id,
               "Assets": [{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG"}]}),
    );
    assert_eq!(
        u["ManagedLoginBranding"]["Assets"][0]["Bytes"],
        STANDARD.encode(PNG)
    );
    assert_eq!(u["ManagedLoginBranding"]["Settings"], settings);
    let u = ok(
        &c,
        "UpdateManagedLoginBranding",
        json!({"UserPoolId": pool, "ManagedLoginBrandingId": id, "UseCognitoProvidedValues": true}),
    );
    assert_eq!(u["ManagedLoginBranding"]["UseCognitoProvidedValues"], true);
    assert!(u["ManagedLoginBranding"].get("Settings").is_none());
    assert_eq!(u["ManagedLoginBranding"]["Assets"], json!([]));

    ok(
        &c,
        "DeleteManagedLoginBranding",
        json!({"UserPoolId": pool, "ManagedLoginBrandingId": id}),
    );
    let e = err(
        &c,
        "DescribeManagedLoginBranding",
        json!({"UserPoolId": pool, "ManagedLoginBrandingId": id}),
    );
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException);
}

#[test]
fn managed_login_refusals_name_the_member() {
    let (c, pool, client) = console();
    let cases = [
        (
            json!({"UserPoolId": pool, "ClientId": client, "UseCognitoProvidedValues": true,
                   "Settings": {}}),
            "UseCognitoProvidedValues",
        ),
        (
            json!({"UserPoolId": pool, "ClientId": client, "Settings": {"theme": "dark"}}),
            "Settings.theme",
        ),
        (
            json!({"UserPoolId": pool, "ClientId": client,
                   "Settings": {"components": {"form": {"lightMode": {"backgroundColor": "#fff"}}}}}),
            "Settings.components.form.lightMode.backgroundColor",
        ),
        (
            json!({"UserPoolId": pool, "ClientId": client,
                   "Assets": [{"Category": "FAVICON_ICO", "ColorMode": "LIGHT", "Extension": "PNG",
                               "Bytes": STANDARD.encode(PNG)}]}),
            "Assets[0].Extension",
        ),
        (
            json!({"UserPoolId": pool, "ClientId": client,
                   "Assets": [{"Category": "FORM_LOGO", "ColorMode": "DARK", "Extension": "PNG",
                               "Bytes": STANDARD.encode(JPEG)}]}),
            "Assets[0].Bytes",
        ),
        (
            json!({"UserPoolId": pool, "ClientId": client,
                   "Assets": [{"Category": "FORM_LOGO", "ColorMode": "DARK", "Extension": "PNG"}]}),
            "Assets[0].Bytes",
        ),
    ];
    for (body, field) in cases {
        let e = err(&c, "CreateManagedLoginBranding", body);
        assert_eq!(e.code, ErrorCode::InvalidParameterException, "{field}");
        assert_eq!(e.field.as_deref(), Some(field), "{}", e.message);
    }
    // Nothing was created by any of them.
    let e = err(
        &c,
        "DescribeManagedLoginBrandingByClient",
        json!({"UserPoolId": pool, "ClientId": client}),
    );
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException);
    let e = err(
        &c,
        "DescribeManagedLoginBranding",
        json!({"UserPoolId": pool, "ManagedLoginBrandingId": "not-a-uuid"}),
    );
    assert_eq!(e.field.as_deref(), Some("ManagedLoginBrandingId"));
    let e = err(
        &c,
        "UpdateManagedLoginBranding",
        json!({"ManagedLoginBrandingId": "7f0b2c1e-52f4-4c3e-9d7a-0a1b2c3d4e5f"}),
    );
    assert_eq!(e.field.as_deref(), Some("UserPoolId"));
}

#[test]
fn a_managed_login_domain_shows_the_clients_style_on_its_pages() {
    let (c, pool, client) = console();
    ok(
        &c,
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "brand-managed", "ManagedLoginVersion": 2}),
    );
    ok(
        &c,
        "SetUICustomization",
        json!({"UserPoolId": pool, "CSS": ".label-customizable { font-weight: 700 }"}),
    );
    ok(
        &c,
        "CreateManagedLoginBranding",
        json!({"UserPoolId": pool, "ClientId": client,
               "Settings": {"components": {"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "0b7268ff"}}}}},
               "Assets": [{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG",
                           "Bytes": STANDARD.encode(PNG)}]}),
    );
    let page = c.branding_for(&pool, Some(&client)).unwrap();
    assert!(
        page.css
            .contains(".submitButton-customizable { background-color: #0b7268ff; }"),
        "{}",
        page.css
    );
    assert!(
        page.css.contains("@media (prefers-color-scheme: dark)"),
        "{}",
        page.css
    );
    assert!(
        !page.css.contains("font-weight"),
        "the classic CSS is not the managed page's"
    );
    assert_eq!(page.logo, Some((PNG.to_vec(), "image/png".to_string())));
    // The pool-wide page (no client) and a pool on the classic pages keep the classic CSS.
    let all = c.branding_for(&pool, None).unwrap();
    assert!(all.css.contains("font-weight: 700"), "{}", all.css);
}
