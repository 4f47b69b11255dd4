//! The MFA set-up page and `POST /mfaSetup`: when a sign-in answers `MFA_SETUP` (the pool
//! requires MFA and the user has no factor yet), the page offers what the challenge's
//! `MFAS_CAN_SETUP` names, as Cognito's managed login does: an authenticator app — a new
//! secret (`AssociateSoftwareToken` with the challenge's session) as a QR code of its
//! `otpauth://` URI, an SVG in a `data:` image, which the pages' CSP allows, and in text for
//! entering by hand; its code goes through `VerifySoftwareToken`, then
//! `RespondToAuthChallenge` `MFA_SETUP` finishes the sign-in — and email codes: the address
//! typed goes as `MFA_SETUP`'s `EMAIL`, and the `EMAIL_OTP` code sent there is entered on the
//! sign-in page's code step, which ends the sign-in with the redirect to the app.

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use console_api::hosted::Answer;
use console_api::{ApiError, Console, ErrorCode};
use qrcode::QrCode;
use qrcode::render::svg;

use super::page::{self, Field};
use super::pages::{self, PageRequest, Posted, links};
use super::{Site, blocking, value};

/// An authenticator's new secret, as the page shows it.
#[derive(Debug, Clone)]
pub(crate) struct App {
    /// Base32, as the engine made it.
    pub(crate) secret: String,
    pub(crate) uri: String,
}

/// An MFA set-up, as the page carries it between posts: the challenge's session, and what it
/// offers.
#[derive(Debug, Clone)]
pub(crate) struct Shown {
    pub(crate) session: String,
    pub(crate) username: String,
    /// The authenticator being set up, when the pool allows authenticators.
    pub(crate) app: Option<App>,
    /// Whether email codes may be set up instead (the pool allows email MFA).
    pub(crate) email: bool,
}

impl Shown {
    /// The set-up a form sent back, if it is one this page could have made (a base32 secret
    /// and the `otpauth://totp/` URI that names it, or the email choice); the engine holds the
    /// secret itself, so a changed one only changes what this browser is shown.
    fn from_form(pairs: &[(String, String)]) -> Option<Shown> {
        let g = |n: &str| value(pairs, n).unwrap_or_default().to_string();
        let (secret, uri) = (g("secret"), g("otpauth_uri"));
        let base32 = !secret.is_empty()
            && secret.len() <= 128
            && secret
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b) || b == b'=');
        let uri_ok = uri.starts_with("otpauth://totp/")
            && uri.len() <= 1024
            && uri.contains(&format!("secret={secret}"));
        let s = Shown {
            session: g("session"),
            username: g("username"),
            app: (base32 && uri_ok).then_some(App { secret, uri }),
            email: value(pairs, "offers_email").is_some(),
        };
        (!s.session.is_empty() && (s.app.is_some() || s.email)).then_some(s)
    }
}

