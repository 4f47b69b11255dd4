//! What a failed call means: [`CallError`], read from the transport's failure or from an
//! answer that is not a success — the service's own error in either protocol's shape, a region
//! the signature was refused for, or a page in no AWS shape at all (an HTML 500, a proxy's text).

use std::time::Duration;

use serde_json::Value;

use super::{Endpoint, Timeouts};
use crate::xml;

/// Why a call failed, naming the backend and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("backend '{backend}': no connection to {url} within {}", secs(*after))]
    ConnectTimeout {
        backend: String,
        url: String,
        after: Duration,
    },
    #[error(
        "backend '{backend}': {url} took the request but did not answer within {}",
        secs(*after)
    )]
    Timeout {
        backend: String,
        url: String,
        after: Duration,
    },
    #[error("backend '{backend}': connection refused by {url} (is it running?)")]
    Refused { backend: String, url: String },
    #[error("backend '{backend}': cannot reach {url}: {detail}")]
    Unreachable {
        backend: String,
        url: String,
        detail: String,
    },
    /// An answer that is not the protocol's: an HTML error page, a proxy's text.
    #[error(
        "backend '{backend}': HTTP {status} with {what} instead of an AWS answer{}",
        quoted(summary)
    )]
    NotAws {
        backend: String,
        status: u16,
        /// "an HTML page", "a text/plain body", "an empty body".
        what: String,
        summary: String,
    },
    /// A success whose body does not parse.
    #[error("backend '{backend}': HTTP {status} with a body that is not {format}: {detail}")]
    BadBody {
        backend: String,
        status: u16,
        /// "JSON" or "XML".
        format: &'static str,
        detail: String,
    },
    /// The service's own error shape: its code and message.
    #[error("{code}: {message}")]
    Service {
        backend: String,
        status: u16,
        code: String,
        message: String,
    },
    /// A signature scoped to a region the backend does not serve.
    #[error(
        "{code}: backend '{backend}' signs for {region}, and the endpoint wants another region: {message}"
    )]
    RegionMismatch {
        backend: String,
        region: String,
        code: String,
        message: String,
    },
    /// A success that lacks a member the flow needs.
    #[error("backend '{backend}': the {operation} answer has no {member}")]
    Missing {
        backend: String,
        operation: String,
        member: String,
    },
    #[error("backend '{backend}': cannot sign the request: {detail}")]
    Signing { backend: String, detail: String },
}

fn secs(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

pub(super) fn quoted(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" ('{s}')")
    }
}

impl CallError {
    /// A short code for the step's error: the service's own code, or what the transport saw.
    pub fn code(&self) -> &str {
        match self {
            CallError::ConnectTimeout { .. } => "ConnectTimeout",
            CallError::Timeout { .. } => "Timeout",
            CallError::Refused { .. } => "ConnectionRefused",
            CallError::Unreachable { .. } => "Unreachable",
            CallError::NotAws { .. } => "NotAnAwsAnswer",
            CallError::BadBody { format: "XML", .. } => "BadXml",
            CallError::BadBody { .. } => "BadJson",
            CallError::Service { code, .. } | CallError::RegionMismatch { code, .. } => code,
            CallError::Missing { .. } => "MissingMember",
            CallError::Signing { .. } => "SigningError",
        }
    }
}

/// What a failed send or read means: no connection in time, no answer in time, refused, or
/// otherwise unreachable.
pub(super) fn transport(ep: &Endpoint, url: &str, e: &reqwest::Error, t: Timeouts) -> CallError {
    let backend = ep.name.clone();
    let url = url.to_string();
    if e.is_timeout() {
        return if e.is_connect() {
            CallError::ConnectTimeout {
                backend,
                url,
                after: t.connect,
            }
        } else {
            CallError::Timeout {
                backend,
                url,
                after: t.total,
            }
        };
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut innermost = e.to_string();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return CallError::Refused { backend, url };
                }
                std::io::ErrorKind::TimedOut => {
                    return CallError::Timeout {
                        backend,
                        url,
                        after: t.total,
                    };
                }
                _ => {}
            }
        }
        innermost = s.to_string();
        source = s.source();
    }
    CallError::Unreachable {
        backend,
        url,
        detail: innermost,
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The first 200 characters of a body, on one line.
pub(super) fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(200).collect()
}

/// `com.amazonaws…#NotAuthorizedException:http://…` → `NotAuthorizedException`.
fn bare_code(raw: &str) -> String {
    let after_hash = raw.rsplit('#').next().unwrap_or(raw);
    after_hash
        .split(':')
        .next()
        .unwrap_or(after_hash)
        .trim()
        .to_string()
}

