//! The endpoint's JSON dispatch under generated requests, against the real server on
//! 127.0.0.1: whatever the `X-Amz-Target` and the body, the answer is 200 with a JSON object or
//! a Cognito-shaped 4xx (`__type` and `X-Amzn-ErrorType` naming the same code, a message) —
//! never a 5xx, a panic or a dropped connection.
//!
//! Requests are mutations of the seeds in `tests/corpus/requests.txt` (valid calls of every
//! operation, filled in from a world of pools, users and sessions the test builds): a member
//! removed, set to a hostile value or renamed, an unknown member added, the body wrapped,
//! cut, or edited byte by byte, duplicate keys, the target swapped for another operation's or
//! mangled, the content type changed. The seeds themselves are replayed on every run.
//!
//! On a workspace that requires signatures, edits of a signed request (its Authorization
//! parts and credential scope, X-Amz-Date, target, body) are answered in the same shape, and
//! succeed only when the endpoint still reads the request as it was signed.
//!
//! And a differential test of the tokens the server mints (ID and access tokens from every
//! sign-in flow, after a key rotation, and test tokens): each verifies with the `jsonwebtoken`
//! crate against the JWKS the server publishes, with the claims `GetUser` and Poolhouse's
//! verifier agree on; and each forgery of an access token that `jsonwebtoken` refuses,
//! `GetUser` refuses as `NotAuthorizedException`.
//!
//! 96 generated requests, 64 signed edits and 32 forgeries by default; `PROPTEST_CASES`
//! runs more.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::{OnceLock, mpsc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use console_api::ops::OPERATIONS;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use proptest::prelude::*;
use serde_json::{Value, json};
use testkit::TestConsole;
use testkit::http::{self, Response};

const AMZ_JSON: &str = "application/x-amz-json-1.1";
const IDP: &str = "AWSCognitoIdentityProviderService";
const PASSWORD: &str = "Passw0rd!";

fn config(default_cases: u32) -> ProptestConfig {
    if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default()
    } else {
        ProptestConfig::with_cases(default_cases)
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

/// The endpoint on a free port over a fresh store on the system clock; its thread lives
/// until the test binary exits.
/// The console secret the fuzzed servers are launched with (the console's own operations, such
/// as CreateAccessKey and EncodeTestToken, need it over HTTP).
const CONSOLE_SECRET: &str = "fuzz-console-secret-0123456789abcdef";

/// Calls one of the console's own operations, with the launch secret.
fn console_call(addr: SocketAddr, target: &str, body: &str) -> http::Response {
    http::send(
        addr,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", target),
            ("X-Poolhouse-Console", CONSOLE_SECRET),
        ],
        body.as_bytes(),
    )
}

fn start_server() -> SocketAddr {
    let console = TestConsole::with_system_clock();
    let served = console.console().clone();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // Keeps the store's folder alive as long as the server.
        let _console = console;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let result = rt.block_on(endpoint::serve_with(
            served,
            addr,
            endpoint::Options {
                console_secret: Some(CONSOLE_SECRET.parse().unwrap()),
                ..endpoint::Options::default()
            },
            move |bound| {
                let _ = tx.send(bound);
            },
        ));
        if let Err(e) = result {
            eprintln!("endpoint stopped: {e}");
        }
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("the endpoint is listening within 10 s")
}

fn call(addr: SocketAddr, op: &str, body: Value) -> Response {
    http::post_target(addr, &format!("{IDP}.{op}"), &body.to_string())
}

fn ok(addr: SocketAddr, op: &str, body: Value) -> Value {
    let r = call(addr, op, body);
    assert_eq!(r.status, 200, "{op}: {r:?}");
    r.json()
}

struct Session {
    id: String,
    access: String,
    refresh: String,
}

fn sign_in(addr: SocketAddr, client: &str, user: &str) -> Session {
    let r = ok(
        addr,
        "InitiateAuth",
        json!({"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": user, "PASSWORD": PASSWORD}}),
    );
    let a = &r["AuthenticationResult"];
    Session {
        id: a["IdToken"].as_str().unwrap().to_owned(),
        access: a["AccessToken"].as_str().unwrap().to_owned(),
        refresh: a["RefreshToken"].as_str().unwrap().to_owned(),
    }
}

