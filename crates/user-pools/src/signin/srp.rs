//! `USER_SRP_AUTH`: the client proves it knows the password without sending it.
//!
//! `InitiateAuth` answers the `PASSWORD_VERIFIER` challenge with the user's salt, the server's
//! `B` and a `SECRET_BLOCK`; the client answers with a signature over that block. The block is
//! also the handle of the exchange (clients send no `Session` for this challenge), so the store
//! keeps the exchange under the block's digest for the auth session's few minutes. A verified
//! claim then goes through the same decision as a password sign-in (`signin::decide`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use storage::srp_verifiers;
use storage::users::UserRow;
use storage::{Read, Tx};
use tokens::MasterKey;
use tokens::srp::{self as math, ServerSession, SrpVerifier};

pub use super::PASSWORD_VERIFIER;
use super::{
    Challenge, OpenSession, SessionState, SignInClient, Step, consume_session, live_session,
    opened, session_expired, store_session,
};
use crate::{Error, Result};

fn crypto(e: tokens::Error) -> Error {
    Error::Crypto(e.to_string())
}

fn aad(user: &UserRow) -> Vec<u8> {
    format!("srp-verifier:{}", user.sub).into_bytes()
}

/// Makes, seals and stores the verifier of `password` (called wherever a password is set, in
/// the transaction that sets it).
pub fn remember(
    tx: &Tx<'_>,
    master: &MasterKey,
    pool_id: &str,
    user: &UserRow,
    password: &str,
) -> Result<()> {
    let v = math::make_verifier(pool_id, &user.username, password).map_err(crypto)?;
    let sealed = tokens::seal(master, &v.verifier, &aad(user)).map_err(crypto)?;
    srp_verifiers::put(tx, user.pk, &v.salt_hex, &sealed)?;
    Ok(())
}

/// Whether the user has a verifier.
pub fn has_verifier(r: &impl Read, user: &UserRow) -> Result<bool> {
    Ok(srp_verifiers::get(r, user.pk)?.is_some())
}

fn verifier(r: &impl Read, master: &MasterKey, user: &UserRow) -> Result<Option<SrpVerifier>> {
    let Some((salt_hex, sealed)) = srp_verifiers::get(r, user.pk)? else {
        return Ok(None);
    };
    let v = tokens::open(master, &sealed, &aad(user)).map_err(|_| {
        Error::Crypto(
            "an SRP verifier cannot be opened with this workspace's master key; set the user's \
             password again"
                .into(),
        )
    })?;
    Ok(Some(SrpVerifier {
        salt_hex,
        verifier: v.expose_secret().to_vec(),
    }))
}

/// Starts the exchange for a user: stores it and answers the `PASSWORD_VERIFIER` challenge.
pub fn start(
    tx: &Tx<'_>,
    master: &MasterKey,
    sc: &SignInClient,
    user: &UserRow,
    username: &str,
    a_hex: &str,
    step: &Step<'_>,
) -> Result<Challenge> {
    math::check_a(a_hex).map_err(|_| {
        Error::InvalidParameter(domain::FieldError::new(
            "AuthParameters.SRP_A",
            "is not a valid SRP value",
        ))
    })?;
    let Some(v) = verifier(tx, master, user)? else {
        return Err(Error::NotAuthorized(
            "This user cannot sign in with SRP yet: their password was set before this store \
             kept SRP verifiers. Sign in once with USER_PASSWORD_AUTH, or set the password \
             again."
                .into(),
        ));
    };
    let server = math::start(&v).map_err(crypto)?;
    let mut block = [0u8; 64];
    tokens::random_bytes(&mut block).map_err(crypto)?;
    let secret_block = STANDARD.encode(block);
    let state = SessionState::PasswordVerifier {
        username: username.to_string(),
        a_hex: a_hex.trim().to_string(),
        b_pub_hex: server.b_pub_hex.clone(),
        b_secret_hex: server.b_secret_hex.clone(),
    };
    store_session(tx, sc, user, &state, step, &secret_block)?;
    let mut parameters = std::collections::BTreeMap::new();
    parameters.insert("SALT".into(), v.salt_hex);
    parameters.insert("SRP_B".into(), server.b_pub_hex);
    parameters.insert("SECRET_BLOCK".into(), secret_block.clone());
    parameters.insert("USER_ID_FOR_SRP".into(), user.username.clone());
    parameters.insert("USERNAME".into(), user.username.clone());
    Ok(Challenge {
        name: PASSWORD_VERIFIER,
        session: secret_block,
        parameters,
    })
}

/// Finds the exchange a `PASSWORD_CLAIM_SECRET_BLOCK` belongs to.
pub fn open(r: &impl Read, sc: &SignInClient, secret_block: &str, now: i64) -> Result<OpenSession> {
    if secret_block.is_empty() || secret_block.len() > 4096 {
        return Err(session_expired());
    }
    let row = live_session(r, sc, secret_block.trim(), now)?
        .filter(|row| row.challenge == PASSWORD_VERIFIER)
        .ok_or_else(session_expired)?;
    opened(r, row)
}

/// Whether the client's signature proves the password. The exchange is used up either way.
pub fn check_claim(
    tx: &Tx<'_>,
    master: &MasterKey,
    sc: &SignInClient,
    open: &OpenSession,
    secret_block: &str,
    timestamp: &str,
    signature: &str,
) -> Result<bool> {
    consume_session(tx, open)?;
    let SessionState::PasswordVerifier {
        a_hex,
        b_pub_hex,
        b_secret_hex,
        ..
    } = &open.state
    else {
        return Err(session_expired());
    };
    if timestamp.is_empty() || timestamp.len() > 64 {
        return Err(Error::InvalidParameter(domain::FieldError::new(
            "ChallengeResponses.TIMESTAMP",
            "is required",
        )));
    }
    let Some(v) = verifier(tx, master, &open.user)? else {
        return Ok(false);
    };
    math::verify_claim(
        &sc.pool.id,
        &open.user.username,
        &v,
        a_hex,
        &ServerSession {
            b_pub_hex: b_pub_hex.clone(),
            b_secret_hex: b_secret_hex.clone(),
        },
        secret_block.trim(),
        timestamp,
        signature,
    )
    .map_err(crypto)
}
