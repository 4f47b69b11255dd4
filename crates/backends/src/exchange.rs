//! A credential exchange, step by step, as an application would run it against a backend:
//! an optional sign-in, then the flow (enhanced, basic or developer), then a last
//! `sts:GetCallerIdentity` signed with the vended credentials — the proof they work.
//!
//! Every step is kept with its masked request and answer, its timing and its error; the run
//! stops at the first failed step.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::client::{CallError, Client, Credentials, Endpoint, Service, Trace};
use crate::mask::{KeptToken, MaskedTrace, Masker};

/// Who the exchange is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A token pasted with its `Logins` key.
    Token { logins_key: String, token: String },
    /// A user pool user signing in with a password (`USER_PASSWORD_AUTH`, or
    /// `ADMIN_USER_PASSWORD_AUTH` through `AdminInitiateAuth`, signed).
    Password {
        user_pool_id: String,
        client_id: String,
        username: String,
        password: String,
        admin: bool,
    },
    /// A developer-authenticated identity: the pool's developer provider name and the
    /// application's user identifier.
    Developer {
        provider_name: String,
        user_identifier: String,
        identity_id: Option<String>,
    },
    /// An unauthenticated identity.
    Guest,
}

/// Which of Cognito's flows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flow {
    /// `GetId` → `GetCredentialsForIdentity`.
    Enhanced,
    /// `GetId` → `GetOpenIdToken` → STS `AssumeRoleWithWebIdentity`.
    Basic {
        role_arn: String,
        session_name: String,
        duration_seconds: Option<u32>,
    },
    /// `GetOpenIdTokenForDeveloperIdentity` → `GetCredentialsForIdentity` with the
    /// `cognito-identity.amazonaws.com` login.
    Developer,
}

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub identity_pool_id: String,
    pub source: Source,
    pub flow: Flow,
}

/// The Logins key a user pool's ID token goes under.
pub fn user_pool_login(user_pool_id: &str) -> String {
    let region = user_pool_id.split('_').next().unwrap_or(user_pool_id);
    format!("cognito-idp.{region}.amazonaws.com/{user_pool_id}")
}

/// A refused combination: the request member at fault and why.
pub fn check(req: &Request) -> Result<(), (&'static str, String)> {
    match (&req.source, &req.flow) {
        (Source::Developer { .. }, Flow::Developer) => Ok(()),
        (Source::Developer { .. }, _) => Err((
            "Flow",
            "a developer identity is exchanged with the DEVELOPER flow".into(),
        )),
        (_, Flow::Developer) => Err((
            "Source",
            "the DEVELOPER flow needs a developer identity as the source".into(),
        )),
        _ => Ok(()),
    }
}

/// A step's failure, as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepError {
    pub code: String,
    pub message: String,
}

/// One call of the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The operation: `GetId`, `AssumeRoleWithWebIdentity`, ...
    pub operation: String,
    /// `cognito-identity`, `cognito-idp` or `sts`.
    pub service: String,
    /// Whether it was SigV4-signed, and with what (`admin key AKIA…`, `vended credentials`).
    pub signed_with: Option<String>,
    /// When it started, in ms after the run started.
    pub started_ms: u64,
    pub elapsed_ms: u64,
    pub trace: MaskedTrace,
    pub error: Option<StepError>,
}

/// The credentials a run obtained: the key id and expiry; the secret and token never kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vended {
    pub access_key_id: String,
    /// Epoch seconds.
    pub expiration: Option<f64>,
}

/// Who `GetCallerIdentity` says the credentials are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// A finished run.
#[derive(Debug)]
pub struct Outcome {
    pub steps: Vec<Step>,
    pub tokens: Vec<KeptToken>,
    pub identity_id: Option<String>,
    pub credentials: Option<Vended>,
    pub caller: Option<Caller>,
    /// The failed step's index and error, when one failed.
    pub failure: Option<(usize, StepError)>,
    pub elapsed: Duration,
}

struct Runner<'a> {
    client: &'a Client,
    ep: &'a Endpoint,
    admin: Option<&'a Credentials>,
    masker: Masker,
    steps: Vec<Step>,
    started: Instant,
    /// The identity the backend named, once it named one (kept when a later step fails).
    identity_id: Option<String>,
}

