//! `poolhouse`: the command line over the operation list.
//!
//! `poolhouse cognito-idp <command> --<flags>` takes the AWS CLI's commands and flags and prints
//! the JSON it prints, so existing scripts port by changing one word. Poolhouse's own operations
//! are top-level commands (`search-users`, `audit`, ...), printed as tables unless `--json`.
//! `serve` runs the endpoint. Errors are one line on stderr and a non-zero exit.

// Output goes through `out`, which takes a reader that closes early quietly.
#![deny(clippy::print_stdout)]

mod exchange;
mod flags;
mod jwt;
mod operations;
mod out;
mod table;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use console_api::ops::{self, Service};
use console_api::{Actor, ApiError, Console};

/// The allocator: `serve` answers each request with a few hundred small allocations freed on
/// other threads (the blocking pool, the writer behind the answer), which mimalloc serves from
/// per-thread pages where glibc's malloc took a fifth of the server's CPU (docs/benchmarks.md,
/// IP2).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status for an operation the core refused (as the AWS CLI uses).
pub(crate) const EXIT_API_ERROR: u8 = 254;
/// Exit status for a command line that does not parse.
pub(crate) const EXIT_USAGE: u8 = 252;

#[derive(Parser)]
#[command(
    name = "poolhouse",
    version,
    about = "Local console for Cognito-style user pools"
)]
pub(crate) struct Cli {
    /// The store (an SQLite file). Default: poolhouse.db in the platform data directory.
    #[arg(long, env = "POOLHOUSE_DB", global = true)]
    db: Option<PathBuf>,
    /// Print JSON instead of tables for Poolhouse's own commands.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Cognito user pool operations, as the AWS CLI spells them (`create-user-pool`, ...).
    #[command(name = "cognito-idp", disable_help_flag = true)]
    CognitoIdp {
        /// The operation, e.g. `admin-create-user`; `help` lists them.
        operation: String,
        /// The operation's flags, e.g. `--user-pool-id us-east-1_abc --username alice`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Cognito identity pool operations, as the AWS CLI spells them (`create-identity-pool`, ...).
    #[command(name = "cognito-identity", disable_help_flag = true)]
    CognitoIdentity {
        /// The operation, e.g. `describe-identity-pool`; `help` lists them.
        operation: String,
        /// The operation's flags, e.g. `--identity-pool-id us-east-1:…`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Security Token Service operations, as the AWS CLI spells them (`get-caller-identity`, ...).
    #[command(name = "sts", disable_help_flag = true)]
    Sts {
        /// The operation, e.g. `get-caller-identity`; `help` lists them.
        operation: String,
        /// The operation's flags.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Runs the local endpoint (Cognito's JSON 1.1 protocol) until interrupted.
    Serve {
        /// Address to listen on; use port 0 for any free port.
        #[arg(long, default_value = "127.0.0.1:9229")]
        addr: SocketAddr,
        /// Also serve the console's web build from this directory (e.g. ui/dist).
        #[arg(long)]
        ui: Option<PathBuf>,
        /// Also answer requests whose Host is NAME (or NAME:PORT); repeatable. Without it only
        /// localhost, *.localhost, 127.0.0.1 and [::1] on the serving port are answered, so a
        /// web page whose name was rebound to this machine cannot reach the store.
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_hosts: Vec<endpoint::AllowedHost>,
        /// Seconds a connection waiting for a request may send nothing before it is closed.
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
        idle_timeout: u64,
        /// Seconds a request's headers may take, from its first byte, before the connection
        /// is closed.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
        header_timeout: u64,
        /// Seconds a request's body may take to arrive in full.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
        request_timeout: u64,
        /// Connections served at once; more wait until one closes.
        #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=65536))]
        max_connections: u64,
        /// The console's secret for this launch (32 to 128 letters, digits, '-' or '_'). The
        /// console's own operations (UpdateWorkspace, CreateAccessKey, ...) and admin
        /// operations sent from a browser need it in the X-Poolhouse-Console header unless
        /// they are SigV4-signed; the console served by --ui carries it. Random when unset;
        /// set it for scripts that drive the endpoint.
        #[arg(
            long = "console-secret",
            env = "POOLHOUSE_CONSOLE_SECRET",
            hide_env_values = true
        )]
        console_secret: Option<String>,
    },
    /// Runs a credential exchange step by step against a backend (RunExchange) and prints
    /// each step; exit 0 when GetCallerIdentity proved the credentials, 1 when a step failed.
    Exchange(exchange::ExchangeArgs),
    /// The audit log, newest first (ListAuditEvents).
    #[command(disable_help_flag = true)]
    Audit {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Creates N sample users (confirmed, no password) with a progress bar.
    GenerateUsers {
        #[arg(long)]
        user_pool_id: domain::UserPoolId,
        #[arg(long)]
        count: u64,
        #[arg(long, default_value = "user")]
        prefix: String,
    },
    /// Lists every command: Cognito's operations, Poolhouse's own, and these commands.
    ///
    /// With --json, each operation also carries its request and response JSON Schemas.
    Operations,
    /// The token inspector: decode, verify (with every check explained) and encode test tokens.
    /// Exit codes: 0 every check passed, 1 a check failed, 2 not a token, 3 attack flagged.
    #[command(subcommand)]
    Jwt(jwt::JwtCommand),
    /// Poolhouse's own operations: search-users, list-outbox-messages, describe-workspace, ...
    #[command(external_subcommand)]
    Own(Vec<String>),
}

fn default_db() -> Result<PathBuf, String> {
    let dirs = directories::ProjectDirs::from("dev", "Poolhouse", "Poolhouse")
        .ok_or("no home directory to keep the store in; pass --db PATH")?;
    Ok(dirs.data_dir().join("poolhouse.db"))
}

fn open(db: Option<PathBuf>) -> Result<Console, String> {
    let path = match db {
        Some(p) => p,
        None => default_db()?,
    };
    let console = Console::open(&path, Arc::new(domain::SystemClock)).map_err(|e| e.message)?;
    // The exchange tester's built-in backend is this store's endpoint, over HTTP: started
    // in-process on 127.0.0.1:0 when a command needs it (`serve` records its own address).
    console.set_builtin_launcher(Arc::new(|c: &Console| {
        endpoint::start_in_background(c.clone())
    }));
    Ok(console)
}

fn api_error(op: &str, e: &ApiError) -> ExitCode {
    eprintln!(
        "An error occurred ({}) when calling the {op} operation: {}",
        e.code.as_str(),
        e.message
    );
    ExitCode::from(EXIT_API_ERROR)
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("poolhouse: {msg}");
    ExitCode::from(EXIT_USAGE)
}

/// Runs one operation from command-line flags and prints its answer.
fn run_operation(console: &Console, op: &ops::Operation, args: &[String], json: bool) -> ExitCode {
    // `--json` is global, but after a command's own flags clap hands it over with them.
    let json = json || args.iter().any(|a| a == "--json");
    let args: Vec<String> = args.iter().filter(|a| *a != "--json").cloned().collect();
    let args = args.as_slice();
    if args.iter().any(|a| a == "--help" || a == "help") {
        return out::finish(&flags::help(op), ExitCode::SUCCESS);
    }
    let body = match flags::to_request(op, args) {
        Ok(b) => b,
        Err(msg) => return usage(&msg),
    };
    let bytes = match serde_json::to_vec(&body) {
        Ok(b) => b,
        Err(e) => return usage(&e.to_string()),
    };
    let result = console.dispatch_json(&Actor::cli(), op.name, &bytes);
    // Email the command put in the outbox goes out now, when the workspace has a server.
    if let Err(e) = console.deliver_mail() {
        eprintln!("poolhouse: mail delivery: {}", e.message);
    }
    match result {
        Ok(out) => {
            let value: serde_json::Value =
                serde_json::from_slice(&out).unwrap_or(serde_json::Value::Null);
            let is_empty = value.as_object().is_some_and(|m| m.is_empty());
            if op.service == Service::Poolhouse
                && !json
                && let Some(t) = table::render(op.name, &value)
            {
                return out::finish(&t, ExitCode::SUCCESS);
            }
            if is_empty {
                return ExitCode::SUCCESS;
            }
            let text = serde_json::to_string_pretty(&value).unwrap_or_default();
            out::finish(&format!("{text}\n"), ExitCode::SUCCESS)
        }
        Err(e) => api_error(op.name, &e),
    }
}

fn find_cli(service: Service, name: &str) -> Option<&'static ops::Operation> {
    ops::OPERATIONS
        .iter()
        .find(|o| o.service == service && o.cli_name() == name)
}

fn generate(console: &Console, pool: &domain::UserPoolId, count: u64, prefix: &str) -> ExitCode {
    const BATCH: u64 = 20_000;
    let bar = indicatif::ProgressBar::new(count);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} users  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut done = 0;
    while done < count {
        let n = (count - done).min(BATCH);
        let req = console_api::dto::GenerateUsersRequest {
            user_pool_id: pool.clone(),
            count: n as u32,
            prefix: Some(prefix.to_string()),
        };
        match console.generate_users(&Actor::cli(), req) {
            Ok(_) => {
                done += n;
                bar.set_position(done);
            }
            Err(e) => {
                bar.abandon();
                return api_error("GenerateUsers", &e);
            }
        }
    }
    bar.finish();
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("POOLHOUSE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    // Flags clap cannot read are usage errors (252), as the operations' own flags are; clap's
    // default of 2 would collide with `jwt`'s "not a token".
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let cli = match cli.command {
        Command::Operations => return operations::list_all(cli.json),
        Command::Jwt(cmd) => {
            let store = jwt::StoreChoice {
                path: cli.db,
                default: default_db(),
            };
            return jwt::run(cmd, cli.json, &store);
        }
        command => Cli { command, ..cli },
    };
    let console = match open(cli.db) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("poolhouse: {msg}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Command::CognitoIdp { operation, args } => {
            if operation == "help" {
                return operations::list_service(Service::CognitoIdp);
            }
            match find_cli(Service::CognitoIdp, &operation) {
                Some(op) => run_operation(&console, op, &args, cli.json),
                None => usage(&format!(
                    "'{operation}' is not a cognito-idp command; `poolhouse cognito-idp help` lists them"
                )),
            }
        }
        Command::CognitoIdentity { operation, args } => {
            if operation == "help" {
                return operations::list_service(Service::CognitoIdentity);
            }
            match find_cli(Service::CognitoIdentity, &operation) {
                Some(op) => run_operation(&console, op, &args, cli.json),
                None => usage(&format!(
                    "'{operation}' is not a cognito-identity command; `poolhouse cognito-identity help` lists them"
                )),
            }
        }
        Command::Sts { operation, args } => {
            if operation == "help" {
                return operations::list_service(Service::Sts);
            }
            match find_cli(Service::Sts, &operation) {
                Some(op) => run_operation(&console, op, &args, cli.json),
                None => usage(&format!(
                    "'{operation}' is not an sts command; `poolhouse sts help` lists them"
                )),
            }
        }
        Command::Own(words) => {
            let Some((name, args)) = words.split_first() else {
                return usage("missing command");
            };
            match find_cli(Service::Poolhouse, name) {
                Some(op) => run_operation(&console, op, args, cli.json),
                None => usage(&format!(
                    "'{name}' is not a command; `poolhouse --help` lists them"
                )),
            }
        }
        Command::Exchange(args) => exchange::run(&console, &args, cli.json),
        Command::Audit { args } => match ops::find("ListAuditEvents") {
            Some(op) => run_operation(&console, op, &args, cli.json),
            None => usage("ListAuditEvents is missing from this build"),
        },
        Command::GenerateUsers {
            user_pool_id,
            count,
            prefix,
        } => generate(&console, &user_pool_id, count, &prefix),
        Command::Serve {
            addr,
            ui,
            allow_hosts,
            idle_timeout,
            header_timeout,
            request_timeout,
            max_connections,
            console_secret,
        } => {
            let limits = endpoint::Limits {
                idle_timeout: Duration::from_secs(idle_timeout),
                header_timeout: Duration::from_secs(header_timeout),
                request_timeout: Duration::from_secs(request_timeout),
                max_connections: usize::try_from(max_connections).unwrap_or(usize::MAX),
            };
            // Parsed here, not by clap, whose error would print the value.
            let console_secret = match console_secret.map(|s| s.parse()).transpose() {
                Ok(secret) => secret,
                Err(e) => {
                    return usage(&format!(
                        "--console-secret (or POOLHOUSE_CONSOLE_SECRET) is refused: {e}"
                    ));
                }
            };
            let options = endpoint::Options {
                ui,
                allow_hosts,
                limits,
                console_secret,
            };
            serve(console, addr, options)
        }
        Command::Operations => operations::list_all(cli.json),
        Command::Jwt(_) => usage("jwt is handled before the store is opened"),
    }
}

fn serve(console: Console, addr: SocketAddr, options: endpoint::Options) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("poolhouse: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let store = console.store_path().display().to_string();
    let result = runtime.block_on(endpoint::serve_with(console, addr, options, |bound| {
        // A reader that is gone does not stop the endpoint; another failure is reported.
        let _ = out::print(&format!("listening on http://{bound}\n"));
        eprintln!("store: {store}");
    }));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("poolhouse: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_command_that_finds_it() {
        for op in ops::OPERATIONS {
            let found = find_cli(op.service, &op.cli_name()).map(|o| o.name);
            assert_eq!(
                found,
                Some(op.name),
                "{} must be reachable from the command line",
                op.name
            );
        }
    }
}