/// A server with a pool, an app client, a group, a user signed in, two more users signed in
/// for the destructive seeds to consume, and a spare pool they may change or delete.
struct World {
    addr: SocketAddr,
    pool: String,
    client: String,
    session: Session,
    /// Placeholder → value, longest names first.
    fill: Vec<(&'static str, String)>,
}

impl World {
    fn build() -> World {
        let addr = start_server();
        let pool = ok(
            addr,
            "CreateUserPool",
            json!({"PoolName": "fuzz", "AutoVerifiedAttributes": ["email"]}),
        )["UserPool"]["Id"]
            .as_str()
            .unwrap()
            .to_owned();
        let flows = json!([
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_ADMIN_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_CUSTOM_AUTH"
        ]);
        let client = ok(
            addr,
            "CreateUserPoolClient",
            json!({"UserPoolId": pool, "ClientName": "app", "ExplicitAuthFlows": flows}),
        )["UserPoolClient"]["ClientId"]
            .as_str()
            .unwrap()
            .to_owned();
        for user in ["alice", "victim", "doomed"] {
            ok(
                addr,
                "AdminCreateUser",
                json!({"UserPoolId": pool, "Username": user, "MessageAction": "SUPPRESS",
                    "UserAttributes": [{"Name": "email", "Value": format!("{user}@example.com")},
                        {"Name": "email_verified", "Value": "true"}]}),
            );
            ok(
                addr,
                "AdminSetUserPassword",
                json!({"UserPoolId": pool, "Username": user, "Password": PASSWORD, "Permanent": true}),
            );
        }
        ok(
            addr,
            "CreateGroup",
            json!({"UserPoolId": pool, "GroupName": "staff"}),
        );
        let spare = ok(addr, "CreateUserPool", json!({"PoolName": "spare"}))["UserPool"]["Id"]
            .as_str()
            .unwrap()
            .to_owned();
        let spare_client = ok(
            addr,
            "CreateUserPoolClient",
            json!({"UserPoolId": spare, "ClientName": "spare"}),
        )["UserPoolClient"]["ClientId"]
            .as_str()
            .unwrap()
            .to_owned();
        let identity_pool = |name: &str| {
            let r = http::post_target(
                addr,
                "AWSCognitoIdentityService.CreateIdentityPool",
                &json!({"IdentityPoolName": name, "AllowUnauthenticatedIdentities": true,
                        "DeveloperProviderName": format!("login.{name}")})
                .to_string(),
            );
            assert_eq!(r.status, 200, "CreateIdentityPool: {r:?}");
            r.json()["IdentityPoolId"].as_str().unwrap().to_owned()
        };
        let idpool = identity_pool("fuzz");
        let cid = |op: &str, body: Value| {
            let r = http::post_target(
                addr,
                &format!("AWSCognitoIdentityService.{op}"),
                &body.to_string(),
            );
            assert_eq!(r.status, 200, "{op}: {r:?}");
            r.json()
        };
        let identity = cid("GetId", json!({"IdentityPoolId": idpool}))["IdentityId"]
            .as_str()
            .unwrap()
            .to_owned();
        let dev = cid(
            "GetOpenIdTokenForDeveloperIdentity",
            json!({"IdentityPoolId": idpool, "Logins": {"login.fuzz": "fuzz-user"}}),
        );
        let dev_identity = dev["IdentityId"].as_str().unwrap().to_owned();
        let dev_token = dev["Token"].as_str().unwrap().to_owned();
        cid(
            "GetOpenIdTokenForDeveloperIdentity",
            json!({"IdentityPoolId": idpool, "IdentityId": dev_identity,
                   "Logins": {"login.fuzz": "fuzz-user-2"}}),
        );
        let spare_idpool = identity_pool("spare");
        let idpool_arn =
            format!("arn:aws:cognito-identity:us-east-1:000000000000:identitypool/{idpool}");
        let session = sign_in(addr, &client, "alice");
        let victim = sign_in(addr, &client, "victim");
        let doomed = sign_in(addr, &client, "doomed");
        let fill = vec![
            ("$DOOMED_ACCESS", doomed.access),
            ("$VICTIM_ACCESS", victim.access.clone()),
            ("$VICTIM_REFRESH", victim.refresh.clone()),
            ("$VICTIM", "victim".to_owned()),
            ("$DEV_IDENTITY", dev_identity),
            ("$DEV_TOKEN", dev_token),
            ("$IDENTITY", identity),
            ("$SPARE_CLIENT", spare_client),
            ("$SPARE_IDPOOL", spare_idpool),
            ("$SPARE_POOL", spare),
            ("$IDPOOL_ARN", idpool_arn),
            ("$IDPOOL", idpool),
            ("$POOL", pool.clone()),
            ("$CLIENT", client.clone()),
            ("$USER", "alice".to_owned()),
            ("$PASSWORD", PASSWORD.to_owned()),
            ("$GROUP", "staff".to_owned()),
            ("$ACCESS", session.access.clone()),
            ("$REFRESH", session.refresh.clone()),
        ];
        World {
            addr,
            pool,
            client,
            session,
            fill,
        }
    }

    fn fill(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (name, value) in &self.fill {
            out = out.replace(name, value);
        }
        out
    }
}

/// One world for the generated requests (built on first use, shared by the cases).
fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(World::build)
}

/// The seeds: `(target, body)` with placeholders.
fn corpus() -> Vec<(String, String)> {
    include_str!("corpus/requests.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (target, body) = l.split_once(' ').expect("`Target Body`");
            (target.to_owned(), body.to_owned())
        })
        .collect()
}

/// Asserts the answer is 200 with a JSON object, or a Cognito-shaped client error.
fn assert_cognito_shaped(r: &Response, what: &str) -> Result<(), TestCaseError> {
    let body: Value = serde_json::from_str(&r.body).map_err(|e| {
        TestCaseError::fail(format!("{what}: a body that is not JSON ({e}): {r:?}"))
    })?;
    if r.status == 200 {
        prop_assert!(body.is_object(), "{what}: 200 with {body}");
        return Ok(());
    }
    prop_assert!(
        (400..500).contains(&r.status),
        "{what}: a client's request answered {}: {r:?}",
        r.status
    );
    let code = body["__type"].as_str().unwrap_or_default();
    prop_assert!(!code.is_empty(), "{what}: no __type: {r:?}");
    prop_assert_eq!(r.header("x-amzn-errortype"), Some(code), "{}", what);
    prop_assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: no message: {r:?}"
    );
    Ok(())
}

