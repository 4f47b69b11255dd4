//! STS's query protocol on `POST /`: a form body (`Action=…&Version=2011-06-15&…`), answered
//! in XML (`<{Action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">`, its
//! `{Action}Result` and `ResponseMetadata/RequestId`) and STS's error shape
//! (`<ErrorResponse><Error><Type>Sender</Type><Code/><Message/></Error><RequestId/></ErrorResponse>`).
//!
//! Signed STS calls (`GetCallerIdentity`) are verified always, whatever the workspace's
//! signature setting: with the secret of a temporary credential this workspace vended (found by
//! its key id and `X-Amz-Security-Token`) or of one of the workspace's access keys. A refusal
//! is STS's: `MissingAuthenticationToken`, `IncompleteSignature`, `InvalidClientTokenId`,
//! `ExpiredToken`, `SignatureDoesNotMatch`.

use std::time::SystemTime;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use console_api::CredentialRefusal as Refusal;
use console_api::ops::{self, Operation, Service};
use console_api::{ApiError, Console, ErrorCode};
use serde_json::{Map, Value};

use crate::sigv4::{compute_signature, constant_time_eq, parse_amz_date, parse_authorization};

/// STS's XML namespace.
pub const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
/// The only API version STS has.
pub const VERSION: &str = "2011-06-15";

/// Whether a request without `X-Amz-Target` is STS's query protocol (a form body).
pub fn is_query(headers: &HeaderMap) -> bool {
    !headers.contains_key("x-amz-target")
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                ct.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            })
}

/// A request id as AWS prints them (a UUID).
pub fn request_id() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The form's operation and its members as the JSON body `dispatch_json` reads, or STS's
/// error.
pub fn parse_form(body: &[u8]) -> Result<(&'static Operation, Vec<u8>), ApiError> {
    let mut action = None;
    let mut version = None;
    let mut members: Vec<(String, String)> = Vec::new();
    for (k, v) in form_urlencoded::parse(body) {
        match k.as_ref() {
            "Action" => action = Some(v.into_owned()),
            "Version" => version = Some(v.into_owned()),
            _ => members.push((k.into_owned(), v.into_owned())),
        }
    }
    let action = action
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidAction, "The request has no Action."))?;
    let op = ops::find(&action)
        .filter(|o| o.service == Service::Sts)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidAction,
                format!("Could not find operation {action} for version {VERSION}"),
            )
        })?;
    if version.as_deref() != Some(VERSION) {
        return Err(ApiError::new(
            ErrorCode::InvalidAction,
            format!(
                "Could not find operation {action} for version {}",
                version.as_deref().unwrap_or("(none)")
            ),
        ));
    }
    let schema = ops::request_schema(op.name).unwrap_or(Value::Null);
    let mut json = Map::new();
    for (key, value) in members {
        put(&mut json, &schema, &key, value);
    }
    let body = serde_json::to_vec(&Value::Object(json))
        .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))?;
    Ok((op, body))
}

/// Whether the request schema types `member` as an integer.
fn is_integer(schema: &Value, member: &str) -> bool {
    let t = &schema["properties"][member]["type"];
    t == "integer"
        || t.as_array()
            .is_some_and(|a| a.iter().any(|x| x == "integer"))
}

