//! `GET/POST /forgotPassword` and `GET/POST /confirmForgotPassword`: a user asks for a reset
//! code (`ForgotPassword`), then enters it with a new password under the pool's policy
//! (`ConfirmForgotPassword`) and goes on to the sign-in page, as Cognito's hosted UI does.
//! Whether the name exists is told only as the client's `PreventUserExistenceErrors` says: with
//! `ENABLED`, an unknown name goes on to the code page as a known one does, and its code is
//! refused as a wrong code.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use console_api::hosted_pages::{Delivery, SignUpForm};
use console_api::{Console, ErrorCode};

use super::page::{self, Field};
use super::pages::{self, PageRequest, Posted, code_ok, links, password_field};
use super::{Site, value};

/// The sign-in name's field, labelled as the pool signs in (a username, an email, a phone).
fn username_input(p: &PageRequest, value: &str, error: Option<&str>) -> String {
    let (label, kind, autocomplete) = super::signup::username_field(&SignUpForm::of(&p.a.sc));
    Field {
        name: "username",
        label,
        kind,
        autocomplete,
        value,
        error,
        extra: "autocapitalize=\"none\" spellcheck=\"false\"",
    }
    .html()
}

fn forgot_page(
    site: &Site,
    p: &PageRequest,
    status: StatusCode,
    username: &str,
    username_error: Option<&str>,
    alert: Option<&str>,
) -> Response {
    let body = format!(
        "{}{}{}{}",
        alert.map(page::alert).unwrap_or_default(),
        page::text(
            "We will send a code to the email or phone number of your account, to change your \
             password."
        ),
        page::form(
            &site.path("/forgotPassword"),
            &p.hidden(),
            &username_input(p, username, username_error),
            "Reset my password"
        ),
        links(&[(p.link(site, "/login"), "Back to sign in")]),
    );
    p.answer(site, status, "Forgot your password?", &body)
}

/// What the code page shows.
#[derive(Default)]
struct ConfirmView<'a> {
    username: &'a str,
    delivery: Option<&'a Delivery>,
    /// The name was not looked up (an unknown name under `PreventUserExistenceErrors`).
    unsure: bool,
    code_error: Option<String>,
    password_error: Option<String>,
    typed_password: Option<String>,
    alert: Option<String>,
}

fn confirm_page(site: &Site, p: &PageRequest, status: StatusCode, v: &ConfirmView<'_>) -> Response {
    let policy = SignUpForm::of(&p.a.sc).policy;
    let mut hidden = p.hidden();
    let mut inputs = String::new();
    if v.username.is_empty() {
        inputs.push_str(&username_input(p, "", None));
    } else {
        hidden.push_str(&page::hidden("username", v.username));
    }
    inputs.push_str(&page::code_field("Code", v.code_error.as_deref()));
    inputs.push_str(&password_field(
        "password",
        "New password",
        &policy,
        v.password_error.as_deref(),
        v.typed_password.as_deref(),
    ));
    let text = match (v.delivery, v.unsure) {
        (Some(d), _) => format!(
            "We sent a code by {} to {}. Enter it below with your new password.",
            if d.medium == "SMS" {
                "text message"
            } else {
                "email"
            },
            d.destination
        ),
        (None, true) => "If an account with that name exists, we sent it a code. Enter it \
                         below with your new password."
            .to_string(),
        (None, false) => "Enter the code we sent with your new password.".to_string(),
    };
    let body = format!(
        "{}{}{}{}",
        v.alert.as_deref().map(page::alert).unwrap_or_default(),
        page::text(&text),
        page::form(
            &site.path("/confirmForgotPassword"),
            &hidden,
            &inputs,
            "Change password"
        ),
        links(&[(p.link(site, "/login"), "Back to sign in")]),
    );
    p.answer(site, status, "Change your password", &body)
}

pub(crate) async fn show(
    State(console): State<Console>,
    site: Site,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    match pages::open_get(&console, &site, query.as_deref(), &headers).await {
        Ok((p, _)) => forgot_page(&site, &p, StatusCode::OK, "", None, None),
        Err(r) => r,
    }
}

