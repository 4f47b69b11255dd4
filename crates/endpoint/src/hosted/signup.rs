//! `GET/POST /signup` and `GET/POST /confirmUser`: a user signs themselves up with the pool's
//! sign-in name, its required attributes and a password under its policy (listed on the page),
//! through the same engine as `SignUp` (hooks, the breached-password check,
//! `AllowAdminCreateUserOnly`); then enters the code the pool sent (`ConfirmSignUp`, or
//! `ResendConfirmationCode` for a new one) and goes on to the sign-in page. A user the pre
//! sign-up hook confirms is signed in at once and goes back to the app, as Cognito's hosted UI
//! does.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::Extension;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::Method;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use console_api::hosted::Answer;
use console_api::hosted_pages::{Delivery, SignUpForm};
use console_api::{ApiError, Console, ErrorCode};

use super::page::{self, Field};
use super::pages::{self, PageRequest, Posted, code_ok, links, notice, password_field};
use super::{Site, blocking, peer_ip, value};

/// A label for an attribute of the standard schema (a custom one shows its own name).
pub(crate) fn attribute_label(name: &str) -> String {
    match name {
        "email" => "Email".into(),
        "phone_number" => "Phone number".into(),
        "given_name" => "Given name".into(),
        "family_name" => "Family name".into(),
        "middle_name" => "Middle name".into(),
        "preferred_username" => "Preferred username".into(),
        "birthdate" => "Birth date (YYYY-MM-DD)".into(),
        "zoneinfo" => "Time zone".into(),
        other => {
            let base = other.strip_prefix("custom:").unwrap_or(other);
            let mut s = base.replace('_', " ");
            if let Some(first) = s.get(0..1) {
                s = format!("{}{}", first.to_uppercase(), &s[1..]);
            }
            s
        }
    }
}

fn input_kind(name: &str) -> (&'static str, &'static str) {
    match name {
        "email" => ("email", "email"),
        "phone_number" => ("tel", "tel"),
        "given_name" => ("text", "given-name"),
        "family_name" => ("text", "family-name"),
        "name" => ("text", "name"),
        "birthdate" => ("text", "bday"),
        _ => ("text", "off"),
    }
}

/// The sign-in name's label and input type for the pool.
pub(crate) fn username_field(form: &SignUpForm) -> (&'static str, &'static str, &'static str) {
    match form.username_attributes.as_slice() {
        ["email"] => ("Email", "email", "email"),
        ["phone_number"] => ("Phone number", "tel", "tel"),
        [] => ("Username", "text", "username"),
        _ => ("Email or phone number", "text", "username"),
    }
}

/// What the sign-up page shows besides its fields.
#[derive(Default)]
struct SignUpView {
    username: String,
    attributes: BTreeMap<String, String>,
    username_error: Option<String>,
    password_error: Option<String>,
    attribute_errors: BTreeMap<String, String>,
    typed_password: Option<String>,
    alert: Option<String>,
}

fn sign_up_page(site: &Site, p: &PageRequest, status: StatusCode, v: &SignUpView) -> Response {
    let form = SignUpForm::of(&p.a.sc);
    let sign_in = (p.link(site, "/login"), "Already have an account? Sign in");
    if form.admin_only {
        let body = format!(
            "{}{}",
            page::alert("SignUp is not permitted for this user pool"),
            links(&[sign_in])
        );
        return p.answer(site, StatusCode::FORBIDDEN, "Sign up", &body);
    }
    let (label, kind, ac) = username_field(&form);
    let mut inputs = Field {
        name: "username",
        label,
        kind,
        autocomplete: ac,
        value: &v.username,
        error: v.username_error.as_deref(),
        extra: "autocapitalize=\"none\" spellcheck=\"false\"",
    }
    .html();
    for name in &form.required {
        let (kind, ac) = input_kind(name);
        inputs.push_str(
            &Field {
                name: &format!("userAttributes.{name}"),
                label: &attribute_label(name),
                kind,
                autocomplete: ac,
                value: v.attributes.get(name).map_or("", String::as_str),
                error: v.attribute_errors.get(name).map(String::as_str),
                extra: "",
            }
            .html(),
        );
    }
    inputs.push_str(&password_field(
        "password",
        "Password",
        &form.policy,
        v.password_error.as_deref(),
        v.typed_password.as_deref(),
    ));
    let body = format!(
        "{}{}{}{}",
        v.alert.as_deref().map(page::alert).unwrap_or_default(),
        page::text("Create an account."),
        page::form(&site.path("/signup"), &p.hidden(), &inputs, "Sign up"),
        links(&[sign_in]),
    );
    p.answer(site, status, "Sign up", &body)
}

