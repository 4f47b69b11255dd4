//! Temporary passwords: they expire after the pool's validity, and a sign-in with one asks the
//! user for their own (`NEW_PASSWORD_REQUIRED`).

use std::collections::BTreeMap;

use domain::user::UserStatus;
use serde_json::{Map, Value};
use storage::Tx;
use storage::pools::PoolRow;
use storage::users::{self as user_store, UserRow};
use tokens::MasterKey;

use super::{
    Challenge, NEW_PASSWORD_REQUIRED, OpenSession, SessionState, SignInClient, Step,
    consume_session, create_session, session_expired,
};
use crate::users::{NewPassword, set_password};
use crate::{Error, Result, invalid};

/// Whether the user's temporary password is past the pool's
/// `TemporaryPasswordValidityDays` (0: it never expires).
pub fn temporary_expired(pool: &PoolRow, user: &UserRow, now: i64) -> bool {
    let days = i64::from(
        pool.config
            .settings
            .policies
            .password_policy
            .temporary_password_validity_days,
    );
    let set_at = user.password_set_at.unwrap_or(user.created_at);
    days > 0 && now > set_at + days * 86_400_000
}

/// Stores a `NEW_PASSWORD_REQUIRED` session and answers the challenge: the user's visible
/// attributes and the required ones they still lack.
pub fn challenge(
    tx: &Tx<'_>,
    sc: &SignInClient,
    user: &UserRow,
    username: &str,
    step: &Step<'_>,
) -> Result<Challenge> {
    let session = create_session(
        tx,
        sc,
        user,
        &SessionState::NewPasswordRequired {
            username: username.to_string(),
        },
        step,
    )?;
    let visible: Map<String, Value> = user
        .attributes
        .iter()
        .filter(|(k, _)| k.as_str() != "sub" && !k.ends_with("_verified"))
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let required: Vec<String> = sc
        .pool
        .config
        .schema_attributes
        .iter()
        .filter(|a| a.is_required() && a.name != "sub" && !user.attributes.contains_key(&a.name))
        .map(|a| format!("userAttributes.{}", a.name))
        .collect();
    let mut parameters = BTreeMap::new();
    parameters.insert("USER_ID_FOR_SRP".into(), user.username.clone());
    parameters.insert(
        "requiredAttributes".into(),
        serde_json::to_string(&required).map_err(|e| Error::Crypto(e.to_string()))?,
    );
    parameters.insert("userAttributes".into(), Value::Object(visible).to_string());
    Ok(Challenge {
        name: NEW_PASSWORD_REQUIRED,
        session,
        parameters,
    })
}

/// The answer to `NEW_PASSWORD_REQUIRED`: ends the session, then sets the new password
/// (already checked and hashed) and the attributes the challenge asked for. Answers the
/// updated user.
pub fn set_new_password(
    tx: &Tx<'_>,
    master: &MasterKey,
    sc: &SignInClient,
    open: &OpenSession,
    password: &NewPassword<'_>,
    attributes: &BTreeMap<String, String>,
    step: &Step<'_>,
) -> Result<UserRow> {
    consume_session(tx, open)?;
    let user = user_store::get_by_pk(tx, open.user.pk)?.ok_or(Error::UserNotFound)?;
    if user.status != UserStatus::ForceChangePassword {
        return Err(session_expired());
    }
    if let Some((name, _)) = attributes.iter().find(|(_, v)| v.trim().is_empty()) {
        return Err(invalid(
            &format!("ChallengeResponses.userAttributes.{name}"),
            "must not be empty",
        ));
    }
    if !attributes.is_empty() {
        domain::schema::check_attributes(
            &sc.pool.config.schema_attributes,
            attributes,
            domain::schema::AttributeWrite::Update,
            "ChallengeResponses",
        )?;
        let mut merged = user.attributes.clone();
        merged.extend(attributes.clone());
        merged.remove("sub");
        user_store::replace_attributes(tx, &user, &merged, step.now)?;
    }
    set_password(
        tx,
        master,
        &sc.pool,
        &user,
        password,
        UserStatus::Confirmed,
        step.now,
    )?;
    user_store::get_by_pk(tx, user.pk)?.ok_or(Error::UserNotFound)
}
