//! What the pages beyond sign-in share (`signup`, `forgot`, `mfa_setup`): the authorize
//! request they carry from page to page and check again on every request, the CSRF check of
//! every post, the links between the pages, the password field with the pool's rules, and the
//! end of a sign-in (the session cookie and the redirect to the app).

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use console_api::hosted::{AuthorizeRequest, Authorized};
use console_api::hosted_pages::{PasswordPolicy, PolicyRule};
use console_api::{ApiError, Console};

use super::authorize::request_of;
use super::page::{self, esc};
use super::refused;
use super::{CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE, Site, blocking, cookies, redirect, value};

/// A page's request: the authorize request it carries, checked; the browser's CSRF cookie
/// (and whether it is new, to set); the form's token for it; the page's branding.
pub(crate) struct PageRequest {
    pub(crate) req: AuthorizeRequest,
    pub(crate) a: Authorized,
    pub(crate) cookie: String,
    pub(crate) new_cookie: bool,
    pub(crate) csrf: String,
    pub(crate) branding: page::Branding,
}

impl PageRequest {
    /// The hidden fields that carry the request and the CSRF token to the next post.
    pub(crate) fn hidden(&self) -> String {
        let mut out: String = self
            .req
            .pairs()
            .into_iter()
            .map(|(k, v)| page::hidden(k, v))
            .collect();
        out.push_str(&page::hidden(CSRF_FIELD, &self.csrf));
        out
    }

    /// `route` of the pool with the request's parameters (a link to another page).
    pub(crate) fn link(&self, site: &Site, route: &str) -> String {
        link(site, &self.req, route)
    }

    /// The page as an answer, with the CSRF cookie when it is new.
    pub(crate) fn answer(
        &self,
        site: &Site,
        status: StatusCode,
        title: &str,
        body: &str,
    ) -> Response {
        let set = if self.new_cookie {
            vec![site.cookie(CSRF_COOKIE, &self.cookie, 3600)]
        } else {
            vec![]
        };
        page::html(status, page::page(title, &self.branding, body), &set)
    }

    pub(crate) fn client_id(&self) -> String {
        self.a.sc.client.client_id.clone()
    }
}

/// `route` of the pool with `req`'s parameters.
pub(crate) fn link(site: &Site, req: &AuthorizeRequest, route: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(req.pairs())
        .finish();
    format!("{}?{query}", site.path(route))
}

/// A paragraph of links to other pages (`(href, text)`).
pub(crate) fn links(items: &[(String, &str)]) -> String {
    let mut out = String::from("<p class=\"redirect-customizable links\">");
    for (href, text) in items {
        out.push_str(&format!("<a href=\"{}\">{}</a>", esc(href), esc(text)));
    }
    out.push_str("</p>");
    out
}

/// A message that something went well (not an error), announced politely.
pub(crate) fn notice(message: &str) -> String {
    format!(
        "<p class=\"notice textDescription-customizable\" role=\"status\">{}</p>",
        esc(message)
    )
}

/// The page of a failure of the store or the keys (not a refusal: those show on the form).
pub(crate) fn failure(e: &ApiError) -> Response {
    page::error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        &e.message,
    )
}

/// Checks the authorize request a page carries (from its query on a GET, its form on a post),
/// reads the page's branding and makes the CSRF form token. A request the authorize endpoint
/// would refuse is refused the same way (an error page, or back to a registered redirect URI).
async fn checked(
    console: &Console,
    site: &Site,
    req: AuthorizeRequest,
    cookie: String,
    new_cookie: bool,
) -> Result<PageRequest, Response> {
    let pool_id = site.pool_id.clone();
    let (c, r) = (console.clone(), req.clone());
    let a = match blocking(move || {
        let a = c.oauth_check(&pool_id, &r)?;
        Ok(a.map(|a| {
            let b = page::Branding::read(&c, &pool_id, Some(&a.sc.client.client_id));
            (a, b)
        }))
    })
    .await
    {
        Ok(Ok(a)) => a,
        Ok(Err(refusal)) => return Err(refused(&refusal)),
        Err(e) => return Err(failure(&e)),
    };
    let csrf = console.hosted_csrf_token(&site.pool_id, &cookie);
    Ok(PageRequest {
        req,
        a: a.0,
        cookie,
        new_cookie,
        csrf,
        branding: a.1,
    })
}