/// The confirmation page: the code (and the name, when the page does not know it), and a
/// button for a new code.
#[allow(clippy::too_many_arguments)]
fn confirm_page(
    site: &Site,
    p: &PageRequest,
    status: StatusCode,
    username: &str,
    delivery: Option<&Delivery>,
    code_error: Option<&str>,
    alert: Option<&str>,
    sent_again: bool,
) -> Response {
    let action = site.path("/confirmUser");
    let mut hidden = p.hidden();
    let mut inputs = String::new();
    if username.is_empty() {
        inputs.push_str(
            &Field {
                name: "username",
                label: "Username",
                kind: "text",
                autocomplete: "username",
                value: "",
                error: None,
                extra: "autocapitalize=\"none\" spellcheck=\"false\"",
            }
            .html(),
        );
    } else {
        hidden.push_str(&page::hidden("username", username));
    }
    inputs.push_str(&page::code_field("Verification code", code_error));
    let by_link = SignUpForm::of(&p.a.sc).by_link;
    let text = match delivery {
        Some(d) if by_link && d.medium == "EMAIL" => format!(
            "We sent a new link by email to {}. Open it to confirm your account.",
            d.destination
        ),
        Some(d) => format!(
            "We sent a code by {} to {}. Enter it to confirm your account.",
            if d.medium == "SMS" {
                "text message"
            } else {
                "email"
            },
            d.destination
        ),
        None => "Enter the code we sent to confirm your account.".to_string(),
    };
    let mut body = String::new();
    if sent_again {
        body.push_str(&notice(&text));
    }
    if let Some(a) = alert {
        body.push_str(&page::alert(a));
    }
    if !sent_again {
        body.push_str(&page::text(&text));
    }
    body.push_str(&page::form(&action, &hidden, &inputs, "Confirm account"));
    if !username.is_empty() {
        let mut again = p.hidden();
        again.push_str(&page::hidden("username", username));
        again.push_str(&page::hidden("resend", "1"));
        body.push_str(&format!(
            "<form method=\"post\" action=\"{}\" class=\"resend\">{again}\
             <span class=\"textDescription-customizable\">Didn't receive a code? </span>\
             <button type=\"submit\" class=\"link-button\">Send a new code</button></form>",
            page::esc(&action)
        ));
    }
    body.push_str(&links(&[(p.link(site, "/login"), "Back to sign in")]));
    p.answer(site, status, "Confirm your account", &body)
}

pub(crate) async fn show(
    State(console): State<Console>,
    site: Site,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    match pages::open_get(&console, &site, query.as_deref(), &headers).await {
        Ok((p, _)) => sign_up_page(&site, &p, StatusCode::OK, &SignUpView::default()),
        Err(r) => r,
    }
}

/// What a sign-up post came to.
enum SignUpOutcome {
    Page(Box<SignUpView>),
    Confirm(Option<Delivery>),
    Answer(Answer),
    SignIn,
}

