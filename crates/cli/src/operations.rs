//! `poolhouse operations`: every command, in sections — Cognito's operations
//! (`poolhouse cognito-idp …`, `poolhouse cognito-identity …`), Poolhouse's own operations (`poolhouse …`), and the commands of
//! the command line itself (`serve`, `audit`, `jwt …`), read from its clap definition so the
//! list cannot forget one.
//!
//! With `--json`, each operation also carries the JSON Schemas of its request and response
//! (`console_api::ops::{request_schema, response_schema}`); the contract test in tests/peers
//! compares them with botocore's service model.

use std::process::ExitCode;

use clap::CommandFactory;
use console_api::ops::{self, Operation, Service};
use serde_json::{Value, json};

use crate::out;

/// How the command line spells an operation: `poolhouse cognito-idp admin-create-user`.
fn invocation(op: &Operation) -> String {
    match op.service {
        Service::CognitoIdp => format!("poolhouse cognito-idp {}", op.cli_name()),
        Service::CognitoIdentity => format!("poolhouse cognito-identity {}", op.cli_name()),
        Service::Poolhouse => format!("poolhouse {}", op.cli_name()),
        Service::Sts => format!("poolhouse sts {}", op.cli_name()),
    }
}

/// The command line's own commands and their one-line descriptions: every clap subcommand
/// but `cognito-idp` (whose commands are the operations), with `jwt`'s subcommands spelled out.
fn own_commands() -> Vec<(String, String)> {
    fn about(c: &clap::Command) -> String {
        c.get_about().map(|a| a.to_string()).unwrap_or_default()
    }
    let cli = crate::Cli::command();
    let mut out = Vec::new();
    for c in cli.get_subcommands() {
        let name = c.get_name();
        if name == "cognito-idp" || name == "cognito-identity" || name == "sts" || name == "help" {
            continue;
        }
        let subs: Vec<&clap::Command> = c
            .get_subcommands()
            .filter(|s| s.get_name() != "help")
            .collect();
        if subs.is_empty() {
            out.push((format!("poolhouse {name}"), about(c)));
        }
        for s in subs {
            out.push((format!("poolhouse {name} {}", s.get_name()), about(s)));
        }
    }
    out
}

/// One line per operation of `service` (or of every service), aligned on `width`.
fn lines(service: Option<Service>, width: usize) -> String {
    ops::OPERATIONS
        .iter()
        .filter(|o| service.is_none_or(|s| o.service == s))
        .map(|o| format!("{:<width$} {}\n", invocation(o), o.name))
        .collect()
}

/// `poolhouse cognito-idp help`: Cognito's operations alone, one a line.
pub(crate) fn list_service(service: Service) -> ExitCode {
    let width = ops::OPERATIONS
        .iter()
        .map(|o| invocation(o).len())
        .max()
        .unwrap_or(0);
    out::finish(&lines(Some(service), width), ExitCode::SUCCESS)
}

/// `poolhouse operations`: the three sections, or with `json` the operations with their
/// schemas and the command line's own commands.
pub(crate) fn list_all(json: bool) -> ExitCode {
    let commands = own_commands();
    if json {
        return out::finish(&format!("{}\n", to_json(&commands)), ExitCode::SUCCESS);
    }
    let width = ops::OPERATIONS
        .iter()
        .map(invocation)
        .chain(commands.iter().map(|(c, _)| c.clone()))
        .map(|s| s.len())
        .max()
        .unwrap_or(0);
    let mut text = String::from("Cognito user pools (cognito-idp):\n");
    text.push_str(&lines(Some(Service::CognitoIdp), width));
    text.push_str("\nCognito identity pools (cognito-identity):\n");
    text.push_str(&lines(Some(Service::CognitoIdentity), width));
    text.push_str("\nSecurity Token Service (sts):\n");
    text.push_str(&lines(Some(Service::Sts), width));
    text.push_str("\nPoolhouse's own operations:\n");
    text.push_str(&lines(Some(Service::Poolhouse), width));
    text.push_str("\nCommands of the command line:\n");
    for (command, about) in &commands {
        text.push_str(&format!("{command:<width$} {about}\n"));
    }
    out::finish(&text, ExitCode::SUCCESS)
}

fn to_json(commands: &[(String, String)]) -> String {
    let operations: Vec<Value> = ops::OPERATIONS
        .iter()
        .map(|o| {
            json!({
                "Service": o.service.name(),
                "Name": o.name,
                "Command": invocation(o),
                "Request": o.request,
                "Response": o.response,
                "Access": o.access,
                "RequestSchema": ops::request_schema(o.name),
                "ResponseSchema": ops::response_schema(o.name),
            })
        })
        .collect();
    let commands: Vec<Value> = commands
        .iter()
        .map(|(command, about)| json!({ "Command": command, "Description": about }))
        .collect();
    let doc = json!({ "Operations": operations, "Commands": commands });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
