//! The hosted pages' HTML: one small template (a page, its fields, its messages) that the
//! sign-in, challenge and error pages fill, as do the sign-up, forgot-password and MFA set-up
//! pages (`pages.rs` and its neighbours). No script, no request to anything else; light and
//! dark by `prefers-color-scheme`; labels on every field and error text tied to its field
//! (`aria-describedby`). Elements carry Cognito's UICustomization class names
//! (`banner-customizable`, `submitButton-customizable`, …) so that a pool's branding CSS, put
//! in by [`page`], styles them as it would on Cognito.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use console_api::Console;

use super::PAGE_CSP;

/// The pages' own style: a light and a dark palette, a centred card.
const STYLE: &str = "\
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#1b1f24;--muted:#4a5361;\
--line:#8a94a3;--accent:#0b5cad;--accent-text:#fff;--error:#b3261e;--focus:#1a73e8}\
@media (prefers-color-scheme:dark){:root{--bg:#15181d;--card:#1f242b;--text:#e8eaed;\
--muted:#b4bcc8;--line:#6b7584;--accent:#7cb4f5;--accent-text:#0b1a2b;--error:#ff8a80;\
--focus:#8ab4f8}}\
*{box-sizing:border-box}\
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;\
background:var(--bg);color:var(--text)}\
main{max-width:26rem;margin:3rem auto;padding:0 1rem}\
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1.5rem}\
.logo-customizable{display:block;max-width:100%;max-height:6rem;margin:0 auto 1rem}\
.banner-customizable{margin:0 0 1rem;font-size:1.4rem;text-align:center}\
.textDescription-customizable{color:var(--muted);margin:0 0 1rem}\
.field{margin:0 0 1rem}\
.label-customizable{display:block;font-weight:600;margin:0 0 .25rem}\
.inputField-customizable{width:100%;padding:.55rem .6rem;font:inherit;color:var(--text);\
background:var(--card);border:1px solid var(--line);border-radius:.3rem}\
.inputField-customizable[aria-invalid=true]{border-color:var(--error)}\
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}\
.submitButton-customizable{width:100%;padding:.65rem;font:inherit;font-weight:600;\
color:var(--accent-text);background:var(--accent);border:0;border-radius:.3rem;cursor:pointer}\
.errorMessage-customizable{color:var(--error);margin:.25rem 0 0}\
.alert{border:1px solid var(--error);border-radius:.3rem;padding:.5rem .75rem;margin:0 0 1rem}\
fieldset{border:0;padding:0;margin:0 0 1rem}\
legend{font-weight:600;margin:0 0 .25rem}\
.choice{display:block;margin:.25rem 0}\
.legalText-customizable{color:var(--muted);font-size:.85rem;margin:1rem 0 0;text-align:center}\
.redirect-customizable a{color:var(--accent)}\
.links{margin:1rem 0 0;text-align:center}.links a{display:block;margin:.3rem 0}\
.notice{border:1px solid var(--accent);border-radius:.3rem;padding:.5rem .75rem}\
.rules{color:var(--muted);font-size:.9rem;margin:.4rem 0 0}.rules p{margin:0}\
.rules ul{margin:.2rem 0 0;padding-left:1.2rem}.rules .unmet{color:var(--error);font-weight:600}\
.resend{margin:1rem 0 0;text-align:center}\
.link-button{background:none;border:0;padding:0;font:inherit;color:var(--accent);\
text-decoration:underline;cursor:pointer}\
.qr-box{text-align:center;margin:0 0 .5rem}.qr{background:#fff;padding:4px;border-radius:.3rem}\
.secret{text-align:center;font-size:1.05rem;letter-spacing:.05em;overflow-wrap:anywhere}\
.setup-choice+.setup-choice{border-top:1px solid var(--line);margin:1.5rem 0 0;padding:1rem 0 0}\
.setup-heading{font-size:1.1rem;margin:0 0 .5rem}\
.idpButton-customizable{display:block;margin:0 0 .75rem;padding:.6rem;text-align:center;\
font-weight:600;color:var(--text);text-decoration:none;border:1px solid var(--line);\
border-radius:.3rem}\
.or{text-align:center;color:var(--muted);margin:1rem 0}";

/// Escapes text for HTML content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A page's branding: the pool's and client's CSS as the core rewrote it, and the address of
/// its logo.
#[derive(Debug, Clone, Default)]
pub(crate) struct Branding {
    css: String,
    logo_src: Option<String>,
}

impl Branding {
    /// The branding of `client_id`'s pages (else the pool's), read from the store: call it on
    /// the blocking pool.
    pub(crate) fn read(console: &Console, pool_id: &str, client_id: Option<&str>) -> Branding {
        let b = console.hosted_branding(pool_id, client_id);
        let logo_src = b.logo.then(|| {
            format!(
                "/{pool_id}/branding/logo?client_id={}&v={}",
                client_id.unwrap_or("ALL"),
                b.version
            )
        });
        Branding {
            css: b.css,
            logo_src,
        }
    }
}