pub(crate) async fn submit(posted: Posted) -> Response {
    let (site, p) = (&posted.site, &posted.p);
    let form = SignUpForm::of(&p.a.sc);
    let username = posted.field("username");
    let password = posted.raw("password");
    let mut view = SignUpView {
        username: username.clone(),
        ..SignUpView::default()
    };
    for name in &form.required {
        let v = posted.field(&format!("userAttributes.{name}"));
        if v.is_empty() {
            view.attribute_errors.insert(
                name.clone(),
                format!("Enter your {}.", attribute_label(name).to_lowercase()),
            );
        } else {
            view.attributes.insert(name.clone(), v);
        }
    }
    if username.is_empty() {
        view.username_error = Some(format!(
            "Enter your {}.",
            username_field(&form).0.to_lowercase()
        ));
    }
    if password.is_empty() {
        view.password_error = Some("Enter a password.".into());
    }
    if form.admin_only
        || view.username_error.is_some()
        || view.password_error.is_some()
        || !view.attribute_errors.is_empty()
    {
        return sign_up_page(site, p, StatusCode::OK, &view);
    }
    let attributes = view.attributes.clone();
    let (u, pw) = (username.clone(), password.clone());
    let outcome = posted
        .call(move |c, ip, pool_id, client_id| {
            let signed = c.hosted_sign_up(ip, pool_id, client_id, &u, &pw, &attributes)?;
            if !signed.confirmed {
                return Ok(SignUpOutcome::Confirm(signed.delivery));
            }
            // Confirmed by the pre sign-up hook: signed in at once, as Cognito's hosted UI does.
            Ok(match c.hosted_sign_in(ip, pool_id, client_id, &u, &pw) {
                Ok(answer) => SignUpOutcome::Answer(answer),
                Err(_) => SignUpOutcome::SignIn,
            })
        })
        .await;
    let outcome = match outcome {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => SignUpOutcome::Page(Box::new(refusal_view(view, e, &password))),
        Err(r) => return r,
    };
    match outcome {
        SignUpOutcome::Page(v) => sign_up_page(site, p, StatusCode::OK, &v),
        // Nothing could take a code (the pool verifies no attribute the user gave): only an
        // administrator can confirm the account, as in Cognito.
        SignUpOutcome::Confirm(None) => {
            let body = format!(
                "{}{}",
                notice(
                    "Your account was created. An administrator must confirm it before you can \
                     sign in."
                ),
                links(&[(p.link(site, "/login"), "Back to sign in")]),
            );
            p.answer(site, StatusCode::OK, "Account created", &body)
        }
        // A pool that confirms with a link: the link is in the email, nothing to type here.
        SignUpOutcome::Confirm(Some(d)) if d.medium == "EMAIL" && form.by_link => {
            let body = format!(
                "{}{}",
                notice(&format!(
                    "We sent a link by email to {}. Open it to confirm your account, then sign in.",
                    d.destination
                )),
                links(&[(p.link(site, "/login"), "Back to sign in")]),
            );
            p.answer(site, StatusCode::OK, "Check your email", &body)
        }
        SignUpOutcome::Confirm(d) => confirm_page(
            site,
            p,
            StatusCode::OK,
            &username,
            d.as_ref(),
            None,
            None,
            false,
        ),
        SignUpOutcome::SignIn => pages::to_sign_in(site, &p.req, "confirmed"),
        SignUpOutcome::Answer(answer) => {
            super::mfa_setup::after_answer(
                &posted.console,
                site,
                p,
                answer,
                &username,
                posted.ip.clone(),
            )
            .await
        }
    }
}

/// The sign-up page after the engine refused: the error on its field (every broken password
/// rule marked), else above the form.
fn refusal_view(mut v: SignUpView, e: ApiError, password: &str) -> SignUpView {
    match e.code {
        ErrorCode::InvalidPasswordException => {
            v.password_error = Some(e.message);
            v.typed_password = Some(password.to_string());
        }
        ErrorCode::UsernameExistsException | ErrorCode::AliasExistsException => {
            v.username_error = Some(e.message);
        }
        ErrorCode::InvalidParameterException if e.field.as_deref() == Some("Username") => {
            v.username_error = Some(e.message);
        }
        _ => v.alert = Some(e.message),
    }
    v
}

/// What following a confirmation link came to.
enum Followed {
    Confirmed,
    /// The account was confirmed already (the link was used, or another way).
    AlreadyConfirmed,
    /// The link's code ran out, took too many wrong answers, or was replaced by a newer one.
    Stale,
    /// The link was changed, or names nothing of this pool.
    Invalid,
}

