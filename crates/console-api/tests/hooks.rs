//! Hooks on a real store, called over real HTTP: a small server in the test plays the hook.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::thread;
use std::time::Duration;

use console_api::{ApiError, ErrorCode};
use serde_json::{Value, json};
use testkit::{HttpServer, Reply, T0, TestConsole, call, create_client, create_pool, ok};

/// The event answered with `response` filled in, as a Lambda handler returns it.
fn answer(event: &Value, response: Value) -> Reply {
    let mut e = event.clone();
    e["response"] = response;
    Reply::json(200, e)
}

struct Env {
    c: TestConsole,
    pool: String,
    client: String,
}

/// A pool with `lambda` as its LambdaConfig and a client allowed the password flows.
fn env(lambda: Value) -> Env {
    let c = TestConsole::new().as_peer();
    let pool = create_pool(
        &c,
        json!({"PoolName": "hooked", "AutoVerifiedAttributes": ["email"], "LambdaConfig": lambda}),
    );
    let client = create_client(
        &c,
        json!({"UserPoolId": pool, "ClientName": "web", "ExplicitAuthFlows": [
            "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    );
    Env { c, pool, client }
}

impl Env {
    fn sign_up(&self, name: &str, email: &str) -> Result<Value, ApiError> {
        call(
            &self.c,
            "SignUp",
            json!({"ClientId": self.client, "Username": name, "Password": "Passw0rd!",
                "UserAttributes": [{"Name": "email", "Value": email}],
                "ValidationData": [{"Name": "invite", "Value": "xyz"}],
                "ClientMetadata": {"campaign": "spring"}}),
        )
    }

    fn user(&self, name: &str) {
        ok(
            &self.c,
            "AdminCreateUser",
            json!({"UserPoolId": self.pool, "Username": name, "MessageAction": "SUPPRESS",
                "UserAttributes": [{"Name": "email", "Value": format!("{name}@example.com")}]}),
        );
        ok(
            &self.c,
            "AdminSetUserPassword",
            json!({"UserPoolId": self.pool, "Username": name, "Password": "Passw0rd!",
                "Permanent": true}),
        );
    }

    fn sign_in(&self, name: &str) -> Result<Value, ApiError> {
        call(
            &self.c,
            "InitiateAuth",
            json!({"ClientId": self.client, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": name, "PASSWORD": "Passw0rd!"},
                "ClientMetadata": {"app": "test"}}),
        )
    }

    fn claims(&self, token: &Value) -> serde_json::Map<String, Value> {
        let v = tokens::Verifier::from_jwks(&self.c.jwks(&self.pool).unwrap()).unwrap();
        v.verify(token.as_str().unwrap(), T0 / 1000, 0)
            .unwrap()
            .into_claims()
    }

    fn invocations(&self) -> Vec<Value> {
        ok(
            &self.c,
            "ListHookInvocations",
            json!({"UserPoolId": self.pool}),
        )["Invocations"]
            .as_array()
            .unwrap()
            .clone()
    }
}

#[test]
fn pre_sign_up_confirms_some_sign_ups_and_refuses_others() {
    let hook = HttpServer::json(|e| {
        let email = e["request"]["userAttributes"]["email"]
            .as_str()
            .unwrap_or("");
        if email.ends_with("@blocked.test") {
            Reply::json(
                400,
                json!({"errorMessage": "sign-ups from blocked.test are closed"}),
            )
        } else {
            answer(
                e,
                json!({"autoConfirmUser": true, "autoVerifyEmail": true, "autoVerifyPhone": false}),
            )
        }
    });
    let e = env(json!({"PreSignUp": hook.url("/pre-sign-up")}));

    let r = e.sign_up("ana", "ana@ok.test").unwrap();
    assert_eq!(r["UserConfirmed"], true);
    assert!(r.get("CodeDeliveryDetails").is_none(), "no code to confirm");
    let u = ok(
        &e.c,
        "AdminGetUser",
        json!({"UserPoolId": e.pool, "Username": "ana"}),
    );
    assert_eq!(u["UserStatus"], "CONFIRMED");
    assert!(
        u["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({"Name": "email_verified", "Value": "true"}))
    );
    // Confirmed by the hook, the user signs in at once.
    assert!(e.sign_in("ana").unwrap()["AuthenticationResult"].is_object());

    let refused = e.sign_up("bo", "bo@blocked.test").unwrap_err();
    assert_eq!(refused.code, ErrorCode::UserLambdaValidationException);
    assert_eq!(
        refused.message,
        "PreSignUp failed with error sign-ups from blocked.test are closed."
    );
    let gone = call::<Value>(
        &e.c,
        "AdminGetUser",
        json!({"UserPoolId": e.pool, "Username": "bo"}),
    )
    .unwrap_err();
    assert_eq!(gone.code, ErrorCode::UserNotFoundException);

    // The event is Cognito's.
    let first = &hook.json_bodies()[0];
    assert_eq!(first["triggerSource"], "PreSignUp_SignUp");
    assert_eq!(first["userPoolId"], json!(e.pool));
    assert_eq!(first["userName"], "ana");
    assert_eq!(first["callerContext"]["clientId"], json!(e.client));
    assert_eq!(first["request"]["validationData"]["invite"], "xyz");
    assert_eq!(first["request"]["clientMetadata"]["campaign"], "spring");
    assert_eq!(first["response"]["autoConfirmUser"], false);

    // Both calls are in the log, newest first.
    let log = e.invocations();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["Outcome"], "Rejected");
    assert_eq!(log[0]["StatusCode"], 400);
    assert_eq!(log[1]["Outcome"], "Succeeded");
    assert_eq!(log[1]["TriggerSource"], "PreSignUp_SignUp");
    assert!(log[1]["Request"].as_str().unwrap().contains("ana@ok.test"));
}

#[test]
fn pre_token_generation_v2_changes_both_tokens_but_not_reserved_claims() {
    let hook = HttpServer::json(|e| {
        answer(
            e,
            json!({"claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {
                    "claimsToAddOrOverride": {"tenant": "acme", "sub": "forged"},
                    "claimsToSuppress": ["email"]
                },
                "accessTokenGeneration": {
                    "claimsToAddOrOverride": {"tenant": "acme"},
                    "scopesToAdd": ["orders:read"]
                },
                "groupOverrideDetails": {"groupsToOverride": ["beta"]}
            }}),
        )
    });
    let e = env(json!({"PreTokenGenerationConfig": {
        "LambdaVersion": "V2_0", "LambdaArn": hook.url("/pre-token")}}));
    e.user("cy");
    let t = e.sign_in("cy").unwrap()["AuthenticationResult"].clone();
    let id = e.claims(&t["IdToken"]);
    let access = e.claims(&t["AccessToken"]);
    assert_eq!(id["tenant"], "acme");
    assert_ne!(id["sub"], "forged", "sub is reserved");
    assert!(id.get("email").is_none());
    assert_eq!(id["cognito:groups"], json!(["beta"]));
    assert_eq!(access["tenant"], "acme");
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin orders:read");
    assert_eq!(access["cognito:groups"], json!(["beta"]));

    let ev = &hook.json_bodies()[0];
    assert_eq!(ev["version"], "2");
    assert_eq!(ev["triggerSource"], "TokenGeneration_Authentication");
    assert_eq!(ev["request"]["clientMetadata"]["app"], "test");
    assert_eq!(ev["request"]["userAttributes"]["email"], "cy@example.com");
    assert_eq!(
        ev["request"]["scopes"],
        json!(["aws.cognito.signin.user.admin"])
    );

    // A refresh is a token generation too.
    let refreshed = ok(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": e.client, "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": t["RefreshToken"]}}),
    );
    let id2 = e.claims(&refreshed["AuthenticationResult"]["IdToken"]);
    assert_eq!(id2["tenant"], "acme");
    assert_eq!(
        hook.json_bodies()[1]["triggerSource"],
        "TokenGeneration_RefreshTokens"
    );

    // What was ignored is said in the log.
    let log = e.invocations();
    let detail = log[1]["Detail"].as_str().unwrap();
    assert!(detail.contains("'sub' cannot be changed"), "{detail}");
}

#[test]
fn pre_and_post_authentication_can_refuse_a_sign_in() {
    let hook = HttpServer::json(|e| {
        let user = e["userName"].as_str().unwrap_or("");
        match (e["triggerSource"].as_str().unwrap_or(""), user) {
            ("PreAuthentication_Authentication", "dee") => {
                Reply::json(403, json!({"errorMessage": "account frozen"}))
            }
            ("PostAuthentication_Authentication", "eve") => {
                Reply::json(500, "audit store unavailable")
            }
            _ => answer(e, json!({})),
        }
    });
    let e = env(json!({
        "PreAuthentication": hook.url("/pre-auth"),
        "PostAuthentication": hook.url("/post-auth")}));
    e.user("dee");
    e.user("eve");
    e.user("fay");

    let frozen = e.sign_in("dee").unwrap_err();
    assert_eq!(frozen.code, ErrorCode::UserLambdaValidationException);
    assert_eq!(
        frozen.message,
        "PreAuthentication failed with error account frozen."
    );

    let post = e.sign_in("eve").unwrap_err();
    assert_eq!(post.code, ErrorCode::UserLambdaValidationException);
    assert_eq!(
        post.message,
        "PostAuthentication failed with error audit store unavailable."
    );
    // The hook answered before anything of the sign-in was stored: no refresh token exists
    // for it, and its auth event says it was refused.
    let security = ok(
        &e.c,
        "DescribeUserSecurity",
        json!({"UserPoolId": e.pool, "Username": "eve"}),
    );
    let sessions = security["Sessions"].as_array().unwrap();
    assert!(sessions.is_empty(), "{security}");
    let events = ok(
        &e.c,
        "AdminListUserAuthEvents",
        json!({"UserPoolId": e.pool, "Username": "eve"}),
    );
    assert_eq!(events["AuthEvents"][0]["EventResponse"], "Fail", "{events}");
    assert_eq!(
        events["AuthEvents"][0]["Detail"],
        "Refused by the post authentication hook"
    );

    assert!(e.sign_in("fay").unwrap()["AuthenticationResult"].is_object());
    let sources: Vec<String> = hook
        .json_bodies()
        .iter()
        .map(|e| e["triggerSource"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        sources,
        [
            "PreAuthentication_Authentication",
            "PreAuthentication_Authentication",
            "PostAuthentication_Authentication",
            "PreAuthentication_Authentication",
            "PostAuthentication_Authentication",
        ]
    );
}

#[test]
fn post_confirmation_follows_a_confirmed_sign_up() {
    let hook = HttpServer::json(|e| answer(e, json!({})));
    let e = env(json!({"PostConfirmation": hook.url("/post-confirm")}));
    let r = e.sign_up("gus", "gus@example.com").unwrap();
    assert_eq!(r["UserConfirmed"], false);
    assert!(hook.json_bodies().is_empty());
    let m = ok(
        &e.c,
        "ListOutboxMessages",
        json!({"UserPoolId": e.pool, "Limit": 1}),
    );
    let code: String = m["Messages"][0]["Body"]
        .as_str()
        .unwrap()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    ok(
        &e.c,
        "ConfirmSignUp",
        json!({"ClientId": e.client, "Username": "gus", "ConfirmationCode": code}),
    );
    let ev = &hook.json_bodies()[0];
    assert_eq!(ev["triggerSource"], "PostConfirmation_ConfirmSignUp");
    assert_eq!(
        ev["request"]["userAttributes"]["cognito:user_status"],
        "CONFIRMED"
    );
}

#[test]
fn unreachable_slow_and_garbled_hooks_fail_as_cognito_says() {
    // Nothing listens on a port just released.
    let closed = testkit::closed_addr();
    let e = env(json!({"PreSignUp": format!("http://{closed}/pre")}));
    let down = e.sign_up("hal", "hal@example.com").unwrap_err();
    assert_eq!(down.code, ErrorCode::UnexpectedLambdaException);
    assert!(
        down.message.starts_with("PreSignUp invocation failed"),
        "{}",
        down.message
    );

    let slow = HttpServer::json(|e| {
        thread::sleep(Duration::from_millis(1500));
        answer(e, json!({}))
    });
    let e = env(json!({"PreSignUp": slow.url("/slow")}));
    e.c.set_hook_timeout(Duration::from_millis(200));
    let timed_out = e.sign_up("ida", "ida@example.com").unwrap_err();
    assert_eq!(timed_out.code, ErrorCode::UnexpectedLambdaException);
    assert!(
        timed_out.message.contains("TimeoutError"),
        "{}",
        timed_out.message
    );

    // https goes through TLS: a plain-HTTP server behind an https:// URL fails the handshake,
    // and says so, rather than being read as an answer.
    let plain = HttpServer::json(|e| answer(e, json!({})));
    let e = env(json!({"PreSignUp": format!("https://{}/pre", plain.addr())}));
    let tls = e.sign_up("ike", "ike@example.com").unwrap_err();
    assert_eq!(tls.code, ErrorCode::UnexpectedLambdaException);
    assert!(
        tls.message.starts_with("PreSignUp invocation failed"),
        "{}",
        tls.message
    );

    let garbled = HttpServer::json(|_| Reply::json(200, "<html>not json</html>"));
    let e = env(json!({"PreSignUp": garbled.url("/x")}));
    let bad = e.sign_up("jo", "jo@example.com").unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidLambdaResponseException);
    let wrong_type = HttpServer::json(|e| answer(e, json!({"autoConfirmUser": "yes"})));
    let e = env(json!({"PreSignUp": wrong_type.url("/x")}));
    let bad = e.sign_up("jo", "jo@example.com").unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidLambdaResponseException);
    assert!(bad.message.contains("autoConfirmUser"), "{}", bad.message);
    let log = e.invocations();
    assert_eq!(log[0]["Outcome"], "Failed");
}

#[test]
fn hook_urls_are_checked_and_round_trip() {
    let e = env(json!({}));
    let arn = call::<Value>(
        &e.c,
        "UpdateUserPool",
        json!({"UserPoolId": e.pool, "LambdaConfig": {
            "PreSignUp": "arn:aws:lambda:us-east-1:000000000000:function:pre"}}),
    )
    .unwrap_err();
    assert_eq!(arn.code, ErrorCode::InvalidParameterException);
    assert_eq!(arn.field.as_deref(), Some("LambdaConfig.PreSignUp"));
    let sender = call::<Value>(
        &e.c,
        "UpdateUserPool",
        json!({"UserPoolId": e.pool, "LambdaConfig": {
            "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": "arn:x"}}}),
    )
    .unwrap_err();
    assert_eq!(
        sender.field.as_deref(),
        Some("LambdaConfig.CustomEmailSender")
    );

    ok(
        &e.c,
        "UpdateUserPool",
        json!({"UserPoolId": e.pool, "LambdaConfig": {
            "PostConfirmation": "http://127.0.0.1:9/post"}}),
    );
    let p = ok(&e.c, "DescribeUserPool", json!({"UserPoolId": e.pool}));
    assert_eq!(
        p["UserPool"]["LambdaConfig"],
        json!({"PostConfirmation": "http://127.0.0.1:9/post"})
    );
    let bad_filter = call::<Value>(
        &e.c,
        "ListHookInvocations",
        json!({"UserPoolId": e.pool, "Trigger": "Nope"}),
    )
    .unwrap_err();
    assert_eq!(bad_filter.field.as_deref(), Some("Trigger"));
}

