//! SigV4 on the endpoint: accepted always, verified when the workspace requires it.

use console_api::Signatures;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use axum::http::HeaderMap;
use console_api::{ApiError, Console, ErrorCode};

/// The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header.
#[derive(Debug, PartialEq, Eq)]
pub struct Authorization<'a> {
    pub access_key: &'a str,
    pub date: &'a str,
    pub region: &'a str,
    pub service: &'a str,
    /// What follows the service in the credential scope: `aws4_request` in a well-formed
    /// header (checked when signatures are verified).
    pub terminator: &'a str,
    pub signed_headers: Vec<&'a str>,
    pub signature: &'a str,
}

/// Parses an Authorization header value.
pub fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    // The algorithm is a whole word: `AWS4-HMAC-SHA256X=1, Credential=…` names another one.
    let rest = value.strip_prefix("AWS4-HMAC-SHA256")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    let mut scope = credential?.split('/');
    let access_key = scope.next()?;
    let date = scope.next()?;
    let region = scope.next()?;
    let service = scope.next()?;
    let terminator = credential?.splitn(5, '/').nth(4).unwrap_or_default();
    Some(Authorization {
        access_key,
        date,
        region,
        service,
        terminator,
        signed_headers: signed?.split(';').collect(),
        signature: signature?,
    })
}

pub(crate) fn parse_amz_date(s: &str) -> Option<SystemTime> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let dt = time::PrimitiveDateTime::parse(s, &format).ok()?;
    Some(dt.assume_utc().into())
}

/// How far a request's time may be from ours.
const MAX_SKEW_SECS: i64 = 15 * 60;

/// Checks the request's signature when there is one (or when the workspace demands one).
/// Answers the access key id of a signed request. With `verify`, a signature is verified
/// against the workspace's keys even when the workspace does not require one (a console
/// operation sent without the console's launch secret).
pub fn authenticate(
    console: &Console,
    headers: &HeaderMap,
    body: &[u8],
    verify: bool,
) -> Result<Option<String>, ApiError> {
    let value = headers.get("authorization").and_then(|v| v.to_str().ok());
    let auth = match value {
        Some(v) => Some(parse_authorization(v).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidSignatureException,
                "Malformed Authorization header.",
            )
        })?),
        None => None,
    };
    let (signatures, secret) = console.signature_policy(auth.as_ref().map(|a| a.access_key))?;
    let required = verify || signatures == Signatures::Required;
    let Some(auth) = auth else {
        return if required {
            Err(ApiError::new(
                ErrorCode::MissingAuthenticationTokenException,
                "This workspace requires SigV4-signed requests; sign with an access key from CreateAccessKey.",
            ))
        } else {
            Ok(None)
        };
    };
    if !required {
        return Ok(Some(auth.access_key.to_string()));
    }
    let secret = secret.ok_or_else(|| {
        ApiError::new(
            ErrorCode::UnrecognizedClientException,
            "The security token included in the request is invalid.",
        )
    })?;
    // A signature must cover what the request does and where it goes, or it could be replayed
    // as another operation.
    for must in ["host", "x-amz-date", "x-amz-target"] {
        if !auth.signed_headers.contains(&must) {
            return Err(ApiError::new(
                ErrorCode::InvalidSignatureException,
                format!("The signature must cover the {must} header."),
            ));
        }
    }
    let amz_date = headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidSignatureException,
                "Missing X-Amz-Date header.",
            )
        })?;
    let time = parse_amz_date(amz_date).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidSignatureException,
            "Malformed X-Amz-Date header.",
        )
    })?;
    // The credential scope is the client's statement of what it signed: the signature is
    // recomputed from X-Amz-Date, so a scope naming another day or ending in anything but
    // aws4_request would otherwise pass unread.
    if auth.terminator != "aws4_request" {
        return Err(ApiError::new(
            ErrorCode::InvalidSignatureException,
            "Credential should be scoped with a valid terminator: 'aws4_request'.",
        ));
    }
    if amz_date.get(..8) != Some(auth.date) {
        return Err(ApiError::new(
            ErrorCode::InvalidSignatureException,
            "Credential should be scoped to the date of X-Amz-Date.",
        ));
    }
    let when = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    if (when - console.now_ms() / 1000).abs() > MAX_SKEW_SECS {
        return Err(ApiError::new(
            ErrorCode::InvalidSignatureException,
            "Signature expired: the request time is too far from now.",
        ));
    }
    let expected = compute_signature(&auth, headers, body, &secret, time)?;
    if !constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        return Err(ApiError::new(
            ErrorCode::InvalidSignatureException,
            "The request signature we calculated does not match the signature you provided.",
        ));
    }
    Ok(Some(auth.access_key.to_string()))
}

/// Compares without an early exit, so timing does not reveal how much of a guess was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Signs the request as the client should have, with the headers it says it signed.
pub fn compute_signature(
    auth: &Authorization<'_>,
    headers: &HeaderMap,
    body: &[u8],
    secret: &str,
    time: SystemTime,
) -> Result<String, ApiError> {
    let bad = |m: String| ApiError::new(ErrorCode::InvalidSignatureException, m);
    let token = headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // x-amz-date and the session token are added by the signer itself.
    let mut signed: Vec<(&str, &str)> = Vec::new();
    for name in &auth.signed_headers {
        if matches!(*name, "x-amz-date" | "x-amz-security-token") {
            continue;
        }
        let v = headers
            .get(*name)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| bad(format!("Signed header {name} is missing.")))?;
        signed.push((name, v));
    }
    let identity = Credentials::new(auth.access_key, secret, token, None, "poolhouse").into();
    let mut settings = SigningSettings::default();
    settings.excluded_headers = Some(Vec::new());
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(auth.region)
        .name(auth.service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| bad(e.to_string()))?
        .into();
    let request = SignableRequest::new("POST", "/", signed.into_iter(), SignableBody::Bytes(body))
        .map_err(|e| bad(e.to_string()))?;
    let out = sign(request, &params).map_err(|e| bad(e.to_string()))?;
    Ok(out.signature().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_the_reference_list_users_signature() {
        // Test vector 3.2 of the wire-protocol reference (identical to botocore's SigV4Auth).
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            "application/x-amz-json-1.1".parse().unwrap(),
        );
        headers.insert("host", "127.0.0.1:5000".parse().unwrap());
        headers.insert("x-amz-date", "20260101T000000Z".parse().unwrap());
        headers.insert(
            "x-amz-target",
            "AWSCognitoIdentityProviderService.ListUsers"
                .parse()
                .unwrap(),
        );
        let value = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=6cb7e4f31dd59b0e8f810800aa34dd015e1c6cae298af448f78aac822acac566";
        let auth = parse_authorization(value).unwrap();
        assert_eq!(auth.service, "cognito-idp");
        let sig = compute_signature(
            &auth,
            &headers,
            br#"{"UserPoolId": "us-east-1_example", "Limit": 60}"#,
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            parse_amz_date("20260101T000000Z").unwrap(),
        )
        .unwrap();
        assert_eq!(sig, auth.signature);
    }

    #[test]
    fn malformed_authorization_is_none() {
        assert!(parse_authorization("Bearer x").is_none());
        assert!(parse_authorization("AWS4-HMAC-SHA256 Credential=a").is_none());
        let well_formed = "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00";
        assert!(parse_authorization(well_formed).is_some());
        // Another algorithm whose name starts like SigV4's is not SigV4.
        let glued = well_formed.replace("SHA256 ", "SHA256X=1, ");
        assert!(parse_authorization(&glued).is_none(), "{glued}");
    }
}
