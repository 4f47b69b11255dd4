//! Black-box tests of the `poolhouse` binary: the AWS CLI's flags in, the AWS CLI's JSON and
//! error lines out, exit codes (254 refused by the core, 252 usage), Poolhouse's own commands,
//! the store file (private, refusing newer schemas) and `serve`'s readiness line.
//!
//! Every test runs the built binary on its own store in a temporary directory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use testkit::CliStore;
use testkit::http;

const BIN: &str = env!("CARGO_BIN_EXE_poolhouse");

/// A fresh store in a temporary directory, for the built binary.
fn store() -> CliStore {
    CliStore::new(BIN)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn is_pool_id(id: &str) -> bool {
    let Some((region, rest)) = id.split_once('_') else {
        return false;
    };
    region == "us-east-1" && rest.len() == 9 && rest.chars().all(|c| c.is_ascii_alphanumeric())
}

fn attr<'a>(user: &'a Value, list: &str, name: &str) -> Option<&'a str> {
    user[list]
        .as_array()?
        .iter()
        .find(|a| a["Name"] == name)
        .and_then(|a| a["Value"].as_str())
}

// ----- Cognito commands ------------------------------------------------------------------

#[test]
fn create_user_pool_prints_the_pool_with_a_cognito_style_id() {
    let s = store();
    let v = s.json(&["cognito-idp", "create-user-pool", "--pool-name", "demo"]);
    let pool = &v["UserPool"];
    let id = pool["Id"].as_str().unwrap();
    assert!(
        is_pool_id(id),
        "SDKs validate pool ids as <region>_<9 alphanumerics>; got {id}"
    );
    assert_eq!(pool["Name"], "demo", "the name given must be kept");
    assert_eq!(
        pool["Arn"],
        format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{id}"),
        "the ARN is Cognito's, built from the region, account and id"
    );
    assert!(
        pool["CreationDate"].is_f64() || pool["CreationDate"].is_u64(),
        "timestamps are epoch seconds as JSON numbers, as the AWS CLI prints them"
    );
    assert_eq!(
        pool["Policies"]["PasswordPolicy"]["MinimumLength"], 8,
        "Cognito's default password policy asks for 8 characters"
    );
    let listed = s.json(&["cognito-idp", "list-user-pools", "--max-results", "10"]);
    assert_eq!(
        listed["UserPools"][0]["Id"], id,
        "the pool is stored, so a second process lists it"
    );
}

#[test]
fn create_user_pool_takes_structures_as_json_and_lists_as_several_values() {
    let s = store();
    let v = s.json(&[
        "cognito-idp",
        "create-user-pool",
        "--pool-name",
        "strict",
        "--policies",
        r#"{"PasswordPolicy":{"MinimumLength":12,"RequireSymbols":false}}"#,
        "--username-attributes",
        "email",
        "--auto-verified-attributes",
        "email",
    ]);
    let pool = &v["UserPool"];
    assert_eq!(
        pool["Policies"]["PasswordPolicy"]["MinimumLength"], 12,
        "--policies takes JSON as the AWS CLI does"
    );
    assert_eq!(
        pool["UsernameAttributes"],
        serde_json::json!(["email"]),
        "a list flag takes its values after the flag"
    );
}

#[test]
fn admin_create_user_takes_shorthand_attributes_and_prints_the_user() {
    let s = store();
    let pool = s.create_pool("demo");
    let v = s.json(&[
        "cognito-idp",
        "admin-create-user",
        "--user-pool-id",
        &pool,
        "--username",
        "alice",
        "--user-attributes",
        "Name=email,Value=alice@example.com",
        "Name=name,Value=Alice Liddell",
        "--message-action",
        "SUPPRESS",
    ]);
    let user = &v["User"];
    assert_eq!(user["Username"], "alice");
    assert_eq!(
        attr(user, "Attributes", "email"),
        Some("alice@example.com"),
        "the shorthand Name=email,Value=... becomes an AttributeType"
    );
    assert_eq!(
        attr(user, "Attributes", "name"),
        Some("Alice Liddell"),
        "several shorthand structures after one flag make a list, spaces kept"
    );
    let sub = attr(user, "Attributes", "sub").unwrap_or_default();
    assert_eq!(sub.len(), 36, "every user gets a UUID sub, as Cognito does");
    assert_eq!(user["Enabled"], true, "new users are enabled");

    let got = s.json(&[
        "cognito-idp",
        "admin-get-user",
        "--user-pool-id",
        &pool,
        "--username",
        "alice",
    ]);
    assert_eq!(
        attr(&got, "UserAttributes", "email"),
        Some("alice@example.com"),
        "the user is stored: admin-get-user in another process sees it"
    );
}