fn send_raw(
    addr: SocketAddr,
    target: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Response {
    // With the console's secret, so that the console's own operations are fuzzed past it too.
    let mut headers = vec![("X-Poolhouse-Console", CONSOLE_SECRET)];
    if let Some(ct) = content_type {
        headers.push(("Content-Type", ct));
    }
    if let Some(t) = target {
        headers.push(("X-Amz-Target", t));
    }
    http::send(addr, "POST", "/", &headers, body)
}

#[test]
fn every_seed_request_answers_200_or_a_cognito_shaped_4xx() {
    let w = World::build();
    let mut answered = 0;
    let seeds = corpus();
    for (target, body) in &seeds {
        let body = w.fill(body);
        let r = send_raw(w.addr, Some(target), Some(AMZ_JSON), body.as_bytes());
        assert_cognito_shaped(&r, &format!("{target} {body}")).unwrap_or_else(|e| panic!("{e}"));
        if r.status == 200 {
            answered += 1;
        } else {
            eprintln!("{target}: {}", r.body);
        }
    }
    // The seeds are valid calls: nearly all succeed (a few cannot, by design: a guessed
    // confirmation code, a made-up session), so the mutations start from the happy paths.
    assert!(
        answered * 10 >= seeds.len() * 7,
        "only {answered} of {} seeds answered 200",
        seeds.len()
    );
    // The seeds cover every operation but the workspace's settings (which would lock the
    // server for the calls after it).
    for op in OPERATIONS {
        if op.name == "UpdateWorkspace" {
            continue;
        }
        assert!(
            seeds.iter().any(|(t, _)| *t == op.target()),
            "no seed calls {}",
            op.name
        );
    }
}

// ----- generated requests ---------------------------------------------------------------

/// Operations a swapped target may name: all but those that would change the shared world
/// for the cases after (they have seeds of their own, on the spare pool and the victim).
fn swappable_targets() -> Vec<String> {
    const CHANGE_THE_WORLD: &[&str] = &[
        "UpdateWorkspace",
        "DeleteUserPool",
        "UpdateUserPool",
        "DeleteUserPoolClient",
        "UpdateUserPoolClient",
        "AdminDisableUser",
        "AdminDeleteUser",
        "AdminSetUserPassword",
        "AdminResetUserPassword",
        "AdminUserGlobalSignOut",
        "GlobalSignOut",
        "RevokeToken",
        "ChangePassword",
        "DeleteUser",
        "SetUserPoolMfaConfig",
        "SetRiskConfiguration",
        "RotateSigningKeys",
        "SetUserMFAPreference",
        "AdminSetUserMFAPreference",
        "VerifySoftwareToken",
        "UpdateIdentityPool",
        "DeleteIdentityPool",
        "SetIdentityPoolRoles",
        "DeleteIdentities",
        "MergeDeveloperIdentities",
        "UnlinkDeveloperIdentity",
        "UnlinkIdentity",
        "UpdateRole",
        "PutRolePolicy",
        "DeleteRolePolicy",
        "DeleteRole",
    ];
    OPERATIONS
        .iter()
        .filter(|op| !CHANGE_THE_WORLD.contains(&op.name))
        .map(|op| op.target())
        .collect()
}

#[derive(Debug, Clone)]
enum TargetEdit {
    Keep,
    Swap(String),
    Lowercase,
    NoPrefix,
    OtherPrefix,
    TrailingDot,
    Missing,
    Arbitrary(String),
}

/// A value no member expects.
fn hostile_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(null)),
        Just(json!(true)),
        Just(json!(-1)),
        Just(json!(0)),
        Just(json!(1.5)),
        Just(json!(i64::MIN)),
        Just(json!(i64::MAX)),
        Just(json!(u64::MAX)),
        Just(json!(u32::MAX)),
        Just(json!(i32::MAX)),
        Just(json!(i32::MIN)),
        Just(json!(100_001)),
        Just(json!(9_007_199_254_740_993_u64)),
        Just(json!(1e308)),
        Just(json!("")),
        Just(json!("\u{0}")),
        Just(json!("a\u{7}b\r\nc")),
        Just(json!("💥 \u{202E} \u{FEFF}")),
        Just(json!("../../etc/passwd")),
        Just(json!("us-east-1_AAAAAAAAA")),
        Just(json!("' OR 1=1 --")),
        Just(json!("%_\\")),
        Just(json!([])),
        Just(json!({})),
        Just(json!([null, 1, "x", {}])),
        Just(json!({"Name": "email", "Value": "x"})),
        (1usize..20_000).prop_map(|n| json!("a".repeat(n))),
        (1usize..100).prop_map(|n| serde_json::from_str::<Value>(&format!(
            "{}{}",
            "[".repeat(n),
            "]".repeat(n)
        ))
        .unwrap()),
        "\\PC{0,40}".prop_map(Value::from),
    ]
}

#[derive(Debug, Clone)]
enum JsonEdit {
    /// The node at this index (in document order) removed.
    Remove(usize),
    /// The node at this index replaced.
    Set(usize, Value),
    /// A member added to the top level.
    Add(String, Value),
    /// The top-level member names in lower case.
    LowercaseNames,
    /// The body wrapped in an array, or replaced by a scalar.
    Replace(Value),
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    prop_oneof![
        2 => any::<usize>().prop_map(JsonEdit::Remove),
        5 => (any::<usize>(), hostile_value()).prop_map(|(i, v)| JsonEdit::Set(i, v)),
        1 => ("[A-Za-z]{1,12}", hostile_value()).prop_map(|(k, v)| JsonEdit::Add(k, v)),
        1 => Just(JsonEdit::LowercaseNames),
        1 => prop_oneof![Just(json!(null)), Just(json!([])), Just(json!("s")), Just(json!(1))]
            .prop_map(JsonEdit::Replace),
    ]
}

#[derive(Debug, Clone)]
enum TextEdit {
    Truncate(usize),
    ReplaceByte(usize, u8),
    Insert(usize, String),
    /// The first member repeated at the start, with another value.
    DuplicateFirst,
    Append(String),
}

