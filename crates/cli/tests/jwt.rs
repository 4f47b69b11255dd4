//! `poolhouse jwt`: black-box tests of the token inspector's command line — its exit codes
//! (0 every check passed, 1 a check failed, 2 not a token, 3 attack, 252 usage, 254 refused),
//! `--json`, standard input, and Poolhouse-issued tokens found by `iss`/`kid` in the store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use testkit::{CliStore, rsa_pem_pair};

const BIN: &str = env!("CARGO_BIN_EXE_poolhouse");

/// A temporary directory with a store file in it, used only when `--db` is among the args.
struct Dir {
    store: CliStore,
}

impl Dir {
    fn new() -> Dir {
        Dir {
            store: CliStore::new(BIN),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.store.path(name)
    }

    fn db(&self) -> PathBuf {
        self.store.db().to_path_buf()
    }

    /// Runs `poolhouse <args>` with `stdin` and no store unless `--db` is among the args; the
    /// default store is pointed into the temporary directory so none is created elsewhere.
    fn run_with(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(BIN)
            .args(args)
            .env_remove("POOLHOUSE_DB")
            .env("HOME", self.store.dir())
            .env("XDG_DATA_HOME", self.path("data"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, "")
    }

    /// Runs a command on the store that must succeed; answers its JSON (`Null` for none).
    fn store(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.store.ok(args)).unwrap_or(Value::Null)
    }
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(out)))
}

const SECRET: &str = "a-shared-secret-that-is-32-bytes";