/// The auth-challenge hooks of a quiz: two questions, both must be answered right.
fn quiz(e: &Value) -> Reply {
    let rounds = e["request"]["session"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    match e["triggerSource"].as_str().unwrap() {
        "DefineAuthChallenge_Authentication" => {
            let failed = rounds.iter().any(|r| r["challengeResult"] == false);
            let response = if failed {
                json!({"failAuthentication": true, "issueTokens": false})
            } else if rounds.len() == 2 {
                json!({"issueTokens": true, "failAuthentication": false})
            } else {
                json!({"challengeName": "CUSTOM_CHALLENGE", "issueTokens": false,
                    "failAuthentication": false})
            };
            answer(e, response)
        }
        "CreateAuthChallenge_Authentication" => {
            let n = rounds.len() + 2;
            answer(
                e,
                json!({"publicChallengeParameters": {"question": format!("{n} + {n}?")},
                    "privateChallengeParameters": {"answer": (n * 2).to_string()},
                    "challengeMetadata": format!("ROUND-{}", rounds.len() + 1)}),
            )
        }
        "VerifyAuthChallengeResponse_Authentication" => {
            let right = e["request"]["privateChallengeParameters"]["answer"]
                == e["request"]["challengeAnswer"];
            answer(e, json!({"answerCorrect": right}))
        }
        _ => answer(e, json!({})),
    }
}

fn custom_env(hook: &HttpServer) -> Env {
    let e = env(json!({
        "DefineAuthChallenge": hook.url("/define"),
        "CreateAuthChallenge": hook.url("/create"),
        "VerifyAuthChallengeResponse": hook.url("/verify")}));
    ok(
        &e.c,
        "UpdateUserPoolClient",
        json!({"UserPoolId": e.pool, "ClientId": e.client,
            "ExplicitAuthFlows": ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    );
    e
}

fn respond(e: &Env, session: &Value, user: &str, answer: &str) -> Result<Value, ApiError> {
    call(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "CUSTOM_CHALLENGE", "Session": session,
            "ChallengeResponses": {"USERNAME": user, "ANSWER": answer}}),
    )
}

#[test]
fn custom_auth_runs_the_challenge_hooks_round_by_round() {
    let hook = HttpServer::json(quiz);
    let e = custom_env(&hook);
    e.user("kim");
    let start = |e: &Env| {
        ok(
            &e.c,
            "InitiateAuth",
            json!({"ClientId": e.client, "AuthFlow": "CUSTOM_AUTH",
                "AuthParameters": {"USERNAME": "kim"}}),
        )
    };

    let first = start(&e);
    assert_eq!(first["ChallengeName"], "CUSTOM_CHALLENGE");
    assert_eq!(first["ChallengeParameters"]["question"], "2 + 2?");
    assert_eq!(first["ChallengeParameters"]["USERNAME"], "kim");
    assert!(
        first["ChallengeParameters"].get("answer").is_none(),
        "private parameters stay private"
    );
    let second = respond(&e, &first["Session"], "kim", "4").unwrap();
    assert_eq!(second["ChallengeParameters"]["question"], "3 + 3?");
    // A session is answered once.
    let replay = respond(&e, &first["Session"], "kim", "4").unwrap_err();
    assert_eq!(replay.code, ErrorCode::NotAuthorizedException);
    let done = respond(&e, &second["Session"], "kim", "6").unwrap();
    let t = &done["AuthenticationResult"];
    assert_eq!(e.claims(&t["IdToken"])["cognito:username"], "kim");

    // The verify hook saw the private answer and the define hook the rounds so far.
    let events = hook.json_bodies();
    let last_define = events
        .iter()
        .rfind(|ev| ev["triggerSource"] == "DefineAuthChallenge_Authentication")
        .unwrap();
    assert_eq!(
        last_define["request"]["session"],
        json!([
            {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": true,
                "challengeMetadata": "ROUND-1"},
            {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": true,
                "challengeMetadata": "ROUND-2"}
        ])
    );

    // A wrong answer fails the sign-in, as the define hook decides.
    let again = start(&e);
    let wrong = respond(&e, &again["Session"], "kim", "5").unwrap_err();
    assert_eq!(wrong.code, ErrorCode::NotAuthorizedException);
    assert_eq!(wrong.message, "Incorrect username or password.");
}

#[test]
fn custom_auth_needs_its_hooks_and_the_client_flow() {
    let e = env(json!({}));
    ok(
        &e.c,
        "UpdateUserPoolClient",
        json!({"UserPoolId": e.pool, "ClientId": e.client,
            "ExplicitAuthFlows": ["ALLOW_CUSTOM_AUTH"]}),
    );
    e.user("lee");
    let no_hooks = call::<Value>(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": e.client, "AuthFlow": "CUSTOM_AUTH",
            "AuthParameters": {"USERNAME": "lee"}}),
    )
    .unwrap_err();
    assert_eq!(no_hooks.code, ErrorCode::NotAuthorizedException);
    assert!(no_hooks.message.contains("DefineAuthChallenge"));

    let hook = HttpServer::json(quiz);
    let e = env(json!({
        "DefineAuthChallenge": hook.url("/define"),
        "CreateAuthChallenge": hook.url("/create"),
        "VerifyAuthChallengeResponse": hook.url("/verify")}));
    let not_allowed = call::<Value>(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": e.client, "AuthFlow": "CUSTOM_AUTH",
            "AuthParameters": {"USERNAME": "lee"}}),
    )
    .unwrap_err();
    assert_eq!(not_allowed.field.as_deref(), Some("AuthFlow"));
}

