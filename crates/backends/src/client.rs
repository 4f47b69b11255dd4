//! One client for every backend: `POST /` with Cognito's JSON 1.1 protocol (`X-Amz-Target`) or
//! STS's query protocol (a form body, XML answers), SigV4-signed by `aws-sigv4` when the call
//! is an administrator's or made with vended credentials, within bounded timeouts.
//!
//! Every call answers its [`Trace`] (the request and the answer as they went over the wire, in
//! clear: mask it before keeping it) beside its outcome, so a failed step still shows what was
//! sent and what came back.

use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use serde_json::Value;

use crate::xml;

mod errors;

pub use errors::CallError;
use errors::{json_error, quoted, snippet, transport, xml_error};

/// Where a backend is: its name (for messages), its URL and the region calls are signed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub name: String,
    /// `http(s)://host[:port][/path]`, without a trailing `/`.
    pub url: String,
    pub region: String,
}

/// Keys that sign a call: an administrator's, or credentials a backend vended (with their
/// session token). `Debug` never shows the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret: String,
    pub session_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret", &"(hidden)")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "(hidden)"),
            )
            .finish()
    }
}

/// How long a call may take: to connect, and in all (connect, send, answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub total: Duration,
}

impl Default for Timeouts {
    /// 5 s to connect, 15 s in all: far more than a local or regional endpoint takes, short
    /// enough that a backend that hangs is reported while the operator still waits.
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(5),
            total: Duration::from_secs(15),
        }
    }
}

/// The service a call goes to: its `X-Amz-Target` prefix (JSON) and SigV4 signing name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    CognitoIdentity,
    CognitoIdp,
    Sts,
}

impl Service {
    /// The SigV4 signing name, also how steps name the service.
    pub fn signing_name(self) -> &'static str {
        match self {
            Service::CognitoIdentity => "cognito-identity",
            Service::CognitoIdp => "cognito-idp",
            Service::Sts => "sts",
        }
    }

    fn target_prefix(self) -> &'static str {
        match self {
            Service::CognitoIdentity => "AWSCognitoIdentityService",
            Service::CognitoIdp => "AWSCognitoIdentityProviderService",
            Service::Sts => "",
        }
    }
}

/// One call as it went over the wire, in clear. `response_*` are empty when no answer came.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: String,
    pub elapsed: Duration,
}

/// The client: one reqwest connection pool and its timeouts.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::blocking::Client,
    timeouts: Timeouts,
}

/// An STS answer: the leaves of its XML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlAnswer {
    leaves: Vec<(String, String)>,
}

impl XmlAnswer {
    /// The text of the first element named `name` (local name, any depth).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.leaves
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Client {
    /// A client with `timeouts`. Fails only when the TLS backend cannot start.
    pub fn new(timeouts: Timeouts) -> Result<Client, String> {
        let http = reqwest::blocking::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.total)
            // A backend is named by the operator; a redirect elsewhere would carry signed
            // requests to a host nobody chose.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("poolhouse/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        Ok(Client { http, timeouts })
    }

    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// Calls `operation` of `service` with Cognito's JSON 1.1 protocol, signed with `creds`
    /// when given.
    pub fn json(
        &self,
        ep: &Endpoint,
        service: Service,
        operation: &str,
        body: &Value,
        creds: Option<&Credentials>,
    ) -> (Trace, Result<Value, CallError>) {
        let body = body.to_string();
        let headers = vec![
            (
                "content-type".to_string(),
                "application/x-amz-json-1.1".to_string(),
            ),
            (
                "x-amz-target".to_string(),
                format!("{}.{operation}", service.target_prefix()),
            ),
        ];
        let (trace, answer) = self.post(ep, service, headers, body, creds);
        let result = answer.and_then(|(status, headers, bytes)| {
            if (200..300).contains(&status) {
                // moto answers cognito-identity as text/html: the content type is not checked.
                serde_json::from_slice::<Value>(&bytes).map_err(|e| CallError::BadBody {
                    backend: ep.name.clone(),
                    status,
                    format: "JSON",
                    detail: format!("{e}{}", quoted(&snippet(&bytes))),
                })
            } else {
                Err(json_error(ep, status, &headers, &bytes))
            }
        });
        (trace, result)
    }

