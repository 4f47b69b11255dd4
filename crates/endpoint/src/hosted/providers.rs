//! The sign-in page's other providers: a button per provider the app client supports besides
//! `COGNITO` (a link to `/oauth2/authorize` naming it with `identity_provider`), and, when
//! providers have identifiers, "Sign in with your corporate ID": an email whose domain names
//! the provider (`idp_identifier`). A client without `COGNITO` gets only these, and a client
//! with exactly one provider and no `COGNITO` is sent straight to it, as Cognito does.

use console_api::hosted::{AuthorizeRequest, ProviderButton, with_query};

use super::Site;
use super::page::{self, Field};

/// The form field of the corporate email.
pub(crate) const CORPORATE_EMAIL: &str = "corporate_email";

/// What the sign-in page offers besides (or instead of) the password form.
#[derive(Debug, Clone, Default)]
pub(crate) struct Offered {
    pub(crate) providers: Vec<ProviderButton>,
    /// Whether the client signs in with the pool's own users (the password form).
    pub(crate) password: bool,
    /// The corporate email typed, and why it named no provider.
    pub(crate) corporate: String,
    pub(crate) corporate_error: Option<String>,
}

/// The authorize URL of this request naming `extra` (`identity_provider` or `idp_identifier`).
pub(crate) fn authorize_with(site: &Site, req: &AuthorizeRequest, extra: (&str, &str)) -> String {
    let mut pairs: Vec<(&str, &str)> = req
        .pairs()
        .into_iter()
        .filter(|(k, _)| *k != "identity_provider" && *k != "idp_identifier")
        .collect();
    pairs.push(extra);
    with_query(&site.path("/oauth2/authorize"), &pairs)
}

/// Where a page that would only offer one provider goes instead: straight to it.
pub(crate) fn straight_to(site: &Site, req: &AuthorizeRequest, o: &Offered) -> Option<String> {
    match o.providers.as_slice() {
        [only] if !o.password => Some(authorize_with(site, req, ("identity_provider", &only.name))),
        _ => None,
    }
}

/// The provider whose identifier an email (or a bare identifier) names: the part after `@`,
/// else the whole text, compared without case.
pub(crate) fn by_identifier<'a>(o: &'a Offered, typed: &str) -> Option<(&'a str, &'a str)> {
    let typed = typed.trim();
    let wanted = typed.rsplit_once('@').map_or(typed, |(_, d)| d);
    o.providers.iter().find_map(|p| {
        p.identifiers
            .iter()
            .find(|i| i.eq_ignore_ascii_case(wanted))
            .map(|i| (p.name.as_str(), i.as_str()))
    })
}

/// The buttons (and the corporate email form), before the password form when there is one.
pub(crate) fn html(site: &Site, req: &AuthorizeRequest, o: &Offered) -> String {
    if o.providers.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    if o.providers.iter().any(|p| !p.identifiers.is_empty()) {
        let hidden: String = req
            .pairs()
            .into_iter()
            .filter(|(k, _)| *k != "identity_provider" && *k != "idp_identifier")
            .map(|(k, v)| page::hidden(k, v))
            .collect();
        let field = Field {
            name: CORPORATE_EMAIL,
            label: "Corporate email",
            kind: "email",
            autocomplete: "email",
            value: &o.corporate,
            error: o.corporate_error.as_deref(),
            extra: "autocapitalize=\"none\" spellcheck=\"false\"",
        }
        .html();
        out.push_str(&page::text("Sign in with your corporate ID."));
        out.push_str(&format!(
            "<form method=\"get\" action=\"{}\" novalidate>{hidden}{field}\
             <button class=\"submitButton-customizable\" type=\"submit\">Continue</button>\
             </form><p class=\"or\">or</p>",
            page::esc(&site.path("/login"))
        ));
    }
    for p in &o.providers {
        out.push_str(&format!(
            "<a class=\"idpButton-customizable\" href=\"{}\">Continue with {}</a>",
            page::esc(&authorize_with(site, req, ("identity_provider", &p.name))),
            page::esc(&p.name)
        ));
    }
    if o.password {
        out.push_str("<p class=\"or\">or</p>");
    }
    out
}
