//! Backends and the credential-exchange tester through the operation list: backends' input
//! checked by field, their secrets sealed and never answered; runs against an HTTP backend on
//! 127.0.0.1 kept with secrets masked, tokens opened again, and re-run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use console_api::ErrorCode;
use serde_json::{Value, json};
use testkit::http::{HttpServer, Reply};
use testkit::{TestConsole, err, ok};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const VENDED_SECRET: &str = "VendedSecretKeyThatMustNotBeKept0123";
const SESSION: &str = "VendedSessionTokenThatMustNotBeKept";
const POOL: &str = "us-east-1:11111111-2222-3333-4444-555555555555";
const ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

fn store_bytes(c: &TestConsole) -> Vec<u8> {
    // The WAL holds recent writes: read both files.
    let path = c.console().store_path().to_path_buf();
    let mut bytes = std::fs::read(&path).unwrap();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn backends_are_checked_sealed_and_never_answer_their_secret() {
    let c = TestConsole::new();
    let made = ok(
        &c,
        "CreateBackend",
        json!({"Name": "staging", "Region": "eu-west-1", "Url": "https://cognito.example.test/",
               "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": SECRET}),
    );
    assert_eq!(made["Url"], "https://cognito.example.test");
    assert!(!made.to_string().contains(SECRET));
    assert!(
        !contains(&store_bytes(&c), SECRET),
        "the secret is sealed at rest"
    );

    let listed = ok(&c, "ListBackends", json!({}));
    let names: Vec<&str> = listed["Backends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["built-in", "staging"]);
    assert_eq!(listed["Backends"][0]["BuiltIn"], true);
    assert!(!listed.to_string().contains(SECRET));

    for (body, field) in [
        (
            json!({"Name": "staging", "Region": "eu-west-1", "Url": "http://h"}),
            "Name",
        ),
        (
            json!({"Name": "b d", "Region": "eu-west-1", "Url": "http://h"}),
            "Name",
        ),
        (
            json!({"Name": "built-in", "Region": "eu-west-1", "Url": "http://h"}),
            "Name",
        ),
        (
            json!({"Name": "x", "Region": "Europe", "Url": "http://h"}),
            "Region",
        ),
        (
            json!({"Name": "x", "Region": "eu-west-1", "Url": "file:///etc"}),
            "Url",
        ),
        (
            json!({"Name": "x", "Region": "eu-west-1", "Url": "http://h", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE"}),
            "SecretAccessKey",
        ),
        (
            json!({"Name": "x", "Region": "eu-west-1", "Url": "http://h", "AccessKeyId": "short", "SecretAccessKey": SECRET}),
            "AccessKeyId",
        ),
    ] {
        let e = err(&c, "CreateBackend", body.clone());
        assert_eq!(e.code, ErrorCode::InvalidParameterException, "{body}");
        assert_eq!(e.field.as_deref(), Some(field), "{body}: {}", e.message);
    }

    let updated = ok(
        &c,
        "UpdateBackend",
        json!({"Name": "staging", "Url": "http://127.0.0.1:4566", "RemoveAccessKey": true}),
    );
    assert_eq!(updated["Url"], "http://127.0.0.1:4566");
    assert!(updated.get("AccessKeyId").is_none());
    assert_eq!(
        err(
            &c,
            "UpdateBackend",
            json!({"Name": "staging", "Url": "gopher://x"})
        )
        .field
        .as_deref(),
        Some("Url")
    );
    ok(&c, "DeleteBackend", json!({"Name": "staging"}));
    let gone = err(&c, "DeleteBackend", json!({"Name": "staging"}));
    assert_eq!(gone.code, ErrorCode::ResourceNotFoundException);

    let audit = ok(&c, "ListAuditEvents", json!({}));
    let ops: Vec<&str> = audit["Events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Operation"].as_str().unwrap())
        .collect();
    for op in ["CreateBackend", "UpdateBackend", "DeleteBackend"] {
        assert!(ops.contains(&op), "{op} is audited: {ops:?}");
    }
}

/// A backend answering GetId, GetCredentialsForIdentity and GetCallerIdentity.
fn fake_backend() -> HttpServer {
    HttpServer::start(|r| {
        let json = |body: Value| Reply::json(200, body);
        match r.header("x-amz-target") {
            Some("AWSCognitoIdentityService.GetId") => json(json!({"IdentityId": "us-east-1:ident-1"})),
            Some("AWSCognitoIdentityService.GetCredentialsForIdentity") => json(json!({
                "IdentityId": "us-east-1:ident-1",
                "Credentials": {"AccessKeyId": "ASIAFAKEFAKEFAKE1234", "SecretKey": VENDED_SECRET,
                                "SessionToken": SESSION, "Expiration": 1_700_003_600.5}})),
            _ if String::from_utf8_lossy(&r.body).starts_with("Action=GetCallerIdentity") => Reply {
                status: 200,
                content_type: "text/xml".into(),
                body: "<GetCallerIdentityResponse><GetCallerIdentityResult><UserId>AROA:s</UserId>\
                       <Account>123456789012</Account><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>\
                       </GetCallerIdentityResult></GetCallerIdentityResponse>"
                    .into(),
            },
            _ => Reply::text(400, "unexpected"),
        }
    })
}

#[test]
fn a_run_is_kept_masked_its_tokens_reopened_and_it_runs_again() {
    let c = TestConsole::new();
    let server = fake_backend();
    ok(
        &c,
        "CreateBackend",
        json!({"Name": "fake", "Region": "us-east-1", "Url": server.url("")}),
    );
    let run = ok(
        &c,
        "RunExchange",
        json!({"BackendName": "fake", "IdentityPoolId": POOL, "Flow": "ENHANCED",
               "Source": {"Type": "TOKEN", "LoginsKey": "accounts.google.com", "Token": ID_TOKEN}}),
    );
    assert_eq!(run["Succeeded"], true, "{run:#}");
    assert_eq!(run["IdentityId"], "us-east-1:ident-1");
    assert_eq!(run["Credentials"]["AccessKeyId"], "ASIAFAKEFAKEFAKE1234");
    assert_eq!(
        run["Caller"]["Arn"],
        "arn:aws:sts::123456789012:assumed-role/r/s"
    );
    let ops: Vec<&str> = run["Steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        ["GetId", "GetCredentialsForIdentity", "GetCallerIdentity"]
    );
    assert_eq!(run["Tokens"][0]["Value"], ID_TOKEN);
    assert!(run["Source"].get("Token").is_none());
    let text = run.to_string();
    assert!(!text.contains(VENDED_SECRET) && !text.contains(SESSION));

    // At rest: neither the vended secret, its session token, nor the token in clear.
    let bytes = store_bytes(&c);
    for secret in [VENDED_SECRET, SESSION, ID_TOKEN] {
        assert!(!contains(&bytes, secret), "{secret} is not kept in clear");
    }

    let id = run["RunId"].as_str().unwrap();
    let got = ok(&c, "GetExchangeRun", json!({"RunId": id}));
    assert_eq!(got["Tokens"][0]["Value"], ID_TOKEN);
    assert_eq!(got["Steps"], run["Steps"]);

    let again = ok(&c, "RunExchange", json!({"RerunOf": id}));
    assert_eq!(again["Succeeded"], true);
    assert_ne!(again["RunId"], run["RunId"]);
    let listed = ok(&c, "ListExchangeRuns", json!({"MaxResults": 1}));
    assert_eq!(listed["Runs"].as_array().unwrap().len(), 1);
    assert!(listed["Runs"][0].get("Steps").is_none());
    let next = ok(
        &c,
        "ListExchangeRuns",
        json!({"MaxResults": 1, "NextToken": listed["NextToken"]}),
    );
    assert_eq!(next["Runs"][0]["RunId"], run["RunId"]);
    let bad = err(&c, "ListExchangeRuns", json!({"NextToken": "forged"}));
    assert_eq!(bad.field.as_deref(), Some("NextToken"));
}

#[test]
fn bad_run_requests_name_the_member() {
    let c = TestConsole::new();
    for (body, field) in [
        (
            json!({"Flow": "ENHANCED", "Source": {"Type": "GUEST"}}),
            "IdentityPoolId",
        ),
        (
            json!({"IdentityPoolId": "nope", "Flow": "ENHANCED", "Source": {"Type": "GUEST"}}),
            "IdentityPoolId",
        ),
        (
            json!({"IdentityPoolId": POOL, "Source": {"Type": "GUEST"}}),
            "Flow",
        ),
        (
            json!({"IdentityPoolId": POOL, "Flow": "BASIC", "Source": {"Type": "GUEST"}}),
            "RoleArn",
        ),
        (
            json!({"IdentityPoolId": POOL, "Flow": "DEVELOPER", "Source": {"Type": "GUEST"}}),
            "Source",
        ),
        (
            json!({"IdentityPoolId": POOL, "Flow": "ENHANCED",
                "Source": {"Type": "USER_PASSWORD", "UserPoolId": "us-east-1_abc", "ClientId": "c", "Username": "u"}}),
            "Password",
        ),
        (
            json!({"IdentityPoolId": POOL, "Flow": "ENHANCED", "Source": {"Type": "GUEST"}, "TimeoutSeconds": 0}),
            "TimeoutSeconds",
        ),
        (
            json!({"BackendName": "nowhere", "IdentityPoolId": POOL, "Flow": "ENHANCED", "Source": {"Type": "GUEST"}}),
            "BackendName",
        ),
        (json!({"RerunOf": "exr-0000"}), "RerunOf"),
    ] {
        let e = err(&c, "RunExchange", body.clone());
        assert_eq!(e.field.as_deref(), Some(field), "{body}: {e:?}");
    }
    // No endpoint serves this test console and no launcher is set: the built-in backend says so.
    let e = err(
        &c,
        "RunExchange",
        json!({"IdentityPoolId": POOL, "Flow": "ENHANCED", "Source": {"Type": "GUEST"}}),
    );
    assert!(e.message.contains("poolhouse serve"), "{}", e.message);
}
