//! The browser console `serve --ui` serves: its launch secret, the security headers of every
//! answer, its index.html, and which calls must prove they come from it.

use std::str::FromStr;
use std::sync::Arc;

use axum::Extension;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use console_api::ops;
use console_api::{ApiError, ErrorCode};

/// The header that carries the console's launch secret ([`ConsoleSecret`]).
pub const CONSOLE_SECRET_HEADER: &str = "x-poolhouse-console";

/// The `<meta>` of the served index.html that hands the launch secret to the console.
pub(crate) const CONSOLE_SECRET_META: &str = "poolhouse-console-secret";

/// What the console's pages may load and where they may send requests: only this origin,
/// never framed, no `<base>`, no form posts, no plugins. Images may be `data:` URLs (the
/// favicon and the QR codes of authenticator set-up are).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; \
     object-src 'none'";

/// A secret made at each launch of the endpoint and known only to the console it serves (it
/// is written into the index.html of `--ui`). The console's own operations ([`ops::Access::
/// Console`]) and any admin operation sent by a web page need it in the
/// `X-Poolhouse-Console` header, unless they are SigV4-signed with one of the workspace's
/// keys; a page on another origin cannot read it.
#[derive(Clone)]
pub struct ConsoleSecret(Arc<str>);

impl ConsoleSecret {
    /// A fresh secret: 32 random bytes, hex.
    pub fn random() -> ConsoleSecret {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        ConsoleSecret(hex.into())
    }

    /// The secret, as the console sends it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn matches(&self, presented: &[u8]) -> bool {
        crate::sigv4::constant_time_eq(self.0.as_bytes(), presented)
    }
}

impl std::fmt::Debug for ConsoleSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConsoleSecret(..)")
    }
}

impl FromStr for ConsoleSecret {
    type Err = String;

    /// A chosen secret (scripts that drive `serve` set one): 32 to 128 letters, digits, `-`
    /// or `_`, so that it goes into a header and an HTML attribute as it is.
    fn from_str(s: &str) -> Result<ConsoleSecret, String> {
        let valid = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if !(32..=128).contains(&s.len()) || !s.chars().all(valid) {
            let what = if s.chars().all(valid) {
                format!("this one has {} characters", s.chars().count())
            } else {
                "this one has other characters".to_string()
            };
            return Err(format!(
                "the console secret must be 32 to 128 letters, digits, '-' or '_' ({what})"
            ));
        }
        Ok(ConsoleSecret(s.into()))
    }
}

/// The console's CSP and `nosniff` on every answer.
pub(crate) async fn security_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    // The hosted sign-in pages set their own policy (they post forms); everything else gets
    // the console's.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// The folder of the console's web build (`--ui`).
#[derive(Debug, Clone)]
pub(crate) struct UiDir(pub(crate) Arc<std::path::Path>);

/// `GET /` and `GET /index.html` with `--ui`: the console's index.html with this launch's
/// secret in a `<meta>`, never cached (the next launch has another secret).
pub(crate) async fn index(
    Extension(UiDir(dir)): Extension<UiDir>,
    secret: Option<Extension<ConsoleSecret>>,
) -> Response {
    let path = dir.join("index.html");
    let html = match tokio::fs::read_to_string(&path).await {
        Ok(h) => h,
        Err(e) => {
            tracing::error!(error = %e, path = %path.display(), "cannot read the console");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("cannot read {}: {e}", path.display()),
            )
                .into_response();
        }
    };
    let html = match secret {
        Some(Extension(secret)) => with_secret(&html, &secret),
        None => html,
    };
    let html = with_ui_dir(&html, &dir);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// index.html with the launch secret as a `<meta>` at the end of its head.
pub(crate) fn with_secret(html: &str, secret: &ConsoleSecret) -> String {
    let meta = format!(
        "<meta name=\"{CONSOLE_SECRET_META}\" content=\"{}\" />",
        secret.as_str()
    );
    match html.find("</head>") {
        Some(at) => format!("{}{meta}\n  {}", &html[..at], &html[at..]),
        None => format!("{meta}\n{html}"),
    }
}

/// The `<meta>` that tells the console the `--ui` folder it was served from (as given), so
/// that it can name the command that starts this endpoint again when it stops answering.
pub(crate) const UI_DIR_META: &str = "poolhouse-ui-dir";

/// index.html with the `--ui` folder as a `<meta>` at the end of its head.
pub(crate) fn with_ui_dir(html: &str, dir: &std::path::Path) -> String {
    let content = dir
        .display()
        .to_string()
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let meta = format!("<meta name=\"{UI_DIR_META}\" content=\"{content}\" />");
    match html.find("</head>") {
        Some(at) => format!("{}{meta}\n  {}", &html[..at], &html[at..]),
        None => format!("{meta}\n{html}"),
    }
}

/// Whether a call must prove it comes from the console this server launched: the console's
/// own operations always, admin operations when a web page sends them (browsers send
/// `Origin` with every POST; SDKs and the AWS CLI do not).
pub(crate) fn needs_console_secret(op: &ops::Operation, headers: &HeaderMap) -> bool {
    match op.access {
        ops::Access::Console => true,
        ops::Access::Admin => headers.contains_key(header::ORIGIN),
        ops::Access::Token | ops::Access::Anonymous => false,
    }
}

/// The refusal of a call that needed the console's launch secret and came without it (nor a
/// signature that verifies).
pub(crate) fn console_secret_missing(op: &ops::Operation, headers: &HeaderMap) -> ApiError {
    let name = op.name;
    let message = if op.access == ops::Access::Console {
        format!(
            "{name} is one of the console's own operations: over HTTP it needs this launch's \
             console secret in the X-Poolhouse-Console header (the console served by \
             `poolhouse serve --ui` sends it) or a SigV4 signature with one of the workspace's \
             access keys. The poolhouse CLI runs it directly: `poolhouse {}`.",
            op.cli_name()
        )
    } else {
        let origin = headers
            .get(header::ORIGIN)
            .map(|o| String::from_utf8_lossy(o.as_bytes()).into_owned())
            .unwrap_or_default();
        format!(
            "{name} was sent by a web page ({origin}) without this launch's console secret in \
             the X-Poolhouse-Console header: from a browser, only the console served by this \
             `poolhouse serve --ui` may call admin operations."
        )
    };
    ApiError::new(ErrorCode::NotAuthorizedException, message)
}

#[cfg(test)]
mod ui_dir_tests {
    use super::*;

    #[test]
    fn the_ui_folder_is_named_in_the_head_escaped() {
        let html = with_ui_dir(
            "<html><head><title>t</title></head></html>",
            std::path::Path::new("/srv/a \"b\" & <c>/dist"),
        );
        assert_eq!(
            html,
            "<html><head><title>t</title><meta name=\"poolhouse-ui-dir\" content=\"/srv/a &quot;b&quot; &amp; &lt;c&gt;/dist\" />\n  </head></html>"
        );
    }
}
