//! The credential-exchange tester: runs a whole exchange against a backend over HTTP (the
//! built-in one too), keeps the run with every step's masked request and answer ([`kept`]),
//! and runs it again from what was kept.

use backends::BUILT_IN;
use backends::exchange::{self, Flow, Source};
use domain::IdentityPoolId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ops::OpCtx;
use crate::ops::shared::listing_limit;
use crate::{ApiError, Console, ErrorCode};

mod kept;

use kept::Kept;

/// How the run obtains credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum ExchangeFlow {
    /// `GetId` → `GetCredentialsForIdentity`.
    Enhanced,
    /// `GetId` → `GetOpenIdToken` → STS `AssumeRoleWithWebIdentity` (needs `RoleArn`).
    Basic,
    /// `GetOpenIdTokenForDeveloperIdentity` → `GetCredentialsForIdentity`.
    Developer,
}

/// Who the run is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum ExchangeSourceType {
    /// A token pasted with its Logins key.
    Token,
    /// A user pool user signing in with a password.
    UserPassword,
    /// A developer-authenticated identity.
    Developer,
    /// An unauthenticated identity.
    Guest,
}

dto! {
    /// The source's members; which are needed depends on `Type`.
    pub struct ExchangeSource {
        #[serde(rename = "Type")]
        pub source_type: ExchangeSourceType,
        /// TOKEN: the Logins key (`accounts.google.com`, `cognito-idp.<region>.amazonaws.com/<pool>`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub logins_key: Option<String>,
        /// TOKEN: the token. Never answered or kept in clear.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub token: Option<String>,
        /// USER_PASSWORD: the user pool and app client to sign in with.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub user_pool_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub client_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub username: Option<String>,
        /// USER_PASSWORD: never answered or kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub password: Option<String>,
        /// USER_PASSWORD: sign in with `AdminInitiateAuth` (signed with the backend's key)
        /// rather than `InitiateAuth`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub admin: Option<bool>,
        /// DEVELOPER: the identity pool's developer provider name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub developer_provider_name: Option<String>,
        /// DEVELOPER: the application's identifier for the user.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub developer_user_identifier: Option<String>,
        /// DEVELOPER: an identity to link the login to.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub identity_id: Option<String>,
    }
}

dto! {
    /// Runs an exchange. With `RerunOf`, the run's kept parameters are used and only
    /// `Password` (asked again: it is never kept) and `TimeoutSeconds` are read.
    pub struct RunExchangeRequest {
        /// The backend's name; the built-in one when absent.
        #[serde(default)]
        pub backend_name: Option<String>,
        #[serde(default)]
        pub identity_pool_id: Option<String>,
        #[serde(default)]
        pub flow: Option<ExchangeFlow>,
        #[serde(default)]
        pub source: Option<ExchangeSource>,
        /// BASIC: the role to assume.
        #[serde(default)]
        pub role_arn: Option<String>,
        /// BASIC: the session's name (default `poolhouse-exchange`).
        #[serde(default)]
        pub role_session_name: Option<String>,
        /// BASIC: 900 to 43200.
        #[serde(default)]
        pub duration_seconds: Option<u32>,
        /// How long each call may take, 1 to 60 (default 10).
        #[serde(default)]
        pub timeout_seconds: Option<u32>,
        /// Runs this earlier run again.
        #[serde(default)]
        pub rerun_of: Option<String>,
        /// With `RerunOf`, the password of a USER_PASSWORD run.
        #[serde(default)]
        pub password: Option<String>,
    }
}

dto! {
    pub struct ExchangeHeader {
        pub name: String,
        pub value: String,
    }
}

dto! {
    /// A request or an answer as it went over the wire, secrets hidden.
    pub struct ExchangeMessage {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub method: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub status: Option<u16>,
        pub headers: Vec<ExchangeHeader>,
        pub body: String,
    }
}

dto! {
    pub struct ExchangeStepError {
        pub code: String,
        pub message: String,
    }
}

