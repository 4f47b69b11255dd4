//! The endpoint over real HTTP: the server runs in-process on 127.0.0.1:0 and the tests speak
//! raw HTTP/1.1 over a `TcpStream`, so that what is checked is exactly what an AWS SDK sees on
//! the wire — status, `X-Amzn-ErrorType`, the `__type`/`message` body — for malformed bodies,
//! unknown targets, invalid parameters and the SigV4 checks of a workspace that requires them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use console_api::Actor;
use console_api::dto::{Empty, ListAuditEventsRequest, UpdateWorkspaceRequest};
use serde_json::{Value, json};
use testkit::TestConsole;
use testkit::http::{self, Response};

const IDP: &str = "AWSCognitoIdentityProviderService";
const AMZ_JSON: &str = "application/x-amz-json-1.1";

/// The endpoint on a free port over a fresh store on the system clock (signatures carry real
/// times). The server thread lives until the test binary exits (it stops on ctrl-c only).
struct Server {
    addr: SocketAddr,
    console: TestConsole,
    /// The console's launch secret, when the test chose it.
    secret: Option<String>,
}

/// The launch secret of the tests' servers: `call` sends it, as the console does.
const TEST_SECRET: &str = "test-console-secret-0123456789abcdef";

impl Server {
    fn start() -> Server {
        Server::start_with(endpoint::Options::default())
    }

    /// The endpoint with these options (limits, allowed hosts), and [`TEST_SECRET`] as its
    /// console secret.
    fn start_with(mut options: endpoint::Options) -> Server {
        options.console_secret = Some(TEST_SECRET.parse().unwrap());
        Server::start_exactly(options)
    }

    /// The endpoint with exactly these options (a random console secret when they set none).
    fn start_exactly(options: endpoint::Options) -> Server {
        let secret = options
            .console_secret
            .as_ref()
            .map(|s| s.as_str().to_string());
        let console = TestConsole::with_system_clock();
        let served = console.console().clone();
        let addr = common::serve(served, options);
        Server {
            addr,
            console,
            secret,
        }
    }

    fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Sends one request with exactly these headers (plus Host, Content-Length, Connection).
    fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        http::send(self.addr, method, path, headers, body)
    }

    /// POSTs an operation unsigned, as the console does (with its launch secret).
    fn call(&self, target: &str, body: &str) -> Response {
        let mut headers = vec![("Content-Type", AMZ_JSON), ("X-Amz-Target", target)];
        if let Some(secret) = &self.secret {
            headers.push(("X-Poolhouse-Console", secret));
        }
        self.send("POST", "/", &headers, body.as_bytes())
    }

    /// POSTs an operation the way an SDK does: unsigned, without the console's secret.
    fn call_as_sdk(&self, target: &str, body: &str, extra: &[(&str, &str)]) -> Response {
        let mut headers = vec![("Content-Type", AMZ_JSON), ("X-Amz-Target", target)];
        headers.extend_from_slice(extra);
        self.send("POST", "/", &headers, body.as_bytes())
    }

    fn idp(&self, op: &str, body: Value) -> Response {
        self.call(&format!("{IDP}.{op}"), &body.to_string())
    }

    /// POSTs an operation signed with SigV4 (as botocore signs: content-type, host,
    /// x-amz-date, x-amz-target), at `time`.
    fn signed_at(
        &self,
        target: &str,
        body: &str,
        key: &str,
        secret: &str,
        time: SystemTime,
    ) -> Response {
        let host = self.host();
        let base = [
            ("content-type", AMZ_JSON),
            ("host", host.as_str()),
            ("x-amz-target", target),
        ];
        let extra = sigv4_headers(&base, body.as_bytes(), key, secret, time);
        let mut headers: Vec<(&str, &str)> = base.to_vec();
        headers.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        self.send("POST", "/", &headers, body.as_bytes())
    }

    fn signed(&self, target: &str, body: &str, key: &str, secret: &str) -> Response {
        self.signed_at(target, body, key, secret, SystemTime::now())
    }
}

/// The headers SigV4 adds (`x-amz-date`, `authorization`) for a cognito-idp request.
fn sigv4_headers(
    headers: &[(&str, &str)],
    body: &[u8],
    key: &str,
    secret: &str,
    time: SystemTime,
) -> Vec<(String, String)> {
    let identity = Credentials::new(key, secret, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("cognito-idp")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let request = SignableRequest::new(
        "POST",
        "/",
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (instructions, _) = sign(request, &params).unwrap().into_parts();
    instructions
        .headers()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// What a Cognito-shaped error looks like on the wire.
trait CognitoError {
    /// The error code: the body's `__type`.
    fn code(&self) -> String;

    /// Asserts a Cognito-shaped client error with `code`: HTTP 400, `X-Amzn-ErrorType` and
    /// `__type` both naming it, a human message.
    fn assert_error(&self, code: &str, why: &str);
}

impl CognitoError for Response {
    fn code(&self) -> String {
        self.json()["__type"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn assert_error(&self, code: &str, why: &str) {
        assert_eq!(
            self.status, 400,
            "{why}: client errors are HTTP 400 in Cognito's JSON protocol; got {self:?}"
        );
        assert_eq!(self.code(), code, "{why}: __type; got {self:?}");
        assert_eq!(
            self.header("x-amzn-errortype"),
            Some(code),
            "{why}: SDKs read the code from X-Amzn-ErrorType too; got {self:?}"
        );
        assert!(
            self.json()["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{why}: the body carries a message; got {self:?}"
        );
        assert_eq!(
            self.header("content-type"),
            Some(AMZ_JSON),
            "{why}: errors are JSON 1.1 bodies"
        );
    }
}

fn create_pool(server: &Server) -> String {
    let r = server.idp("CreateUserPool", json!({"PoolName": "demo"}));
    assert_eq!(r.status, 200, "{r:?}");
    r.json()["UserPool"]["Id"].as_str().unwrap().to_string()
}

/// A client of `pool` for password sign-ins (and `extra` settings), and the user ann with the
/// password `Passw0rd!`; answers the client id.
fn password_client_and_ann(server: &Server, pool: &str, extra: Value) -> String {
    let mut request = json!({"UserPoolId": pool, "ClientName": "app",
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]});
    for (k, v) in extra.as_object().unwrap() {
        request[k] = v.clone();
    }
    let client = server.idp("CreateUserPoolClient", request).json()["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_string();
    server.idp(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "ann", "MessageAction": "SUPPRESS"}),
    );
    server.idp(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "ann", "Password": "Passw0rd!", "Permanent": true}),
    );
    client
}

// ----- the protocol ---------------------------------------------------------------------

#[test]
fn a_well_formed_call_answers_200_with_a_json_body() {
    let server = Server::start();
    let r = server.idp("CreateUserPool", json!({"PoolName": "demo"}));
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        r.header("content-type"),
        Some(AMZ_JSON),
        "JSON 1.1 answers carry the protocol's content type"
    );
    assert!(
        r.header("x-amzn-errortype").is_none(),
        "a success carries no error type"
    );
    let id = r.json()["UserPool"]["Id"].as_str().unwrap().to_string();
    let r = server.idp("DescribeUserPool", json!({"UserPoolId": id}));
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["UserPool"]["Name"], "demo");
}

#[test]
fn an_operation_that_answers_nothing_answers_an_empty_object() {
    let server = Server::start();
    let pool = create_pool(&server);
    let r = server.idp(
        "UpdateUserPool",
        json!({"UserPoolId": pool, "MfaConfiguration": "OFF"}),
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        r.json(),
        json!({}),
        "botocore parses an empty structure from {{}}"
    );
}