fn hs_token(d: &Dir, claims: &str, expires_in: &str) -> String {
    let out = d.run(&[
        "jwt",
        "encode",
        "--secret",
        SECRET,
        "--claims",
        claims,
        "--expires-in",
        expires_in,
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    stdout(&out).trim().to_owned()
}

#[test]
fn decode_reads_stdin_tolerates_bearer_and_prints_json() {
    let d = Dir::new();
    let t = hs_token(&d, r#"{"sub":"u","token_use":"access"}"#, "+30m");
    let out = d.run_with(&["jwt", "decode", "--json"], &format!("Bearer {t}\n"));
    assert_eq!(code(&out), 0);
    let v = json(&out);
    assert_eq!(v["Kind"], "Jws");
    assert_eq!(
        v["Header"]["poolhouse:test"], true,
        "encode marks test tokens"
    );
    let codes: Vec<&str> = v["Findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["Code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"BearerPrefix"), "{codes:?}");
    let human = stdout(&d.run(&["jwt", "decode", &t]));
    // Encoded for 30 minutes; a second or two may pass before decoding on a loaded machine.
    assert!(
        human.contains("expires in 30 min") || human.contains("expires in 29 min"),
        "{human}"
    );
    assert!(
        !d.db().exists() && !d.path("data").exists(),
        "decoding must not create a store"
    );
}

#[test]
fn decode_of_junk_exits_2_with_where_it_stopped() {
    let d = Dir::new();
    for junk in ["abc", "a.b.c", "eyJ+.eyJ.x"] {
        let out = d.run(&["jwt", "decode", junk]);
        assert_eq!(code(&out), 2, "{junk}");
        assert!(!out.stderr.is_empty(), "a one-line error on stderr");
    }
    let out = d.run_with(&["jwt", "decode", "--json", "-"], "x.y");
    assert_eq!(json(&out)["Problem"]["Code"], "PartCount");
}

#[test]
fn verify_exit_codes_follow_the_checklist() {
    let d = Dir::new();
    let good = hs_token(&d, r#"{"sub":"u","iss":"me"}"#, "+5m");
    let out = d.run(&["jwt", "verify", &good, "--secret", SECRET, "--issuer", "me"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let out = d.run(&["jwt", "verify", &good, "--secret", "wrong", "--json"]);
    assert_eq!(code(&out), 1);
    let v = json(&out);
    assert_eq!(v["Verdict"], "Invalid");
    let sig = v["Checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Name"] == "signature")
        .unwrap();
    assert!(
        sig["Reason"].as_str().unwrap().starts_with("bad signature"),
        "{sig}"
    );
    let expired = hs_token(&d, r#"{"sub":"u"}"#, "-5m");
    assert_eq!(
        code(&d.run(&["jwt", "verify", &expired, "--secret", SECRET])),
        1
    );
    assert_eq!(
        code(&d.run(&[
            "jwt", "verify", &expired, "--secret", SECRET, "--skew", "600"
        ])),
        0
    );
    assert_eq!(
        code(&d.run(&["jwt", "verify", "not-a-token", "--secret", SECRET])),
        2
    );
    // alg none.
    let none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";
    assert_eq!(
        code(&d.run(&["jwt", "verify", none, "--secret", SECRET])),
        3
    );
    // Usage and refusals.
    assert_eq!(
        code(&d.run(&["jwt", "verify", &good, "--key", "/nonexistent/key.pem"])),
        252
    );
    assert_eq!(code(&d.run(&["jwt", "verify", &good, "--bogus"])), 252);
    let junk_key = d.path("junk.pem");
    std::fs::write(&junk_key, "hello").unwrap();
    let out = d.run(&["jwt", "verify", &good, "--key", junk_key.to_str().unwrap()]);
    assert_eq!(code(&out), 254);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Key"),
        "names the flag's member"
    );
}

#[test]
fn an_hs256_token_keyed_with_a_public_key_exits_3() {
    let d = Dir::new();
    let key = d.path("k.pem");
    let public = d.path("pub.pem");
    let (private_pem, public_pem) = rsa_pem_pair();
    std::fs::write(&key, private_pem).unwrap();
    std::fs::write(&public, &public_pem).unwrap();
    let out = d.run(&[
        "jwt",
        "encode",
        "--secret",
        &public_pem,
        "--alg",
        "HS256",
        "--claims",
        r#"{"sub":"admin"}"#,
    ]);
    let forged = stdout(&out).trim().to_owned();
    let out = d.run(&["jwt", "verify", &forged, "--key", public.to_str().unwrap()]);
    assert_eq!(code(&out), 3, "{}", stdout(&out));
    assert!(stdout(&out).contains("ALGORITHM CONFUSION"));
    // And the honest RS256 token verifies with the same key file.
    let out = d.run(&[
        "jwt",
        "encode",
        "--key",
        key.to_str().unwrap(),
        "--claims",
        r#"{"sub":"u"}"#,
    ]);
    let honest = stdout(&out).trim().to_owned();
    assert_eq!(
        code(&d.run(&["jwt", "verify", &honest, "--key", public.to_str().unwrap()])),
        0
    );
}

fn signed_in(d: &Dir) -> (String, String, String) {
    let pool = d.store(&["cognito-idp", "create-user-pool", "--pool-name", "p"])["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = d.store(&[
        "cognito-idp",
        "create-user-pool-client",
        "--user-pool-id",
        &pool,
        "--client-name",
        "web",
        "--explicit-auth-flows",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ])["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    d.store(&[
        "cognito-idp",
        "admin-create-user",
        "--user-pool-id",
        &pool,
        "--username",
        "alice",
        "--message-action",
        "SUPPRESS",
    ]);
    d.store(&[
        "cognito-idp",
        "admin-set-user-password",
        "--user-pool-id",
        &pool,
        "--username",
        "alice",
        "--password",
        "Correct-horse-9",
        "--permanent",
    ]);
    let auth = d.store(&[
        "cognito-idp",
        "initiate-auth",
        "--client-id",
        &client,
        "--auth-flow",
        "USER_PASSWORD_AUTH",
        "--auth-parameters",
        "USERNAME=alice,PASSWORD=Correct-horse-9",
    ]);
    (
        pool,
        client,
        auth["AuthenticationResult"]["AccessToken"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

#[test]
fn poolhouse_tokens_verify_by_iss_and_kid_from_the_store() {
    let d = Dir::new();
    let (pool, client, access) = signed_in(&d);
    let db = d.db();
    let db = db.to_str().unwrap();
    let out = d.run(&[
        "--db",
        db,
        "jwt",
        "verify",
        &access,
        "--client-id",
        &client,
        "--token-use",
        "access",
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let v = json(&out);
    assert_eq!(v["UserPoolId"], pool.as_str());
    assert!(
        v["Checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["Name"] == "revoked" && c["Result"] == "pass")
    );
    // A test token signed with the pool's key verifies by kid too.
    let out = d.run(&[
        "--db",
        db,
        "jwt",
        "encode",
        "--user-pool-id",
        &pool,
        "--claims",
        r#"{"sub":"x","token_use":"access"}"#,
        "--expires-in",
        "+10m",
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let test_token = stdout(&out).trim().to_owned();
    let out = d.run(&[
        "--db",
        db,
        "jwt",
        "verify",
        &test_token,
        "--user-pool-id",
        &pool,
    ]);
    let text = stdout(&out);
    assert!(text.contains("PASS     signature"), "{text}");
    assert!(
        text.contains("PASS     iss"),
        "a pool's test token carries the pool's issuer: {text}"
    );
    assert!(
        text.contains("SKIPPED  revoked"),
        "no sign-in stands behind a test token: {text}"
    );
    assert_eq!(code(&out), 0, "{text}");
    // After a global sign-out the access token is revoked.
    d.store(&["cognito-idp", "global-sign-out", "--access-token", &access]);
    let out = d.run(&["--db", db, "jwt", "verify", &access]);
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).contains("FAIL     revoked"),
        "{}",
        stdout(&out)
    );
}