/// Places one form member in the JSON body: `Name=v`, `Name.member.N=v` (a list of strings)
/// and `Name.member.N.Field=v` (a list of structures).
fn put(json: &mut Map<String, Value>, schema: &Value, key: &str, value: String) {
    let mut parts = key.split('.');
    let name = parts.next().unwrap_or_default().to_string();
    let rest: Vec<&str> = parts.collect();
    match rest.as_slice() {
        [] => {
            let v = match value.parse::<i64>() {
                Ok(n) if is_integer(schema, &name) => Value::from(n),
                _ => Value::String(value),
            };
            json.insert(name, v);
        }
        ["member", index, field @ ..] => {
            let Ok(i) = index.parse::<usize>() else {
                json.insert(key.to_string(), Value::String(value));
                return;
            };
            let list = json.entry(name).or_insert_with(|| Value::Array(Vec::new()));
            let Some(items) = list.as_array_mut() else {
                return;
            };
            while items.len() < i {
                items.push(Value::Null);
            }
            let slot = &mut items[i.saturating_sub(1)];
            match field {
                [] => *slot = Value::String(value),
                [f, ..] => {
                    if !slot.is_object() {
                        *slot = Value::Object(Map::new());
                    }
                    if let Some(o) = slot.as_object_mut() {
                        o.insert((*f).to_string(), Value::String(value));
                    }
                }
            }
        }
        _ => {
            json.insert(key.to_string(), Value::String(value));
        }
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A JSON value as the query protocol's XML: members as elements, lists as `<member>`s.
fn xml(out: &mut String, v: &Value) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if v.is_null() {
                    continue;
                }
                out.push('<');
                out.push_str(k);
                out.push('>');
                xml(out, v);
                out.push_str("</");
                out.push_str(k);
                out.push('>');
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push_str("<member>");
                xml(out, item);
                out.push_str("</member>");
            }
        }
        Value::String(s) => out.push_str(&escape(s)),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => {}
    }
}

fn with_request_id(mut resp: Response, id: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(id) {
        resp.headers_mut().insert("x-amzn-requestid", v);
    }
    resp
}

/// A successful answer: `<{Op}Response><{Op}Result>…</{Op}Result><ResponseMetadata>…`.
pub fn answer(op: &str, json: &[u8]) -> Response {
    let id = request_id();
    let value: Value = serde_json::from_slice(json).unwrap_or(Value::Null);
    let mut body = format!("<{op}Response xmlns=\"{NAMESPACE}\">\n  <{op}Result>");
    xml(&mut body, &value);
    body.push_str(&format!(
        "</{op}Result>\n  <ResponseMetadata>\n    <RequestId>{id}</RequestId>\n  </ResponseMetadata>\n</{op}Response>\n"
    ));
    with_request_id(
        ([(header::CONTENT_TYPE, "text/xml")], body).into_response(),
        &id,
    )
}