dto! {
    pub struct ExchangeStep {
        pub operation: String,
        /// `cognito-idp`, `cognito-identity` or `sts`.
        pub service: String,
        /// What signed it, when it was signed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub signed_with: Option<String>,
        /// When it started, in ms after the run started.
        #[ts(type = "number")]
        pub started_ms: u64,
        #[ts(type = "number")]
        pub elapsed_ms: u64,
        pub request: ExchangeMessage,
        /// Absent when no answer came (a timeout, a refused connection).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub response: Option<ExchangeMessage>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub error: Option<ExchangeStepError>,
    }
}

dto! {
    /// The vended credentials: the key id and expiry (the secret and token are never kept).
    pub struct ExchangeCredentials {
        pub access_key_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub expiration: Option<f64>,
    }
}

dto! {
    /// `sts:GetCallerIdentity`'s answer for the vended credentials.
    pub struct ExchangeCaller {
        pub account: String,
        pub arn: String,
        pub user_id: String,
    }
}

dto! {
    /// A token seen during the run, for the token inspector.
    pub struct ExchangeToken {
        /// As the steps number it (`token #1`).
        pub number: u32,
        /// The step where it first appeared (0-based).
        pub step: u32,
        /// The member that carried it (`IdToken`, `Token`, a Logins key; `pasted`).
        pub name: String,
        pub value: String,
    }
}

dto! {
    pub struct ExchangeFailure {
        /// The failed step (0-based).
        pub step: u32,
        pub operation: String,
        pub code: String,
        pub message: String,
    }
}

dto! {
    pub struct ExchangeRun {
        pub run_id: String,
        pub backend_name: String,
        pub identity_pool_id: String,
        pub flow: ExchangeFlow,
        /// The source as kept: no password, no token.
        pub source: ExchangeSource,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_arn: Option<String>,
        pub succeeded: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub identity_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub credentials: Option<ExchangeCredentials>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub caller: Option<ExchangeCaller>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub failure: Option<ExchangeFailure>,
        /// The steps (ListExchangeRuns leaves them out).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub steps: Option<Vec<ExchangeStep>>,
        /// The tokens seen (RunExchange and GetExchangeRun only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tokens: Option<Vec<ExchangeToken>>,
        pub started_at: f64,
        #[ts(type = "number")]
        pub elapsed_ms: i64,
    }
}

dto! {
    pub struct ExchangeRunIdRequest {
        pub run_id: String,
    }
}

dto! {
    pub struct ListExchangeRunsRequest {
        /// 1 to 60 (default 20).
        #[serde(default)]
        pub max_results: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListExchangeRunsResponse {
        pub runs: Vec<ExchangeRun>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

fn required<'a>(field: &str, v: &'a Option<String>) -> Result<&'a str, ApiError> {
    match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(ApiError::invalid(field, "is required")),
    }
}

