//! A sign-in challenge's page (an MFA code, the choice of a factor, a new password), as `/login`
//! shows it between posts and as another page shows a step it reached (the email MFA set-up's
//! `EMAIL_OTP`); its form always posts to `/login`.

use std::collections::BTreeMap;

use console_api::hosted::Challenge;

use super::Site;
use super::page::{self, Field};
use super::pages;

/// The challenge a page answers, as the form carries it between posts.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub(super) name: String,
    pub(super) session: String,
    pub(super) username: String,
    pub(super) parameters: BTreeMap<String, String>,
}

impl Pending {
    pub(super) fn of(c: &Challenge, typed: &str) -> Pending {
        let username = c
            .parameters
            .get("USERNAME")
            .or_else(|| c.parameters.get("USER_ID_FOR_SRP"))
            .cloned()
            .unwrap_or_else(|| typed.to_string());
        Pending {
            name: c.name.to_string(),
            session: c.session.clone(),
            username,
            parameters: c.parameters.clone(),
        }
    }
}

/// A challenge parameter that carries a JSON list of names (`MFAS_CAN_CHOOSE`,
/// `requiredAttributes`); none when it is absent or not such a list.
fn list_parameter(p: &Pending, name: &str) -> Vec<String> {
    p.parameters
        .get(name)
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

pub(super) fn challenge_page(
    action: &str,
    hidden: &str,
    branding: &page::Branding,
    p: &Pending,
    error: Option<&str>,
) -> String {
    let mut hidden = hidden.to_string();
    hidden.push_str(&page::hidden("challenge", &p.name));
    hidden.push_str(&page::hidden("session", &p.session));
    hidden.push_str(&page::hidden("username", &p.username));
    if let Ok(params) = serde_json::to_string(&p.parameters) {
        hidden.push_str(&page::hidden("challenge_parameters", &params));
    }
    let destination = p
        .parameters
        .get("CODE_DELIVERY_DESTINATION")
        .map(String::as_str)
        .unwrap_or("you");
    let (title, text, inputs, submit) = match p.name.as_str() {
        "SOFTWARE_TOKEN_MFA" => (
            "Multi-factor authentication",
            "Enter the code from your authenticator app.".to_string(),
            page::code_field("Code", error),
            "Sign in",
        ),
        "EMAIL_OTP" | "SMS_MFA" => (
            "Multi-factor authentication",
            format!("We sent a code to {destination}. Enter it to sign in."),
            page::code_field("Code", error),
            "Sign in",
        ),
        "SELECT_MFA_TYPE" => {
            let choices = list_parameter(p, "MFAS_CAN_CHOOSE");
            let label = |c: &str| {
                match c {
                    "SOFTWARE_TOKEN_MFA" => "Authenticator app",
                    "EMAIL_OTP" => "Email",
                    "SMS_MFA" => "Text message (SMS)",
                    other => other,
                }
                .to_string()
            };
            let described = if error.is_some() {
                " aria-describedby=\"f-answer-error\""
            } else {
                ""
            };
            let mut radios = format!(
                "<fieldset{described}><legend class=\"label-customizable\">Send a code by</legend>"
            );
            for (i, c) in choices.iter().enumerate() {
                radios.push_str(&format!(
                    "<label class=\"choice\"><input type=\"radio\" name=\"answer\" value=\"{v}\"{checked} required> {l}</label>",
                    v = page::esc(c),
                    checked = if i == 0 { " checked" } else { "" },
                    l = page::esc(&label(c)),
                ));
            }
            if let Some(e) = error {
                radios.push_str(&format!(
                    "<p id=\"f-answer-error\" class=\"errorMessage-customizable\">{}</p>",
                    page::esc(e)
                ));
            }
            radios.push_str("</fieldset>");
            (
                "Multi-factor authentication",
                "Choose how to confirm it is you.".to_string(),
                radios,
                "Continue",
            )
        }
        "NEW_PASSWORD_REQUIRED" => {
            let required = list_parameter(p, "requiredAttributes");
            let mut inputs = Field {
                name: "new_password",
                label: "New password",
                kind: "password",
                autocomplete: "new-password",
                value: "",
                error,
                extra: "",
            }
            .html();
            for attr in &required {
                let name = attr.strip_prefix("userAttributes.").unwrap_or(attr);
                inputs.push_str(
                    &Field {
                        name: &format!("userAttributes.{name}"),
                        label: name,
                        kind: "text",
                        autocomplete: "off",
                        value: "",
                        error: None,
                        extra: "",
                    }
                    .html(),
                );
            }
            (
                "Change your password",
                "Your password must be changed before you sign in.".to_string(),
                inputs,
                "Change password",
            )
        }
        _ => {
            let content = format!(
                "{}{}",
                page::alert(
                    "Your account needs multi-factor authentication set up before you can sign in here."
                ),
                page::text(
                    "Set up an authenticator in the app (AssociateSoftwareToken), then sign in again."
                ),
            );
            return page::page("Set up multi-factor authentication", branding, &content);
        }
    };
    let content = format!(
        "{}{}",
        page::text(&text),
        page::form(action, &hidden, &inputs, submit)
    );
    page::page(title, branding, &content)
}

/// A challenge's code page, for a step another page reached (the email MFA set-up's
/// `EMAIL_OTP`): its form posts to `/login`, which goes on from there.
pub(crate) fn challenge_html(
    site: &Site,
    p: &pages::PageRequest,
    c: &Challenge,
    username: &str,
) -> String {
    challenge_page(
        &site.path("/login"),
        &p.hidden(),
        &p.branding,
        &Pending::of(c, username),
        None,
    )
}