#[test]
fn an_empty_body_is_an_empty_request() {
    // botocore sends `{}` for operations without members; an empty body means the same.
    let server = Server::start();
    let r = server.call("Poolhouse.DescribeWorkspace", "");
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["Workspace"]["RequireSignature"], false);
}

#[test]
fn malformed_json_is_a_serialization_exception() {
    let server = Server::start();
    for body in [
        "{bad",
        "{\"PoolName\": ",
        "not json at all",
        "{\"PoolName\":\"x\",}",
    ] {
        let r = server.call(&format!("{IDP}.CreateUserPool"), body);
        r.assert_error(
            "SerializationException",
            &format!("a body that is not JSON ({body:?})"),
        );
    }
}

#[test]
fn a_body_that_is_not_an_object_is_a_serialization_exception() {
    let server = Server::start();
    for body in ["5", "\"x\"", "null", "[]"] {
        let r = server.call(&format!("{IDP}.ListUserPools"), body);
        r.assert_error(
            "SerializationException",
            &format!("a request is a JSON object ({body:?})"),
        );
    }
}

#[test]
fn a_body_that_is_not_utf8_is_a_serialization_exception() {
    let server = Server::start();
    let r = server.send(
        "POST",
        "/",
        &[
            ("Content-Type", AMZ_JSON),
            (
                "X-Amz-Target",
                "AWSCognitoIdentityProviderService.ListUserPools",
            ),
        ],
        b"{\"MaxResults\": \"\xff\xfe\"}",
    );
    r.assert_error("SerializationException", "invalid UTF-8 in a string");
}

#[test]
fn an_unknown_target_is_an_unknown_operation() {
    let server = Server::start();
    for target in [
        format!("{IDP}.FrobnicateUser"),
        format!("{IDP}.listusers"),
        "AWSCognitoIdentityProviderService".to_string(),
        ".ListUsers".to_string(),
        "SomeOtherService.ListUsers".to_string(),
        String::new(),
    ] {
        let r = server.call(&target, "{}");
        r.assert_error(
            "UnknownOperationException",
            &format!("target {target:?} names no operation"),
        );
    }
}

#[test]
fn a_missing_target_is_an_unknown_operation() {
    let server = Server::start();
    let r = server.send("POST", "/", &[("Content-Type", AMZ_JSON)], b"{}");
    r.assert_error("UnknownOperationException", "no X-Amz-Target header");
}

#[test]
fn an_operation_answers_only_under_its_own_prefix() {
    let server = Server::start();
    let r = server.call(&format!("{IDP}.SearchUsers"), "{}");
    r.assert_error(
        "UnknownOperationException",
        "Poolhouse's own operations are not Cognito's: an SDK must not reach them as cognito-idp",
    );
    let r = server.call(&format!("{IDP}.CreateAccessKey"), "{}");
    r.assert_error(
        "UnknownOperationException",
        "CreateAccessKey is Poolhouse's, not Cognito's",
    );
    let r = server.call("Poolhouse.ListUsers", "{}");
    r.assert_error(
        "UnknownOperationException",
        "Cognito's operations answer only under AWSCognitoIdentityProviderService",
    );
}

#[test]
fn an_invalid_parameter_names_the_member_at_fault() {
    let server = Server::start();
    let r = server.idp(
        "CreateUserPool",
        json!({"PoolName": "x", "Policies": {"PasswordPolicy": {"MinimumLength": 3}}}),
    );
    r.assert_error("InvalidParameterException", "MinimumLength is 6..99");
    assert_eq!(
        r.json()["field"],
        "Policies.PasswordPolicy.MinimumLength",
        "the UI highlights the member named by `field`"
    );

    let r = server.idp("CreateUserPool", json!({}));
    r.assert_error("InvalidParameterException", "PoolName is required");
    assert_eq!(r.json()["field"], "PoolName");

    let r = server.idp("ListUserPools", json!({"MaxResults": "ten"}));
    r.assert_error("InvalidParameterException", "a member of the wrong type");
    assert_eq!(r.json()["field"], "MaxResults");

    let r = server.idp(
        "CreateUserPool",
        json!({"PoolName": "x", "MfaConfiguration": "SOMETIMES"}),
    );
    r.assert_error(
        "InvalidParameterException",
        "an enum value Cognito does not have",
    );
    assert_eq!(
        r.json()["field"],
        "MfaConfiguration",
        "a flattened setting is still named"
    );

    let pool = create_pool(&server);
    let r = server.idp("ListUsers", json!({"UserPoolId": pool, "Limit": 61}));
    r.assert_error("InvalidParameterException", "ListUsers' Limit is 0..60");
    assert_eq!(r.json()["field"], "Limit");

    let r = server.idp(
        "ListUsers",
        json!({"UserPoolId": pool, "Filter": "email ~ \"a\""}),
    );
    r.assert_error("InvalidParameterException", "a filter that does not parse");
    assert_eq!(r.json()["field"], "Filter");

    let r = server.idp(
        "ListUsers",
        json!({"UserPoolId": pool, "PaginationToken": "not-a-token"}),
    );
    r.assert_error(
        "InvalidParameterException",
        "a token this listing did not issue",
    );
}

#[test]
fn unknown_resources_are_resource_not_found() {
    let server = Server::start();
    let r = server.idp(
        "DescribeUserPool",
        json!({"UserPoolId": "us-east-1_AAAAAAAAA"}),
    );
    r.assert_error("ResourceNotFoundException", "a pool that does not exist");
    let pool = create_pool(&server);
    let r = server.idp(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "ghost"}),
    );
    r.assert_error("UserNotFoundException", "a user that does not exist");
}