/// The exchange's request from the kept parameters and the secrets given now.
fn to_request(
    k: &Kept,
    token: Option<String>,
    password: Option<String>,
) -> Result<exchange::Request, ApiError> {
    let s = &k.source;
    let source = match s.source_type {
        ExchangeSourceType::Token => Source::Token {
            logins_key: required("Source.LoginsKey", &s.logins_key)?.to_string(),
            token: token.ok_or_else(|| ApiError::invalid("Source.Token", "is required"))?,
        },
        ExchangeSourceType::UserPassword => Source::Password {
            user_pool_id: domain::UserPoolId::try_from(
                required("Source.UserPoolId", &s.user_pool_id)?.to_string(),
            )
            .map_err(|e| ApiError::invalid("Source.UserPoolId", e))?
            .to_string(),
            client_id: required("Source.ClientId", &s.client_id)?.to_string(),
            username: required("Source.Username", &s.username)?.to_string(),
            password: password.filter(|p| !p.is_empty()).ok_or_else(|| {
                ApiError::invalid(
                    "Password",
                    "is required: passwords are never kept, so each run asks for it",
                )
            })?,
            admin: s.admin.unwrap_or(false),
        },
        ExchangeSourceType::Developer => Source::Developer {
            provider_name: required("Source.DeveloperProviderName", &s.developer_provider_name)?
                .to_string(),
            user_identifier: required(
                "Source.DeveloperUserIdentifier",
                &s.developer_user_identifier,
            )?
            .to_string(),
            identity_id: s.identity_id.clone().filter(|i| !i.is_empty()),
        },
        ExchangeSourceType::Guest => Source::Guest,
    };
    let flow = match k.flow {
        ExchangeFlow::Enhanced => Flow::Enhanced,
        ExchangeFlow::Developer => Flow::Developer,
        ExchangeFlow::Basic => {
            let arn = required("RoleArn", &k.role_arn)?;
            domain::identity_pool::validate_role_arn("RoleArn", arn)?;
            let session = k
                .role_session_name
                .clone()
                .unwrap_or_else(|| "poolhouse-exchange".into());
            if !(2..=64).contains(&session.len())
                || !session
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
            {
                return Err(ApiError::invalid(
                    "RoleSessionName",
                    "must be 2 to 64 letters, digits or +=,.@_-",
                ));
            }
            if let Some(d) = k.duration_seconds
                && !(900..=43200).contains(&d)
            {
                return Err(ApiError::invalid("DurationSeconds", "must be 900 to 43200"));
            }
            Flow::Basic {
                role_arn: arn.to_string(),
                session_name: session,
                duration_seconds: k.duration_seconds,
            }
        }
    };
    let req = exchange::Request {
        identity_pool_id: k.identity_pool_id.clone(),
        source,
        flow,
    };
    exchange::check(&req).map_err(|(field, reason)| ApiError::invalid(field, reason))?;
    Ok(req)
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::InternalErrorException, e.to_string())
}

fn run_id() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let bytes: [u8; 8] = rng.random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("exr-{hex}")
}

impl Console {
    /// Where a run goes: the backend's endpoint and the key that signs administrators' calls.
    fn run_target(
        &self,
        name: &str,
    ) -> Result<(backends::Endpoint, Option<backends::Credentials>), ApiError> {
        if name == BUILT_IN {
            let ws = self.workspace()?;
            let url = self.builtin_url()?;
            let admin = ws.access_keys.first().map(|k| backends::Credentials {
                access_key_id: k.id.clone(),
                secret: k.secret.clone(),
                session_token: None,
            });
            return Ok((
                backends::Endpoint {
                    name: BUILT_IN.into(),
                    url,
                    region: ws.region.clone(),
                },
                admin,
            ));
        }
        let (row, secret) = self.backend_for_run(name).map_err(|mut e| {
            e.field = Some("BackendName".into());
            e
        })?;
        let admin = match (row.access_key_id, secret) {
            (Some(id), Some(secret)) => Some(backends::Credentials {
                access_key_id: id,
                secret,
                session_token: None,
            }),
            _ => None,
        };
        Ok((
            backends::Endpoint {
                name: row.name,
                url: row.url,
                region: row.region,
            },
            admin,
        ))
    }
}