/// A JSON protocol error: the AWS shape (`__type` or `X-Amzn-ErrorType`, `message` or
/// `Message`), or a named non-AWS answer (an HTML 500).
pub(super) fn json_error(
    ep: &Endpoint,
    status: u16,
    headers: &[(String, String)],
    bytes: &[u8],
) -> CallError {
    let body: Option<Value> = serde_json::from_slice(bytes).ok();
    let code = body
        .as_ref()
        .and_then(|b| b.get("__type").and_then(Value::as_str))
        .map(bare_code)
        .or_else(|| header(headers, "x-amzn-errortype").map(bare_code))
        .filter(|c| !c.is_empty());
    match (code, &body) {
        (Some(code), _) => {
            let message = body
                .as_ref()
                .and_then(|b| {
                    b.get("message")
                        .or_else(|| b.get("Message"))
                        .and_then(Value::as_str)
                })
                .unwrap_or_default()
                .to_string();
            service_error(ep, status, code, message)
        }
        // Signature errors can come in the query protocol's XML shape, whatever the protocol
        // of the call (moto does this for a wrong secret).
        (None, _) => xml_error(ep, status, headers, bytes),
    }
}

/// A query protocol error: the first `Code` and `Message` of either STS error shape.
pub(super) fn xml_error(
    ep: &Endpoint,
    status: u16,
    headers: &[(String, String)],
    bytes: &[u8],
) -> CallError {
    match xml::leaves(bytes) {
        Ok(leaves) => {
            let find = |name: &str| {
                leaves
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
            };
            match find("Code") {
                Some(code) => service_error(ep, status, code, find("Message").unwrap_or_default()),
                None => not_aws(ep, status, headers, bytes),
            }
        }
        Err(_) => not_aws(ep, status, headers, bytes),
    }
}

/// The service's error, or a region mismatch when the signature's region is what it refused.
fn service_error(ep: &Endpoint, status: u16, code: String, message: String) -> CallError {
    let about_signature = matches!(
        code.as_str(),
        "InvalidSignatureException"
            | "SignatureDoesNotMatch"
            | "IncompleteSignature"
            | "IncompleteSignatureException"
            | "AuthFailure"
            | "InvalidClientTokenId"
            | "UnrecognizedClientException"
    );
    if about_signature && message.to_ascii_lowercase().contains("region") {
        return CallError::RegionMismatch {
            backend: ep.name.clone(),
            region: ep.region.clone(),
            code,
            message,
        };
    }
    CallError::Service {
        backend: ep.name.clone(),
        status,
        code,
        message,
    }
}

/// An answer in no AWS shape: says what it was (an HTML page and its title, text, nothing).
fn not_aws(ep: &Endpoint, status: u16, headers: &[(String, String)], bytes: &[u8]) -> CallError {
    let content_type = header(headers, "content-type").unwrap_or("");
    let text = String::from_utf8_lossy(bytes);
    let start = text.trim_start().to_ascii_lowercase();
    let looks_html = (content_type.contains("html") && !start.starts_with("<?xml"))
        || start.starts_with("<!doctype html")
        || start.starts_with("<html");
    let (what, summary) = if bytes.is_empty() {
        ("an empty body".to_string(), String::new())
    } else if looks_html {
        let title = html_title(&text).unwrap_or_else(|| snippet(bytes));
        ("an HTML page".to_string(), title)
    } else if content_type.is_empty() {
        ("a body".to_string(), snippet(bytes))
    } else {
        (format!("a {content_type} body"), snippet(bytes))
    };
    CallError::NotAws {
        backend: ep.name.clone(),
        status,
        what,
        summary,
    }
}

/// The text of an HTML page's `<title>`, if it has one.
fn html_title(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let title = text.get(start..end)?.trim();
    (!title.is_empty()).then(|| title.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::tests::ep;

    #[test]
    fn bare_codes() {
        assert_eq!(
            bare_code("com.amazonaws.cognito.identity.model#NotAuthorizedException"),
            "NotAuthorizedException"
        );
        assert_eq!(
            bare_code("NotAuthorizedException:http://internal.amazon.com/"),
            "NotAuthorizedException"
        );
    }

    #[test]
    fn html_500_is_named_with_its_title() {
        let page =
            "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>x</h1>";
        let e = json_error(
            &ep(),
            500,
            &[("content-type".into(), "text/html; charset=utf-8".into())],
            page.as_bytes(),
        );
        assert_eq!(e.code(), "NotAnAwsAnswer");
        assert_eq!(
            e.to_string(),
            "backend 'b': HTTP 500 with an HTML page instead of an AWS answer ('500 Internal Server Error')"
        );
    }

    #[test]
    fn a_json_call_answered_with_an_xml_error_keeps_its_code() {
        let e = json_error(
            &ep(),
            403,
            &[("content-type".into(), "text/html; charset=utf-8".into())],
            br#"<?xml version="1.0" encoding="utf-8"?>
<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>no match</Message><Type>Sender</Type></Error></Errors></ErrorResponse>"#,
        );
        assert_eq!(e.code(), "SignatureDoesNotMatch");
        assert_eq!(e.to_string(), "SignatureDoesNotMatch: no match");
    }

    #[test]
    fn region_mismatch_is_told_apart() {
        let e = xml_error(
            &ep(),
            403,
            &[],
            br#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>Credential should be scoped to a valid region. </Message></Error><RequestId>1</RequestId></ErrorResponse>"#,
        );
        assert!(matches!(e, CallError::RegionMismatch { .. }), "{e:?}");
        assert!(e.to_string().contains("signs for us-east-1"), "{e}");
    }
}