fn text_edit() -> impl Strategy<Value = TextEdit> {
    prop_oneof![
        any::<usize>().prop_map(TextEdit::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| TextEdit::ReplaceByte(i, b)),
        (
            any::<usize>(),
            prop_oneof![
                Just("\"".to_owned()),
                Just(",".to_owned()),
                Just("}".to_owned()),
                Just("\\".to_owned()),
                "[{}\\[\\]:,\"a-z0-9]{1,6}"
            ]
        )
            .prop_map(|(i, s)| TextEdit::Insert(i, s)),
        Just(TextEdit::DuplicateFirst),
        prop_oneof![
            Just(" ".to_owned()),
            Just("{}".to_owned()),
            Just("\u{0}".to_owned()),
            Just("garbage".to_owned())
        ]
        .prop_map(TextEdit::Append),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    seed: usize,
    target: TargetEdit,
    json: Vec<JsonEdit>,
    text: Option<TextEdit>,
    content_type: Option<&'static str>,
}

fn case() -> impl Strategy<Value = Case> {
    let seeds = corpus().len();
    let target = prop_oneof![
        12 => Just(TargetEdit::Keep),
        4 => proptest::sample::select(swappable_targets()).prop_map(TargetEdit::Swap),
        1 => Just(TargetEdit::Lowercase),
        1 => Just(TargetEdit::NoPrefix),
        1 => Just(TargetEdit::OtherPrefix),
        1 => Just(TargetEdit::TrailingDot),
        1 => Just(TargetEdit::Missing),
        1 => "\\PC{0,40}".prop_map(TargetEdit::Arbitrary),
    ];
    let content_type = prop_oneof![
        8 => Just(Some(AMZ_JSON)),
        1 => Just(Some("application/json")),
        1 => Just(Some("text/plain")),
        1 => Just(None),
    ];
    (
        0..seeds,
        target,
        proptest::collection::vec(json_edit(), 0..4),
        proptest::option::weighted(0.3, text_edit()),
        content_type,
    )
        .prop_map(|(seed, target, json, text, content_type)| Case {
            seed,
            target,
            json,
            text,
            content_type,
        })
}

/// Every node of a JSON document, as paths, in document order.
fn paths(v: &Value, here: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                here.push(PathStep::Key(k.clone()));
                paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                here.push(PathStep::Index(i));
                paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn node_mut<'a>(v: &'a mut Value, path: &[PathStep]) -> Option<&'a mut Value> {
    let mut at = v;
    for step in path {
        at = match step {
            PathStep::Key(k) => at.get_mut(k)?,
            PathStep::Index(i) => at.get_mut(*i)?,
        };
    }
    Some(at)
}

fn apply_json(body: &mut Value, edit: &JsonEdit) {
    let mut all = Vec::new();
    paths(body, &mut Vec::new(), &mut all);
    match edit {
        JsonEdit::Remove(i) => {
            let path = &all[i % all.len()];
            if let Some((last, parent)) = path.split_last()
                && let Some(parent) = node_mut(body, parent)
            {
                match (last, parent) {
                    (PathStep::Key(k), Value::Object(m)) => {
                        m.remove(k);
                    }
                    (PathStep::Index(i), Value::Array(a)) => {
                        a.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        JsonEdit::Set(i, value) => {
            let path = &all[i % all.len()];
            if let Some(node) = node_mut(body, path) {
                *node = value.clone();
            }
        }
        JsonEdit::Add(k, v) => {
            if let Value::Object(m) = body {
                m.insert(k.clone(), v.clone());
            }
        }
        JsonEdit::LowercaseNames => {
            if let Value::Object(m) = body {
                *m = std::mem::take(m)
                    .into_iter()
                    .map(|(k, v)| (k.to_lowercase(), v))
                    .collect();
            }
        }
        JsonEdit::Replace(v) => {
            *body = match body.take() {
                // An array stands for "the request wrapped in one".
                object @ Value::Object(_) if v.is_array() => json!([object]),
                _ => v.clone(),
            };
        }
    }
}

fn apply_text(text: &str, edit: &TextEdit) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    match edit {
        TextEdit::Truncate(n) => bytes.truncate(n % (bytes.len() + 1)),
        TextEdit::ReplaceByte(i, b) => {
            if !bytes.is_empty() {
                let i = i % bytes.len();
                bytes[i] = *b;
            }
        }
        TextEdit::Insert(i, s) => {
            let i = i % (bytes.len() + 1);
            bytes.splice(i..i, s.bytes());
        }
        TextEdit::DuplicateFirst => {
            if text.starts_with('{') && text.len() > 2 {
                bytes = format!("{{\"UserPoolId\":7,{}", &text[1..]).into_bytes();
            }
        }
        TextEdit::Append(s) => bytes.extend(s.bytes()),
    }
    bytes
}

fn build(w: &World, c: &Case) -> (Option<String>, Vec<u8>) {
    let seeds = corpus();
    let (target, body) = &seeds[c.seed];
    let target = match &c.target {
        TargetEdit::Keep => Some(target.clone()),
        TargetEdit::Swap(t) => Some(t.clone()),
        TargetEdit::Lowercase => Some(target.to_lowercase()),
        TargetEdit::NoPrefix => target.split_once('.').map(|(_, op)| op.to_owned()),
        TargetEdit::OtherPrefix => target.split_once('.').map(|(svc, op)| {
            let other = if svc == IDP { "Poolhouse" } else { IDP };
            format!("{other}.{op}")
        }),
        TargetEdit::TrailingDot => Some(format!("{target}.")),
        TargetEdit::Missing => None,
        TargetEdit::Arbitrary(s) => Some(s.clone()),
    };
    let mut body: Value = serde_json::from_str(&w.fill(body)).unwrap();
    for edit in &c.json {
        apply_json(&mut body, edit);
    }
    let text = body.to_string();
    let bytes = match &c.text {
        Some(edit) => apply_text(&text, edit),
        None => text.into_bytes(),
    };
    (target, bytes)
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn any_request_answers_200_or_a_cognito_shaped_4xx(c in case()) {
        let w = world();
        let (target, body) = build(w, &c);
        // HTTP header values cannot carry control characters; the client would refuse them.
        let target = target.filter(|t| !t.chars().any(char::is_control));
        let started = Instant::now();
        let r = send_raw(w.addr, target.as_deref(), c.content_type, &body);
        let what = format!("{target:?} {} ({c:?})", String::from_utf8_lossy(&body).chars().take(400).collect::<String>());
        assert_cognito_shaped(&r, &what)?;
        prop_assert!(started.elapsed() < Duration::from_secs(10), "{what}: took {:?}", started.elapsed());
    }
}

// ----- minted tokens against jsonwebtoken -------------------------------------------------

fn get(addr: SocketAddr, path: &str) -> Value {
    let r = http::send(addr, "GET", path, &[], b"");
    assert_eq!(r.status, 200, "{path}: {r:?}");
    r.json()
}

/// What an application does with the pool's tokens: find the key by `kid` in the JWKS the
/// server publishes, verify RS256 with the discovery document's issuer and, when the token has
/// one, the client as audience.
fn jsonwebtoken_verify(
    jwks: &JwkSet,
    issuer: &str,
    client: &str,
    token: &str,
) -> Result<Value, String> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| format!("header: {e}"))?;
    let kid = header.kid.ok_or("no kid")?;
    let jwk = jwks.find(&kid).ok_or("unknown kid")?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = 0;
    validation.validate_nbf = true;
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[client]);
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map(|d| d.claims)
        .map_err(|e| e.to_string())
}