pub(crate) fn run_exchange(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: RunExchangeRequest,
) -> Result<ExchangeRun, ApiError> {
    let timeout = req.timeout_seconds.unwrap_or(10);
    if !(1..=60).contains(&timeout) {
        return Err(ApiError::invalid("TimeoutSeconds", "must be 1 to 60"));
    }
    // The parameters to keep, and the secrets given for this run only.
    let (kept, token, password) = match &req.rerun_of {
        Some(id) => {
            let row = c
                .read(|r| Ok(storage::exchange_runs::get(r, id)?))?
                .ok_or_else(|| ApiError {
                    code: ErrorCode::ResourceNotFoundException,
                    message: format!("Exchange run {id} does not exist."),
                    field: Some("RerunOf".into()),
                })?;
            let kept: Kept = serde_json::from_value(row.params.clone()).map_err(internal)?;
            let token = match (&row.tokens_sealed, kept.source.source_type) {
                (Some(sealed), ExchangeSourceType::Token) => c
                    .open_tokens(&row.id, sealed)?
                    .into_iter()
                    .find(|t| t.name == "pasted")
                    .map(|t| t.value),
                _ => None,
            };
            (kept, token, req.password.clone())
        }
        None => {
            let pool = required("IdentityPoolId", &req.identity_pool_id)?;
            IdentityPoolId::try_from(pool.to_string())
                .map_err(|e| ApiError::invalid("IdentityPoolId", e))?;
            let flow = req
                .flow
                .ok_or_else(|| ApiError::invalid("Flow", "is required"))?;
            let source = req
                .source
                .clone()
                .ok_or_else(|| ApiError::invalid("Source", "is required"))?;
            let token = source.token.clone();
            let password = source.password.clone().or_else(|| req.password.clone());
            let kept = Kept {
                backend_name: req
                    .backend_name
                    .clone()
                    .unwrap_or_else(|| BUILT_IN.to_string()),
                identity_pool_id: pool.to_string(),
                flow,
                source: ExchangeSource {
                    token: None,
                    password: None,
                    ..source
                },
                role_arn: req.role_arn.clone(),
                role_session_name: req.role_session_name.clone(),
                duration_seconds: req.duration_seconds,
            };
            (kept, token, password)
        }
    };
    let request = to_request(&kept, token, password)?;
    let (endpoint, admin) = c.run_target(&kept.backend_name)?;
    let total = std::time::Duration::from_secs(u64::from(timeout));
    let client = backends::Client::new(backends::Timeouts {
        connect: total.min(std::time::Duration::from_secs(5)),
        total,
    })
    .map_err(internal)?;
    let started_at = c.now();
    let outcome = exchange::run(&client, &endpoint, admin.as_ref(), &request);

    let id = run_id();
    let (row, tokens) = kept::record(c, &id, &kept, &outcome, started_at)?;
    c.write_audited(ctx, None, Some(&id), |tx, _| {
        storage::exchange_runs::insert(tx, &row)?;
        Ok(((), None))
    })?;
    let mut run = c.exchange_run(&row, false)?;
    run.tokens = Some(tokens);
    Ok(run)
}

pub(crate) fn get_exchange_run(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ExchangeRunIdRequest,
) -> Result<ExchangeRun, ApiError> {
    let row = c
        .read(|r| Ok(storage::exchange_runs::get(r, &req.run_id)?))?
        .ok_or_else(|| ApiError {
            code: ErrorCode::ResourceNotFoundException,
            message: format!("Exchange run {} does not exist.", req.run_id),
            field: Some("RunId".into()),
        })?;
    c.exchange_run(&row, true)
}

pub(crate) fn list_exchange_runs(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListExchangeRunsRequest,
) -> Result<ListExchangeRunsResponse, ApiError> {
    const SCOPE: &str = "ListExchangeRuns";
    let limit = listing_limit("MaxResults", req.max_results, 60, 20)?;
    let after: Option<(i64, i64)> = req
        .next_token
        .as_deref()
        .map(|t| user_pools::pagination::decode(c.pages(), SCOPE, t))
        .transpose()
        .map_err(|_| ApiError::invalid("NextToken", "is not a token this listing issued"))?;
    let rows = c.read(|r| Ok(storage::exchange_runs::list(r, after, limit + 1)?))?;
    let more = rows.len() > limit as usize;
    let rows = &rows[..rows.len().min(limit as usize)];
    let next_token = if more {
        rows.last()
            .map(|r| user_pools::pagination::encode(c.pages(), SCOPE, &(r.started_at, r.pk)))
    } else {
        None
    };
    let runs = rows
        .iter()
        .map(|r| c.exchange_run(r, false))
        .collect::<Result<_, _>>()?;
    Ok(ListExchangeRunsResponse { runs, next_token })
}
