//! The MFA set-up page and `POST /mfaSetup`: when a sign-in answers `MFA_SETUP` (the pool
//! requires MFA and the user has no factor yet), the page shows a new authenticator secret
//! (`AssociateSoftwareToken` with the challenge's session) as a QR code of its `otpauth://`
//! URI — an SVG in a `data:` image, which the pages' CSP allows — and in text for entering by
//! hand, and asks for a code from the app. The code goes through `VerifySoftwareToken`, then
//! `RespondToAuthChallenge` `MFA_SETUP` finishes the sign-in, as Cognito's hosted UI does.

use std::net::SocketAddr;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use console_api::hosted::Answer;
use console_api::{ApiError, Console, ErrorCode};
use qrcode::QrCode;
use qrcode::render::svg;

use super::page::{self, Field};
use super::pages::{self, PageRequest, links};
use super::{Site, blocking, peer_ip, value};

/// An authenticator being set up, as the page carries it between posts.
#[derive(Debug, Clone)]
pub(crate) struct Shown {
    pub(crate) session: String,
    pub(crate) username: String,
    /// Base32, as the engine made it.
    pub(crate) secret: String,
    pub(crate) uri: String,
}

impl Shown {
    /// The set-up a form sent back, if it is one this page could have made (a base32 secret
    /// and the `otpauth://totp/` URI that names it); the engine holds the secret itself, so a
    /// changed one only changes what this browser is shown.
    fn from_form(pairs: &[(String, String)]) -> Option<Shown> {
        let g = |n: &str| value(pairs, n).unwrap_or_default().to_string();
        let s = Shown {
            session: g("session"),
            username: g("username"),
            secret: g("secret"),
            uri: g("otpauth_uri"),
        };
        let base32 = !s.secret.is_empty()
            && s.secret.len() <= 128
            && s.secret
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b) || b == b'=');
        let uri_ok = s.uri.starts_with("otpauth://totp/")
            && s.uri.len() <= 1024
            && s.uri.contains(&format!("secret={}", s.secret));
        (base32 && uri_ok && !s.session.is_empty()).then_some(s)
    }
}

/// Starts the set-up page for an `MFA_SETUP` challenge of `client_id` (on the blocking pool).
pub(crate) fn start(
    console: &Console,
    ip: &str,
    pool_id: &str,
    client_id: &str,
    session: &str,
    username: &str,
) -> Result<Shown, ApiError> {
    let a = console.hosted_setup_associate(ip, pool_id, client_id, session)?;
    Ok(Shown {
        session: session.to_string(),
        username: username.to_string(),
        secret: a.secret_code,
        uri: a.otpauth_uri,
    })
}

/// The QR code of `uri` as an `<img>` with a `data:` SVG (dark modules on white, with the
/// quiet zone, so that it scans in the dark look too).
fn qr_img(uri: &str) -> String {
    let Ok(code) = QrCode::new(uri.as_bytes()) else {
        return String::new();
    };
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build();
    let data = base64::engine::general_purpose::STANDARD.encode(svg.as_bytes());
    format!(
        "<img class=\"qr\" width=\"200\" height=\"200\" src=\"data:image/svg+xml;base64,{data}\" \
         alt=\"QR code of the authenticator secret (the same secret is written below)\">"
    )
}

