//! What `poolhouse` prints, and what it does when nobody reads it: `poolhouse operations` and
//! its three sections, `--json` with every operation's schemas, and a reader that closes the
//! pipe early (`| head -1`), which must end a command quietly with its own exit status.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Output, Stdio};

use serde_json::Value;
use testkit::CliStore;

const BIN: &str = env!("CARGO_BIN_EXE_poolhouse");

/// A fresh store in a temporary directory, for the built binary.
fn store() -> CliStore {
    CliStore::new(BIN)
}

/// Runs a command whose standard output is a pipe nobody reads any more: its read end is
/// closed before the command starts, so the first write fails with EPIPE, every time.
fn run_into_closed_pipe(s: &CliStore, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    s.command(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// Asserts that a command ended as it should with its reader gone: `status`, and nothing on
/// standard error (no panic message, no "Broken pipe").
fn assert_quiet(args: &[&str], out: &Output, status: i32) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(status),
        "`poolhouse {}` keeps its own exit status when its reader is gone; stderr: {stderr}",
        args.join(" ")
    );
    assert!(
        stderr.is_empty(),
        "`poolhouse {}` says nothing when its reader is gone, got: {stderr}",
        args.join(" ")
    );
}

#[test]
fn every_kind_of_output_ends_quietly_when_the_reader_has_gone() {
    let s = store();
    let token = s
        .ok(&[
            "jwt",
            "encode",
            "--claims",
            r#"{"sub":"a"}"#,
            "--secret",
            "k",
        ])
        .trim()
        .to_string();
    let commands: &[&[&str]] = &[
        &["operations"],
        &["operations", "--json"],
        &["cognito-idp", "help"],
        &["cognito-idp", "list-users", "--help"],
        // The AWS CLI's JSON, and a table of Poolhouse's own.
        &["cognito-idp", "create-user-pool", "--pool-name", "p"],
        &["describe-workspace"],
        &["describe-workspace", "--json"],
        &["jwt", "decode", &token],
        &["jwt", "encode", "--claims", "{}", "--secret", "k"],
    ];
    for args in commands {
        let out = run_into_closed_pipe(&s, args);
        assert_quiet(args, &out, 0);
    }
}

#[test]
fn a_failed_check_keeps_its_exit_status_when_the_reader_has_gone() {
    let s = store();
    let token = s
        .ok(&[
            "jwt",
            "encode",
            "--claims",
            r#"{"sub":"a"}"#,
            "--secret",
            "k",
        ])
        .trim()
        .to_string();
    let args = ["jwt", "verify", &token, "--secret", "another key"];
    let out = run_into_closed_pipe(&s, &args);
    // 1: a check failed (the signature), as with a reader.
    assert_quiet(&args, &out, 1);
}

#[test]
fn a_reader_that_stops_after_the_first_line_ends_the_command_quietly() {
    // `poolhouse operations --json | head -1`: the schemas are far more than a pipe holds, so
    // the command is still writing when the reader goes.
    let s = store();
    let mut child = s
        .command(&["operations", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let stdout = child.stdout.take().unwrap();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    assert_eq!(first, "{\n", "the JSON document starts on the first line");
    // The reader (and with it the pipe's only read end) is gone here.
    let out = child.wait_with_output().unwrap();
    assert_quiet(&["operations", "--json"], &out, 0);
}

#[test]
fn operations_lists_cognito_poolhouse_and_the_command_line_in_sections() {
    let s = store();
    let text = s.ok(&["operations"]);
    let all: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(all.len(), 5, "five sections:\n{text}");
    assert!(line_of_section(
        all[1],
        "poolhouse cognito-identity create-identity-pool CreateIdentityPool"
    ));
    assert!(line_of_section(
        all[2],
        "poolhouse sts get-caller-identity GetCallerIdentity"
    ));
    // User pools, then (past identity pools and STS) Poolhouse's own and the command line's.
    let sections = [all[0], all[3], all[4]];
    let line_of = |section: &str, command: &str| {
        section.lines().any(|l| {
            l.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .starts_with(command)
        })
    };
    assert!(line_of(
        sections[0],
        "poolhouse cognito-idp admin-create-user AdminCreateUser"
    ));
    assert!(line_of(sections[1], "poolhouse search-users SearchUsers"));
    for command in [
        "poolhouse serve",
        "poolhouse audit",
        "poolhouse generate-users",
        "poolhouse operations",
        "poolhouse jwt decode",
        "poolhouse jwt verify",
        "poolhouse jwt encode",
    ] {
        assert!(
            line_of(sections[2], command),
            "the command line's own section lists `{command}`:\n{}",
            sections[2]
        );
    }
    assert!(
        !sections[2].contains("cognito-id") && !sections[2].contains("poolhouse sts"),
        "cognito-idp's, cognito-identity's and sts's commands are the operations of their sections"
    );
}

fn line_of_section(section: &str, command: &str) -> bool {
    section.lines().any(|l| {
        l.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .starts_with(command)
    })
}

#[test]
fn operations_json_gives_every_operation_its_request_and_response_schemas() {
    let s = store();
    let doc: Value = serde_json::from_str(&s.ok(&["operations", "--json"])).unwrap();
    let ops = doc["Operations"].as_array().unwrap();
    let text = s.ok(&["operations"]);
    // The text's first four sections: a heading and one line per operation each.
    let in_text: usize = text
        .split("\n\n")
        .take(4)
        .map(|s| s.lines().count() - 1)
        .sum();
    assert_eq!(
        ops.len(),
        in_text,
        "--json lists the operations the text lists"
    );
    for op in ops {
        for key in ["RequestSchema", "ResponseSchema"] {
            assert_eq!(
                op[key]["type"], "object",
                "{} has a {key} describing an object: {}",
                op["Name"], op[key]
            );
        }
    }
    let create = ops.iter().find(|o| o["Name"] == "AdminCreateUser").unwrap();
    assert_eq!(create["Service"], "cognito-idp");
    assert_eq!(create["Command"], "poolhouse cognito-idp admin-create-user");
    assert_eq!(
        create["ResponseSchema"]["properties"]["User"]["$ref"], "#/$defs/UserType",
        "the response schema is the response type's"
    );
    let commands = doc["Commands"].as_array().unwrap();
    assert!(
        commands.iter().any(|c| c["Command"] == "poolhouse serve"),
        "--json lists the command line's own commands too: {commands:?}"
    );
}