    /// Calls STS's `action` with the query protocol (`Action`, `Version`, then `params`),
    /// signed with `creds` when given; the answer's XML leaves.
    pub fn query(
        &self,
        ep: &Endpoint,
        action: &str,
        params: &[(&str, &str)],
        creds: Option<&Credentials>,
    ) -> (Trace, Result<XmlAnswer, CallError>) {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("Action", action);
        form.append_pair("Version", "2011-06-15");
        for (k, v) in params {
            form.append_pair(k, v);
        }
        let body = form.finish();
        let headers = vec![(
            "content-type".to_string(),
            "application/x-www-form-urlencoded; charset=utf-8".to_string(),
        )];
        let (trace, answer) = self.post(ep, Service::Sts, headers, body, creds);
        let result = answer.and_then(|(status, headers, bytes)| {
            if (200..300).contains(&status) {
                xml::leaves(&bytes)
                    .map(|leaves| XmlAnswer { leaves })
                    .map_err(|detail| CallError::BadBody {
                        backend: ep.name.clone(),
                        status,
                        format: "XML",
                        detail: format!("{detail}{}", quoted(&snippet(&bytes))),
                    })
            } else {
                Err(xml_error(ep, status, &headers, &bytes))
            }
        });
        (trace, result)
    }

    /// Sends one POST to the backend's URL, signed when `creds` are given.
    #[expect(
        clippy::type_complexity,
        reason = "the raw answer, taken apart by the caller"
    )]
    fn post(
        &self,
        ep: &Endpoint,
        service: Service,
        mut headers: Vec<(String, String)>,
        body: String,
        creds: Option<&Credentials>,
    ) -> (
        Trace,
        Result<(u16, Vec<(String, String)>, Vec<u8>), CallError>,
    ) {
        let url = format!("{}/", ep.url);
        let mut trace = Trace {
            method: "POST".into(),
            url: url.clone(),
            request_body: body.clone(),
            ..Trace::default()
        };
        if let Some(creds) = creds {
            match signature_headers(ep, service, &url, &headers, body.as_bytes(), creds) {
                Ok(added) => headers.extend(added),
                Err(detail) => {
                    trace.request_headers = headers;
                    return (
                        trace,
                        Err(CallError::Signing {
                            backend: ep.name.clone(),
                            detail,
                        }),
                    );
                }
            }
        }
        trace.request_headers = headers.clone();
        let mut request = self.http.post(&url).body(body);
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let started = Instant::now();
        let answer = request.send().and_then(|response| {
            let status = response.status().as_u16();
            let headers: Vec<(String, String)> = response
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            response.bytes().map(|b| (status, headers, b.to_vec()))
        });
        trace.elapsed = started.elapsed();
        match answer {
            Ok((status, headers, bytes)) => {
                trace.status = Some(status);
                trace.response_headers = headers.clone();
                trace.response_body = String::from_utf8_lossy(&bytes).into_owned();
                (trace, Ok((status, headers, bytes)))
            }
            Err(e) => (trace, Err(transport(ep, &url, &e, self.timeouts))),
        }
    }
}

/// The headers SigV4 adds (`x-amz-date`, `authorization`, `x-amz-security-token`), signing
/// `host`, `content-type` and, for JSON, `x-amz-target`, as botocore does.
fn signature_headers(
    ep: &Endpoint,
    service: Service,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    creds: &Credentials,
) -> Result<Vec<(String, String)>, String> {
    let parsed = url::Url::parse(url).map_err(|e| e.to_string())?;
    let host = match (parsed.host_str(), parsed.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => return Err(format!("{url} names no host")),
    };
    let mut signed: Vec<(&str, &str)> = vec![("host", host.as_str())];
    signed.extend(headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let identity = aws_credential_types::Credentials::new(
        creds.access_key_id.clone(),
        creds.secret.clone(),
        creds.session_token.clone(),
        None,
        "poolhouse-backend",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&ep.region)
        .name(service.signing_name())
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let request = SignableRequest::new("POST", url, signed.into_iter(), SignableBody::Bytes(body))
        .map_err(|e| e.to_string())?;
    let (instructions, _signature) = sign(request, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The backend the tests call: `b`, on a local port, signing for us-east-1.
    pub(super) fn ep() -> Endpoint {
        Endpoint {
            name: "b".into(),
            url: "http://127.0.0.1:5000".into(),
            region: "us-east-1".into(),
        }
    }

    #[test]
    fn signs_the_reference_vector_headers() {
        // The signer is aws-sigv4's; this checks what we hand it: host with the port,
        // content type and target, as botocore signs them.
        let creds = Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: Some("TOKEN".into()),
        };
        let added = signature_headers(
            &ep(),
            Service::Sts,
            "http://127.0.0.1:5000/",
            &[(
                "content-type".into(),
                "application/x-www-form-urlencoded; charset=utf-8".into(),
            )],
            b"Action=GetCallerIdentity&Version=2011-06-15",
            &creds,
        )
        .unwrap();
        let auth = &added.iter().find(|(n, _)| n == "authorization").unwrap().1;
        assert!(auth.contains("/us-east-1/sts/aws4_request"), "{auth}");
        assert!(
            auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token"),
            "{auth}"
        );
        assert!(
            added
                .iter()
                .any(|(n, v)| n == "x-amz-security-token" && v == "TOKEN")
        );
    }
}