/// Why the run stopped: the error of the step that failed (already recorded).
struct Stopped;

impl Runner<'_> {
    fn record(
        &mut self,
        operation: &str,
        service: Service,
        signed_with: Option<String>,
        at: Instant,
        trace: &Trace,
        error: Option<&CallError>,
    ) {
        let step = self.steps.len();
        let masked = self.masker.trace(step, trace);
        let error = error.map(|e| StepError {
            code: e.code().to_string(),
            message: self.masker.text(&e.to_string()),
        });
        self.steps.push(Step {
            operation: operation.to_string(),
            service: service.signing_name().to_string(),
            signed_with,
            started_ms: millis(at.duration_since(self.started)),
            elapsed_ms: millis(at.elapsed()),
            trace: masked,
            error,
        });
    }

    fn json(
        &mut self,
        service: Service,
        operation: &str,
        body: Value,
        creds: Option<&Credentials>,
        signed_with: Option<String>,
    ) -> Result<Value, Stopped> {
        let at = Instant::now();
        let (trace, result) = self.client.json(self.ep, service, operation, &body, creds);
        self.record(
            operation,
            service,
            signed_with,
            at,
            &trace,
            result.as_ref().err(),
        );
        result.map_err(|_| Stopped)
    }

    fn query(
        &mut self,
        action: &str,
        params: &[(&str, &str)],
        creds: Option<&Credentials>,
        signed_with: Option<String>,
    ) -> Result<crate::client::XmlAnswer, Stopped> {
        let at = Instant::now();
        let (trace, result) = self.client.query(self.ep, action, params, creds);
        self.record(
            action,
            Service::Sts,
            signed_with,
            at,
            &trace,
            result.as_ref().err(),
        );
        result.map_err(|_| Stopped)
    }

    /// Marks the last step failed because its answer lacks `member`.
    fn missing(&mut self, operation: &str, member: &str) -> Stopped {
        let e = CallError::Missing {
            backend: self.ep.name.clone(),
            operation: operation.to_string(),
            member: member.to_string(),
        };
        if let Some(last) = self.steps.last_mut() {
            last.error = Some(StepError {
                code: e.code().to_string(),
                message: e.to_string(),
            });
        }
        Stopped
    }

    fn admin_label(&self) -> Option<String> {
        self.admin
            .map(|c| format!("the backend's access key {}", c.access_key_id))
    }

    fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
        let mut cur = v;
        for p in path {
            cur = cur.get(p)?;
        }
        cur.as_str().filter(|s| !s.is_empty())
    }

    /// The sign-in step: the ID token, under its Logins key.
    fn sign_in(
        &mut self,
        user_pool_id: &str,
        client_id: &str,
        username: &str,
        password: &str,
        admin: bool,
    ) -> Result<(String, String), Stopped> {
        self.masker.secret(password);
        let params = json!({"USERNAME": username, "PASSWORD": password});
        let (op, answer) = if admin {
            let body = json!({
                "UserPoolId": user_pool_id, "ClientId": client_id,
                "AuthFlow": "ADMIN_USER_PASSWORD_AUTH", "AuthParameters": params,
            });
            let label = self.admin_label();
            let admin = self.admin;
            (
                "AdminInitiateAuth",
                self.json(Service::CognitoIdp, "AdminInitiateAuth", body, admin, label)?,
            )
        } else {
            let body = json!({
                "ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": params,
            });
            (
                "InitiateAuth",
                self.json(Service::CognitoIdp, "InitiateAuth", body, None, None)?,
            )
        };
        match Self::str_at(&answer, &["AuthenticationResult", "IdToken"]) {
            Some(t) => Ok((user_pool_login(user_pool_id), t.to_string())),
            None => {
                let challenge = Self::str_at(&answer, &["ChallengeName"]).map(str::to_string);
                if let (Some(c), Some(last)) = (challenge, self.steps.last_mut()) {
                    last.error = Some(StepError {
                        code: "ChallengeNotAnswered".into(),
                        message: format!(
                            "the sign-in asks for the {c} challenge; the exchange tester signs in only users who need no challenge"
                        ),
                    });
                    return Err(Stopped);
                }
                Err(self.missing(op, "AuthenticationResult.IdToken"))
            }
        }
    }

    fn get_id(
        &mut self,
        pool: &str,
        logins: &Option<Map<String, Value>>,
    ) -> Result<String, Stopped> {
        let mut body = json!({"IdentityPoolId": pool});
        if let Some(l) = logins {
            body["Logins"] = Value::Object(l.clone());
        }
        let answer = self.json(Service::CognitoIdentity, "GetId", body, None, None)?;
        let id = Self::str_at(&answer, &["IdentityId"])
            .map(str::to_string)
            .ok_or_else(|| self.missing("GetId", "IdentityId"))?;
        self.identity_id = Some(id.clone());
        Ok(id)
    }

    fn credentials_for_identity(
        &mut self,
        identity_id: &str,
        logins: &Option<Map<String, Value>>,
    ) -> Result<(Credentials, Vended), Stopped> {
        let mut body = json!({"IdentityId": identity_id});
        if let Some(l) = logins {
            body["Logins"] = Value::Object(l.clone());
        }
        let op = "GetCredentialsForIdentity";
        let answer = self.json(Service::CognitoIdentity, op, body, None, None)?;
        let c = &answer["Credentials"];
        let (Some(id), Some(secret), Some(token)) = (
            Self::str_at(c, &["AccessKeyId"]),
            Self::str_at(c, &["SecretKey"]),
            Self::str_at(c, &["SessionToken"]),
        ) else {
            return Err(self.missing(op, "Credentials.AccessKeyId, SecretKey or SessionToken"));
        };
        self.masker.secret(secret);
        self.masker.secret(token);
        Ok((
            Credentials {
                access_key_id: id.to_string(),
                secret: secret.to_string(),
                session_token: Some(token.to_string()),
            },
            Vended {
                access_key_id: id.to_string(),
                expiration: c.get("Expiration").and_then(Value::as_f64),
            },
        ))
    }

    fn flow(&mut self, req: &Request) -> Result<(String, Credentials, Vended), Stopped> {
        let pool = req.identity_pool_id.as_str();
        let logins: Option<Map<String, Value>> = match &req.source {
            Source::Token { logins_key, token } => {
                let mut m = Map::new();
                m.insert(logins_key.clone(), Value::String(token.clone()));
                Some(m)
            }
            Source::Password {
                user_pool_id,
                client_id,
                username,
                password,
                admin,
            } => {
                let (key, token) =
                    self.sign_in(user_pool_id, client_id, username, password, *admin)?;
                let mut m = Map::new();
                m.insert(key, Value::String(token));
                Some(m)
            }
            Source::Guest | Source::Developer { .. } => None,
        };
        match &req.flow {
            Flow::Enhanced => {
                let id = self.get_id(pool, &logins)?;
                let (creds, vended) = self.credentials_for_identity(&id, &logins)?;
                Ok((id, creds, vended))
            }
            Flow::Basic {
                role_arn,
                session_name,
                duration_seconds,
            } => {
                let id = self.get_id(pool, &logins)?;
                let mut body = json!({"IdentityId": id});
                if let Some(l) = &logins {
                    body["Logins"] = Value::Object(l.clone());
                }
                let answer =
                    self.json(Service::CognitoIdentity, "GetOpenIdToken", body, None, None)?;
                let token = Self::str_at(&answer, &["Token"])
                    .map(str::to_string)
                    .ok_or_else(|| self.missing("GetOpenIdToken", "Token"))?;
                let duration = duration_seconds.map(|d| d.to_string());
                let mut params = vec![
                    ("RoleArn", role_arn.as_str()),
                    ("RoleSessionName", session_name.as_str()),
                    ("WebIdentityToken", token.as_str()),
                ];
                if let Some(d) = &duration {
                    params.push(("DurationSeconds", d.as_str()));
                }
                let op = "AssumeRoleWithWebIdentity";
                let answer = self.query(op, &params, None, None)?;
                let (Some(key), Some(secret), Some(session)) = (
                    answer.get("AccessKeyId").filter(|s| !s.is_empty()),
                    answer.get("SecretAccessKey").filter(|s| !s.is_empty()),
                    answer.get("SessionToken").filter(|s| !s.is_empty()),
                ) else {
                    return Err(self.missing(op, "Credentials"));
                };
                let expiration = answer.get("Expiration").and_then(iso_seconds);
                let creds = Credentials {
                    access_key_id: key.to_string(),
                    secret: secret.to_string(),
                    session_token: Some(session.to_string()),
                };
                self.masker.secret(secret);
                self.masker.secret(session);
                Ok((
                    id,
                    creds,
                    Vended {
                        access_key_id: key.to_string(),
                        expiration,
                    },
                ))
            }
            Flow::Developer => {
                let Source::Developer {
                    provider_name,
                    user_identifier,
                    identity_id,
                } = &req.source
                else {
                    return Err(Stopped);
                };
                let mut body = json!({
                    "IdentityPoolId": pool,
                    "Logins": {provider_name.as_str(): user_identifier},
                });
                if let Some(id) = identity_id {
                    body["IdentityId"] = Value::String(id.clone());
                }
                let op = "GetOpenIdTokenForDeveloperIdentity";
                let label = self.admin_label();
                let admin = self.admin;
                let answer = self.json(Service::CognitoIdentity, op, body, admin, label)?;
                let (Some(id), Some(token)) = (
                    Self::str_at(&answer, &["IdentityId"]).map(str::to_string),
                    Self::str_at(&answer, &["Token"]).map(str::to_string),
                ) else {
                    return Err(self.missing(op, "IdentityId or Token"));
                };
                self.identity_id = Some(id.clone());
                let mut logins = Map::new();
                logins.insert(
                    "cognito-identity.amazonaws.com".into(),
                    Value::String(token),
                );
                let (creds, vended) = self.credentials_for_identity(&id, &Some(logins))?;
                Ok((id, creds, vended))
            }
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// `2026-11-22T01:46:07.297375Z` → epoch seconds.
fn iso_seconds(s: &str) -> Option<f64> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    Some(t.unix_timestamp_nanos() as f64 / 1e9)
}

/// Runs `req` against `ep`, signing administrators' calls with `admin` when given.
pub fn run(client: &Client, ep: &Endpoint, admin: Option<&Credentials>, req: &Request) -> Outcome {
    let mut r = Runner {
        client,
        ep,
        admin,
        masker: Masker::new(),
        steps: Vec::new(),
        started: Instant::now(),
        identity_id: None,
    };
    if let Some(a) = admin {
        r.masker.secret(&a.secret);
    }
    if let Source::Token { token, .. } = &req.source {
        // The pasted token is numbered first, so the inspector lists it as token #1.
        let _ = r.masker.trace(
            0,
            &Trace {
                request_body: json!({"Logins": {"pasted": token}}).to_string(),
                ..Trace::default()
            },
        );
    }
    let mut credentials = None;
    let mut caller = None;
    if let Ok((id, creds, vended)) = r.flow(req) {
        r.identity_id = Some(id);
        credentials = Some(vended);
        let label = Some(format!("the vended credentials {}", creds.access_key_id));
        if let Ok(answer) = r.query("GetCallerIdentity", &[], Some(&creds), label) {
            caller = Some(Caller {
                account: answer.get("Account").unwrap_or_default().to_string(),
                arn: answer.get("Arn").unwrap_or_default().to_string(),
                user_id: answer.get("UserId").unwrap_or_default().to_string(),
            });
        }
    }
    let failure = r
        .steps
        .iter()
        .enumerate()
        .find_map(|(i, s)| s.error.clone().map(|e| (i, e)));
    Outcome {
        elapsed: r.started.elapsed(),
        steps: r.steps,
        tokens: r.masker.into_tokens(),
        identity_id: r.identity_id,
        credentials,
        caller,
        failure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_keys_and_combinations() {
        assert_eq!(
            user_pool_login("eu-west-1_abc"),
            "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"
        );
        let req = |source, flow| Request {
            identity_pool_id: "us-east-1:x".into(),
            source,
            flow,
        };
        assert_eq!(
            check(&req(Source::Guest, Flow::Developer)).unwrap_err().0,
            "Source"
        );
        let dev = Source::Developer {
            provider_name: "login.app".into(),
            user_identifier: "u1".into(),
            identity_id: None,
        };
        assert_eq!(
            check(&req(dev.clone(), Flow::Enhanced)).unwrap_err().0,
            "Flow"
        );
        assert!(check(&req(dev, Flow::Developer)).is_ok());
        assert_eq!(iso_seconds("1970-01-01T00:00:01.5Z"), Some(1.5));
    }
}
