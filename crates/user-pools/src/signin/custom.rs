//! `CUSTOM_AUTH`: sign-in driven by the pool's define, create and verify auth-challenge hooks.
//!
//! Each round: the define hook reads the results so far and answers "issue tokens", "fail", or
//! "ask a `CUSTOM_CHALLENGE`"; the create hook makes the challenge (public parameters for the
//! client, private ones kept here); the client answers; the verify hook judges the answer; and
//! the define hook is asked again. The hooks are called by the caller, outside transactions;
//! this module keeps the rounds in the challenge session and reads the hooks' answers.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use storage::Tx;
use storage::users::UserRow;

pub use super::{CUSTOM_CHALLENGE, ChallengeResult, CustomState};
use super::{
    Challenge, OpenSession, SessionState, SignInClient, Step, consume_session, create_session,
    record_event, session_expired,
};
use crate::hooks::{bad, flag, user_attributes};
use crate::{Error, Result};

/// Rounds a custom sign-in may take before it is refused (Cognito's session limit is similar).
pub const MAX_ROUNDS: usize = 8;

/// What the define hook decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Define {
    IssueTokens,
    Fail,
    Challenge,
}

/// The request of a define event.
pub fn define_request(user: &UserRow, results: &[ChallengeResult], metadata: Value) -> Value {
    json!({
        "userAttributes": user_attributes(user),
        "session": results,
        "clientMetadata": metadata,
        "userNotFound": false,
    })
}

/// The response members a define hook starts from.
pub fn define_response() -> Value {
    json!({"challengeName": null, "issueTokens": false, "failAuthentication": false})
}

/// Reads a define answer: failing wins over issuing tokens; a challenge must be
/// `CUSTOM_CHALLENGE`.
pub fn read_define(response: &Value) -> Result<Define> {
    const T: &str = "DefineAuthChallenge";
    if flag(T, response, "failAuthentication")? {
        return Ok(Define::Fail);
    }
    if flag(T, response, "issueTokens")? {
        return Ok(Define::IssueTokens);
    }
    match response.get("challengeName") {
        Some(Value::String(name)) if name == CUSTOM_CHALLENGE => Ok(Define::Challenge),
        Some(Value::String(name)) => Err(bad(
            T,
            format!(
                "challengeName '{name}' is not one Poolhouse asks in a custom flow (only \
                 CUSTOM_CHALLENGE)"
            ),
        )),
        _ => Err(bad(
            T,
            "neither issueTokens, failAuthentication nor a challengeName",
        )),
    }
}

/// The request of a create event.
pub fn create_request(user: &UserRow, results: &[ChallengeResult], metadata: Value) -> Value {
    json!({
        "userAttributes": user_attributes(user),
        "challengeName": CUSTOM_CHALLENGE,
        "session": results,
        "clientMetadata": metadata,
        "userNotFound": false,
    })
}

/// The response members a create hook starts from.
pub fn create_response() -> Value {
    json!({"publicChallengeParameters": {}, "privateChallengeParameters": {},
        "challengeMetadata": null})
}

/// What the create hook made.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub public: BTreeMap<String, String>,
    pub private: Value,
    pub metadata: Option<String>,
}

/// Reads a create answer: string maps of public and private parameters, optional metadata.
pub fn read_create(response: &Value) -> Result<Created> {
    const T: &str = "CreateAuthChallenge";
    let map = |name: &str| -> Result<Map<String, Value>> {
        match response.get(name) {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(m)) => {
                if let Some((k, v)) = m.iter().find(|(_, v)| !v.is_string()) {
                    return Err(bad(T, format!("{name}.{k} must be a string, not {v}")));
                }
                Ok(m.clone())
            }
            Some(other) => Err(bad(T, format!("{name} must be an object, not {other}"))),
        }
    };
    let public = map("publicChallengeParameters")?
        .into_iter()
        .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
        .collect();
    let private = Value::Object(map("privateChallengeParameters")?);
    let metadata = match response.get("challengeMetadata") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(bad(
                T,
                format!("challengeMetadata must be a string, not {other}"),
            ));
        }
    };
    Ok(Created {
        public,
        private,
        metadata,
    })
}