/// Starts the set-up page for an `MFA_SETUP` challenge of `client_id` (on the blocking pool):
/// `can_set_up` is its `MFAS_CAN_SETUP`. `None` when it offers nothing this page sets up
/// (SMS only: a phone number is added in the app).
pub(crate) fn start(
    console: &Console,
    ip: &str,
    pool_id: &str,
    client_id: &str,
    session: &str,
    username: &str,
    can_set_up: &str,
) -> Result<Option<Shown>, ApiError> {
    let offered: Vec<String> = serde_json::from_str(can_set_up).unwrap_or_default();
    let app = if offered.iter().any(|f| f == "SOFTWARE_TOKEN_MFA") {
        let a = console.hosted_setup_associate(ip, pool_id, client_id, session)?;
        Some(App {
            secret: a.secret_code,
            uri: a.otpauth_uri,
        })
    } else {
        None
    };
    let email = offered.iter().any(|f| f == "EMAIL_OTP");
    Ok((app.is_some() || email).then(|| Shown {
        session: session.to_string(),
        username: username.to_string(),
        app,
        email,
    }))
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

/// The set-up page: `hidden` carries the authorize request and the CSRF token; `code_error`
/// and `email_error` go on their fields.
pub(crate) fn render(
    site: &Site,
    hidden: &str,
    branding: &page::Branding,
    s: &Shown,
    code_error: Option<&str>,
    email_error: Option<&str>,
) -> String {
    let mut hidden = hidden.to_string();
    hidden.push_str(&page::hidden("session", &s.session));
    hidden.push_str(&page::hidden("username", &s.username));
    if let Some(app) = &s.app {
        hidden.push_str(&page::hidden("secret", &app.secret));
        hidden.push_str(&page::hidden("otpauth_uri", &app.uri));
    }
    if s.email {
        hidden.push_str(&page::hidden("offers_email", "1"));
    }
    let action = site.path("/mfaSetup");
    let mut content = String::new();
    let both = s.app.is_some() && s.email;
    if both {
        content.push_str(&page::text(
            "This account needs multi-factor authentication. Choose how you will confirm it is \
             you when you sign in: with an authenticator app, or with codes sent by email.",
        ));
    }
    content.push_str(&page::text(&format!("Account: {}", s.username)));
    if let Some(app) = &s.app {
        let code = page::code_field("Code from your authenticator app", code_error);
        let intro = if both {
            "Scan the QR code with an authenticator app (such as Google Authenticator, \
             Microsoft Authenticator or 1Password), then enter the 6-digit code it shows."
        } else {
            "This account needs multi-factor authentication. Scan the QR code with an \
             authenticator app (such as Google Authenticator, Microsoft Authenticator or \
             1Password), then enter the 6-digit code it shows."
        };
        let part = format!(
            "{}<p class=\"qr-box\">{}</p><p class=\"textDescription-customizable\">Or enter this \
             key in the app by hand:</p><p class=\"secret\"><code>{}</code></p>{}",
            page::text(intro),
            qr_img(&app.uri),
            page::esc(&grouped(&app.secret)),
            page::form(&action, &hidden, &code, "Verify and sign in"),
        );
        if both {
            content.push_str(&format!(
                "<section class=\"setup-choice\" aria-labelledby=\"setup-app\">\
                 <h2 id=\"setup-app\" class=\"setup-heading\">Authenticator app</h2>{part}</section>"
            ));
        } else {
            content.push_str(&part);
        }
    }
    if s.email {
        let address = Field {
            name: "email",
            label: "Email address",
            kind: "email",
            autocomplete: "email",
            value: "",
            error: email_error,
            extra: "autocapitalize=\"none\" spellcheck=\"false\"",
        }
        .html();
        let part = format!(
            "{}{}",
            page::text(if both {
                "Or get a code by email each time you sign in. We will send one now to the \
                 address you enter."
            } else {
                "This account needs multi-factor authentication: you will get a code by email \
                 each time you sign in. Enter your address and we will send the first one now."
            }),
            page::form(&action, &hidden, &address, "Send a code"),
        );
        if both {
            content.push_str(&format!(
                "<section class=\"setup-choice\" aria-labelledby=\"setup-email\">\
                 <h2 id=\"setup-email\" class=\"setup-heading\">Email</h2>{part}</section>"
            ));
        } else {
            content.push_str(&part);
        }
    }
    let title = match (&s.app, s.email) {
        (Some(_), false) => "Set up your authenticator app",
        (None, _) => "Set up email codes",
        (Some(_), true) => "Set up multi-factor authentication",
    };
    page::page(title, branding, &content)
}

/// The page for an `MFA_SETUP` challenge that offers nothing this page sets up (SMS only).
pub(crate) fn nothing_to_set_up(branding: &page::Branding) -> String {
    let content = format!(
        "{}{}",
        page::alert(
            "Your account needs multi-factor authentication set up before you can sign in here."
        ),
        page::text("Add a phone number to your account in the app, then sign in again."),
    );
    page::page("Set up multi-factor authentication", branding, &content)
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
            let can = c
                .parameters
                .get("MFAS_CAN_SETUP")
                .cloned()
                .unwrap_or_default();
            match blocking(move || start(&cn, &ip, &pool_id, &client_id, &session, &u, &can)).await
            {
                Ok(Some(shown)) => {
                    let html = render(site, &p.hidden(), &p.branding, &shown, None, None);
                    page::html(StatusCode::OK, html, &[])
                }
                Ok(None) => page::html(StatusCode::OK, nothing_to_set_up(&p.branding), &[]),
                Err(e) => pages::failure(&e),
            }
        }
        _ => pages::to_sign_in(site, &p.req, "confirmed"),
    }
}