pub(crate) async fn submit(posted: Posted) -> Response {
    let (site, p) = (&posted.site, &posted.p);
    let username = posted.field("username");
    if username.is_empty() {
        return forgot_page(
            site,
            p,
            StatusCode::OK,
            "",
            Some("Enter the name you sign in with."),
            None,
        );
    }
    let u = username.clone();
    let sent = match posted
        .call(move |c, ip, pool_id, client_id| c.hosted_forgot_password(ip, pool_id, client_id, &u))
        .await
    {
        Ok(sent) => sent,
        Err(r) => return r,
    };
    let hides = posted.console.hosted_hides_users(&p.a);
    match sent {
        Ok(d) => confirm_page(
            site,
            p,
            StatusCode::OK,
            &ConfirmView {
                username: &username,
                delivery: Some(&d),
                ..ConfirmView::default()
            },
        ),
        // An unknown name: with PreventUserExistenceErrors, on to the code page as if sent.
        Err(e)
            if hides
                && matches!(
                    e.code,
                    ErrorCode::UserNotFoundException | ErrorCode::NotAuthorizedException
                )
                && (e.code == ErrorCode::UserNotFoundException
                    || e.message == "Incorrect username or password.") =>
        {
            confirm_page(
                site,
                p,
                StatusCode::OK,
                &ConfirmView {
                    username: &username,
                    unsure: true,
                    ..ConfirmView::default()
                },
            )
        }
        Err(e) => {
            let on_name = e.code == ErrorCode::UserNotFoundException
                || e.field.as_deref() == Some("Username");
            forgot_page(
                site,
                p,
                StatusCode::OK,
                &username,
                on_name.then_some(e.message.as_str()),
                (!on_name).then_some(e.message.as_str()),
            )
        }
    }
}

pub(crate) async fn show_confirm(
    State(console): State<Console>,
    site: Site,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    match pages::open_get(&console, &site, query.as_deref(), &headers).await {
        Ok((p, pairs)) => {
            let username = value(&pairs, "username")
                .unwrap_or_default()
                .trim()
                .to_string();
            confirm_page(
                &site,
                &p,
                StatusCode::OK,
                &ConfirmView {
                    username: &username,
                    ..ConfirmView::default()
                },
            )
        }
        Err(r) => r,
    }
}

pub(crate) async fn submit_confirm(posted: Posted) -> Response {
    let (site, p) = (&posted.site, &posted.p);
    let username = posted.field("username");
    let code = posted.field("code");
    let password = posted.raw("password");
    let mut view = ConfirmView {
        username: &username,
        ..ConfirmView::default()
    };
    if username.is_empty() {
        view.alert = Some("Enter your username.".into());
    }
    if !code_ok(&code) {
        view.code_error = Some("Enter the code that was sent (digits only).".into());
    }
    if password.is_empty() {
        view.password_error = Some("Enter a new password.".into());
    }
    if view.alert.is_some() || view.code_error.is_some() || view.password_error.is_some() {
        return confirm_page(site, p, StatusCode::OK, &view);
    }
    let (u, pw) = (username.clone(), password.clone());
    let done = match posted
        .call(move |c, ip, pool_id, client_id| {
            c.hosted_confirm_forgot_password(ip, pool_id, client_id, &u, &code, &pw)
        })
        .await
    {
        Ok(done) => done,
        Err(r) => return r,
    };
    let hides = posted.console.hosted_hides_users(&p.a);
    match done {
        Ok(()) => pages::to_sign_in(site, &p.req, "password_reset"),
        Err(e) => {
            match e.code {
                ErrorCode::InvalidPasswordException => {
                    view.password_error = Some(e.message);
                    view.typed_password = Some(password);
                }
                ErrorCode::CodeMismatchException | ErrorCode::ExpiredCodeException => {
                    view.code_error = Some(e.message);
                }
                // An unknown name is a wrong code when the client hides which names exist.
                ErrorCode::UserNotFoundException if hides => {
                    view.code_error =
                        Some("Invalid verification code provided, please try again.".into());
                }
                _ => view.alert = Some(e.message),
            }
            confirm_page(site, p, StatusCode::OK, &view)
        }
    }
}