fn published(w: &World) -> (JwkSet, Value, String) {
    let jwks = get(w.addr, &format!("/{}/.well-known/jwks.json", w.pool));
    let issuer = get(
        w.addr,
        &format!("/{}/.well-known/openid-configuration", w.pool),
    )["issuer"]
        .as_str()
        .unwrap()
        .to_owned();
    (serde_json::from_value(jwks.clone()).unwrap(), jwks, issuer)
}

#[test]
fn every_token_the_endpoint_mints_verifies_with_jsonwebtoken() {
    let w = World::build();
    let mut minted: Vec<(&str, String)> = vec![
        ("id", w.session.id.clone()),
        ("access", w.session.access.clone()),
    ];
    let refreshed = ok(
        w.addr,
        "InitiateAuth",
        json!({"ClientId": w.client, "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": w.session.refresh}}),
    );
    let admin = ok(
        w.addr,
        "AdminInitiateAuth",
        json!({"UserPoolId": w.pool, "ClientId": w.client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD}}),
    );
    ok(
        w.addr,
        "AdminAddUserToGroup",
        json!({"UserPoolId": w.pool, "Username": "alice", "GroupName": "staff"}),
    );
    let http_rotate = console_call(
        w.addr,
        "Poolhouse.RotateSigningKeys",
        &json!({"UserPoolId": w.pool}).to_string(),
    );
    assert_eq!(http_rotate.status, 200, "{http_rotate:?}");
    let rotated = sign_in(w.addr, &w.client, "alice");
    for r in [&refreshed, &admin] {
        let a = &r["AuthenticationResult"];
        minted.push(("id", a["IdToken"].as_str().unwrap().to_owned()));
        minted.push(("access", a["AccessToken"].as_str().unwrap().to_owned()));
    }
    minted.push(("id", rotated.id));
    minted.push(("access", rotated.access));

    let (jwks, jwks_json, issuer) = published(&w);
    let ours = tokens::Verifier::from_jwks(&jwks_json).unwrap();
    let me = ok(
        w.addr,
        "AdminGetUser",
        json!({"UserPoolId": w.pool, "Username": "alice"}),
    );
    let sub = me["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == "sub")
        .unwrap()["Value"]
        .clone();
    let mut kids = std::collections::BTreeSet::new();
    for (token_use, token) in &minted {
        let claims = jsonwebtoken_verify(&jwks, &issuer, &w.client, token)
            .unwrap_or_else(|e| panic!("jsonwebtoken refused a minted {token_use} token: {e}"));
        kids.insert(jsonwebtoken::decode_header(token).unwrap().kid.unwrap());
        // Poolhouse's own verifier reads the same claims.
        let verified = ours.verify(token, now(), 0).unwrap();
        assert_eq!(Value::Object(verified.claims().clone()), claims);
        // The claims both sides agree on.
        assert_eq!(claims["token_use"], json!(token_use));
        assert_eq!(claims["iss"], json!(issuer));
        assert_eq!(claims["sub"], sub);
        assert!(claims["exp"].as_i64().unwrap() > now());
        if *token_use == "id" {
            assert_eq!(claims["aud"], json!(w.client));
            assert_eq!(claims["cognito:username"], "alice");
            assert_eq!(claims["email"], "alice@example.com");
        } else {
            assert_eq!(claims["client_id"], json!(w.client));
            assert_eq!(claims["username"], "alice");
            let user = ok(w.addr, "GetUser", json!({"AccessToken": token}));
            assert_eq!(user["Username"], "alice");
        }
    }
    assert!(
        kids.len() >= 3,
        "tokens from before and after the rotation, ID and access keys: {kids:?}"
    );
    // Test tokens are signed with the pool's key too, so an application's verifier can be
    // tested against the JWKS: they verify there (and only the engine refuses them).
    for token_use in ["id", "access"] {
        let r = console_call(
            w.addr,
            "Poolhouse.EncodeTestToken",
            &json!({"UserPoolId": w.pool, "ExpiresIn": "+5m",
                "Claims": {"sub": "t", "iss": issuer, "aud": w.client, "token_use": token_use}})
            .to_string(),
        );
        assert_eq!(r.status, 200, "{r:?}");
        let token = r.json()["Token"].as_str().unwrap().to_owned();
        let claims = jsonwebtoken_verify(&jwks, &issuer, &w.client, &token).unwrap();
        assert_eq!(claims["sub"], "t");
        let refused = call(w.addr, "GetUser", json!({"AccessToken": token}));
        assert_eq!(refused.status, 400, "{refused:?}");
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Forgeries of an access token, made without the pool's private key.
#[derive(Debug, Clone)]
enum Forgery {
    Replace {
        part: usize,
        pos: usize,
        with: char,
    },
    Truncate(usize),
    DropSegment(usize),
    Extra(String),
    Padded(usize),
    AlgNone(String, bool),
    /// HMAC keyed with the JWKS text, the JWK's JSON or its modulus.
    Hmac(String, usize),
    /// The claims of another user, the header and signature kept.
    OtherClaims,
    /// Signed by a key the pool never had, under the pool's `kid`.
    Stranger,
}

fn forgery() -> impl Strategy<Value = Forgery> {
    let b64_char = proptest::sample::select(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. "
            .chars()
            .collect::<Vec<_>>(),
    );
    prop_oneof![
        4 => (0usize..3, any::<usize>(), b64_char)
            .prop_map(|(part, pos, with)| Forgery::Replace { part, pos, with }),
        1 => any::<usize>().prop_map(Forgery::Truncate),
        1 => (0usize..3).prop_map(Forgery::DropSegment),
        1 => "[A-Za-z0-9_-]{0,8}".prop_map(Forgery::Extra),
        1 => (0usize..3).prop_map(Forgery::Padded),
        1 => (proptest::sample::select(vec!["none", "None", "NONE"]), any::<bool>())
            .prop_map(|(a, keep)| Forgery::AlgNone(a.to_owned(), keep)),
        1 => (proptest::sample::select(vec!["HS256", "HS384", "HS512"]), 0usize..3)
            .prop_map(|(a, f)| Forgery::Hmac(a.to_owned(), f)),
        1 => Just(Forgery::OtherClaims),
        1 => Just(Forgery::Stranger),
    ]
}

fn forge(f: &Forgery, token: &str, jwks: &Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    let kid = header["kid"].as_str().unwrap().to_owned();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    match f {
        Forgery::Replace { part, pos, with } => {
            let mut segments: Vec<String> = parts.iter().map(|s| (*s).to_owned()).collect();
            let mut chars: Vec<char> = segments[*part].chars().collect();
            if !chars.is_empty() {
                let i = pos % chars.len();
                chars[i] = *with;
            }
            segments[*part] = chars.into_iter().collect();
            segments.join(".")
        }
        Forgery::Truncate(n) => token[..n % token.len()].to_owned(),
        Forgery::DropSegment(i) => {
            let mut p = parts.clone();
            p.remove(*i);
            p.join(".")
        }
        Forgery::Extra(s) => format!("{token}.{s}"),
        Forgery::Padded(i) => {
            let mut p: Vec<String> = parts.iter().map(|s| (*s).to_owned()).collect();
            p[*i].push('=');
            p.join(".")
        }
        Forgery::AlgNone(alg, keep) => {
            let h = b64(json!({"kid": kid, "alg": alg}).to_string().as_bytes());
            format!("{h}.{}.{}", parts[1], if *keep { parts[2] } else { "" })
        }
        Forgery::Hmac(alg, form) => {
            let jwk = jwks["keys"]
                .as_array()
                .unwrap()
                .iter()
                .find(|k| k["kid"] == json!(kid))
                .unwrap();
            let secret = match form {
                0 => jwks.to_string().into_bytes(),
                1 => jwk.to_string().into_bytes(),
                _ => jwk["n"].as_str().unwrap().as_bytes().to_vec(),
            };
            let h = b64(json!({"kid": kid, "alg": alg}).to_string().as_bytes());
            let input = format!("{h}.{}", parts[1]);
            let algorithm = match alg.as_str() {
                "HS384" => Algorithm::HS384,
                "HS512" => Algorithm::HS512,
                _ => Algorithm::HS256,
            };
            let key = jsonwebtoken::EncodingKey::from_secret(&secret).unwrap();
            let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &key, algorithm).unwrap();
            format!("{input}.{signature}")
        }
        Forgery::OtherClaims => {
            claims["username"] = json!("victim");
            claims["sub"] = json!("00000000-0000-4000-8000-000000000000");
            format!(
                "{}.{}.{}",
                parts[0],
                b64(claims.to_string().as_bytes()),
                parts[2]
            )
        }
        Forgery::Stranger => {
            let stranger = tokens::SigningKey::generate_rs256().unwrap();
            let same_kid =
                tokens::SigningKey::from_pkcs8(kid, stranger.pkcs8_der().expose_secret()).unwrap();
            same_kid.sign_jwt(&claims).unwrap()
        }
    }
}

/// The forgery world: a server and a session whose access token is forged.
fn forgery_world() -> &'static (World, JwkSet, Value, String) {
    static W: OnceLock<(World, JwkSet, Value, String)> = OnceLock::new();
    W.get_or_init(|| {
        let w = World::build();
        let (jwks, json, issuer) = published(&w);
        (w, jwks, json, issuer)
    })
}