/// A GET of a page: its query is the authorize request.
pub(crate) async fn open_get(
    console: &Console,
    site: &Site,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Result<(PageRequest, Vec<(String, String)>), Response> {
    let pairs = super::form(query.unwrap_or_default().as_bytes());
    let (Some(req), Some(pairs)) = (request_of(query), pairs) else {
        return Err(page::error_page(
            StatusCode::BAD_REQUEST,
            "Something went wrong",
            "A parameter of the request is repeated.",
        ));
    };
    let (cookie, new_cookie) = super::csrf_cookie(headers);
    Ok((
        checked(console, site, req, cookie, new_cookie).await?,
        pairs,
    ))
}

/// What a refused form says: the page's title and text.
pub(crate) struct Expired {
    pub(crate) title: &'static str,
    pub(crate) message: &'static str,
}

/// The words of the pages beyond sign-in.
const EXPIRED: Expired = Expired {
    title: "Form expired",
    message: "The form was not sent by this page, or it expired (CSRF token missing or wrong). \
              Go back to the app and start again.",
};

/// A posted form whose CSRF token is the one of the browser's cookie: its fields (no name
/// repeated) and the cookie. Anything else is refused with `expired`'s words, before anything
/// runs.
// The refusal is the page to answer, returned at once: boxing it would only add a step.
#[allow(clippy::result_large_err)]
pub(crate) fn csrf_form(
    console: &Console,
    site: &Site,
    headers: &HeaderMap,
    body: &[u8],
    expired: &Expired,
) -> Result<(Vec<(String, String)>, String), Response> {
    let Some(pairs) = super::form(body) else {
        return Err(page::error_page(
            StatusCode::BAD_REQUEST,
            "Something went wrong",
            "A field of the form is repeated.",
        ));
    };
    let cookie = cookies(headers).remove(CSRF_COOKIE);
    let ok = match (&cookie, value(&pairs, CSRF_FIELD)) {
        (Some(c), Some(f)) => console.hosted_csrf_ok(&site.pool_id, c, f),
        _ => false,
    };
    match (ok, cookie) {
        (true, Some(cookie)) => Ok((pairs, cookie)),
        _ => Err(page::error_page(
            StatusCode::FORBIDDEN,
            expired.title,
            expired.message,
        )),
    }
}

/// A post of a page's form: refused before anything else runs unless it carries the CSRF
/// token of the browser's cookie; then its authorize request is checked again.
pub(crate) async fn open_post(
    console: &Console,
    site: &Site,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(PageRequest, Vec<(String, String)>), Response> {
    let (pairs, cookie) = csrf_form(console, site, headers, body, &EXPIRED)?;
    let req = AuthorizeRequest::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    Ok((checked(console, site, req, cookie, false).await?, pairs))
}

/// A post of one of the pages beyond sign-in, checked before its handler runs
/// ([`open_post`]: the form within the routes' body limit, its CSRF token, the authorize
/// request it carries), with the pool it reached and the peer's address.
pub(crate) struct Posted {
    pub(crate) console: Console,
    pub(crate) site: Site,
    pub(crate) p: PageRequest,
    pub(crate) pairs: Vec<(String, String)>,
    pub(crate) ip: String,
}

impl FromRequest<Console> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, console: &Console) -> Result<Posted, Response> {
        let (mut parts, body) = req.into_parts();
        let site = Site::from_request_parts(&mut parts, console).await?;
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".into(), |ConnectInfo(a)| a.ip().to_string());
        let headers = parts.headers.clone();
        let body = Bytes::from_request(Request::from_parts(parts, body), console)
            .await
            .map_err(IntoResponse::into_response)?;
        let (p, pairs) = open_post(console, &site, &headers, &body).await?;
        Ok(Posted {
            console: console.clone(),
            site,
            p,
            pairs,
            ip,
        })
    }
}

impl Posted {
    /// A field, trimmed ("" when the form has none).
    pub(crate) fn field(&self, name: &str) -> String {
        value(&self.pairs, name)
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    /// A field as typed (a password), "" when the form has none.
    pub(crate) fn raw(&self, name: &str) -> String {
        value(&self.pairs, name).unwrap_or_default().to_string()
    }

    /// Runs a console call for the page's client on the blocking pool:
    /// `f(console, ip, pool_id, client_id)`. Its refusal is the inner error, for the form to
    /// show; a call that could not run is the failure page.
    pub(crate) async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Console, &str, &str, &str) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<Result<T, ApiError>, Response> {
        let (c, ip, pool_id, client_id) = (
            self.console.clone(),
            self.ip.clone(),
            self.site.pool_id.clone(),
            self.p.client_id(),
        );
        blocking(move || Ok(f(&c, &ip, &pool_id, &client_id)))
            .await
            .map_err(|e| failure(&e))
    }
}