pub(crate) async fn submit(posted: Posted) -> Response {
    let (site, p) = (&posted.site, &posted.p);
    let Some(shown) = Shown::from_form(&posted.pairs) else {
        return page::error_page(
            StatusCode::BAD_REQUEST,
            "Something went wrong",
            "The set-up form is incomplete. Go back to the app and sign in again.",
        );
    };
    let again = |code_error: Option<&str>, email_error: Option<&str>| {
        page::html(
            StatusCode::OK,
            render(
                site,
                &p.hidden(),
                &p.branding,
                &shown,
                code_error,
                email_error,
            ),
            &[],
        )
    };
    if value(&posted.pairs, "email").is_some() && shown.email {
        return email(&posted, &shown, &again).await;
    }
    if shown.app.is_none() {
        return again(None, Some("Enter your email address."));
    }
    let code = posted.field("code");
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return again(
            Some("Enter the 6-digit code your authenticator app shows."),
            None,
        );
    }
    let s = shown.clone();
    let answer = posted
        .call(move |c, ip, pool_id, client_id| {
            c.hosted_setup_verify(ip, pool_id, client_id, &s.session, &s.username, &code)
        })
        .await;
    match answer {
        Ok(Ok(Answer::Tokens {
            refresh_token: Some(r),
            ..
        })) => pages::signed_in(&posted.console, site, p.a.clone(), r).await,
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
                Some("Code mismatch: enter the code your authenticator app shows now."),
                None,
            )
        }
        Ok(Err(e)) => stopped(site, p, &e),
        Err(r) => r,
    }
}

/// The set-up stopped for a reason the form cannot mend (an expired or another client's
/// session): said, with the way back to sign-in.
fn stopped(site: &Site, p: &PageRequest, e: &ApiError) -> Response {
    let body = format!(
        "{}{}",
        page::alert(&e.message),
        links(&[(p.link(site, "/login"), "Back to sign in")])
    );
    p.answer(
        site,
        StatusCode::BAD_REQUEST,
        "Set up multi-factor authentication",
        &body,
    )
}

/// The email choice: `MFA_SETUP` answered with the address, then the sign-in page's code step
/// for the `EMAIL_OTP` code sent there.
async fn email(
    posted: &Posted,
    shown: &Shown,
    again: &impl Fn(Option<&str>, Option<&str>) -> Response,
) -> Response {
    let (site, p) = (&posted.site, &posted.p);
    let address = posted.field("email");
    if address.is_empty() {
        return again(None, Some("Enter your email address."));
    }
    let (session, username) = (shown.session.clone(), shown.username.clone());
    let answer = posted
        .call(move |c, ip, pool_id, client_id| {
            c.hosted_respond(
                ip,
                pool_id,
                client_id,
                "MFA_SETUP",
                &session,
                &[("USERNAME", username.as_str()), ("EMAIL", address.as_str())],
            )
        })
        .await;
    match answer {
        Ok(Ok(Answer::Challenge(c))) if c.name == "EMAIL_OTP" => page::html(
            StatusCode::OK,
            super::challenge::challenge_html(site, p, &c, &shown.username),
            &[],
        ),
        Ok(Ok(_)) => page::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "The set-up did not send a code.",
        ),
        Ok(Err(e)) if e.field.as_deref() == Some("ChallengeResponses.EMAIL") => {
            again(None, Some(&e.message))
        }
        Ok(Err(e)) => stopped(site, p, &e),
        Err(r) => r,
    }
}