#[test]
fn admin_set_user_password_permanent_confirms_the_user() {
    let s = store();
    let pool = s.create_pool("demo");
    s.create_user(&pool, "alice", "alice@example.com");
    let out = s.run(&[
        "cognito-idp",
        "admin-set-user-password",
        "--user-pool-id",
        &pool,
        "--username",
        "alice",
        "--password",
        "Correct-Horse-9",
        "--permanent",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).trim().is_empty(),
        "an operation answering nothing prints nothing, as the AWS CLI does"
    );
    let got = s.json(&[
        "cognito-idp",
        "admin-get-user",
        "--user-pool-id",
        &pool,
        "--username",
        "alice",
    ]);
    assert_eq!(
        got["UserStatus"], "CONFIRMED",
        "a permanent password confirms the user (Cognito AdminSetUserPassword)"
    );
}

#[test]
fn list_users_filters_by_email_prefix_and_pages_with_limit_and_token() {
    let s = store();
    let pool = s.create_pool("demo");
    for (u, e) in [
        ("alice", "alice@example.com"),
        ("amy", "amy@example.com"),
        ("bob", "bob@example.com"),
        ("anna", "anna@example.com"),
        ("ben", "ben@example.com"),
        ("arthur", "arthur@example.com"),
        ("abe", "abe@example.com"),
    ] {
        s.create_user(&pool, u, e);
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    for page in 0.. {
        assert!(page < 10, "paging must end; it went on for 10 pages");
        let mut args = vec![
            "cognito-idp",
            "list-users",
            "--user-pool-id",
            &pool,
            "--filter",
            "email ^= \"a\"",
            "--limit",
            "2",
        ];
        if let Some(t) = &token {
            args.extend(["--pagination-token", t.as_str()]);
        }
        let v = s.json(&args);
        let users = v["Users"].as_array().unwrap();
        assert!(users.len() <= 2, "--limit 2 caps a page at 2 users");
        for u in users {
            let email = attr(u, "Attributes", "email").unwrap();
            assert!(email.starts_with('a'), "^= is a prefix match; got {email}");
            seen.push(u["Username"].as_str().unwrap().to_string());
        }
        match v.get("PaginationToken").and_then(Value::as_str) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        ["abe", "alice", "amy", "anna", "arthur"],
        "paging with the token visits every matching user exactly once"
    );
}

#[test]
fn list_users_attributes_to_get_limits_the_attributes_printed() {
    let s = store();
    let pool = s.create_pool("demo");
    s.create_user(&pool, "alice", "alice@example.com");
    let v = s.json(&[
        "cognito-idp",
        "list-users",
        "--user-pool-id",
        &pool,
        "--attributes-to-get",
        "email",
    ]);
    let names: Vec<&str> = v["Users"][0]["Attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["email"], "only the attributes asked for (no sub)");
}

// ----- errors and exit codes ----------------------------------------------------------------

#[test]
fn a_duplicate_user_exits_254_with_the_aws_cli_error_line() {
    let s = store();
    let pool = s.create_pool("demo");
    s.create_user(&pool, "alice", "alice@example.com");
    let out = s.run(&[
        "cognito-idp",
        "admin-create-user",
        "--user-pool-id",
        &pool,
        "--username",
        "alice",
    ]);
    assert_eq!(
        out.status.code(),
        Some(254),
        "the AWS CLI exits 254 when the service refuses the call"
    );
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "the failure is one line on stderr: {err:?}");
    assert!(
        lines[0].starts_with(
            "An error occurred (UsernameExistsException) when calling the AdminCreateUser operation: "
        ),
        "scripts grep the AWS CLI's error line for the code: {err:?}"
    );
    assert!(
        stdout(&out).is_empty(),
        "nothing on stdout when the call fails"
    );
}

#[test]
fn ui_customization_reads_css_and_the_logo_from_files_as_the_aws_cli_does() {
    let s = store();
    let pool = s.create_pool("demo");
    s.json(&[
        "cognito-idp",
        "create-user-pool-domain",
        "--user-pool-id",
        &pool,
        "--domain",
        "cli-brand",
    ]);
    let css = s.path("style.css");
    std::fs::write(&css, ".label-customizable { font-weight: 700; }").unwrap();
    let logo = s.path("logo.png");
    std::fs::write(&logo, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let css_flag = format!("file://{}", css.display());
    let logo_flag = format!("fileb://{}", logo.display());
    let v = s.json(&[
        "cognito-idp",
        "set-ui-customization",
        "--user-pool-id",
        &pool,
        "--client-id",
        "ALL",
        "--css",
        &css_flag,
        "--image-file",
        &logo_flag,
    ]);
    assert_eq!(
        v["UICustomization"]["CSS"],
        ".label-customizable { font-weight: 700; }"
    );
    assert!(
        v["UICustomization"]["ImageUrl"]
            .as_str()
            .unwrap()
            .contains("/branding/logo")
    );
    let v = s.json(&[
        "cognito-idp",
        "get-ui-customization",
        "--user-pool-id",
        &pool,
    ]);
    assert_eq!(v["UICustomization"]["ClientId"], "ALL");

    let out = s.run(&[
        "cognito-idp",
        "set-ui-customization",
        "--user-pool-id",
        &pool,
        "--css",
        "@import url(https://elsewhere.example/x.css);",
    ]);
    assert_eq!(out.status.code(), Some(254));
    assert!(
        stderr(&out).starts_with(
            "An error occurred (InvalidParameterException) when calling the SetUICustomization \
             operation: CSS: line 1: @import"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unknown_pool_exits_254_with_resource_not_found() {
    let s = store();
    let out = s.run(&[
        "cognito-idp",
        "describe-user-pool",
        "--user-pool-id",
        "us-east-1_AAAAAAAAA",
    ]);
    assert_eq!(out.status.code(), Some(254), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(ResourceNotFoundException)"),
        "Cognito answers an unknown pool with ResourceNotFoundException: {}",
        stderr(&out)
    );
}

#[test]
fn a_limit_over_60_exits_254_with_invalid_parameter() {
    let s = store();
    let pool = s.create_pool("demo");
    let out = s.run(&[
        "cognito-idp",
        "list-users",
        "--user-pool-id",
        &pool,
        "--limit",
        "61",
    ]);
    assert_eq!(out.status.code(), Some(254), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(InvalidParameterException)") && stderr(&out).contains("Limit"),
        "ListUsers takes Limit 0..60; the error names the member: {}",
        stderr(&out)
    );
}

#[test]
fn cognito_identity_commands_take_the_aws_cli_flags() {
    let s = store();
    let created = s.json(&[
        "cognito-identity",
        "create-identity-pool",
        "--identity-pool-name",
        "cli pool",
        "--allow-unauthenticated-identities",
        "--supported-login-providers",
        "graph.facebook.com=42",
    ]);
    let id = created["IdentityPoolId"].as_str().unwrap();
    assert!(id.starts_with("us-east-1:"), "{created}");
    assert_eq!(
        created["SupportedLoginProviders"]["graph.facebook.com"],
        "42"
    );
    let listed = s.json(&[
        "cognito-identity",
        "list-identity-pools",
        "--max-results",
        "5",
    ]);
    assert_eq!(listed["IdentityPools"][0]["IdentityPoolId"], id);
    let out = s.run(&[
        "cognito-identity",
        "describe-identity-pool",
        "--identity-pool-id",
        "us-east-1:00",
    ]);
    assert_eq!(out.status.code(), Some(254), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(ResourceNotFoundException)")
            && stderr(&out).contains("IdentityPool 'us-east-1:00' not found."),
        "{}",
        stderr(&out)
    );
    let out = s.run(&["cognito-identity", "create-user-pool"]);
    assert_eq!(out.status.code(), Some(252), "user pools are cognito-idp's");
    assert!(
        stdout(&s.run(&["cognito-identity", "help"]))
            .contains("poolhouse cognito-identity set-identity-pool-roles")
    );
}

#[test]
fn roles_sts_and_the_access_check_take_flags() {
    let s = store();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/${cognito-identity.amazonaws.com:sub}/*"}]}"#;
    let created = s.json(&[
        "create-role",
        "--role-name",
        "Auth",
        "--assume-role-policy-document",
        trust,
    ]);
    assert_eq!(
        created["Role"]["Arn"],
        "arn:aws:iam::000000000000:role/Auth"
    );
    s.json(&[
        "put-role-policy",
        "--role-name",
        "Auth",
        "--policy-name",
        "photos",
        "--policy-document",
        policy,
    ]);
    let decided = s.json(&[
        "simulate-access",
        "--role-arn",
        "Auth",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::photos/us-east-1:abc/a.jpg",
        "--identity-id",
        "us-east-1:abc",
    ]);
    assert_eq!(decided["Decision"], "Allowed", "{decided}");
    let who = s.json(&["sts", "get-caller-identity"]);
    assert_eq!(who["Arn"], "arn:aws:iam::000000000000:root");
    let out = s.run(&["sts", "create-role"]);
    assert_eq!(out.status.code(), Some(252), "roles are Poolhouse's own");
    assert!(stdout(&s.run(&["sts", "help"])).contains("poolhouse sts get-caller-identity"));
}

#[test]
fn developer_identities_from_the_command_line() {
    let s = store();
    let created = s.json(&[
        "cognito-identity",
        "create-identity-pool",
        "--identity-pool-name",
        "cli devs",
        "--no-allow-unauthenticated-identities",
        "--developer-provider-name",
        "login.cli",
    ]);
    let pool = created["IdentityPoolId"].as_str().unwrap();
    let token = s.json(&[
        "cognito-identity",
        "get-open-id-token-for-developer-identity",
        "--identity-pool-id",
        pool,
        "--logins",
        "login.cli=user-1",
        "--token-duration",
        "60",
    ]);
    let identity = token["IdentityId"].as_str().unwrap();
    assert!(
        token["Token"].as_str().unwrap().split('.').count() == 3,
        "{token}"
    );
    let found = s.json(&[
        "cognito-identity",
        "lookup-developer-identity",
        "--identity-pool-id",
        pool,
        "--developer-user-identifier",
        "user-1",
    ]);
    assert_eq!(found["IdentityId"], identity);
    let described = s.json(&[
        "cognito-identity",
        "describe-identity",
        "--identity-id",
        identity,
    ]);
    assert_eq!(described["Logins"], serde_json::json!(["login.cli"]));
    let out = s.run(&["cognito-identity", "get-id", "--identity-pool-id", pool]);
    assert_eq!(out.status.code(), Some(254), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(NotAuthorizedException)")
            && stderr(&out).contains("Unauthenticated access is not supported"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unknown_flag_is_a_usage_error_naming_the_flag() {
    let s = store();
    let out = s.run(&[
        "cognito-idp",
        "list-users",
        "--user-pool-id",
        "us-east-1_AAAAAAAAA",
        "--bogus-flag",
        "1",
    ]);
    assert_eq!(
        out.status.code(),
        Some(252),
        "the AWS CLI exits 252 for a command line it cannot parse"
    );
    assert!(
        stderr(&out).contains("--bogus-flag"),
        "the message names the flag it did not know: {}",
        stderr(&out)
    );
}

#[test]
fn a_missing_required_flag_is_a_usage_error_naming_it() {
    let s = store();
    let out = s.run(&["cognito-idp", "list-users", "--limit", "5"]);
    assert_eq!(out.status.code(), Some(252), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--user-pool-id"),
        "the message names the missing flag in the AWS CLI's spelling: {}",
        stderr(&out)
    );
}

#[test]
fn a_value_of_the_wrong_type_is_a_usage_error_naming_the_flag() {
    let s = store();
    let out = s.run(&[
        "cognito-idp",
        "list-users",
        "--user-pool-id",
        "us-east-1_AAAAAAAAA",
        "--limit",
        "many",
    ]);
    assert_eq!(out.status.code(), Some(252), "{}", stderr(&out));
    assert!(stderr(&out).contains("--limit"), "{}", stderr(&out));
}

#[test]
fn an_unknown_command_is_a_usage_error() {
    let s = store();
    let out = s.run(&["cognito-idp", "admin-frobnicate-user"]);
    assert_eq!(out.status.code(), Some(252), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("admin-frobnicate-user"),
        "{}",
        stderr(&out)
    );
    let out = s.run(&["frobnicate"]);
    assert_eq!(
        out.status.code(),
        Some(252),
        "an unknown top-level command is a usage error too: {}",
        stderr(&out)
    );
}

#[test]
fn help_on_a_command_lists_its_flags_and_marks_the_required_ones() {
    let s = store();
    let help = s.ok(&["cognito-idp", "list-users", "--help"]);
    let line = help
        .lines()
        .find(|l| l.trim_start().starts_with("--user-pool-id"))
        .unwrap_or_else(|| panic!("--help lists --user-pool-id:\n{help}"));
    assert!(line.contains("required"), "{line}");
    assert!(
        help.contains("--pagination-token"),
        "--help lists the optional flags too:\n{help}"
    );
}

// ----- Poolhouse's own commands ---------------------------------------------------------------

#[test]
fn search_users_prints_a_table_and_json_with_the_json_flag() {
    let s = store();
    let pool = s.create_pool("demo");
    s.create_user(&pool, "alice", "alice@example.com");
    s.create_user(&pool, "amy", "amy@example.com");
    s.create_user(&pool, "bob", "bob@example.com");

    let table = s.ok(&["search-users", "--user-pool-id", &pool, "--query", "a"]);
    let mut lines = table.lines();
    let header = lines.next().unwrap();
    for col in ["USERNAME", "EMAIL", "STATUS", "LOCKED UNTIL", "FAILED"] {
        assert!(
            header.contains(col),
            "the table has a {col} column: {header}"
        );
    }
    assert!(table.contains("alice@example.com") && table.contains("amy@example.com"));
    assert!(
        !table.contains("matches inside"),
        "a prefix match says nothing more: {table}"
    );
    let inside = s.ok(&[
        "search-users",
        "--user-pool-id",
        &pool,
        "--query",
        "@example",
    ]);
    assert!(
        inside.contains("3 of 3 users (nothing starts with the query: matches inside"),
        "a contains match says so: {inside}"
    );
    assert!(
        !table.contains("bob"),
        "the query is a prefix search; bob does not match 'a':\n{table}"
    );
    assert!(
        serde_json::from_str::<Value>(&table).is_err(),
        "without --json the output is for people, not JSON"
    );

    let v = s.json(&[
        "--json",
        "search-users",
        "--user-pool-id",
        &pool,
        "--query",
        "a",
    ]);
    assert_eq!(v["TotalCount"], 2, "alice and amy match 'a'");
    assert_eq!(v["TotalCountExact"], true);
    let mut names: Vec<&str> = v["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["Username"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["alice", "amy"]);
}

#[test]
fn audit_shows_a_refused_operation_with_its_error_code() {
    let s = store();
    let pool = s.create_pool("demo");
    s.create_user(&pool, "alice", "alice@example.com");
    let refused = s.run(&[
        "cognito-idp",
        "admin-create-user",
        "--user-pool-id",
        &pool,
        "--username",
        "alice",
    ]);
    assert_eq!(refused.status.code(), Some(254));

    let table = s.ok(&["audit"]);
    let created = table
        .lines()
        .find(|l| l.contains("AdminCreateUser") && l.contains("Success"))
        .unwrap_or_else(|| panic!("the creation is in the audit log:\n{table}"));
    assert!(
        created.contains("alice@example.com (alice)"),
        "the audit row names the user by email, the username after it: {created}"
    );
    let failure = table
        .lines()
        .find(|l| l.contains("Failure"))
        .unwrap_or_else(|| panic!("the refused call is in the audit log:\n{table}"));
    assert!(
        failure.contains("AdminCreateUser")
            && failure.contains("UsernameExistsException")
            && failure.contains("alice"),
        "the audit row names the operation, the target and the code: {failure}"
    );
    let newest = table.lines().nth(1).unwrap_or_default();
    assert!(
        newest.contains("Failure"),
        "the audit log is newest first:\n{table}"
    );

    let v = s.json(&["--json", "audit", "--outcome", "Failure"]);
    let events = v["Events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "only the refused call is a Failure: {v}");
    assert_eq!(events[0]["Operation"], "AdminCreateUser");
    assert_eq!(events[0]["ErrorCode"], "UsernameExistsException");
    assert_eq!(
        events[0]["Actor"], "cli",
        "the audit log says which front made the call"
    );
    assert_eq!(events[0]["UserPoolId"], pool.as_str());
}

#[test]
fn generate_users_creates_that_many_users() {
    let s = store();
    let pool = s.create_pool("demo");
    let out = s.run(&[
        "generate-users",
        "--user-pool-id",
        &pool,
        "--count",
        "25",
        "--prefix",
        "sample",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = s.json(&["--json", "search-users", "--user-pool-id", &pool]);
    assert_eq!(v["TotalCount"], 25, "25 users were asked for");
    let v = s.json(&[
        "cognito-idp",
        "list-users",
        "--user-pool-id",
        &pool,
        "--filter",
        "username ^= \"sample\"",
    ]);
    assert_eq!(
        v["Users"].as_array().unwrap().len(),
        25,
        "the generated users carry the prefix"
    );
    let out = s.run(&["generate-users", "--user-pool-id", &pool, "--count", "0"]);
    assert!(
        out.status.success(),
        "asking for no users is not an error: {}",
        stderr(&out)
    );
    let v = s.json(&["--json", "search-users", "--user-pool-id", &pool]);
    assert_eq!(v["TotalCount"], 25, "a count of 0 creates nobody");
}

#[test]
fn the_store_can_be_chosen_with_poolhouse_db() {
    let s = store();
    let out = Command::new(BIN)
        .args(["cognito-idp", "create-user-pool", "--pool-name", "env"])
        .env("POOLHOUSE_DB", s.db())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = s.json(&["cognito-idp", "list-user-pools", "--max-results", "5"]);
    assert_eq!(
        listed["UserPools"][0]["Name"], "env",
        "POOLHOUSE_DB names the same store as --db"
    );
}

// ----- the store file ---------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn the_store_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // A directory that does not exist yet: the store creates it.
    let db = dir.path().join("nested").join("store.db");
    let out = Command::new(BIN)
        .arg("--db")
        .arg(&db)
        .args(["cognito-idp", "create-user-pool", "--pool-name", "p"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode, 0o600,
        "the store holds password hashes and secrets: owner read/write only, got {mode:o}"
    );
    // The -wal and -shm files exist only while a connection is open (the last one to close
    // checkpoints and removes them): look at them while `serve` holds the store and the CLI
    // writes beside it.
    let _server = Server::start(&db);
    let out = Command::new(BIN)
        .arg("--db")
        .arg(&db)
        .args(["cognito-idp", "create-user-pool", "--pool-name", "q"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db.display()));
        let meta = std::fs::metadata(&side)
            .unwrap_or_else(|e| panic!("{suffix} exists while the store is open in WAL mode: {e}"));
        let mode = meta.permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "{suffix} holds recent writes, so it is private too; got {mode:o}"
        );
    }
}

/// A valid, empty SQLite database (one page, no tables) whose `PRAGMA user_version` is
/// `version`: what a newer Poolhouse's store looks like to this one, made without SQLite.
fn sqlite_file_with_user_version(path: &Path, version: u32) {
    const PAGE: usize = 4096;
    let mut page = vec![0u8; PAGE];
    page[..16].copy_from_slice(b"SQLite format 3\0");
    page[16..18].copy_from_slice(&(PAGE as u16).to_be_bytes()); // page size
    page[18] = 1; // file format write version (legacy journal)
    page[19] = 1; // read version
    page[20] = 0; // reserved bytes per page
    page[21] = 64; // max embedded payload fraction
    page[22] = 32; // min embedded payload fraction
    page[23] = 32; // leaf payload fraction
    page[24..28].copy_from_slice(&1u32.to_be_bytes()); // file change counter
    page[28..32].copy_from_slice(&1u32.to_be_bytes()); // database size in pages
    page[44..48].copy_from_slice(&4u32.to_be_bytes()); // schema format
    page[56..60].copy_from_slice(&1u32.to_be_bytes()); // text encoding: UTF-8
    page[60..64].copy_from_slice(&version.to_be_bytes()); // user_version
    page[92..96].copy_from_slice(&1u32.to_be_bytes()); // version-valid-for
    page[96..100].copy_from_slice(&3_045_000u32.to_be_bytes()); // SQLITE_VERSION_NUMBER
    // Page 1's b-tree header: an empty table leaf (sqlite_schema with no rows).
    page[100] = 0x0d;
    page[105..107].copy_from_slice(&(PAGE as u16).to_be_bytes()); // cell content start
    std::fs::write(path, page).unwrap();
}

fn user_version_in_header(path: &Path) -> u32 {
    let bytes = std::fs::read(path).unwrap();
    u32::from_be_bytes(bytes[60..64].try_into().unwrap())
}

#[test]
fn a_store_from_a_newer_schema_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("newer.db");
    sqlite_file_with_user_version(&db, 999);
    let before = std::fs::read(&db).unwrap();
    let out = Command::new(BIN)
        .arg("--db")
        .arg(&db)
        .args(["cognito-idp", "list-user-pools", "--max-results", "5"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "a store written by a newer build must not be used: migrating it down or writing to it could corrupt it"
    );
    let err = stderr(&out);
    assert!(
        err.contains("newer") && err.contains("999"),
        "the message says why (a newer schema, its version): {err}"
    );
    assert_eq!(
        err.trim().lines().count(),
        1,
        "one line, not a backtrace: {err}"
    );
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert_eq!(
        user_version_in_header(&db),
        999,
        "refusing the store does not touch its schema version"
    );
    let after = std::fs::read(&db).unwrap();
    assert_eq!(
        (after[18], after[19]),
        (1, 1),
        "refusing the store does not switch it to WAL (which rewrites the header)"
    );
    assert!(
        after == before,
        "refusing the store leaves every byte of it"
    );
}

#[test]
fn a_real_store_bumped_to_a_newer_schema_is_refused() {
    // The same on a store Poolhouse made, tables and all. Once the last connection has closed,
    // the WAL is checkpointed into the file and removed, so the header's user_version (bytes
    // 60..64, where `PRAGMA user_version` writes it) is the store's schema version.
    let s = store();
    s.create_pool("demo");
    let wal = PathBuf::from(format!("{}-wal", s.db().display()));
    assert!(
        !wal.exists(),
        "the CLI closes the store cleanly, leaving no WAL behind"
    );
    let version = user_version_in_header(s.db());
    assert!(
        version > 0 && version < 1000,
        "a store Poolhouse made carries its schema version: {version}"
    );
    let mut bytes = std::fs::read(s.db()).unwrap();
    bytes[60..64].copy_from_slice(&1000u32.to_be_bytes());
    std::fs::write(s.db(), bytes).unwrap();
    let out = s.run(&["cognito-idp", "list-user-pools", "--max-results", "5"]);
    assert!(!out.status.success(), "a newer schema is refused");
    assert!(stderr(&out).contains("1000"), "{}", stderr(&out));
    assert_eq!(
        user_version_in_header(s.db()),
        1000,
        "refusing the store does not touch its schema version"
    );
}

// ----- serve ------------------------------------------------------------------------------

/// `poolhouse serve` on a free port; killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(db: &Path) -> Server {
        Server::start_with(db, &[])
    }

    /// `serve` with these environment variables.
    fn start_with(db: &Path, env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(BIN)
            .arg("--db")
            .arg(db)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut server = Server { child, port: 0 };
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("serve prints its address within 20 s");
        let port = line
            .trim()
            .strip_prefix("listening on http://127.0.0.1:")
            .unwrap_or_else(|| {
                panic!("serve's first line is `listening on http://127.0.0.1:PORT`, got {line:?}")
            })
            .parse()
            .unwrap();
        server.port = port;
        server
    }

    /// POSTs one operation, answering (status, body).
    fn call(&self, target: &str, body: &str) -> (u16, Value) {
        let r = http::post_target(SocketAddr::from(([127, 0, 0, 1], self.port)), target, body);
        (
            r.status,
            serde_json::from_str(&r.body).unwrap_or(Value::Null),
        )
    }
}

#[test]
fn serve_prints_its_address_and_answers_on_the_same_store() {
    let s = store();
    let pool = s.create_pool("served");
    let server = Server::start(s.db());
    let (status, v) = server.call(
        "AWSCognitoIdentityProviderService.DescribeUserPool",
        &format!(r#"{{"UserPoolId":"{pool}"}}"#),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v["UserPool"]["Name"], "served",
        "the endpoint serves the store the CLI wrote"
    );
    // A user created over the endpoint is visible to the CLI right away.
    let (status, _) = server.call(
        "AWSCognitoIdentityProviderService.AdminCreateUser",
        &format!(r#"{{"UserPoolId":"{pool}","Username":"web","MessageAction":"SUPPRESS"}}"#),
    );
    assert_eq!(status, 200);
    let got = s.json(&[
        "cognito-idp",
        "admin-get-user",
        "--user-pool-id",
        &pool,
        "--username",
        "web",
    ]);
    assert_eq!(got["Username"], "web", "both fronts share one store");
    let audit = s.json(&["--json", "audit", "--limit", "1"]);
    assert!(
        audit["Events"][0]["Actor"]
            .as_str()
            .is_some_and(|a| a.starts_with("endpoint:")),
        "the endpoint's calls are audited as the endpoint's: {audit}"
    );
}

/// `POOLHOUSE_CONSOLE_SECRET` chooses the launch secret the console's own operations need over
/// HTTP; one that cannot be a header is refused before anything is served, naming it.
#[test]
fn serve_takes_the_console_secret_from_the_environment_and_refuses_a_bad_one() {
    let s = store();
    let secret = "cli-test-console-secret-0123456789";
    let server = Server::start_with(s.db(), &[("POOLHOUSE_CONSOLE_SECRET", secret)]);
    let addr = SocketAddr::from(([127, 0, 0, 1], server.port));
    let send = |headers: &[(&str, &str)]| {
        let mut all = vec![
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", "Poolhouse.CreateAccessKey"),
        ];
        all.extend_from_slice(headers);
        http::send(addr, "POST", "/", &all, b"{}")
    };
    let refused = send(&[]);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains("X-Poolhouse-Console"),
        "{}",
        refused.body
    );
    let made = send(&[("X-Poolhouse-Console", secret)]);
    assert_eq!(made.status, 200, "{}", made.body);

    let out = Command::new(BIN)
        .arg("--db")
        .arg(s.db())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("POOLHOUSE_CONSOLE_SECRET", "short")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("--console-secret") && stderr.contains("32 to 128"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("short"),
        "the secret is not echoed: {stderr}"
    );
}

// ----- bugs found while writing these tests, now fixed -------------------------------------

/// A running `serve` sees workspace settings another process changes: RequireSignature turned
/// on from the CLI (the documented `update-workspace --require-signature`) is enforced without
/// a restart.
#[test]
fn require_signature_set_from_the_cli_is_enforced_by_a_running_server() {
    let s = store();
    let server = Server::start(s.db());
    let (status, _) = server.call(
        "AWSCognitoIdentityProviderService.ListUserPools",
        r#"{"MaxResults":5}"#,
    );
    assert_eq!(status, 200, "unsigned calls are fine before");
    let key = s.json(&["--json", "create-access-key"]);
    assert!(key["AccessKeyId"].as_str().is_some());
    s.ok(&["update-workspace", "--require-signature"]);
    let (status, v) = server.call(
        "AWSCognitoIdentityProviderService.ListUserPools",
        r#"{"MaxResults":5}"#,
    );
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("MissingAuthenticationTokenException")),
        "once the workspace requires signatures, an unsigned call must be refused: {v}"
    );
}

/// `--json` is global: after a Poolhouse command (or `audit` with flags) it is not taken for
/// one of the operation's flags.
#[test]
fn the_json_flag_works_after_the_command_too() {
    let s = store();
    let pool = s.create_pool("demo");
    s.create_user(&pool, "alice", "alice@example.com");
    let v = s.json(&["search-users", "--user-pool-id", &pool, "--json"]);
    assert_eq!(v["TotalCount"], 1);
    let v = s.json(&["audit", "--limit", "1", "--json"]);
    assert!(v["Events"].is_array());
}
