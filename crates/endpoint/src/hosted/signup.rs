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
use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use console_api::hosted::Answer;
use console_api::hosted_pages::{Delivery, SignUpForm};
use console_api::{ApiError, Console, ErrorCode};

use super::page::{self, Field};
use super::pages::{self, PageRequest, code_ok, links, notice, password_field};
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
    inputs.push_str(
        &Field {
            name: "code",
            label: "Verification code",
            kind: "text",
            autocomplete: "one-time-code",
            value: "",
            error: code_error,
            extra: "inputmode=\"numeric\" spellcheck=\"false\"",
        }
        .html(),
    );
    let text = match delivery {
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
    let form = SignUpForm::of(&p.a.sc);
    let username = value(&pairs, "username")
        .unwrap_or_default()
        .trim()
        .to_string();
    let password = value(&pairs, "password").unwrap_or_default().to_string();
    let mut view = SignUpView {
        username: username.clone(),
        ..SignUpView::default()
    };
    for name in &form.required {
        let v = value(&pairs, &format!("userAttributes.{name}"))
            .unwrap_or_default()
            .trim()
            .to_string();
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
        return sign_up_page(&site, &p, StatusCode::OK, &view);
    }
    let ip = peer_ip(peer);
    let page_ip = ip.clone();
    let (c, pool_id, client_id) = (console.clone(), site.pool_id.clone(), p.client_id());
    let attributes = view.attributes.clone();
    let (u, pw) = (username.clone(), password.clone());
    let outcome = blocking(move || {
        let signed = match c.hosted_sign_up(&ip, &pool_id, &client_id, &u, &pw, &attributes) {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        if !signed.confirmed {
            return Ok(Ok(SignUpOutcome::Confirm(signed.delivery)));
        }
        // Confirmed by the pre sign-up hook: signed in at once, as Cognito's hosted UI does.
        Ok(Ok(
            match c.hosted_sign_in(&ip, &pool_id, &client_id, &u, &pw) {
                Ok(answer) => SignUpOutcome::Answer(answer),
                Err(_) => SignUpOutcome::SignIn,
            },
        ))
    })
    .await;
    let outcome = match outcome {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => SignUpOutcome::Page(Box::new(refusal_view(view, e, &password))),
        Err(e) => {
            return page::error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                &e.message,
            );
        }
    };
    match outcome {
        SignUpOutcome::Page(v) => sign_up_page(&site, &p, StatusCode::OK, &v),
        // Nothing could take a code (the pool verifies no attribute the user gave): only an
        // administrator can confirm the account, as in Cognito.
        SignUpOutcome::Confirm(None) => {
            let body = format!(
                "{}{}",
                notice(
                    "Your account was created. An administrator must confirm it before you can \
                     sign in."
                ),
                links(&[(p.link(&site, "/login"), "Back to sign in")]),
            );
            p.answer(&site, StatusCode::OK, "Account created", &body)
        }
        SignUpOutcome::Confirm(d) => confirm_page(
            &site,
            &p,
            StatusCode::OK,
            &username,
            d.as_ref(),
            None,
            None,
            false,
        ),
        SignUpOutcome::SignIn => pages::to_sign_in(&site, &p.req, "confirmed"),
        SignUpOutcome::Answer(answer) => {
            super::mfa_setup::after_answer(&console, &site, &p, answer, &username, page_ip).await
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

pub(crate) async fn submit_confirm(
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
    let username = value(&pairs, "username")
        .unwrap_or_default()
        .trim()
        .to_string();
    let code = value(&pairs, "code").unwrap_or_default().trim().to_string();
    let resend = value(&pairs, "resend").is_some();
    if username.is_empty() {
        return confirm_page(
            &site,
            &p,
            StatusCode::OK,
            "",
            None,
            None,
            Some("Enter your username."),
            false,
        );
    }
    if !resend && !code_ok(&code) {
        return confirm_page(
            &site,
            &p,
            StatusCode::OK,
            &username,
            None,
            Some("Enter the code that was sent (digits only)."),
            None,
            false,
        );
    }
    let ip = peer_ip(peer);
    let (c, pool_id, client_id, u) = (
        console.clone(),
        site.pool_id.clone(),
        p.client_id(),
        username.clone(),
    );
    if resend {
        let sent = blocking(move || Ok(c.hosted_resend_code(&ip, &pool_id, &client_id, &u))).await;
        return match sent {
            Ok(Ok(d)) => confirm_page(
                &site,
                &p,
                StatusCode::OK,
                &username,
                Some(&d),
                None,
                None,
                true,
            ),
            Ok(Err(e)) => confirm_page(
                &site,
                &p,
                StatusCode::OK,
                &username,
                None,
                None,
                Some(&e.message),
                false,
            ),
            Err(e) => page::error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                &e.message,
            ),
        };
    }
    let confirmed =
        blocking(move || Ok(c.hosted_confirm_sign_up(&ip, &pool_id, &client_id, &u, &code))).await;
    match confirmed {
        Ok(Ok(())) => pages::to_sign_in(&site, &p.req, "confirmed"),
        Ok(Err(e)) => {
            let on_code = matches!(
                e.code,
                ErrorCode::CodeMismatchException | ErrorCode::ExpiredCodeException
            );
            confirm_page(
                &site,
                &p,
                StatusCode::OK,
                &username,
                None,
                on_code.then_some(e.message.as_str()),
                (!on_code).then_some(e.message.as_str()),
                false,
            )
        }
        Err(e) => page::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            &e.message,
        ),
    }
}
