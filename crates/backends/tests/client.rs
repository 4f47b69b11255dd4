//! The client against testkit's HTTP fakes on 127.0.0.1: what goes over the wire (targets,
//! form bodies, SigV4 headers), how answers are read (JSON whatever its content type, STS XML),
//! and how each failure is named (AWS error shapes, HTML pages, bad bodies, a server that
//! never answers, a refused connection).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::time::{Duration, Instant};

use backends::client::Service;
use backends::exchange::{self, Flow, Source};
use backends::{CallError, Client, Credentials, Endpoint, Timeouts};
use serde_json::json;
use testkit::http::{HttpServer, Reply};

fn endpoint(url: String) -> Endpoint {
    Endpoint {
        name: "fake".into(),
        url,
        region: "eu-west-1".into(),
    }
}

fn client(total_ms: u64) -> Client {
    Client::new(Timeouts {
        connect: Duration::from_millis(total_ms.min(2000)),
        total: Duration::from_millis(total_ms),
    })
    .unwrap()
}

fn reply(status: u16, content_type: &str, body: &str) -> Reply {
    Reply {
        status,
        content_type: content_type.into(),
        body: body.into(),
    }
}

#[test]
fn a_json_call_carries_its_target_and_reads_json_sent_as_html() {
    let server = HttpServer::start(|_| {
        reply(
            200,
            "text/html; charset=utf-8",
            r#"{"IdentityId": "eu-west-1:abc"}"#,
        )
    });
    let ep = endpoint(server.url(""));
    let (trace, answer) = client(5000).json(
        &ep,
        Service::CognitoIdentity,
        "GetId",
        &json!({"IdentityPoolId": "eu-west-1:p"}),
        None,
    );
    assert_eq!(answer.unwrap()["IdentityId"], "eu-west-1:abc");
    let seen = &server.requests()[0];
    assert_eq!(seen.path, "/");
    assert_eq!(
        seen.header("x-amz-target"),
        Some("AWSCognitoIdentityService.GetId")
    );
    assert_eq!(
        seen.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    assert!(
        seen.header("authorization").is_none(),
        "GetId goes unsigned"
    );
    assert_eq!(trace.status, Some(200));
}

#[test]
fn a_signed_sts_call_is_a_form_with_sigv4_for_the_backends_region() {
    let server = HttpServer::start(|_| {
        reply(
            200,
            "text/xml",
            r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>AROA:s</UserId><Account>123456789012</Account><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>"#,
        )
    });
    let ep = endpoint(server.url(""));
    let creds = Credentials {
        access_key_id: "ASIAEXAMPLEEXAMPLE12".into(),
        secret: "secret-secret-secret".into(),
        session_token: Some("the-session-token".into()),
    };
    let (_, answer) = client(5000).query(&ep, "GetCallerIdentity", &[], Some(&creds));
    assert_eq!(answer.unwrap().get("Account"), Some("123456789012"));
    let seen = &server.requests()[0];
    assert_eq!(
        String::from_utf8(seen.body.clone()).unwrap(),
        "Action=GetCallerIdentity&Version=2011-06-15"
    );
    let auth = seen.header("authorization").unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEEXAMPLE12/")
            && auth.contains("/eu-west-1/sts/aws4_request"),
        "{auth}"
    );
    assert!(auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token"));
    assert_eq!(
        seen.header("x-amz-security-token"),
        Some("the-session-token")
    );
}

#[test]
fn aws_error_shapes_are_read_whatever_their_spelling() {
    let server = HttpServer::start(|r| {
        if r.header("x-amz-target").is_some() {
            reply(
                400,
                "application/x-amz-json-1.1",
                r#"{"__type": "com.amazonaws.cognito.identity.model#NotAuthorizedException", "Message": "Token is expired"}"#,
            )
        } else {
            reply(
                403,
                "text/xml",
                r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Couldn&apos;t verify</Message></Error><RequestId>1</RequestId></ErrorResponse>"#,
            )
        }
    });
    let ep = endpoint(server.url(""));
    let c = client(5000);
    let (_, json) = c.json(&ep, Service::CognitoIdentity, "GetId", &json!({}), None);
    let e = json.unwrap_err();
    assert_eq!(e.code(), "NotAuthorizedException");
    assert_eq!(e.to_string(), "NotAuthorizedException: Token is expired");
    let (_, xml) = c.query(&ep, "AssumeRoleWithWebIdentity", &[], None);
    let e = xml.unwrap_err();
    assert_eq!(e.code(), "InvalidIdentityToken");
    assert_eq!(e.to_string(), "InvalidIdentityToken: Couldn't verify");
}

#[test]
fn bodies_that_do_not_parse_are_named() {
    let server = HttpServer::start(|r| {
        if r.header("x-amz-target").is_some() {
            reply(200, "application/json", "{\"IdentityId\": ")
        } else {
            reply(
                200,
                "text/xml",
                "<GetCallerIdentityResponse><Account>1</Account>",
            )
        }
    });
    let ep = endpoint(server.url(""));
    let c = client(5000);
    let (_, json) = c.json(&ep, Service::CognitoIdentity, "GetId", &json!({}), None);
    let e = json.unwrap_err();
    assert_eq!(e.code(), "BadJson");
    assert!(
        e.to_string()
            .starts_with("backend 'fake': HTTP 200 with a body that is not JSON")
    );
    let (_, xml) = c.query(&ep, "GetCallerIdentity", &[], None);
    let e = xml.unwrap_err();
    assert_eq!(e.code(), "BadXml");
    assert!(
        e.to_string()
            .contains("ends inside <GetCallerIdentityResponse>"),
        "{e}"
    );
}

#[test]
fn a_server_that_never_answers_fails_within_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Accepts (the kernel's backlog does) and never reads or answers.
    let started = Instant::now();
    let (trace, answer) = client(700).json(
        &endpoint(url),
        Service::CognitoIdentity,
        "GetId",
        &json!({}),
        None,
    );
    let elapsed = started.elapsed();
    let e = answer.unwrap_err();
    assert!(matches!(e, CallError::Timeout { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "backend 'fake': {} took the request but did not answer within 700 ms",
            trace.url
        )
    );
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(trace.status, None);
    drop(listener);
}

#[test]
fn a_refused_connection_is_named() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (_, answer) = client(2000).json(
        &endpoint(format!("http://127.0.0.1:{port}")),
        Service::CognitoIdentity,
        "GetId",
        &json!({}),
        None,
    );
    let e = answer.unwrap_err();
    assert_eq!(e.code(), "ConnectionRefused", "{e:?}");
    assert!(e.to_string().contains("connection refused"), "{e}");
}

#[test]
fn the_enhanced_flow_stops_at_the_failed_step_and_keeps_what_came_before() {
    let server = HttpServer::start(|r| match r.header("x-amz-target") {
        Some("AWSCognitoIdentityService.GetId") => reply(
            200,
            "application/json",
            r#"{"IdentityId": "eu-west-1:id1"}"#,
        ),
        _ => reply(500, "text/html", "<html><title>boom</title></html>"),
    });
    let ep = endpoint(server.url(""));
    let out = exchange::run(
        &client(5000),
        &ep,
        None,
        &exchange::Request {
            identity_pool_id: "eu-west-1:p".into(),
            source: Source::Token {
                logins_key: "accounts.google.com".into(),
                token: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln".into(),
            },
            flow: Flow::Enhanced,
        },
    );
    assert_eq!(out.steps.len(), 2);
    assert_eq!(out.identity_id.as_deref(), Some("eu-west-1:id1"));
    let (step, e) = out.failure.unwrap();
    assert_eq!((step, e.code.as_str()), (1, "NotAnAwsAnswer"));
    assert!(out.credentials.is_none() && out.caller.is_none());
    // The pasted token is token #1, kept in clear for the inspector, shortened in the steps.
    assert_eq!(out.tokens.len(), 1);
    assert_eq!(out.tokens[0].name, "pasted");
    assert!(out.steps[0].trace.request_body.contains("token #1"));
    assert!(!out.steps[0].trace.request_body.contains("c2ln"));
}