/// The secret in groups of four, easier to type.
fn grouped(secret: &str) -> String {
    let chars: Vec<char> = secret.trim_end_matches('=').chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The set-up page: `hidden` carries the authorize request and the CSRF token.
pub(crate) fn render(
    site: &Site,
    hidden: &str,
    branding: &page::Branding,
    s: &Shown,
    error: Option<&str>,
) -> String {
    let mut hidden = hidden.to_string();
    for (k, v) in [
        ("session", &s.session),
        ("username", &s.username),
        ("secret", &s.secret),
        ("otpauth_uri", &s.uri),
    ] {
        hidden.push_str(&page::hidden(k, v));
    }
    let code = Field {
        name: "code",
        label: "Code from your authenticator app",
        kind: "text",
        autocomplete: "one-time-code",
        value: "",
        error,
        extra: "inputmode=\"numeric\" spellcheck=\"false\"",
    }
    .html();
    let content = format!(
        "{}{}<p class=\"qr-box\">{}</p><p class=\"textDescription-customizable\">Or enter this \
         key in the app by hand:</p><p class=\"secret\"><code>{}</code></p>{}",
        page::text(
            "This account needs multi-factor authentication. Scan the QR code with an \
             authenticator app (such as Google Authenticator, Microsoft Authenticator or 1Password), \
             then enter the 6-digit code it shows."
        ),
        page::text(&format!("Account: {}", s.username)),
        qr_img(&s.uri),
        page::esc(&grouped(&s.secret)),
        page::form(
            &site.path("/mfaSetup"),
            &hidden,
            &code,
            "Verify and sign in"
        ),
    );
    page::page("Set up your authenticator app", branding, &content)
}

/// What the pages do with a sign-in's answer outside `/login` (after an auto-confirmed
/// sign-up): tokens go back to the app; `MFA_SETUP` shows this page; any other challenge goes
/// on at the sign-in page.
pub(crate) async fn after_answer(
    console: &Console,
    site: &Site,
    p: &PageRequest,
    answer: Answer,
    username: &str,
    ip: String,
) -> Response {
    match answer {
        Answer::Tokens {
            refresh_token: Some(r),
            ..
        } => pages::signed_in(console, site, p.a.clone(), r).await,
        Answer::Challenge(c) if c.name == "MFA_SETUP" => {
            let (cn, pool_id, client_id, session) = (
                console.clone(),
                site.pool_id.clone(),
                p.client_id(),
                c.session.clone(),
            );
            let u = c
                .parameters
                .get("USERNAME")
                .cloned()
                .unwrap_or_else(|| username.to_string());
            match blocking(move || start(&cn, &ip, &pool_id, &client_id, &session, &u)).await {
                Ok(shown) => {
                    let html = render(site, &p.hidden(), &p.branding, &shown, None);
                    page::html(StatusCode::OK, html, &[])
                }
                Err(e) => page::error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    &e.message,
                ),
            }
        }
        _ => pages::to_sign_in(site, &p.req, "confirmed"),
    }
}

pub(crate) async fn submit(
    State(console): State<Console>,
    site: Site,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (p, pairs) = match pages::open_post(&console, &site, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(shown) = Shown::from_form(&pairs) else {
        return page::error_page(
            StatusCode::BAD_REQUEST,
            "Something went wrong",
            "The set-up form is incomplete. Go back to the app and sign in again.",
        );
    };
    let code = value(&pairs, "code").unwrap_or_default().trim().to_string();
    let again = |status: StatusCode, error: &str| {
        page::html(
            status,
            render(&site, &p.hidden(), &p.branding, &shown, Some(error)),
            &[],
        )
    };
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return again(
            StatusCode::OK,
            "Enter the 6-digit code your authenticator app shows.",
        );
    }
    let ip = peer_ip(peer);
    let (c, pool_id, client_id, s) = (
        console.clone(),
        site.pool_id.clone(),
        p.client_id(),
        shown.clone(),
    );
    let answer = blocking(move || {
        Ok(c.hosted_setup_verify(&ip, &pool_id, &client_id, &s.session, &s.username, &code))
    })
    .await;
    match answer {
        Ok(Ok(Answer::Tokens {
            refresh_token: Some(r),
            ..
        })) => pages::signed_in(&console, &site, p.a.clone(), r).await,
        Ok(Ok(_)) => page::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "The sign-in did not finish after the authenticator was set up.",
        ),
        Ok(Err(e))
            if matches!(
                e.code,
                ErrorCode::EnableSoftwareTokenMfaException | ErrorCode::CodeMismatchException
            ) =>
        {
            again(
                StatusCode::OK,
                "Code mismatch: enter the code your authenticator app shows now.",
            )
        }
        Ok(Err(e)) => {
            let body = format!(
                "{}{}",
                page::alert(&e.message),
                links(&[(p.link(&site, "/login"), "Back to sign in")])
            );
            p.answer(
                &site,
                StatusCode::BAD_REQUEST,
                "Set up your authenticator app",
                &body,
            )
        }
        Err(e) => page::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            &e.message,
        ),
    }
}