fn assert_refused_by_both(f: &Forgery) -> Result<(), TestCaseError> {
    let (w, jwks, jwks_json, issuer) = forgery_world();
    let token = forge(f, &w.session.access, jwks_json);
    prop_assume!(token != w.session.access);
    let theirs = jsonwebtoken_verify(jwks, issuer, &w.client, &token);
    prop_assert!(theirs.is_err(), "jsonwebtoken accepted {f:?}");
    let r = call(w.addr, "GetUser", json!({"AccessToken": token}));
    prop_assert_eq!(r.status, 400, "{:?}: {:?}", f, r);
    let code = r.json()["__type"].as_str().unwrap_or_default().to_owned();
    // An empty token is a missing parameter (Cognito's length constraint), anything else a
    // token that does not authorise.
    let expected = if token.is_empty() {
        "InvalidParameterException"
    } else {
        "NotAuthorizedException"
    };
    prop_assert_eq!(code, expected, "{:?}: {:?}", f, r);
    Ok(())
}

#[test]
fn the_named_forgeries_are_refused_by_jsonwebtoken_and_get_user() {
    let (w, ..) = forgery_world();
    assert_eq!(
        ok(w.addr, "GetUser", json!({"AccessToken": w.session.access}))["Username"],
        "alice",
        "the genuine token works"
    );
    for f in [
        Forgery::AlgNone("none".into(), false),
        Forgery::AlgNone("None".into(), true),
        Forgery::Hmac("HS256".into(), 0),
        Forgery::Hmac("HS256".into(), 1),
        Forgery::Hmac("HS512".into(), 2),
        Forgery::OtherClaims,
        Forgery::Stranger,
        Forgery::DropSegment(2),
        Forgery::Extra(String::new()),
        Forgery::Padded(2),
    ] {
        assert_refused_by_both(&f).unwrap_or_else(|e| panic!("{e}"));
    }
    // An expired token signed with the pool's own key (a test token copying the session's
    // claims): jsonwebtoken refuses it as expired, and GetUser refuses it.
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(w.session.access.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    let mut claims = claims.as_object().unwrap().clone();
    claims.remove("exp");
    claims.remove("iat");
    let r = console_call(
        w.addr,
        "Poolhouse.EncodeTestToken",
        &json!({"UserPoolId": w.pool, "ExpiresIn": "-5m", "Claims": claims}).to_string(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    let expired = r.json()["Token"].as_str().unwrap().to_owned();
    let (_, jwks, _, issuer) = forgery_world();
    let why = jsonwebtoken_verify(jwks, issuer, &w.client, &expired).unwrap_err();
    assert!(why.contains("xpired"), "{why}");
    let refused = call(w.addr, "GetUser", json!({"AccessToken": expired}));
    assert_eq!(refused.status, 400, "{refused:?}");
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn a_forged_access_token_is_refused_by_jsonwebtoken_and_get_user(f in forgery()) {
        assert_refused_by_both(&f)?;
    }
}

/// A sweep besides the random cases: every node of every seed set, in turn, to each of a few
/// values that break types and ranges (the random cases reach these only now and then).
#[test]
fn every_member_of_every_seed_set_to_a_wrong_value_answers_in_cognitos_shape() {
    let w = World::build();
    let values = [
        json!(null),
        json!(-1),
        json!(u32::MAX),
        json!(u64::MAX),
        json!(""),
        json!({}),
    ];
    let mut sent = 0;
    for (target, body) in corpus() {
        let base: Value = serde_json::from_str(&w.fill(&body)).unwrap();
        let mut nodes = Vec::new();
        paths(&base, &mut Vec::new(), &mut nodes);
        for i in 0..nodes.len() {
            for v in &values {
                let mut b = base.clone();
                apply_json(&mut b, &JsonEdit::Set(i, v.clone()));
                let text = b.to_string();
                let r = send_raw(w.addr, Some(&target), Some(AMZ_JSON), text.as_bytes());
                assert_cognito_shaped(&r, &format!("{target} {text:.300}"))
                    .unwrap_or_else(|e| panic!("{e}"));
                sent += 1;
            }
        }
    }
    assert!(sent > 1000, "{sent} requests");
}

// ----- signatures on a workspace that requires them -----------------------------------------

/// A server whose workspace requires SigV4, with its access key and secret.
fn locked() -> &'static (SocketAddr, String, String) {
    static L: OnceLock<(SocketAddr, String, String)> = OnceLock::new();
    L.get_or_init(|| {
        let addr = start_server();
        let r = console_call(addr, "Poolhouse.CreateAccessKey", "{}");
        assert_eq!(r.status, 200, "{r:?}");
        let key = r.json()["AccessKeyId"].as_str().unwrap().to_owned();
        let secret = r.json()["SecretAccessKey"].as_str().unwrap().to_owned();
        let r = console_call(
            addr,
            "Poolhouse.UpdateWorkspace",
            r#"{"RequireSignature":true}"#,
        );
        assert_eq!(r.status, 200, "{r:?}");
        (addr, key, secret)
    })
}

/// The headers botocore sends for `target` and `body`, signed now with `key` and `secret`.
fn signed_headers(
    addr: SocketAddr,
    target: &str,
    body: &str,
    key: &str,
    secret: &str,
) -> Vec<(String, String)> {
    use aws_credential_types::Credentials;
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;
    let host = addr.to_string();
    let base = [
        ("content-type", AMZ_JSON),
        ("host", host.as_str()),
        ("x-amz-target", target),
    ];
    let identity = Credentials::new(key, secret, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("cognito-idp")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let request = SignableRequest::new(
        "POST",
        "/",
        base.iter().copied(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(request, &params).unwrap().into_parts();
    let mut headers: Vec<(String, String)> = base
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    headers.extend(
        instructions
            .headers()
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    headers
}

/// An edit to a signed request's headers or body.
#[derive(Debug, Clone)]
enum SigEdit {
    /// One `key=value` part of the Authorization header (0 credential, 1 signed headers, 2
    /// signature) replaced by this text.
    Part(usize, String),
    /// A part removed, or repeated.
    DropPart(usize),
    RepeatPart(usize),
    /// One `/`-separated piece of the credential scope replaced.
    Scope(usize, String),
    /// One character of the Authorization header replaced.
    Char(usize, char),
    /// The algorithm name.
    Algorithm(String),
    /// The X-Amz-Date header replaced, or removed.
    Date(Option<String>),
    /// The body changed after signing.
    Body(String),
    /// The target changed after signing.
    Target(String),
}

fn visible() -> impl Strategy<Value = String> {
    "[ -~]{0,30}"
}

fn sig_edit() -> impl Strategy<Value = SigEdit> {
    let dates = prop_oneof![
        Just("20260101T000000Z".to_owned()),
        Just("99991231T235959Z".to_owned()),
        Just("00000101T000000Z".to_owned()),
        Just("19700101T000000Z".to_owned()),
        Just("2026-01-01T00:00:00Z".to_owned()),
        Just("20261340T256161Z".to_owned()),
        Just(String::new()),
        visible(),
    ];
    prop_oneof![
        (
            0usize..3,
            prop_oneof![
                visible(),
                Just("SignedHeaders=".to_owned()),
                Just("SignedHeaders=host".to_owned()),
                Just(
                    "SignedHeaders=content-type;host;x-amz-date;x-amz-target;x-missing".to_owned()
                ),
                Just("SignedHeaders=HOST;X-AMZ-DATE;X-AMZ-TARGET".to_owned()),
                Just("SignedHeaders=host;host;x-amz-date;x-amz-target;;".to_owned()),
                Just("Signature=".to_owned()),
                Just(format!("Signature={}", "0".repeat(64))),
                Just(format!("Signature={}", "z".repeat(5000))),
                Just("Credential=".to_owned()),
                Just("Credential=////".to_owned()),
                Just("=".to_owned()),
            ]
        )
            .prop_map(|(i, s)| SigEdit::Part(i, s)),
        (0usize..3).prop_map(SigEdit::DropPart),
        (0usize..3).prop_map(SigEdit::RepeatPart),
        (
            0usize..6,
            prop_oneof![
                visible(),
                Just(String::new()),
                Just("AKIAAAAAAAAAAAAAAAAA".to_owned())
            ]
        )
            .prop_map(|(i, s)| SigEdit::Scope(i, s)),
        (any::<usize>(), proptest::char::range(' ', '~')).prop_map(|(i, c)| SigEdit::Char(i, c)),
        prop_oneof![
            Just("AWS4-HMAC-SHA512".to_owned()),
            Just("aws4-hmac-sha256".to_owned()),
            Just(String::new()),
            visible()
        ]
        .prop_map(SigEdit::Algorithm),
        proptest::option::of(dates).prop_map(SigEdit::Date),
        prop_oneof![
            Just("{}".to_owned()),
            Just(r#"{"MaxResults":60}"#.to_owned()),
            visible()
        ]
        .prop_map(SigEdit::Body),
        prop_oneof![
            Just(format!("{IDP}.ListUsers")),
            Just("Poolhouse.UpdateWorkspace".to_owned()),
            visible()
        ]
        .prop_map(SigEdit::Target),
    ]
}

fn apply_sig(headers: &mut Vec<(String, String)>, body: &mut String, e: &SigEdit) {
    let auth_at = headers
        .iter()
        .position(|(k, _)| k == "authorization")
        .unwrap();
    let auth = headers[auth_at].1.clone();
    let (alg, rest) = auth.split_once(' ').unwrap_or((auth.as_str(), ""));
    let mut parts: Vec<String> = rest.split(", ").map(str::to_owned).collect();
    let n = parts.len();
    let mut alg = alg.to_owned();
    match e {
        SigEdit::Part(i, s) => parts[i % n] = s.clone(),
        SigEdit::DropPart(i) => {
            parts.remove(i % n);
        }
        SigEdit::RepeatPart(i) => {
            let p = parts[i % n].clone();
            parts.push(p);
        }
        SigEdit::Scope(i, s) => {
            let credential = parts[0].trim_start_matches("Credential=");
            let mut scope: Vec<String> = credential.split('/').map(str::to_owned).collect();
            let i = i % scope.len();
            scope[i] = s.clone();
            parts[0] = format!("Credential={}", scope.join("/"));
        }
        SigEdit::Char(i, c) => {
            let mut chars: Vec<char> = auth.chars().collect();
            let i = i % chars.len();
            chars[i] = *c;
            headers[auth_at].1 = chars.into_iter().collect();
            return;
        }
        SigEdit::Algorithm(a) => alg = a.clone(),
        SigEdit::Date(d) => {
            headers.retain(|(k, _)| k != "x-amz-date");
            if let Some(d) = d {
                headers.push(("x-amz-date".to_owned(), d.clone()));
            }
            return;
        }
        SigEdit::Body(b) => {
            *body = b.clone();
            return;
        }
        SigEdit::Target(t) => {
            for (k, v) in headers.iter_mut() {
                if k == "x-amz-target" {
                    *v = t.clone();
                }
            }
            return;
        }
    }
    headers[auth_at].1 = format!("{alg} {}", parts.join(", "));
}

/// What the Authorization header says, read as the endpoint reads it: the algorithm, and for
/// each of `Credential`, `SignedHeaders` and `Signature` its last value (other names are
/// ignored; a part without `=` makes the header malformed).
type Reading = (String, Vec<(String, String)>, bool);

/// A request as the verifier reads it: the Authorization header's reading, the other headers
/// and the body. Edits that leave it unchanged (a part repeated, an unknown part added) may
/// still be accepted; any other edit must not be.
fn normalized(
    headers: &[(String, String)],
    body: &str,
) -> (Reading, Vec<(String, String)>, String) {
    let mut reading = (String::new(), Vec::new(), false);
    let mut others = Vec::new();
    for (k, v) in headers {
        if k == "authorization" {
            let (alg, rest) = v.split_once(' ').unwrap_or((v, ""));
            reading.0 = alg.to_owned();
            let mut known = std::collections::BTreeMap::new();
            for part in rest.split(',') {
                match part.trim().split_once('=') {
                    Some((name, value))
                        if ["Credential", "SignedHeaders", "Signature"].contains(&name) =>
                    {
                        known.insert(name.to_owned(), value.to_owned());
                    }
                    Some(_) => {}
                    None => reading.2 = true,
                }
            }
            reading.1 = known.into_iter().collect();
        } else {
            others.push((k.clone(), v.clone()));
        }
    }
    others.sort();
    (reading, others, body.to_owned())
}

proptest! {
    #![proptest_config(config(64))]

    /// Whatever is done to a signed request's Authorization, X-Amz-Date, target or body, the
    /// answer is Cognito-shaped, and only the untouched request succeeds.
    #[test]
    fn an_edited_signed_request_answers_a_cognito_shaped_4xx(edits in proptest::collection::vec(sig_edit(), 1..3)) {
        let (addr, key, secret) = locked();
        let target = format!("{IDP}.ListUserPools");
        let mut body = r#"{"MaxResults":10}"#.to_owned();
        let mut headers = signed_headers(*addr, &target, &body, key, secret);
        let original = (headers.clone(), body.clone());
        for e in &edits {
            apply_sig(&mut headers, &mut body, e);
        }
        // Header values are visible ASCII here: what HTTP itself refuses is not the endpoint's.
        headers.retain(|(_, v)| !v.chars().any(|c| c.is_control()));
        let pairs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = http::send(*addr, "POST", "/", &pairs, body.as_bytes());
        let what = format!("{edits:?}");
        assert_cognito_shaped(&r, &what)?;
        if normalized(&headers, &body) != normalized(&original.0, &original.1) {
            prop_assert!(
                r.status != 200,
                "{what}: an edited request was accepted: {headers:?} {body} {r:?}"
            );
        }
    }
}

#[test]
fn an_untouched_signed_request_succeeds_on_the_locked_server() {
    let (addr, key, secret) = locked();
    let target = format!("{IDP}.ListUserPools");
    let body = r#"{"MaxResults":10}"#;
    let headers = signed_headers(*addr, &target, body, key, secret);
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = http::send(*addr, "POST", "/", &pairs, body.as_bytes());
    assert_eq!(r.status, 200, "{r:?}");
    let unsigned = http::post_target(*addr, &target, body);
    assert_eq!(unsigned.status, 400, "{unsigned:?}");
}