#[test]
fn user_migration_brings_users_in_at_sign_in_and_at_forgot_password() {
    // The "old system": two users, one with a password.
    let hook = HttpServer::json(|e| {
        let user = e["userName"].as_str().unwrap_or("");
        match (e["triggerSource"].as_str().unwrap(), user) {
            ("UserMigration_Authentication", "old-ann") => {
                if e["request"]["password"] == "Legacy-Pass1" {
                    answer(
                        e,
                        json!({"userAttributes": {"email": "ann@old.example",
                            "email_verified": "true"}, "finalUserStatus": "CONFIRMED",
                            "messageAction": "SUPPRESS"}),
                    )
                } else {
                    Reply::json(400, json!({"errorMessage": "Bad password"}))
                }
            }
            ("UserMigration_ForgotPassword", "old-ben") => answer(
                e,
                json!({"userAttributes": {"email": "ben@old.example", "email_verified": "true"},
                    "messageAction": "SUPPRESS"}),
            ),
            _ => Reply::json(404, json!({"errorMessage": "User not found"})),
        }
    });
    let e = env(json!({"UserMigration": hook.url("/migrate")}));
    let sign_in = |name: &str, password: &str| {
        call::<Value>(
            &e.c,
            "InitiateAuth",
            json!({"ClientId": e.client, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": name, "PASSWORD": password}}),
        )
    };

    // A wrong password is "not found" to the old system: nothing is created.
    let wrong = sign_in("old-ann", "Wrong-Pass1").unwrap_err();
    assert_eq!(wrong.code, ErrorCode::NotAuthorizedException);
    assert_eq!(wrong.message, "Incorrect username or password.");
    // The right one creates the user, and signs them in.
    let t = sign_in("old-ann", "Legacy-Pass1").unwrap();
    assert_eq!(
        e.claims(&t["AuthenticationResult"]["IdToken"])["email"],
        "ann@old.example"
    );
    // From now on the user is local: the hook is not asked again.
    let calls = hook.json_bodies().len();
    sign_in("old-ann", "Legacy-Pass1").unwrap();
    assert_eq!(hook.json_bodies().len(), calls);
    // The password is not in the invocation log.
    let log = e.invocations();
    assert!(
        log.iter()
            .all(|i| !i["Request"].as_str().unwrap().contains("Legacy-Pass1"))
    );

    // Forgot password: the user is migrated as RESET_REQUIRED and gets a code.
    let sent = ok(
        &e.c,
        "ForgotPassword",
        json!({"ClientId": e.client, "Username": "old-ben"}),
    );
    assert_eq!(sent["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    let ben = ok(
        &e.c,
        "AdminGetUser",
        json!({"UserPoolId": e.pool, "Username": "old-ben"}),
    );
    assert_eq!(ben["UserStatus"], "RESET_REQUIRED");

    let nobody = call::<Value>(
        &e.c,
        "ForgotPassword",
        json!({"ClientId": e.client, "Username": "nobody"}),
    )
    .unwrap_err();
    assert_eq!(
        nobody.code,
        ErrorCode::NotAuthorizedException,
        "the client hides which users exist"
    );
}

#[test]
fn custom_message_rewrites_codes_and_invitations() {
    let hook = HttpServer::json(|e| match e["triggerSource"].as_str().unwrap() {
        "CustomMessage_SignUp" => answer(
            e,
            json!({"emailSubject": "Welcome to Acme",
                "emailMessage": format!("Hi {}, your code is {{####}}.",
                    e["request"]["userAttributes"]["email"].as_str().unwrap_or("")),
                "smsMessage": null}),
        ),
        "CustomMessage_AdminCreateUser" => answer(
            e,
            json!({"emailSubject": "You're invited",
                "emailMessage": "Sign in as {username} with {####} at acme.test."}),
        ),
        "CustomMessage_ForgotPassword" => answer(e, json!({"emailMessage": "no code here"})),
        _ => answer(e, json!({})),
    });
    let e = env(json!({"CustomMessage": hook.url("/message")}));
    let outbox = |e: &Env| {
        ok(
            &e.c,
            "ListOutboxMessages",
            json!({"UserPoolId": e.pool, "Limit": 1}),
        )["Messages"][0]
            .clone()
    };

    e.sign_up("mia", "mia@example.com").unwrap();
    let m = outbox(&e);
    assert_eq!(m["Subject"], "Welcome to Acme");
    let body = m["Body"].as_str().unwrap();
    assert!(
        body.starts_with("Hi mia@example.com, your code is "),
        "{body}"
    );
    assert!(!body.contains("{####}"));
    let ev = &hook.json_bodies()[0];
    assert_eq!(ev["request"]["codeParameter"], "{####}");
    assert_eq!(ev["request"]["usernameParameter"], Value::Null);

    ok(
        &e.c,
        "AdminCreateUser",
        json!({"UserPoolId": e.pool, "Username": "ned", "TemporaryPassword": "Temp-Pass1",
            "UserAttributes": [{"Name": "email", "Value": "ned@example.com"}],
            "DesiredDeliveryMediums": ["EMAIL"]}),
    );
    let m = outbox(&e);
    assert_eq!(m["Subject"], "You're invited");
    assert_eq!(m["Body"], "Sign in as ned with Temp-Pass1 at acme.test.");

    // An answer that drops the code is refused, and no code goes out.
    ok(
        &e.c,
        "AdminUpdateUserAttributes",
        json!({"UserPoolId": e.pool, "Username": "ned",
            "UserAttributes": [{"Name": "email_verified", "Value": "true"}]}),
    );
    let before = outbox(&e);
    let bad = call::<Value>(
        &e.c,
        "ForgotPassword",
        json!({"ClientId": e.client, "Username": "ned"}),
    )
    .unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidLambdaResponseException);
    assert!(bad.message.contains("{####}"), "{}", bad.message);
    assert_eq!(outbox(&e), before);
}

#[test]
fn admin_confirm_sign_up_hands_its_client_metadata_to_post_confirmation() {
    let hook = HttpServer::json(|e| answer(e, json!({})));
    let e = env(json!({"PostConfirmation": hook.url("/post-confirm")}));
    e.sign_up("hal", "hal@example.com").unwrap();
    ok(
        &e.c,
        "AdminConfirmSignUp",
        json!({"UserPoolId": e.pool, "Username": "hal", "ClientMetadata": {"source": "crm"}}),
    );
    let ev = &hook.json_bodies()[0];
    assert_eq!(ev["triggerSource"], "PostConfirmation_ConfirmSignUp");
    assert_eq!(
        ev["request"]["clientMetadata"],
        json!({"source": "crm"}),
        "Cognito passes AdminConfirmSignUp's ClientMetadata to the hook"
    );
}

#[test]
fn admin_reset_user_password_asks_the_custom_message_hook_with_its_client_metadata() {
    let hook = HttpServer::json(|e| {
        answer(
            e,
            json!({"emailSubject": "Reset", "emailMessage": format!("Code {{####}} for {}.",
                e["request"]["clientMetadata"]["brand"].as_str().unwrap_or("?"))}),
        )
    });
    let e = env(json!({"CustomMessage": hook.url("/message")}));
    ok(
        &e.c,
        "AdminCreateUser",
        json!({"UserPoolId": e.pool, "Username": "ida", "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": "ida@example.com"},
                {"Name": "email_verified", "Value": "true"}]}),
    );
    ok(
        &e.c,
        "AdminResetUserPassword",
        json!({"UserPoolId": e.pool, "Username": "ida", "ClientMetadata": {"brand": "Acme"}}),
    );
    let events = hook.json_bodies();
    assert_eq!(events.len(), 1, "one message, one hook call: {events:?}");
    assert_eq!(events[0]["triggerSource"], "CustomMessage_ForgotPassword");
    assert_eq!(
        events[0]["request"]["clientMetadata"],
        json!({"brand": "Acme"})
    );
    let m = ok(
        &e.c,
        "ListOutboxMessages",
        json!({"UserPoolId": e.pool, "Limit": 1}),
    )["Messages"][0]
        .clone();
    assert_eq!(m["Subject"], "Reset");
    let body = m["Body"].as_str().unwrap();
    assert!(
        body.starts_with("Code ") && body.ends_with(" for Acme.") && !body.contains("{####}"),
        "the hook's text goes out with the code filled in: {body}"
    );
}