/// The request of a verify event.
pub fn verify_request(user: &UserRow, state: &CustomState, answer: &str, metadata: Value) -> Value {
    json!({
        "userAttributes": user_attributes(user),
        "privateChallengeParameters": state.private,
        "challengeAnswer": answer,
        "clientMetadata": metadata,
        "userNotFound": false,
    })
}

/// The response members a verify hook starts from.
pub fn verify_response() -> Value {
    json!({"answerCorrect": false})
}

/// Reads a verify answer.
pub fn read_verify(response: &Value) -> Result<bool> {
    flag("VerifyAuthChallengeResponse", response, "answerCorrect")
}

/// Stores a new `CUSTOM_CHALLENGE` session and answers the challenge to send.
pub fn challenge(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    username: &str,
    results: Vec<ChallengeResult>,
    created: Created,
    step: &Step<'_>,
) -> Result<Challenge> {
    if results.len() >= MAX_ROUNDS {
        return Err(Error::NotAuthorized(
            "Too many custom challenges in one sign-in.".into(),
        ));
    }
    let state = SessionState::CustomChallenge {
        username: username.to_string(),
        round: CustomState {
            results,
            private: created.private,
            metadata: created.metadata,
        },
    };
    let session = create_session(tx, sc, user, &state, step)?;
    record_event(
        tx,
        user,
        &sc.client,
        step,
        "SignIn",
        "InProgress",
        Some(CUSTOM_CHALLENGE),
    )?;
    let mut parameters = created.public;
    parameters.insert("USERNAME".into(), user.username.clone());
    Ok(Challenge {
        name: CUSTOM_CHALLENGE,
        session,
        parameters,
    })
}

/// The state of an open custom session.
pub fn state(open: &OpenSession) -> Result<CustomState> {
    match &open.state {
        SessionState::CustomChallenge { round, .. } => Ok(round.clone()),
        _ => Err(session_expired()),
    }
}

/// Ends an open session (each is answered once).
pub fn consume(tx: &Tx<'_>, open: &OpenSession) -> Result<()> {
    consume_session(tx, open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn define_answers_are_read_with_fail_winning() {
        assert_eq!(
            read_define(&json!({"issueTokens": true})).unwrap(),
            Define::IssueTokens
        );
        assert_eq!(
            read_define(&json!({"issueTokens": true, "failAuthentication": true})).unwrap(),
            Define::Fail
        );
        assert_eq!(
            read_define(&json!({"challengeName": "CUSTOM_CHALLENGE"})).unwrap(),
            Define::Challenge
        );
        assert!(read_define(&json!({"challengeName": "SMS_MFA"})).is_err());
        assert!(read_define(&json!({})).is_err());
        assert!(read_define(&json!({"issueTokens": "true"})).is_err());
    }

    #[test]
    fn create_answers_need_string_parameters() {
        let c = read_create(&json!({
            "publicChallengeParameters": {"question": "2+2?"},
            "privateChallengeParameters": {"answer": "4"},
            "challengeMetadata": "MATH"
        }))
        .unwrap();
        assert_eq!(c.public["question"], "2+2?");
        assert_eq!(c.private["answer"], "4");
        assert_eq!(c.metadata.as_deref(), Some("MATH"));
        assert!(read_create(&json!({"publicChallengeParameters": {"n": 4}})).is_err());
        assert!(read_create(&json!({"challengeMetadata": 1})).is_err());
        assert_eq!(read_create(&json!({})).unwrap().public.len(), 0);
    }

    #[test]
    fn verify_answers_are_booleans() {
        assert!(read_verify(&json!({"answerCorrect": true})).unwrap());
        assert!(!read_verify(&json!({})).unwrap());
        assert!(read_verify(&json!({"answerCorrect": 1})).is_err());
    }

    #[test]
    fn results_serialise_as_cognito_sessions() {
        let r = ChallengeResult {
            challenge_name: CUSTOM_CHALLENGE.into(),
            challenge_result: true,
            challenge_metadata: Some("M".into()),
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"challengeName": "CUSTOM_CHALLENGE", "challengeResult": true,
                "challengeMetadata": "M"})
        );
    }
}
