//! Each pool's RS256 signing keys: one for ID tokens and one for access tokens, as Cognito
//! keeps them apart. Private keys are sealed under the workspace's master key before they reach
//! the store; public halves are published as the pool's JWKS. Rotation retires the signing key
//! but keeps it published until every token it signed has expired.

use std::sync::Arc;

use storage::pools::PoolRow;
use storage::signing_keys::{self as store, KeyRow, NewKey, Purpose};
use storage::{Read, Tx};
use tokens::{Jwk, Jwks, MasterKey, SigningKey, Verifier};

use crate::{Error, Result};

/// The longest a token may live (a day, Cognito's maximum for ID and access tokens): a retired
/// key stays published this long.
pub const MAX_TOKEN_LIFETIME_MS: i64 = 86_400_000;

/// The keys a pool signs with now, and a verifier for every key it publishes.
#[derive(Debug)]
pub struct PoolKeys {
    pub id: SigningKey,
    pub access: SigningKey,
    pub verifier: Verifier,
}

fn crypto(e: tokens::Error) -> Error {
    Error::Crypto(e.to_string())
}

/// Creates the pool's missing signing keys (none, one or both). Key generation costs tens of
/// milliseconds each; it happens once per pool.
pub fn ensure(tx: &Tx<'_>, master: &MasterKey, pool: &PoolRow, now: i64) -> Result<bool> {
    let keys = store::published(tx, pool.pk, now)?;
    let mut created = false;
    for purpose in [Purpose::Id, Purpose::Access] {
        if !keys
            .iter()
            .any(|k| k.purpose == purpose && k.retired_at.is_none())
        {
            add(tx, master, pool.pk, purpose, now)?;
            created = true;
        }
    }
    Ok(created)
}

fn add(tx: &Tx<'_>, master: &MasterKey, pool: i64, purpose: Purpose, now: i64) -> Result<()> {
    let key = SigningKey::generate_rs256().map_err(crypto)?;
    let sealed = key.seal_private_key(master).map_err(crypto)?;
    let jwk = serde_json::to_string(&key.public_jwk()).map_err(|e| Error::Crypto(e.to_string()))?;
    store::insert(
        tx,
        &NewKey {
            pool,
            kid: key.kid(),
            purpose,
            sealed_key: &sealed,
            public_jwk: &jwk,
            now,
        },
    )?;
    Ok(())
}

/// Replaces both signing keys of a pool. The old keys stop signing now and leave the JWKS once
/// the tokens they signed have expired.
pub fn rotate(tx: &Tx<'_>, master: &MasterKey, pool: &PoolRow, now: i64) -> Result<()> {
    for purpose in [Purpose::Id, Purpose::Access] {
        store::retire(tx, pool.pk, purpose, now, now + MAX_TOKEN_LIFETIME_MS)?;
        add(tx, master, pool.pk, purpose, now)?;
    }
    Ok(())
}

/// Opens the pool's keys: `None` when it has no signing key yet (see [`ensure`]).
pub fn load(r: &impl Read, master: &MasterKey, pool: i64, now: i64) -> Result<Option<PoolKeys>> {
    let rows = store::published(r, pool, now)?;
    let signer = |purpose: Purpose| -> Result<Option<SigningKey>> {
        rows.iter()
            .rev()
            .find(|k| k.purpose == purpose && k.retired_at.is_none())
            .map(|k| SigningKey::open_sealed(k.kid.clone(), master, &k.sealed_key))
            .transpose()
            .map_err(|e| match e {
                tokens::Error::OpenFailed => Error::Crypto(
                    "a signing key cannot be opened with this workspace's master key (the key \
                     file beside the store is missing or belongs to another store)"
                        .into(),
                ),
                other => crypto(other),
            })
    };
    let (Some(id), Some(access)) = (signer(Purpose::Id)?, signer(Purpose::Access)?) else {
        return Ok(None);
    };
    let mut verifier = Verifier::new();
    for k in &rows {
        let jwk: Jwk =
            serde_json::from_str(&k.public_jwk).map_err(|e| Error::Crypto(e.to_string()))?;
        verifier.add_jwk(&jwk).map_err(crypto)?;
    }
    Ok(Some(PoolKeys {
        id,
        access,
        verifier,
    }))
}

/// The pool's published public keys as a JWKS document.
pub fn jwks(r: &impl Read, pool: i64, now: i64) -> Result<Jwks> {
    let keys = store::published(r, pool, now)?
        .iter()
        .map(|k| serde_json::from_str(&k.public_jwk).map_err(|e| Error::Crypto(e.to_string())))
        .collect::<Result<Vec<Jwk>>>()?;
    Ok(Jwks { keys })
}

/// Every key of the pool, newest first (for the console).
pub fn list(r: &impl Read, pool: i64) -> Result<Vec<KeyRow>> {
    Ok(store::list(r, pool)?)
}

/// Shared, parsed keys (cheap to clone).
pub type SharedKeys = Arc<PoolKeys>;

/// The pool, among the first `limit`, that publishes a key with this `kid` (the token
/// inspector's way to find a token's pool when its `iss` names none).
pub fn pool_publishing(r: &impl Read, kid: &str, now: i64, limit: u32) -> Result<Option<PoolRow>> {
    for p in storage::pools::list(r, 0, limit)? {
        let keys = storage::signing_keys::published(r, p.pk, now)?;
        if keys.iter().any(|k| k.kid == kid) {
            return Ok(Some(p));
        }
    }
    Ok(None)
}