/// The password field of a page that sets one, with the pool's rules listed under it (the
/// page has no script: the rules are static) and tied to it; after a refusal, `error` is the
/// engine's message and `typed` the refused password, against which each rule is marked met
/// or not met.
pub(crate) fn password_field(
    name: &str,
    label: &str,
    policy: &PasswordPolicy,
    error: Option<&str>,
    typed: Option<&str>,
) -> String {
    let id = format!(
        "f-{}",
        name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    let broken: Vec<PolicyRule> = typed.map(|p| policy.broken(p)).unwrap_or_default();
    let mut rules = format!(
        "<div id=\"{id}-rules\" class=\"rules\"><p class=\"rules-title\">Password requirements</p><ul>"
    );
    for rule in policy.rules() {
        let (mark, class) = match typed {
            Some(_) if broken.contains(&rule) => ("Not met: ", " class=\"unmet\""),
            Some(_) => ("Met: ", " class=\"met\""),
            None => ("", ""),
        };
        rules.push_str(&format!("<li{class}>{mark}{}</li>", esc(&rule.describe())));
    }
    rules.push_str("</ul></div>");
    let (described, invalid, message) = match error {
        Some(e) => (
            format!("{id}-error {id}-rules"),
            " aria-invalid=\"true\"",
            format!(
                "<p id=\"{id}-error\" class=\"errorMessage-customizable\">{}</p>",
                esc(e)
            ),
        ),
        None => (format!("{id}-rules"), "", String::new()),
    };
    format!(
        "<div class=\"field\"><label class=\"label-customizable\" for=\"{id}\">{label}</label>\
         <input class=\"inputField-customizable\" id=\"{id}\" name=\"{name}\" type=\"password\" \
         autocomplete=\"new-password\" value=\"\" required aria-describedby=\"{described}\"{invalid}>\
         {message}{rules}</div>",
        label = esc(label),
        name = esc(name),
    )
}

/// Whether `code` looks like a code that was sent (digits, at most 10).
pub(crate) fn code_ok(code: &str) -> bool {
    !code.is_empty() && code.len() <= 10 && code.bytes().all(|b| b.is_ascii_digit())
}

/// The end of a sign-in the pages finished: the session cookie and the authorize request's
/// redirect (a code, or implicit tokens).
pub(crate) async fn signed_in(
    console: &Console,
    site: &Site,
    a: Authorized,
    refresh_token: String,
) -> Response {
    let c = console.clone();
    match blocking(move || c.hosted_finish(&a, &refresh_token)).await {
        Ok((location, session)) => redirect(
            &location,
            &[site.cookie(SESSION_COOKIE, &session, super::SESSION_MAX_AGE_SECS)],
        ),
        Err(e) => failure(&e),
    }
}

/// The sign-in page with a message, after a page that ends there (a confirmed account, a new
/// password): `notice` is one of [`NOTICES`]' names.
pub(crate) fn to_sign_in(site: &Site, req: &AuthorizeRequest, notice: &str) -> Response {
    let href = link(site, req, "/login");
    redirect(&format!("{href}&notice={notice}"), &[])
}

/// The messages the sign-in page shows after another page sent the browser there (the query's
/// `notice`, which names one: no text of the request is shown).
pub(crate) const NOTICES: &[(&str, &str)] = &[
    (
        "confirmed",
        "Your account is confirmed. Sign in to continue.",
    ),
    (
        "password_reset",
        "Your password was changed. Sign in with the new one.",
    ),
];

/// The sign-in page's extras: its links ("Forgot your password?", and "Sign up" when the pool
/// lets users sign themselves up) and a notice another page asked for.
#[derive(Debug, Clone, Default)]
pub(crate) struct SignInExtras {
    pub(crate) self_sign_up: bool,
    pub(crate) notice: Option<&'static str>,
}

impl SignInExtras {
    /// Reads whether the pool takes sign-ups (on the blocking pool: it reads the store).
    pub(crate) fn read(console: &Console, pool_id: &str, query: Option<&str>) -> SignInExtras {
        let notice = query
            .and_then(|q| super::form(q.as_bytes()))
            .and_then(|pairs| value(&pairs, "notice").map(str::to_string))
            .and_then(|n| NOTICES.iter().find(|(k, _)| *k == n).map(|(_, m)| *m));
        SignInExtras {
            self_sign_up: console.hosted_self_sign_up(pool_id),
            notice,
        }
    }

    /// The notice, above the form.
    pub(crate) fn top(&self) -> String {
        self.notice.map(notice).unwrap_or_default()
    }

    /// The links, under the form.
    pub(crate) fn bottom(&self, site: &Site, req: &AuthorizeRequest) -> String {
        let mut items = vec![(link(site, req, "/forgotPassword"), "Forgot your password?")];
        if self.self_sign_up {
            items.push((link(site, req, "/signup"), "Need an account? Sign up"));
        }
        links(&items)
    }
}
