//! The `credentials` table: temporary credentials vended for roles. The store keeps the key id,
//! the digests of the secret and of the session token, and what the session is (role, identity,
//! session name and tags, where it came from, expiry) — never the secret itself.

use std::sync::atomic::Ordering;

use rusqlite::{OptionalExtension, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx};

/// A stored credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRow {
    pub access_key_id: String,
    /// SHA-256 of the secret access key.
    pub secret_digest: Vec<u8>,
    /// SHA-256 of the session token.
    pub token_digest: Vec<u8>,
    pub role_arn: String,
    pub session_name: String,
    pub identity_id: Option<String>,
    pub identity_pool_id: Option<String>,
    /// Where it came from, as JSON (`{"Provider": …, "Amr": […], "Flow": …}`).
    pub source: String,
    /// The session tags, as JSON (`[{"Key": …, "Value": …}]`).
    pub session_tags: String,
    /// The guest scope-down policy applies to the session.
    pub scoped_down: bool,
    /// The session policies passed to STS, as JSON (`{"Policy": …, "PolicyArns": […]}`).
    pub session_policy: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// How long after its expiry a credential is kept (so that it is refused as expired).
pub const KEEP_EXPIRED_MS: i64 = 24 * 3600 * 1000;

/// At most this often (ms, the credentials' clock) does [`insert`] forget expired credentials:
/// a sweep per row cost as much as the row under load, and a credential a day past its expiry
/// may well stay a minute longer.
pub const SWEEP_EVERY_MS: i64 = 60 * 1000;

/// Stores a credential; the first one stored in each [`SWEEP_EVERY_MS`] (by `created_at`) also
/// forgets the ones expired more than [`KEEP_EXPIRED_MS`] ago.
pub fn insert(tx: &Tx<'_>, c: &CredentialRow) -> Result<()> {
    let sweep_at = &tx.cache().credentials_sweep_at;
    let due = sweep_at.load(Ordering::Relaxed);
    // A clock set back (below the last sweep) sweeps too rather than wait for it to catch up.
    if c.created_at >= due || c.created_at < due.saturating_sub(SWEEP_EVERY_MS) {
        tx.conn()
            .prepare_cached("DELETE FROM credentials WHERE expires_at < ?1")?
            .execute([c.created_at - KEEP_EXPIRED_MS])?;
        sweep_at.store(
            c.created_at.saturating_add(SWEEP_EVERY_MS),
            Ordering::Relaxed,
        );
    }
    tx.conn()
        .prepare_cached(
            "INSERT INTO credentials(access_key_id, secret_digest, token_digest, role_arn,
                session_name, identity_id, identity_pool_id, source, session_tags, scoped_down,
                created_at, expires_at, session_policy)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            c.access_key_id,
            c.secret_digest,
            c.token_digest,
            c.role_arn,
            c.session_name,
            c.identity_id,
            c.identity_pool_id,
            c.source,
            c.session_tags,
            c.scoped_down,
            c.created_at,
            c.expires_at,
            c.session_policy,
        ])?;
    Ok(())
}

/// The credential with this key id.
pub fn get(r: &impl Read, access_key_id: &str) -> Result<Option<CredentialRow>> {
    Ok(r.conn()
        .prepare_cached(
            "SELECT access_key_id, secret_digest, token_digest, role_arn, session_name,
                identity_id, identity_pool_id, source, session_tags, scoped_down, created_at,
                expires_at, session_policy
             FROM credentials WHERE access_key_id = ?1",
        )?
        .query_row([access_key_id], |r| {
            Ok(CredentialRow {
                access_key_id: r.get(0)?,
                secret_digest: r.get(1)?,
                token_digest: r.get(2)?,
                role_arn: r.get(3)?,
                session_name: r.get(4)?,
                identity_id: r.get(5)?,
                identity_pool_id: r.get(6)?,
                source: r.get(7)?,
                session_tags: r.get(8)?,
                scoped_down: r.get(9)?,
                created_at: r.get(10)?,
                expires_at: r.get(11)?,
                session_policy: r.get(12)?,
            })
        })
        .optional()?)
}