/// `GET /confirmUser?client_id=…&user_name=…&confirmation_code=…`, the link of a pool that
/// confirms sign-ups with one (`CONFIRM_WITH_LINK`): `ConfirmSignUp` with the code, under its
/// expiry and attempts. Opening it again says the account is confirmed and changes nothing; a
/// HEAD or a browser's prefetch does nothing at all.
async fn follow_link(
    console: Console,
    site: &Site,
    method: &Method,
    headers: &HeaderMap,
    pairs: &[(String, String)],
    ip: String,
) -> Response {
    let prefetch = ["sec-purpose", "purpose"].iter().any(|h| {
        headers
            .get(*h)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("prefetch"))
    });
    if *method == Method::HEAD || prefetch {
        let mut r = page::html(StatusCode::OK, String::new(), &[]);
        if prefetch {
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        }
        return r;
    }
    let g = |n: &str| value(pairs, n).unwrap_or_default().trim().to_string();
    let (client_id, username, code) = (g("client_id"), g("user_name"), g("confirmation_code"));
    let pool_id = site.pool_id.clone();
    let followed = blocking(move || {
        let branding = page::Branding::read(&console, &pool_id, Some(&client_id));
        if client_id.is_empty() || username.is_empty() || !code_ok(&code) {
            return Ok((Followed::Invalid, branding));
        }
        let followed =
            match console.hosted_confirm_sign_up(&ip, &pool_id, &client_id, &username, &code) {
                Ok(()) => Followed::Confirmed,
                Err(e) => match e.code {
                    ErrorCode::NotAuthorizedException
                        if e.message.starts_with("User cannot be confirmed") =>
                    {
                        Followed::AlreadyConfirmed
                    }
                    ErrorCode::ExpiredCodeException | ErrorCode::LimitExceededException => {
                        Followed::Stale
                    }
                    ErrorCode::CodeMismatchException
                    | ErrorCode::UserNotFoundException
                    | ErrorCode::ResourceNotFoundException
                    | ErrorCode::NotAuthorizedException
                    | ErrorCode::InvalidParameterException => Followed::Invalid,
                    _ => return Err(e),
                },
            };
        Ok((followed, branding))
    })
    .await;
    let (followed, branding) = match followed {
        Ok(x) => x,
        Err(e) => return pages::failure(&e),
    };
    let (status, title, text) = match followed {
        Followed::Confirmed => (
            StatusCode::OK,
            "Account confirmed",
            "Your registration has been confirmed. You can now sign in to the app.",
        ),
        Followed::AlreadyConfirmed => (
            StatusCode::OK,
            "Account confirmed",
            "This account is already confirmed. You can sign in to the app.",
        ),
        Followed::Stale => (
            StatusCode::BAD_REQUEST,
            "Link expired",
            "This confirmation link has expired or was replaced by a newer one. Ask the app for \
             a new link.",
        ),
        Followed::Invalid => (
            StatusCode::BAD_REQUEST,
            "Link not valid",
            "This confirmation link is not valid. Check that it was copied whole, or ask the app \
             for a new one.",
        ),
    };
    let body = match followed {
        Followed::Confirmed | Followed::AlreadyConfirmed => notice(text),
        Followed::Stale | Followed::Invalid => page::alert(text),
    };
    page::html(status, page::page(title, &branding, &body), &[])
}

pub(crate) async fn show_confirm(
    State(console): State<Console>,
    site: Site,
    method: Method,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Some(pairs) = super::form(query.as_deref().unwrap_or_default().as_bytes())
        && value(&pairs, "confirmation_code").is_some()
    {
        return follow_link(console, &site, &method, &headers, &pairs, peer_ip(peer)).await;
    }
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
                &username,
                None,
                None,
                None,
                false,
            )
        }
        Err(r) => r,
    }
}

pub(crate) async fn submit_confirm(posted: Posted) -> Response {
    let (site, p) = (&posted.site, &posted.p);
    let username = posted.field("username");
    let code = posted.field("code");
    let resend = value(&posted.pairs, "resend").is_some();
    let page = |username: &str,
                delivery: Option<&Delivery>,
                code_error: Option<&str>,
                alert: Option<&str>,
                sent_again: bool| {
        confirm_page(
            site,
            p,
            StatusCode::OK,
            username,
            delivery,
            code_error,
            alert,
            sent_again,
        )
    };
    if username.is_empty() {
        return page("", None, None, Some("Enter your username."), false);
    }
    if !resend && !code_ok(&code) {
        return page(
            &username,
            None,
            Some("Enter the code that was sent (digits only)."),
            None,
            false,
        );
    }
    let u = username.clone();
    if resend {
        return match posted
            .call(move |c, ip, pool_id, client_id| c.hosted_resend_code(ip, pool_id, client_id, &u))
            .await
        {
            Ok(Ok(d)) => page(&username, Some(&d), None, None, true),
            Ok(Err(e)) => page(&username, None, None, Some(&e.message), false),
            Err(r) => r,
        };
    }
    let confirmed = posted
        .call(move |c, ip, pool_id, client_id| {
            c.hosted_confirm_sign_up(ip, pool_id, client_id, &u, &code)
        })
        .await;
    match confirmed {
        Ok(Ok(())) => pages::to_sign_in(site, &p.req, "confirmed"),
        Ok(Err(e)) => {
            let on_code = matches!(
                e.code,
                ErrorCode::CodeMismatchException | ErrorCode::ExpiredCodeException
            );
            page(
                &username,
                None,
                on_code.then_some(e.message.as_str()),
                (!on_code).then_some(e.message.as_str()),
                false,
            )
        }
        Err(r) => r,
    }
}