/// A whole page: `title`, the pool's and client's branding (its CSS after the pages' own, so
/// it wins; its logo above the title), and the card's content.
pub(crate) fn page(title: &str, branding: &Branding, content: &str) -> String {
    // Branding is CSS only: a closing tag in it must not end the style element.
    let css = branding.css.replace("</", "<\\/");
    let logo = branding
        .logo_src
        .as_deref()
        .map_or_else(String::new, |src| {
            format!(
                "<img class=\"logo-customizable\" src=\"{}\" alt=\"\">",
                esc(src)
            )
        });
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{title}</title><style>{STYLE}</style><style>{css}</style></head>\
         <body class=\"background-customizable\"><main><div class=\"card\">{logo}\
         <h1 class=\"banner-customizable\">{title}</h1>{content}</div></main></body></html>",
        title = esc(title),
    )
}

/// A hidden form field.
pub(crate) fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        esc(name),
        esc(value)
    )
}

/// A labelled input; `error` is shown under it and tied to it for screen readers.
pub(crate) struct Field<'a> {
    pub(crate) name: &'a str,
    pub(crate) label: &'a str,
    pub(crate) kind: &'a str,
    pub(crate) autocomplete: &'a str,
    pub(crate) value: &'a str,
    pub(crate) error: Option<&'a str>,
    pub(crate) extra: &'a str,
}

impl Field<'_> {
    pub(crate) fn html(&self) -> String {
        let id = format!(
            "f-{}",
            self.name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        let (described, invalid, message) = match self.error {
            Some(e) => (
                format!(" aria-describedby=\"{id}-error\""),
                " aria-invalid=\"true\"",
                format!(
                    "<p id=\"{id}-error\" class=\"errorMessage-customizable\">{}</p>",
                    esc(e)
                ),
            ),
            None => (String::new(), "", String::new()),
        };
        format!(
            "<div class=\"field\"><label class=\"label-customizable\" for=\"{id}\">{label}</label>\
             <input class=\"inputField-customizable\" id=\"{id}\" name=\"{name}\" \
             type=\"{kind}\" autocomplete=\"{ac}\" value=\"{value}\" required{described}\
             {invalid} {extra}>{message}</div>",
            label = esc(self.label),
            name = esc(self.name),
            kind = self.kind,
            ac = self.autocomplete,
            value = esc(self.value),
            extra = self.extra,
        )
    }
}

/// The field of a one-time code (an MFA, confirmation or reset code) named `code`, labelled
/// `label`, with `error` under it.
pub(crate) fn code_field(label: &str, error: Option<&str>) -> String {
    Field {
        name: "code",
        label,
        kind: "text",
        autocomplete: "one-time-code",
        value: "",
        error,
        extra: "inputmode=\"numeric\" spellcheck=\"false\"",
    }
    .html()
}

/// A form posting to `action` with its hidden fields, inputs and a submit button.
pub(crate) fn form(action: &str, hidden_fields: &str, inputs: &str, submit: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{}\" novalidate>{hidden_fields}{inputs}\
         <button class=\"submitButton-customizable\" type=\"submit\">{}</button></form>",
        esc(action),
        esc(submit)
    )
}

/// A message for the whole form (not one field), announced when the page loads.
pub(crate) fn alert(message: &str) -> String {
    format!(
        "<p class=\"alert errorMessage-customizable\" role=\"alert\">{}</p>",
        esc(message)
    )
}

/// A paragraph of explanation.
pub(crate) fn text(message: &str) -> String {
    format!(
        "<p class=\"textDescription-customizable\">{}</p>",
        esc(message)
    )
}

/// An HTML answer with the pages' headers: never cached, not framed, no referrer, the pages'
/// own Content-Security-Policy.
pub(crate) fn html(status: StatusCode, body: String, set_cookies: &[String]) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    for c in set_cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// An error page (never a redirect): the request cannot go back to the app.
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let content = format!(
        "{}{}",
        alert(message),
        text("Close this page and start again from the app.")
    );
    html(status, page(title, &Branding::default(), &content), &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped_and_branding_cannot_close_its_style() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        let hostile = Branding {
            css: "</style><script>alert(1)</script>".into(),
            logo_src: Some("/p/branding/logo?client_id=\"><script>".into()),
        };
        let p = page("Sign in", &hostile, "");
        // Only the page's own two style elements close; the branding stays inside its own.
        assert_eq!(p.matches("</style>").count(), 2, "{p}");
        assert!(
            !p.contains("\"><script>"),
            "the logo address stays in its attribute: {p}"
        );
        assert!(p.contains("lang=\"en\""));
    }

    #[test]
    fn a_field_with_an_error_is_described_by_it() {
        let f = Field {
            name: "username",
            label: "Username",
            kind: "text",
            autocomplete: "username",
            value: "a\"b",
            error: Some("Required"),
            extra: "",
        }
        .html();
        assert!(f.contains("for=\"f-username\"") && f.contains("id=\"f-username\""));
        assert!(f.contains("aria-describedby=\"f-username-error\""));
        assert!(f.contains("id=\"f-username-error\""));
        assert!(f.contains("value=\"a&quot;b\""));
    }
}
