//! `poolhouse exchange`: the credential-exchange tester from the command line.

use std::process::ExitCode;

use console_api::dto::{ExchangeFlow, ExchangeRun, ExchangeSource, ExchangeSourceType};
use console_api::{Actor, Console};

use crate::{api_error, out};

#[derive(clap::Args)]
pub(crate) struct ExchangeArgs {
    /// The backend (`poolhouse list-backends`); the built-in one when absent.
    #[arg(long)]
    backend: Option<String>,
    #[arg(long)]
    identity_pool_id: Option<String>,
    /// enhanced, basic or developer.
    #[arg(long, value_parser = ["enhanced", "basic", "developer"])]
    flow: Option<String>,
    /// A token to exchange, with --logins-key.
    #[arg(long)]
    token: Option<String>,
    /// The Logins key of --token (`accounts.google.com`, `cognito-idp.<region>.amazonaws.com/<pool>`).
    #[arg(long)]
    logins_key: Option<String>,
    /// Sign a user pool user in first (with --client-id, --username and --password).
    #[arg(long)]
    user_pool_id: Option<String>,
    #[arg(long)]
    client_id: Option<String>,
    #[arg(long)]
    username: Option<String>,
    /// The user's password (or POOLHOUSE_EXCHANGE_PASSWORD); never kept.
    #[arg(long, env = "POOLHOUSE_EXCHANGE_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Sign in with AdminInitiateAuth, signed with the backend's access key.
    #[arg(long)]
    admin: bool,
    /// A developer identity: the pool's developer provider name.
    #[arg(long)]
    developer_provider_name: Option<String>,
    #[arg(long)]
    developer_user_identifier: Option<String>,
    #[arg(long)]
    identity_id: Option<String>,
    /// basic flow: the role to assume.
    #[arg(long)]
    role_arn: Option<String>,
    #[arg(long)]
    role_session_name: Option<String>,
    #[arg(long)]
    duration_seconds: Option<u32>,
    /// Seconds each call may take (1 to 60; default 10).
    #[arg(long)]
    timeout: Option<u32>,
    /// Runs an earlier run again (its password is asked for again with --password).
    #[arg(long, value_name = "RUN_ID")]
    rerun: Option<String>,
    /// Print the tokens seen, in clear (they are shortened otherwise).
    #[arg(long)]
    show_tokens: bool,
}

fn request(a: &ExchangeArgs) -> console_api::dto::RunExchangeRequest {
    let source_type = if a.token.is_some() || a.logins_key.is_some() {
        ExchangeSourceType::Token
    } else if a.username.is_some() || a.user_pool_id.is_some() {
        ExchangeSourceType::UserPassword
    } else if a.developer_user_identifier.is_some() || a.developer_provider_name.is_some() {
        ExchangeSourceType::Developer
    } else {
        ExchangeSourceType::Guest
    };
    let flow = a.flow.as_deref().map(|f| match f {
        "basic" => ExchangeFlow::Basic,
        "developer" => ExchangeFlow::Developer,
        _ => ExchangeFlow::Enhanced,
    });
    let rerun = a.rerun.is_some();
    console_api::dto::RunExchangeRequest {
        backend_name: a.backend.clone(),
        identity_pool_id: a.identity_pool_id.clone(),
        flow: flow.or((!rerun).then_some(ExchangeFlow::Enhanced)),
        source: (!rerun).then(|| ExchangeSource {
            source_type,
            logins_key: a.logins_key.clone(),
            token: a.token.clone(),
            user_pool_id: a.user_pool_id.clone(),
            client_id: a.client_id.clone(),
            username: a.username.clone(),
            password: None,
            admin: a.admin.then_some(true),
            developer_provider_name: a.developer_provider_name.clone(),
            developer_user_identifier: a.developer_user_identifier.clone(),
            identity_id: a.identity_id.clone(),
        }),
        role_arn: a.role_arn.clone(),
        role_session_name: a.role_session_name.clone(),
        duration_seconds: a.duration_seconds,
        timeout_seconds: a.timeout,
        rerun_of: a.rerun.clone(),
        password: a.password.clone(),
    }
}

fn print_run(run: &ExchangeRun, show_tokens: bool) -> String {
    let mut s = format!(
        "run {}  backend {}  pool {}  flow {:?}\n",
        run.run_id, run.backend_name, run.identity_pool_id, run.flow
    );
    for (i, step) in run.steps.iter().flatten().enumerate() {
        let status = step
            .response
            .as_ref()
            .and_then(|r| r.status)
            .map_or_else(|| "---".to_string(), |s| s.to_string());
        let signed = step
            .signed_with
            .as_deref()
            .map(|w| format!("  signed with {w}"))
            .unwrap_or_default();
        s.push_str(&format!(
            "{:>2}. {:<36} {:<17} {status}  {:>5} ms{signed}\n",
            i + 1,
            step.operation,
            step.service,
            step.elapsed_ms
        ));
        if let Some(e) = &step.error {
            s.push_str(&format!("    {}: {}\n", e.code, e.message));
        }
    }
    if let Some(id) = &run.identity_id {
        s.push_str(&format!("identity     {id}\n"));
    }
    if let Some(c) = &run.credentials {
        let expiry = c
            .expiration
            .map(|e| format!("  expires {e:.0}"))
            .unwrap_or_default();
        s.push_str(&format!("credentials  {}{expiry}\n", c.access_key_id));
    }
    if let Some(c) = &run.caller {
        s.push_str(&format!(
            "caller       {}  (account {})\n",
            c.arn, c.account
        ));
    }
    for t in run.tokens.iter().flatten() {
        let value = if show_tokens {
            t.value.clone()
        } else {
            format!(
                "{}… ({} characters)",
                t.value.chars().take(12).collect::<String>(),
                t.value.len()
            )
        };
        s.push_str(&format!(
            "token #{}    {} (step {}): {value}\n",
            t.number,
            t.name,
            t.step + 1
        ));
    }
    s.push_str(if run.succeeded {
        "proved: GetCallerIdentity accepted the vended credentials\n"
    } else {
        "failed\n"
    });
    s
}

pub(crate) fn run(console: &Console, args: &ExchangeArgs, json: bool) -> ExitCode {
    match console.run_exchange(&Actor::cli(), request(args)) {
        Ok(mut run) => {
            let code = if run.succeeded {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            };
            if json {
                if !args.show_tokens {
                    run.tokens = None;
                }
                let text = serde_json::to_string_pretty(&run).unwrap_or_default();
                return out::finish(&format!("{text}\n"), code);
            }
            out::finish(&print_run(&run, args.show_tokens), code)
        }
        Err(e) => api_error("RunExchange", &e),
    }
}