#[test]
fn client_errors_are_never_500() {
    let server = Server::start();
    let pool = create_pool(&server);
    let cases: Vec<(String, Vec<u8>)> = vec![
        (format!("{IDP}.ListUsers"), b"{".to_vec()),
        (format!("{IDP}.ListUsers"), b"{}".to_vec()),
        (format!("{IDP}.ListUsers"), br#"{"UserPoolId": 5}"#.to_vec()),
        (format!("{IDP}.ListUsers"), br#"{"UserPoolId": "nope"}"#.to_vec()),
        (
            format!("{IDP}.ListUsers"),
            format!(r#"{{"UserPoolId": "{pool}", "Limit": -1}}"#).into_bytes(),
        ),
        (
            format!("{IDP}.ListUsers"),
            format!(r#"{{"UserPoolId": "{pool}", "Limit": 99999999999}}"#).into_bytes(),
        ),
        (
            format!("{IDP}.ListUsers"),
            format!(r#"{{"UserPoolId": "{pool}", "Filter": "{}"}}"#, "x".repeat(300))
                .into_bytes(),
        ),
        (
            format!("{IDP}.ListUsers"),
            format!(r#"{{"UserPoolId": "{pool}", "AttributesToGet": ["nope"]}}"#).into_bytes(),
        ),
        (
            format!("{IDP}.AdminCreateUser"),
            format!(r#"{{"UserPoolId": "{pool}", "Username": ""}}"#).into_bytes(),
        ),
        (
            format!("{IDP}.AdminCreateUser"),
            format!(
                r#"{{"UserPoolId": "{pool}", "Username": "u", "UserAttributes": [{{"Name": "custom:none", "Value": "1"}}]}}"#
            )
            .into_bytes(),
        ),
        (
            format!("{IDP}.AdminCreateUser"),
            format!(r#"{{"UserPoolId": "{pool}", "Username": "u", "TemporaryPassword": "a"}}"#)
                .into_bytes(),
        ),
        (
            format!("{IDP}.AdminSetUserPassword"),
            format!(r#"{{"UserPoolId": "{pool}", "Username": "ghost", "Password": "Aa1!aaaa"}}"#)
                .into_bytes(),
        ),
        (
            format!("{IDP}.CreateGroup"),
            format!(r#"{{"UserPoolId": "{pool}", "GroupName": "g", "Precedence": -1}}"#)
                .into_bytes(),
        ),
        (format!("{IDP}.DeleteUserPool"), br#"{"UserPoolId": "us-east-1_AAAAAAAAA"}"#.to_vec()),
        ("Poolhouse.UpdateWorkspace".into(), br#"{"Region": "Not A Region"}"#.to_vec()),
        ("Poolhouse.UpdateWorkspace".into(), br#"{"RequireSignature": true}"#.to_vec()),
        ("Poolhouse.GenerateUsers".into(), format!(r#"{{"UserPoolId": "{pool}", "Count": 0}}"#).into_bytes()),
        ("Poolhouse.SearchUsers".into(), format!(r#"{{"UserPoolId": "{pool}", "Limit": 0}}"#).into_bytes()),
        ("Poolhouse.ListAuditEvents".into(), br#"{"NextToken": "zzz"}"#.to_vec()),
    ];
    for (target, body) in cases {
        let r = server.send(
            "POST",
            "/",
            &[
                ("Content-Type", AMZ_JSON),
                ("X-Amz-Target", &target),
                ("X-Poolhouse-Console", TEST_SECRET),
            ],
            &body,
        );
        let shown = String::from_utf8_lossy(&body);
        assert!(
            (400..500).contains(&r.status),
            "{target} {shown}: a caller's mistake is a 4xx, never a 500; got {r:?}"
        );
        assert_eq!(
            r.header("x-amzn-errortype").map(str::to_string),
            Some(r.code()),
            "{target} {shown}: X-Amzn-ErrorType names the same code as __type"
        );
    }
    // A malformed Authorization header is the caller's mistake too.
    let r = server.send(
        "POST",
        "/",
        &[
            ("Content-Type", AMZ_JSON),
            (
                "X-Amz-Target",
                "AWSCognitoIdentityProviderService.ListUserPools",
            ),
            ("Authorization", "AWS4-HMAC-SHA256 garbage"),
        ],
        br#"{"MaxResults": 5}"#,
    );
    r.assert_error(
        "InvalidSignatureException",
        "an Authorization header that does not parse",
    );
}

#[test]
fn health_and_the_root_page_answer_get() {
    let server = Server::start();
    let r = server.send("GET", "/health", &[], b"");
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, "ok"),
        "a readiness probe"
    );
    let r = server.send("GET", "/", &[], b"");
    assert_eq!(r.status, 200, "GET / explains what the endpoint is: {r:?}");
}

// ----- SigV4 ------------------------------------------------------------------------------

#[test]
fn any_signature_is_accepted_while_the_workspace_does_not_require_one() {
    // boto3 always signs admin calls, usually with dummy credentials when pointed at a local
    // endpoint; those must work until the workspace asks for real ones.
    let server = Server::start();
    let r = server.signed(
        &format!("{IDP}.CreateUserPool"),
        r#"{"PoolName":"signed"}"#,
        "AKIDEXAMPLE",
        "secret",
    );
    assert_eq!(r.status, 200, "{r:?}");
    let events = server
        .console
        .list_audit_events(
            &Actor::console(),
            ListAuditEventsRequest {
                user_pool_id: None,
                operation: Some("CreateUserPool".into()),
                target: None,
                search: None,
                outcome: None,
                limit: Some(1),
                next_token: None,
            },
        )
        .unwrap();
    assert_eq!(
        events.events[0].actor, "endpoint:AKIDEXAMPLE",
        "the audit log names the access key a call was signed with"
    );
}

#[test]
fn require_signature_cannot_be_turned_on_without_an_access_key() {
    let server = Server::start();
    let r = server.call("Poolhouse.UpdateWorkspace", r#"{"RequireSignature":true}"#);
    r.assert_error(
        "InvalidParameterException",
        "with no access key, no client could ever sign again",
    );
    assert_eq!(r.json()["field"], "RequireSignature");
    let r = server.call(&format!("{IDP}.ListUserPools"), r#"{"MaxResults":5}"#);
    assert_eq!(r.status, 200, "the workspace still takes unsigned calls");
}

/// A server whose workspace requires signatures, and its access key.
fn locked_server() -> (Server, String, String) {
    let server = Server::start();
    let r = server.call("Poolhouse.CreateAccessKey", "{}");
    assert_eq!(r.status, 200, "{r:?}");
    let key = r.json()["AccessKeyId"].as_str().unwrap().to_string();
    let secret = r.json()["SecretAccessKey"].as_str().unwrap().to_string();
    assert!(
        key.starts_with("AKIA") && key.len() == 20,
        "AWS-style key id: {key}"
    );
    assert_eq!(secret.len(), 40, "AWS-style secret");
    let r = server.call("Poolhouse.UpdateWorkspace", r#"{"RequireSignature":true}"#);
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["Workspace"]["RequireSignature"], true);
    (server, key, secret)
}

#[test]
fn an_unsigned_call_to_a_locked_workspace_is_missing_authentication() {
    let (server, _, _) = locked_server();
    let r = server.call(&format!("{IDP}.ListUserPools"), r#"{"MaxResults":5}"#);
    r.assert_error(
        "MissingAuthenticationTokenException",
        "the workspace requires SigV4 and the call is unsigned",
    );
    let r = server.call("Poolhouse.UpdateWorkspace", r#"{"RequireSignature":false}"#);
    r.assert_error(
        "MissingAuthenticationTokenException",
        "an unsigned caller cannot unlock the workspace either",
    );
    // `console` operations are held to the admin rule: no test token signed with a pool's key
    // for an unsigned caller.
    let r = server.call(
        "Poolhouse.EncodeTestToken",
        r#"{"Claims":{"sub":"x"},"UserPoolId":"us-east-1_abcdefghi"}"#,
    );
    r.assert_error(
        "MissingAuthenticationTokenException",
        "minting test tokens is a console operation, signed when the workspace requires it",
    );
    assert_eq!(
        server.console.signature_policy(None).unwrap().0,
        console_api::Signatures::Required,
        "still locked"
    );
}

#[test]
fn a_call_signed_with_the_wrong_secret_is_an_invalid_signature() {
    let (server, key, secret) = locked_server();
    // The last character changed (to one it is not: secrets end in `x` one time in 64).
    let last = if secret.ends_with('x') { 'y' } else { 'x' };
    let wrong = format!("{}{last}", &secret[..39]);
    assert_ne!(wrong, secret);
    let r = server.signed(
        &format!("{IDP}.ListUserPools"),
        r#"{"MaxResults":5}"#,
        &key,
        &wrong,
    );
    r.assert_error("InvalidSignatureException", "the signature does not verify");
}

#[test]
fn a_call_signed_with_an_unknown_key_is_an_unrecognized_client() {
    let (server, _, secret) = locked_server();
    let r = server.signed(
        &format!("{IDP}.ListUserPools"),
        r#"{"MaxResults":5}"#,
        "AKIAAAAAAAAAAAAAAAAA",
        &secret,
    );
    r.assert_error(
        "UnrecognizedClientException",
        "the workspace holds no such key",
    );
}

#[test]
fn a_correctly_signed_call_to_a_locked_workspace_succeeds() {
    let (server, key, secret) = locked_server();
    let r = server.signed(
        &format!("{IDP}.CreateUserPool"),
        r#"{"PoolName":"locked"}"#,
        &key,
        &secret,
    );
    assert_eq!(r.status, 200, "a good signature opens the door: {r:?}");
    let pool = r.json()["UserPool"]["Id"].as_str().unwrap().to_string();
    let r = server.signed(
        &format!("{IDP}.DescribeUserPool"),
        &format!(r#"{{"UserPoolId":"{pool}"}}"#),
        &key,
        &secret,
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["UserPool"]["Name"], "locked");
    // A signed call can unlock the workspace again.
    let r = server.signed(
        "Poolhouse.UpdateWorkspace",
        r#"{"RequireSignature":false}"#,
        &key,
        &secret,
    );
    assert_eq!(r.status, 200, "{r:?}");
    let r = server.call(&format!("{IDP}.ListUserPools"), r#"{"MaxResults":5}"#);
    assert_eq!(r.status, 200, "unsigned calls work again: {r:?}");
}

#[test]
fn a_body_changed_after_signing_is_an_invalid_signature() {
    let (server, key, secret) = locked_server();
    let host = server.host();
    let target = format!("{IDP}.CreateUserPool");
    let base = [
        ("content-type", AMZ_JSON),
        ("host", host.as_str()),
        ("x-amz-target", target.as_str()),
    ];
    let extra = sigv4_headers(
        &base,
        br#"{"PoolName":"a"}"#,
        &key,
        &secret,
        SystemTime::now(),
    );
    let mut headers: Vec<(&str, &str)> = base.to_vec();
    headers.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = server.send("POST", "/", &headers, br#"{"PoolName":"b"}"#);
    r.assert_error(
        "InvalidSignatureException",
        "the payload hash is part of the signature",
    );
    // So is the target: a signature for one operation does not authorise another.
    headers[2] = (
        "x-amz-target",
        "AWSCognitoIdentityProviderService.DeleteUserPool",
    );
    let r = server.send("POST", "/", &headers, br#"{"PoolName":"a"}"#);
    r.assert_error("InvalidSignatureException", "x-amz-target is signed");
}

#[test]
fn a_signature_too_far_from_now_is_refused() {
    let (server, key, secret) = locked_server();
    let old = SystemTime::now() - Duration::from_secs(20 * 60);
    let r = server.signed_at(
        &format!("{IDP}.ListUserPools"),
        r#"{"MaxResults":5}"#,
        &key,
        &secret,
        old,
    );
    r.assert_error(
        "InvalidSignatureException",
        "a signature 20 minutes old could be a replay (AWS allows 15 minutes of skew)",
    );
    let recent = SystemTime::now() - Duration::from_secs(60);
    let r = server.signed_at(
        &format!("{IDP}.ListUserPools"),
        r#"{"MaxResults":5}"#,
        &key,
        &secret,
        recent,
    );
    assert_eq!(r.status, 200, "a minute of clock skew is fine: {r:?}");
}

// ----- bugs found while writing these tests, now fixed -------------------------------------

/// The body is one JSON value and nothing after it: `{"MaxResults":5} trailing` is a
/// SerializationException, as Cognito answers.
#[test]
fn trailing_bytes_after_the_json_body_are_a_serialization_exception() {
    let server = Server::start();
    let r = server.call(
        &format!("{IDP}.ListUserPools"),
        r#"{"MaxResults":5} trailing"#,
    );
    r.assert_error(
        "SerializationException",
        "the body is one JSON value and nothing else",
    );
    let r = server.call(
        &format!("{IDP}.ListUserPools"),
        r#"{"MaxResults":5}{"MaxResults":6}"#,
    );
    r.assert_error(
        "SerializationException",
        "two JSON values are not one request",
    );
}

/// A request is a JSON object: serde would take `[5, null]` as `{"MaxResults": 5}` (members by
/// position), Cognito refuses it.
#[test]
fn an_array_is_not_a_request_structure() {
    let server = Server::start();
    let r = server.call(&format!("{IDP}.ListUserPools"), "[5, null]");
    r.assert_error(
        "SerializationException",
        "a request is a JSON object, not an array",
    );
}

/// A body over the 1 MiB limit is refused in Cognito's error shape (`X-Amzn-ErrorType` and
/// `__type`), not with axum's own text/plain 413 that SDKs cannot parse.
#[test]
fn an_oversized_body_is_refused_in_cognitos_error_shape() {
    let server = Server::start();
    let body = format!(r#"{{"PoolName":"{}"}}"#, "x".repeat(1_100_000));
    let r = server.call(&format!("{IDP}.CreateUserPool"), &body);
    assert!((400..500).contains(&r.status), "{:?}", r.status);
    assert!(
        r.header("x-amzn-errortype").is_some(),
        "every error carries X-Amzn-ErrorType; got {:?} {:?}",
        r.headers,
        r.body
    );
    assert!(!r.code().is_empty(), "and a __type: {:?}", r.body);
}

/// The endpoint sees workspace settings another process on the same store changes (the CLI's
/// `update-workspace --require-signature`), not a copy cached at open.
#[test]
fn require_signature_set_by_another_console_on_the_store_is_enforced() {
    let server = Server::start();
    let other = server.console.open_again();
    other.create_access_key(&Actor::cli(), Empty {}).unwrap();
    other
        .update_workspace(
            &Actor::cli(),
            UpdateWorkspaceRequest {
                region: None,
                require_signature: Some(true),
                issuer_base_url: None,
                breached_passwords_file: None,
                smtp_server: None,
                smtp_from: None,
                smtp_security: None,
                smtp_username: None,
                smtp_password: None,
            },
        )
        .unwrap();
    let r = server.call(&format!("{IDP}.ListUserPools"), r#"{"MaxResults":5}"#);
    r.assert_error(
        "MissingAuthenticationTokenException",
        "the store says signatures are required; the running endpoint must agree",
    );
}

/// `create_access_key` adds to the key list in the store, so a key another process created
/// meanwhile is kept, not overwritten by a cached list.
#[test]
fn access_keys_created_by_two_consoles_are_both_kept() {
    let server = Server::start();
    let other = server.console.open_again();
    let first = other.create_access_key(&Actor::cli(), Empty {}).unwrap();
    let r = server.call("Poolhouse.CreateAccessKey", "{}");
    assert_eq!(r.status, 200);
    let second = r.json()["AccessKeyId"].as_str().unwrap().to_string();
    let fresh = server.console.open_again();
    let ids = fresh
        .describe_workspace(&Actor::cli(), Empty {})
        .unwrap()
        .workspace
        .access_key_ids;
    assert!(
        ids.contains(&first.access_key_id) && ids.contains(&second),
        "both keys are in the store; got {ids:?}"
    );
}

/// A signature must cover `X-Amz-Target` (and host): otherwise a captured DescribeUserPool
/// signature over host and x-amz-date only would replay as DeleteUserPool with the same body
/// for 15 minutes. SDKs always sign x-amz-target.
#[test]
fn a_signature_must_cover_the_target() {
    let (server, key, secret) = locked_server();
    let r = server.signed(
        &format!("{IDP}.CreateUserPool"),
        r#"{"PoolName":"victim"}"#,
        &key,
        &secret,
    );
    assert_eq!(r.status, 200, "{r:?}");
    let pool = r.json()["UserPool"]["Id"].as_str().unwrap().to_string();
    let body = format!(r#"{{"UserPoolId":"{pool}"}}"#);
    let host = server.host();
    // Signed over host (and x-amz-date) only, as for a harmless DescribeUserPool...
    let extra = sigv4_headers(
        &[("host", host.as_str())],
        body.as_bytes(),
        &key,
        &secret,
        SystemTime::now(),
    );
    let auth = &extra.iter().find(|(k, _)| k == "authorization").unwrap().1;
    assert!(auth.contains("SignedHeaders=host;x-amz-date,"), "{auth}");
    // ...and sent as DeleteUserPool.
    let mut headers = vec![
        ("Content-Type", AMZ_JSON),
        (
            "X-Amz-Target",
            "AWSCognitoIdentityProviderService.DeleteUserPool",
        ),
    ];
    headers.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = server.send("POST", "/", &headers, body.as_bytes());
    let r2 = server.signed(&format!("{IDP}.DescribeUserPool"), &body, &key, &secret);
    assert_eq!(
        (r.status, r2.status),
        (400, 200),
        "a signature that does not cover the operation must not authorise it; got {r:?}"
    );
}

/// The credential scope must name the day of X-Amz-Date and end in `aws4_request`, and the
/// algorithm must be exactly SigV4's. The signature is recomputed from X-Amz-Date, so the
/// scope was never read and any text passed; and text glued to the algorithm's name was read
/// as an unknown first part (both found by the generated signed requests in tests/fuzz.rs).
#[test]
fn a_credential_scope_must_name_the_request_day_and_aws4_request_after_the_algorithm() {
    let (server, key, secret) = locked_server();
    let target = format!("{IDP}.ListUserPools");
    let body = r#"{"MaxResults":5}"#;
    let host = server.host();
    let base = [
        ("content-type", AMZ_JSON),
        ("host", host.as_str()),
        ("x-amz-target", target.as_str()),
    ];
    let signed = sigv4_headers(&base, body.as_bytes(), &key, &secret, SystemTime::now());
    let send = |edit: &dyn Fn(&str) -> String| {
        let mut headers: Vec<(String, String)> = base
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        for (k, v) in &signed {
            let v = if k == "authorization" {
                edit(v)
            } else {
                v.clone()
            };
            headers.push((k.clone(), v));
        }
        let pairs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        server.send("POST", "/", &pairs, body.as_bytes())
    };
    assert_eq!(
        send(&|v| v.to_string()).status,
        200,
        "the request as signed"
    );
    send(&|v| v.replace("/aws4_request,", "/aws4_reques ,")).assert_error(
        "InvalidSignatureException",
        "a scope that does not end in aws4_request",
    );
    send(&|v| v.replace("/cognito-idp/aws4_request,", "/cognito-idp,")).assert_error(
        "InvalidSignatureException",
        "a scope without its terminator",
    );
    send(&|v| v.replace("AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256X=1, ")).assert_error(
        "InvalidSignatureException",
        "an algorithm whose name only starts like SigV4's",
    );
    send(&|v| {
        let (head, rest) = v.split_once("Credential=").unwrap();
        let (key_id, scope) = rest.split_once('/').unwrap();
        format!("{head}Credential={key_id}/19990101{}", &scope[8..])
    })
    .assert_error(
        "InvalidSignatureException",
        "a scope naming another day than X-Amz-Date",
    );
}

/// An Authorization header whose SignedHeaders leave out `host` is refused with an answer;
/// signing the bare URI `/` once made aws-sigv4 panic and the client got no response at all.
#[test]
fn a_signature_without_host_is_refused_not_a_crash() {
    let (server, key, _) = locked_server();
    let now = time_now_amz();
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={key}/{}/us-east-1/cognito-idp/aws4_request, \
         SignedHeaders=content-type;x-amz-date;x-amz-target, Signature={}",
        &now[..8],
        "0".repeat(64)
    );
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let body = r#"{"MaxResults":5}"#;
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: {AMZ_JSON}\r\n\
         X-Amz-Target: {IDP}.ListUserPools\r\nX-Amz-Date: {now}\r\nAuthorization: {auth}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.host(),
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    assert!(
        !raw.is_empty(),
        "the endpoint answers (an InvalidSignatureException), it does not drop the connection"
    );
    Response::parse(&raw).assert_error("InvalidSignatureException", "host must be signed");
}

/// `X-Amz-Date` for now.
fn time_now_amz() -> String {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::now_utc().format(&format).unwrap()
}

/// Sign-in works for an SDK that sends public operations unsigned, even when the workspace
/// requires signatures for admin operations; the pool's keys are served at the well-known URLs.
#[test]
fn public_operations_pass_unsigned_and_the_keys_are_well_known() {
    let server = Server::start();
    let pool = server
        .idp("CreateUserPool", json!({"PoolName": "web"}))
        .json()["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let client = password_client_and_ann(&server, &pool, json!({}));
    server
        .console
        .create_access_key(&Actor::cli(), Empty {})
        .unwrap();
    let r = server.call("Poolhouse.UpdateWorkspace", r#"{"RequireSignature":true}"#);
    assert_eq!(r.status, 200, "{}", r.body);

    // Admin operations now need a signature; sign-in does not.
    server
        .idp("ListUserPools", json!({"MaxResults": 1}))
        .assert_error(
            "MissingAuthenticationTokenException",
            "admin calls are signed",
        );
    let r = server.idp(
        "InitiateAuth",
        json!({"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "ann", "PASSWORD": "Passw0rd!"}}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let access = r.json()["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let me = server.idp("GetUser", json!({"AccessToken": access}));
    assert_eq!(me.json()["Username"], "ann");
    server
        .idp(
            "InitiateAuth",
            json!({"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "ann", "PASSWORD": "wrong"}}),
        )
        .assert_error("NotAuthorizedException", "a wrong password");

    let jwks = server.send("GET", &format!("/{pool}/.well-known/jwks.json"), &[], b"");
    assert_eq!(jwks.status, 200, "{}", jwks.body);
    let keys = jwks.json()["keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 2);
    assert!(
        keys.iter()
            .all(|k| k["kty"] == "RSA" && k["alg"] == "RS256")
    );
    let verifier = tokens::Verifier::from_jwks(&jwks.json()).unwrap();
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(verifier.verify(&access, now, 5).is_ok());

    let conf = server.send(
        "GET",
        &format!("/{pool}/.well-known/openid-configuration"),
        &[],
        b"",
    );
    assert_eq!(conf.status, 200);
    assert_eq!(
        conf.json()["jwks_uri"],
        json!(format!(
            "http://{}/{pool}/.well-known/jwks.json",
            server.host()
        ))
    );
    assert_eq!(
        conf.json()["issuer"],
        json!(format!(
            "https://cognito-idp.us-east-1.amazonaws.com/{pool}"
        ))
    );
    let missing = server.send("GET", "/us-east-1_nothere/.well-known/jwks.json", &[], b"");
    assert_eq!(missing.status, 404);
}

#[test]
fn hostile_bodies_are_answered_by_name_in_one_pass() {
    let server = Server::start();
    // Thousands of members the operation does not know, one of the wrong type: naming it once
    // re-read the body per member (8,000 members, 33 s of CPU); now it is one parse.
    let mut body = serde_json::Map::new();
    body.insert("PoolName".into(), json!("p"));
    for i in 0..20_000 {
        body.insert(format!("Unknown{i}"), json!(i));
    }
    body.insert("MfaConfiguration".into(), json!(5));
    let r = server.idp("CreateUserPool", Value::Object(body));
    r.assert_error("InvalidParameterException", "a member of the wrong type");
    assert_eq!(r.json()["field"], "MfaConfiguration");

    // A control character in an attribute value is refused with the attribute's name.
    let pool = create_pool(&server);
    let r = server.idp(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "ann", "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": "a\u{0}@x.com"}]}),
    );
    r.assert_error("InvalidParameterException", "a NUL in an email");
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("email: must not contain control characters"),
        "{:?}",
        r.json()
    );

    // A pagination token edited into another position is refused.
    for name in ["ann", "bob", "cat"] {
        let r = server.idp(
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": name, "MessageAction": "SUPPRESS"}),
        );
        assert_eq!(r.status, 200, "{:?}", r.json());
    }
    let page = server.idp("ListUsers", json!({"UserPoolId": pool, "Limit": 1}));
    let token = page.json()["PaginationToken"].as_str().unwrap().to_string();
    let mut bytes = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&token)
            .unwrap()
    };
    let at = bytes.windows(3).position(|w| w == b"ann").unwrap();
    bytes[at..at + 3].copy_from_slice(b"bob");
    let edited = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    };
    let r = server.idp(
        "ListUsers",
        json!({"UserPoolId": pool, "Limit": 1, "PaginationToken": edited}),
    );
    r.assert_error("InvalidParameterException", "an edited pagination token");
    assert_eq!(r.json()["field"], "PaginationToken");
}

#[test]
fn a_lockout_looks_like_an_unknown_user_when_the_client_hides_who_exists() {
    let server = Server::start();
    let pool = create_pool(&server);
    let client = password_client_and_ann(
        &server,
        &pool,
        json!({"PreventUserExistenceErrors": "ENABLED"}),
    );
    let sign_in = |name: &str, password: &str| {
        let r = server.idp(
            "InitiateAuth",
            json!({"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": name, "PASSWORD": password}}),
        );
        (r.status, r.code(), r.json()["message"].clone())
    };
    for _ in 0..5 {
        sign_in("ann", "wrong");
    }
    let unknown = sign_in("nobody", "Passw0rd!");
    assert_eq!(unknown.1, "NotAuthorizedException");
    assert_eq!(
        sign_in("ann", "Passw0rd!"),
        unknown,
        "locked out, told as unknown"
    );
}

/// Opens a connection and sends `head` (perhaps an unfinished request), keeping it open.
fn hold(addr: SocketAddr, head: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    s
}

/// Whether the server closed `s` within `within`: a read returns end of file (or a reset)
/// rather than timing out.
fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    s.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 512];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            // A 408 or the like before the close is fine; keep reading to the close.
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionReset) => return true,
            Err(_) => return false,
        }
    }
}

fn short_limits(max_connections: usize, header_timeout: Duration) -> endpoint::Options {
    endpoint::Options {
        limits: endpoint::Limits {
            idle_timeout: header_timeout,
            header_timeout,
            request_timeout: Duration::from_secs(1),
            max_connections,
        },
        ..endpoint::Options::default()
    }
}

/// Hundreds of idle connections and connections that never finish their headers (slowloris)
/// neither starve a normal request nor stay open: each is closed after the header timeout.
#[test]
fn idle_and_half_sent_connections_are_closed_and_do_not_starve_others() {
    let server = Server::start_with(short_limits(1000, Duration::from_secs(4)));
    let mut idle: Vec<TcpStream> = (0..200).map(|_| hold(server.addr, "")).collect();
    let mut half: Vec<TcpStream> = (0..100)
        .map(|_| {
            hold(
                server.addr,
                "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Tar",
            )
        })
        .collect();
    let started = std::time::Instant::now();
    let r = server.idp("ListUserPools", json!({"MaxResults": 1}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "a normal request answers while 300 connections are held: {:?}",
        started.elapsed()
    );
    for s in half.iter_mut().chain(idle.iter_mut()) {
        assert!(
            closed_within(s, Duration::from_secs(8)),
            "a connection without a full request head is closed after the header timeout"
        );
    }
}

/// A body that stops half-way is answered with a clear error after the request timeout.
#[test]
fn a_body_that_never_finishes_times_out() {
    let server = Server::start_with(short_limits(1000, Duration::from_secs(1)));
    let mut s = hold(
        server.addr,
        &format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nX-Amz-Target: {IDP}.ListUserPools\r\n\
             Content-Type: {AMZ_JSON}\r\nContent-Length: 100\r\n\r\n{{\"MaxR",
            server.host()
        ),
    );
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let r = Response::parse(&raw);
    r.assert_error("SerializationException", "a body that never arrives");
    assert!(r.body.contains("request timeout"), "{}", r.body);
}

/// Whether `s` is still open after `after`: a read times out rather than ending.
fn open_after(s: &mut TcpStream, after: Duration) -> bool {
    s.set_read_timeout(Some(after)).unwrap();
    let mut buf = [0u8; 1];
    matches!(
        s.read(&mut buf),
        Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
    )
}

/// A connection that sends nothing, new or kept alive after an answer, lives for the idle
/// timeout, longer than the header timeout; a started head gets only the header timeout.
#[test]
fn idle_connections_get_the_idle_timeout_and_started_heads_the_header_timeout() {
    let server = Server::start_with(endpoint::Options {
        limits: endpoint::Limits {
            idle_timeout: Duration::from_secs(3),
            header_timeout: Duration::from_millis(500),
            ..endpoint::Limits::default()
        },
        ..endpoint::Options::default()
    });
    let mut fresh = hold(server.addr, "");
    let mut half = hold(server.addr, "GET /health HTTP/1.1\r\nHo");
    let mut kept = hold(
        server.addr,
        &format!("GET /health HTTP/1.1\r\nHost: {}\r\n\r\n", server.host()),
    );
    kept.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut answer = [0u8; 512];
    let n = kept.read(&mut answer).unwrap();
    assert!(
        String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"),
        "the kept-alive connection was answered"
    );
    assert!(
        closed_within(&mut half, Duration::from_secs(2)),
        "a started head is closed after the header timeout"
    );
    assert!(
        open_after(&mut fresh, Duration::from_millis(500)),
        "a silent new connection outlives the header timeout"
    );
    assert!(
        open_after(&mut kept, Duration::from_millis(10)),
        "a kept-alive connection outlives the header timeout"
    );
    assert!(
        closed_within(&mut fresh, Duration::from_secs(5)),
        "then goes at the idle timeout"
    );
    assert!(
        closed_within(&mut kept, Duration::from_secs(5)),
        "as does a kept-alive one"
    );
}

/// Beyond the connection cap new connections wait in the backlog, and are served once the
/// held ones go; the server neither dies nor refuses for good.
#[test]
fn beyond_the_connection_cap_new_connections_wait_and_then_answer() {
    let server = Server::start_with(short_limits(8, Duration::from_secs(1)));
    let held: Vec<TcpStream> = (0..8)
        .map(|_| hold(server.addr, "GET /health HTTP/1.1\r\nHo"))
        .collect();
    let started = std::time::Instant::now();
    // Served only once the header timeout has closed a held connection.
    let r = server.send("GET", "/health", &[], b"");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "the ninth connection waited for a slot: {:?}",
        started.elapsed()
    );
    drop(held);
    for _ in 0..20 {
        assert_eq!(server.send("GET", "/health", &[], b"").status, 200);
    }
}

/// Whether the answer is the refusal of a Host that is not served, naming it.
fn assert_misdirected(r: &Response, host: &str) {
    assert_eq!(r.status, 421, "Host {host} is refused: {}", r.body);
    assert_eq!(r.json()["__type"], "MisdirectedRequest", "{}", r.body);
    let message = r.json()["message"].as_str().unwrap_or_default().to_string();
    assert!(
        message.contains(&format!("{host:?}")) && message.contains("--allow-host"),
        "the message names the Host and the way to allow it: {message}"
    );
}

/// DNS rebinding: a page on attacker.example whose name now points at 127.0.0.1 reaches the
/// port, but its requests carry `Host: attacker.example` and are refused before any operation
/// runs; loopback names on the serving port are served.
#[test]
fn a_foreign_host_is_refused_before_any_operation_runs() {
    let server = Server::start();
    let port = server.addr.port();
    for host in [
        "attacker.example".to_string(),
        format!("attacker.example:{port}"),
        format!("localhost.attacker.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        "localhost".to_string(),
    ] {
        let create = server.send(
            "POST",
            "/",
            &[
                ("Host", host.as_str()),
                ("Content-Type", AMZ_JSON),
                (
                    "X-Amz-Target",
                    "AWSCognitoIdentityProviderService.CreateUserPool",
                ),
            ],
            br#"{"PoolName":"rebound"}"#,
        );
        assert_misdirected(&create, &host);
        let key = server.send(
            "POST",
            "/",
            &[
                ("Host", host.as_str()),
                ("Content-Type", AMZ_JSON),
                ("X-Amz-Target", "Poolhouse.CreateAccessKey"),
            ],
            b"{}",
        );
        assert_misdirected(&key, &host);
        assert_misdirected(
            &server.send("GET", "/health", &[("Host", &host)], b""),
            &host,
        );
    }
    let pools = server.idp("ListUserPools", json!({"MaxResults": 10}));
    assert_eq!(pools.json()["UserPools"], json!([]), "nothing was created");
    let ws = server.call("Poolhouse.DescribeWorkspace", "{}");
    assert_eq!(ws.status, 200, "{}", ws.body);
    let ids = &ws.json()["AccessKeyIds"];
    assert!(
        ids.is_null() || *ids == json!([]),
        "no key was minted: {ids}"
    );

    for host in [
        format!("localhost:{port}"),
        format!("console.localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let r = server.send(
            "POST",
            "/",
            &[
                ("Host", host.as_str()),
                ("Content-Type", AMZ_JSON),
                (
                    "X-Amz-Target",
                    "AWSCognitoIdentityProviderService.ListUserPools",
                ),
            ],
            br#"{"MaxResults":1}"#,
        );
        assert_eq!(r.status, 200, "Host {host} is served: {}", r.body);
    }
}

/// `--allow-host NAME` serves NAME on any port, `NAME:PORT` on that port only.
#[test]
fn names_the_operator_allows_are_served() {
    let server = Server::start_with(endpoint::Options {
        allow_hosts: vec![
            "poolhouse.test".parse().unwrap(),
            "ci.lan:8080".parse().unwrap(),
        ],
        ..endpoint::Options::default()
    });
    for host in ["poolhouse.test", "poolhouse.test:9229", "ci.lan:8080"] {
        let r = server.send("GET", "/health", &[("Host", host)], b"");
        assert_eq!(r.status, 200, "Host {host} is served: {}", r.body);
    }
    for host in ["ci.lan", "ci.lan:9229", "other.test"] {
        assert_misdirected(&server.send("GET", "/health", &[("Host", host)], b""), host);
    }
}

/// The discovery document names this server's address (or the workspace's issuer), whatever
/// Host the request carried, and no cache keeps it.
#[test]
fn discovery_uses_the_listening_address_or_the_issuer_not_the_host() {
    let server = Server::start_with(endpoint::Options {
        allow_hosts: vec!["poolhouse.test".parse().unwrap()],
        ..endpoint::Options::default()
    });
    let pool = server
        .idp("CreateUserPool", json!({"PoolName": "web"}))
        .json()["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/{pool}/.well-known/openid-configuration");
    for host in [
        "poolhouse.test".to_string(),
        format!("evil.localhost:{}", server.addr.port()),
    ] {
        let conf = server.send("GET", &path, &[("Host", &host)], b"");
        assert_eq!(conf.status, 200, "{}", conf.body);
        assert_eq!(
            conf.json()["jwks_uri"],
            json!(format!(
                "http://{}/{pool}/.well-known/jwks.json",
                server.host()
            )),
            "Host {host} is not echoed"
        );
        assert_eq!(conf.header("cache-control"), Some("no-store"));
    }

    let r = server.call(
        "Poolhouse.UpdateWorkspace",
        r#"{"IssuerBaseUrl":"https://auth.example.test/"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let conf = server.send("GET", &path, &[], b"");
    assert_eq!(
        conf.json()["issuer"],
        json!(format!("https://auth.example.test/{pool}"))
    );
    assert_eq!(
        conf.json()["jwks_uri"],
        json!(format!(
            "https://auth.example.test/{pool}/.well-known/jwks.json"
        ))
    );
}

// ----- The console's pages and its launch secret ---------------------------------------------

/// A built console: index.html and one asset.
fn ui_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html>\n<html>\n  <head>\n    <title>Poolhouse</title>\n  </head>\n  <body></body>\n</html>\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::write(dir.path().join("assets/app.js"), "console.log(1);\n").unwrap();
    dir
}

/// The launch secret a served index.html carries in its `<meta>`.
fn secret_of(html: &str) -> String {
    let marker = r#"<meta name="poolhouse-console-secret" content=""#;
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no secret in {html}"))
        + marker.len();
    html[at..].split('"').next().unwrap().to_string()
}

/// Every answer with `--ui` carries a CSP that keeps the console's requests on its own origin
/// and forbids framing, `<base>`, form posts and plugins, and `nosniff`; the index is never
/// cached and carries the launch secret before `</head>`.
#[test]
fn the_console_is_served_with_a_csp_nosniff_and_its_launch_secret() {
    let ui = ui_dir();
    let server = Server::start_exactly(endpoint::Options {
        ui: Some(ui.path().to_path_buf()),
        ..endpoint::Options::default()
    });
    for path in ["/", "/index.html", "/assets/app.js", "/health"] {
        let r = server.send("GET", path, &[], b"");
        assert_eq!(r.status, 200, "GET {path}: {r:?}");
        let csp = r.header("content-security-policy").unwrap_or_default();
        for directive in [
            "default-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "object-src 'none'",
        ] {
            assert!(
                csp.contains(directive),
                "GET {path}: {directive} in {csp:?}"
            );
        }
        assert!(!csp.contains("unsafe"), "GET {path}: {csp}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "GET {path}"
        );
    }
    let r = server.send("POST", "/", &[("X-Amz-Target", "x")], b"{}");
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{r:?}");

    let page = server.send("GET", "/", &[], b"");
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let secret = secret_of(&page.body);
    assert_eq!(secret.len(), 64, "32 random bytes, hex: {secret}");
    assert!(page.body.find(&secret).unwrap() < page.body.find("</head>").unwrap());
    assert_eq!(
        secret_of(&server.send("GET", "/index.html", &[], b"").body),
        secret
    );

    // The served secret is the one the endpoint takes; another launch has another.
    let r = server.call_as_sdk(
        "Poolhouse.CreateAccessKey",
        "{}",
        &[("X-Poolhouse-Console", &secret)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let other = Server::start_exactly(endpoint::Options {
        ui: Some(ui.path().to_path_buf()),
        ..endpoint::Options::default()
    });
    assert_ne!(secret_of(&other.send("GET", "/", &[], b"").body), secret);
}

/// The console's own operations are refused over HTTP without this launch's secret (or a
/// signature that verifies), naming the header and the ways to call them; with it they work.
/// Admin operations from SDKs are unchanged; from a web page (Origin) they need the secret.
#[test]
fn console_operations_need_the_launch_secret_or_a_verified_signature() {
    let server = Server::start();
    for (target, body) in [
        ("Poolhouse.CreateAccessKey", "{}"),
        ("Poolhouse.UpdateWorkspace", r#"{"RequireSignature":false}"#),
        (
            "Poolhouse.GenerateUsers",
            r#"{"UserPoolId":"us-east-1_abcdefghi","Count":1}"#,
        ),
        (
            "Poolhouse.EncodeTestToken",
            r#"{"Claims":{"sub":"x"},"UserPoolId":"us-east-1_abcdefghi"}"#,
        ),
    ] {
        let r = server.call_as_sdk(target, body, &[]);
        r.assert_error(
            "NotAuthorizedException",
            "a console operation without the secret",
        );
        let message = r.json()["message"].as_str().unwrap().to_string();
        assert!(
            message.contains("X-Poolhouse-Console") && message.contains("poolhouse "),
            "{target}: {message}"
        );
        let r = server.call_as_sdk(
            target,
            body,
            &[("X-Poolhouse-Console", "0".repeat(36).as_str())],
        );
        r.assert_error("NotAuthorizedException", "another launch's secret");
        assert!(
            r.json()["message"].as_str().unwrap().contains("Reload"),
            "{r:?}"
        );
    }
    let r = server.call("Poolhouse.CreateAccessKey", "{}");
    assert_eq!(r.status, 200, "with the secret: {}", r.body);
    let key = r.json()["AccessKeyId"].as_str().unwrap().to_string();
    let secret = r.json()["SecretAccessKey"].as_str().unwrap().to_string();

    // A signature stands in for the secret only when it verifies, even though this workspace
    // does not require signatures.
    let r = server.signed("Poolhouse.CreateAccessKey", "{}", &key, &secret);
    assert_eq!(r.status, 200, "signed with a workspace key: {}", r.body);
    let r = server.signed("Poolhouse.CreateAccessKey", "{}", &key, "not-the-secret");
    r.assert_error(
        "InvalidSignatureException",
        "a signature that does not verify",
    );
    let r = server.signed("Poolhouse.CreateAccessKey", "{}", "AKIDEXAMPLE", "secret");
    r.assert_error(
        "UnrecognizedClientException",
        "a key the workspace does not hold",
    );

    // SDKs and the AWS CLI call admin operations unsigned, as before.
    let r = server.call_as_sdk(&format!("{IDP}.ListUserPools"), r#"{"MaxResults":5}"#, &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    // A web page does not, unless it is the console.
    let origin = ("Origin", "http://localhost:8080");
    let r = server.call_as_sdk(
        &format!("{IDP}.ListUserPools"),
        r#"{"MaxResults":5}"#,
        &[origin],
    );
    r.assert_error(
        "NotAuthorizedException",
        "an admin operation from a web page",
    );
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("http://localhost:8080")
    );
    let r = server.call_as_sdk(
        &format!("{IDP}.ListUserPools"),
        r#"{"MaxResults":5}"#,
        &[origin, ("X-Poolhouse-Console", TEST_SECRET)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // Sign-in and the other public operations are a web page's to call.
    let r = server.call_as_sdk(
        &format!("{IDP}.InitiateAuth"),
        r#"{"ClientId":"nope","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{}}"#,
        &[origin],
    );
    assert!(!r.body.contains("X-Poolhouse-Console"), "{r:?}");
}

#[test]
fn a_console_secret_that_does_not_fit_a_header_is_refused_naming_it() {
    for bad in ["short", &"x".repeat(129), &format!("{}\"<", "a".repeat(40))] {
        let e = bad.parse::<endpoint::ConsoleSecret>().unwrap_err();
        assert!(
            e.contains("console secret") && e.contains("32 to 128"),
            "{e}"
        );
    }
    assert!("a".repeat(32).parse::<endpoint::ConsoleSecret>().is_ok());
}

#[test]
fn the_identities_public_operations_stay_unsigned_in_a_locked_workspace() {
    let (server, _, _) = locked_server();
    let pool = server
        .console
        .dispatch_json(
            &Actor::console(),
            "CreateIdentityPool",
            br#"{"IdentityPoolName":"locked","AllowUnauthenticatedIdentities":true}"#,
        )
        .unwrap();
    let pool: Value = serde_json::from_slice(&pool).unwrap();
    let pool = pool["IdentityPoolId"].as_str().unwrap();
    let cid = "AWSCognitoIdentityService";
    let r = server.call_as_sdk(
        &format!("{cid}.GetId"),
        &json!({"IdentityPoolId": pool}).to_string(),
        &[],
    );
    assert_eq!(r.status, 200, "GetId is public, as on AWS: {r:?}");
    let id = r.json()["IdentityId"].as_str().unwrap().to_string();
    let r = server.call_as_sdk(
        &format!("{cid}.GetOpenIdToken"),
        &json!({"IdentityId": id}).to_string(),
        &[],
    );
    assert_eq!(r.status, 200, "{r:?}");
    let r = server.call_as_sdk(
        &format!("{cid}.ListIdentities"),
        &json!({"IdentityPoolId": pool, "MaxResults": 5}).to_string(),
        &[],
    );
    r.assert_error(
        "MissingAuthenticationTokenException",
        "listing identities is an administrator's call",
    );
    let r = server.call_as_sdk(
        &format!("{cid}.GetOpenIdTokenForDeveloperIdentity"),
        &json!({"IdentityPoolId": pool, "Logins": {"login.x": "u"}}).to_string(),
        &[],
    );
    r.assert_error(
        "MissingAuthenticationTokenException",
        "developer identities are the developer's backend's, signed",
    );
    // The key set and the discovery document are public documents.
    let r = server.send("GET", "/cognito-identity/.well-known/jwks_uri", &[], b"");
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["keys"][0]["alg"], "RS256");
    let r = server.send(
        "GET",
        "/cognito-identity/.well-known/openid-configuration",
        &[],
        b"",
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["issuer"], "https://cognito-identity.amazonaws.com");
    assert_eq!(
        r.json()["jwks_uri"],
        format!(
            "http://{}/cognito-identity/.well-known/jwks_uri",
            server.host()
        )
    );
}

#[test]
fn pool_domains_are_served_hosts_that_resolve_to_their_pool() {
    let server = Server::start();
    let pool = create_pool(&server);
    let port = server.addr.port();
    let r = server.idp(
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "my-app"}),
    );
    assert_eq!(r.status, 200, "{r:?}");
    let r = server.idp(
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "auth.example.com",
               "CustomDomainConfig": {"CertificateArn":
                   "arn:aws:acm:us-east-1:123456789012:certificate/abc"}}),
    );
    assert_eq!(r.status, 200, "{r:?}");
    let console = server.console.console();
    let prefix = endpoint::resolve_domain(port, console, &format!("my-app.auth.localhost:{port}"))
        .expect("the prefix domain resolves");
    assert_eq!(prefix.user_pool_id, pool);
    assert!(!prefix.custom);
    for custom in ["auth.example.com", "Auth.Example.com:8443"] {
        let d = endpoint::resolve_domain(port, console, custom).expect(custom);
        assert_eq!((d.user_pool_id.as_str(), d.custom), (pool.as_str(), true));
    }
    for none in [
        format!("other.auth.localhost:{port}"),
        format!("my-app.auth.localhost:{}", port.wrapping_add(1)),
        format!("localhost:{port}"),
        "my-app".to_string(),
        "unknown.example.com".to_string(),
        "auth.example.com.evil.example".to_string(),
        "auth.example.com/x".to_string(),
    ] {
        assert!(
            endpoint::resolve_domain(port, console, &none).is_none(),
            "{none}"
        );
    }
    let health = |host: &str| server.send("GET", "/health", &[("Host", host)], b"").status;
    assert_eq!(health(&format!("my-app.auth.localhost:{port}")), 200);
    assert_eq!(health("auth.example.com"), 200, "a custom domain is served");
    assert_eq!(health("login.example.com"), 421, "an unknown host is not");
    let r = server.idp(
        "DeleteUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "auth.example.com"}),
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        health("auth.example.com"),
        421,
        "a deleted custom domain is no longer served"
    );
}