/// STS's HTTP status for an error code.
fn status(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidClientTokenId
        | ErrorCode::SignatureDoesNotMatch
        | ErrorCode::MissingAuthenticationToken
        | ErrorCode::IncompleteSignature
        | ErrorCode::AccessDenied => StatusCode::FORBIDDEN,
        c if c.is_client_error() => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error in STS's shape.
pub fn error(e: &ApiError) -> Response {
    let id = request_id();
    let kind = if e.code.is_client_error() {
        "Sender"
    } else {
        "Receiver"
    };
    let body = format!(
        "<ErrorResponse xmlns=\"{NAMESPACE}\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{id}</RequestId>\n</ErrorResponse>\n",
        e.code.as_str(),
        escape(&e.message)
    );
    let mut resp = with_request_id(
        (status(e.code), [(header::CONTENT_TYPE, "text/xml")], body).into_response(),
        &id,
    );
    if let Ok(v) = HeaderValue::from_str(e.code.as_str()) {
        resp.headers_mut().insert("x-amzn-errortype", v);
    }
    resp
}

/// How far a request's time may be from ours.
const MAX_SKEW_SECS: i64 = 15 * 60;

fn refuse(code: ErrorCode, message: &str) -> ApiError {
    ApiError::new(code, message)
}

/// Verifies a signed STS call and answers its access key id: a temporary credential's (with
/// its session token) or a workspace key's. Unsigned: `MissingAuthenticationToken`.
pub fn authenticate(
    console: &Console,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<String, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            refuse(
                ErrorCode::MissingAuthenticationToken,
                "Request is missing Authentication Token",
            )
        })?;
    let auth = parse_authorization(value).ok_or_else(|| {
        refuse(
            ErrorCode::IncompleteSignature,
            "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' \
             parameters of AWS4-HMAC-SHA256.",
        )
    })?;
    let token = headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok());
    let invalid = || {
        refuse(
            ErrorCode::InvalidClientTokenId,
            "The security token included in the request is invalid.",
        )
    };
    let secret = if auth.access_key.starts_with("ASIA") {
        match console.temporary_credential(auth.access_key, token)? {
            Ok(found) => found.secret_access_key,
            Err(Refusal::Expired) => {
                return Err(refuse(
                    ErrorCode::ExpiredToken,
                    "The security token included in the request is expired",
                ));
            }
            Err(Refusal::Invalid) => return Err(invalid()),
        }
    } else {
        console
            .signature_policy(Some(auth.access_key))?
            .1
            .ok_or_else(invalid)?
    };
    for must in ["host", "x-amz-date"] {
        if !auth.signed_headers.contains(&must) {
            return Err(refuse(
                ErrorCode::SignatureDoesNotMatch,
                &format!("The signature must cover the {must} header."),
            ));
        }
    }
    if auth.service != "sts" {
        return Err(refuse(
            ErrorCode::SignatureDoesNotMatch,
            &format!(
                "Credential should be scoped to correct service: 'sts'. (got '{}')",
                auth.service
            ),
        ));
    }
    if auth.terminator != "aws4_request" {
        return Err(refuse(
            ErrorCode::SignatureDoesNotMatch,
            "Credential should be scoped with a valid terminator: 'aws4_request'.",
        ));
    }
    let amz_date = headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| refuse(ErrorCode::IncompleteSignature, "Missing X-Amz-Date header."))?;
    let time = parse_amz_date(amz_date).ok_or_else(|| {
        refuse(
            ErrorCode::IncompleteSignature,
            "Malformed X-Amz-Date header.",
        )
    })?;
    if amz_date.get(..8) != Some(auth.date) {
        return Err(refuse(
            ErrorCode::SignatureDoesNotMatch,
            "Credential should be scoped to the date of X-Amz-Date.",
        ));
    }
    let when = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    if (when - console.now_ms() / 1000).abs() > MAX_SKEW_SECS {
        return Err(refuse(
            ErrorCode::SignatureDoesNotMatch,
            "Signature expired: the request time is more than 15 minutes from the server's.",
        ));
    }
    let expected = compute_signature(&auth, headers, body, &secret, time)
        .map_err(|e| ApiError::new(ErrorCode::IncompleteSignature, e.message))?;
    if !constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        return Err(refuse(
            ErrorCode::SignatureDoesNotMatch,
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details.",
        ));
    }
    Ok(auth.access_key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_the_operation_and_its_json() {
        let (op, body) = parse_form(b"Action=GetCallerIdentity&Version=2011-06-15").unwrap();
        assert_eq!(op.name, "GetCallerIdentity");
        assert_eq!(body, b"{}");
        let e = parse_form(b"Action=AssumeRole&Version=2011-06-15").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidAction);
        let e = parse_form(b"Action=GetCallerIdentity&Version=2012-01-01").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidAction);
        let e = parse_form(b"Action=CreateUserPool&Version=2011-06-15").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidAction, "only STS's operations");
        let mut json = Map::new();
        let schema =
            serde_json::json!({"properties": {"DurationSeconds": {"type": ["integer", "null"]}}});
        put(&mut json, &schema, "DurationSeconds", "900".into());
        put(&mut json, &schema, "RoleSessionName", "900".into());
        put(&mut json, &schema, "PolicyArns.member.2.arn", "b".into());
        put(&mut json, &schema, "PolicyArns.member.1.arn", "a".into());
        assert_eq!(
            Value::Object(json),
            serde_json::json!({"DurationSeconds": 900, "RoleSessionName": "900",
                "PolicyArns": [{"arn": "a"}, {"arn": "b"}]})
        );
    }

    #[test]
    fn answers_and_errors_have_sts_shapes() {
        let mut out = String::new();
        xml(
            &mut out,
            &serde_json::json!({"UserId": "a<b", "Account": "1", "List": ["x"], "Gone": null}),
        );
        assert_eq!(
            out,
            "<Account>1</Account><Gone></Gone><List><member>x</member></List><UserId>a&lt;b</UserId>"
                .replace("<Gone></Gone>", "")
        );
        assert_eq!(
            status(ErrorCode::SignatureDoesNotMatch),
            StatusCode::FORBIDDEN
        );
        assert_eq!(status(ErrorCode::ExpiredToken), StatusCode::BAD_REQUEST);
        assert_eq!(request_id().len(), 36);
    }
}
