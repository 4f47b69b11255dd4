//! The `identities` and `identity_logins` tables: an identity pool's identities and the logins
//! (provider key + subject) linked to them; and `identity_signing_keys`, the keys that sign the
//! identity pools' OpenID tokens (private halves sealed by the caller).

use std::sync::LazyLock;

use rusqlite::{OptionalExtension, Row, params};

use crate::sealed::Conn;
use crate::{Read, Result, Tx, bump_config_revision};

/// A stored identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityRow {
    /// Internal key; never shown.
    pub pk: i64,
    /// `<region>:<uuid>`.
    pub id: String,
    /// The identity pool's key.
    pub pool: i64,
    pub disabled: bool,
    pub created_at: i64,
    pub modified_at: i64,
}

/// A login linked to an identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRow {
    pub pk: i64,
    pub identity: i64,
    /// The Logins key (or the pool's developer provider name).
    pub provider: String,
    /// Who the provider vouches for (`sub`, a developer user identifier).
    pub subject: String,
    pub linked_at: i64,
}

/// The columns [`row`] reads, as a literal for `concat!` (the lookups made on every identity
/// call then build no SQL string).
macro_rules! columns {
    () => {
        "pk, id, pool, disabled, created_at, modified_at"
    };
}
const COLUMNS: &str = columns!();

fn row(r: &Row<'_>) -> rusqlite::Result<IdentityRow> {
    Ok(IdentityRow {
        pk: r.get(0)?,
        id: r.get(1)?,
        pool: r.get(2)?,
        disabled: r.get(3)?,
        created_at: r.get(4)?,
        modified_at: r.get(5)?,
    })
}

/// The columns [`login`] reads, likewise.
macro_rules! login_columns {
    () => {
        "pk, identity, provider, subject, linked_at"
    };
}

fn login(r: &Row<'_>) -> rusqlite::Result<LoginRow> {
    Ok(LoginRow {
        pk: r.get(0)?,
        identity: r.get(1)?,
        provider: r.get(2)?,
        subject: r.get(3)?,
        linked_at: r.get(4)?,
    })
}

/// Inserts an identity and answers it.
pub fn insert(tx: &Tx<'_>, pool: i64, id: &str, now: i64) -> Result<IdentityRow> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO identities(id, pool, created_at, modified_at) VALUES (?1, ?2, ?3, ?3)",
        )?
        .execute(params![id, pool, now])?;
    Ok(IdentityRow {
        pk: tx.conn().last_insert_rowid(),
        id: id.to_string(),
        pool,
        disabled: false,
        created_at: now,
        modified_at: now,
    })
}

/// The identity with this id, in any pool.
pub fn get(r: &impl Read, id: &str) -> Result<Option<IdentityRow>> {
    Ok(r.conn()
        .prepare_cached(concat!(
            "SELECT ",
            columns!(),
            " FROM identities WHERE id = ?1"
        ))?
        .query_row([id], row)
        .optional()?)
}

/// The identity with this key.
pub fn get_by_pk(r: &impl Read, pk: i64) -> Result<Option<IdentityRow>> {
    Ok(r.conn()
        .prepare_cached(concat!(
            "SELECT ",
            columns!(),
            " FROM identities WHERE pk = ?1"
        ))?
        .query_row([pk], row)
        .optional()?)
}

/// A pool's identities in creation order after `after_pk`, at most `limit`; disabled ones left
/// out when `hide_disabled`.
pub fn list(
    r: &impl Read,
    pool: i64,
    after_pk: i64,
    limit: u32,
    hide_disabled: bool,
) -> Result<Vec<IdentityRow>> {
    let mut stmt = r.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM identities
         WHERE pool = ?1 AND pk > ?2 AND (?3 = 0 OR disabled = 0)
         ORDER BY pk LIMIT ?4"
    ))?;
    let rows = stmt.query_map(params![pool, after_pk, hide_disabled, limit], row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The user a login belongs to, when its provider is a user pool of this store and a user of
/// that pool has the login's subject as `sub`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginUser {
    pub username: String,
    pub email: Option<String>,
    pub phone_number: Option<String>,
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub enabled: bool,
}

/// A login with what the store knows of its subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedLogin {
    /// The Logins key (or the pool's developer provider name).
    pub provider: String,
    /// As stored: `sub`, the SAML NameID, the developer user identifier.
    pub subject: String,
    pub linked_at: i64,
    /// When the provider is a user pool (`cognito-idp.<region>.amazonaws.com/<id>`) that this
    /// store holds: its id. `None` for other providers and for a user pool no longer here.
    pub user_pool: Option<String>,
    /// The user of that pool whose `sub` is the subject; `None` when there is none (deleted).
    pub user: Option<LoginUser>,
}

/// An identity with its logins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityLogins {
    pub identity: IdentityRow,
    /// By provider, then subject.
    pub logins: Vec<LinkedLogin>,
}

/// Which identities [`page_with_logins`] reads.
#[derive(Debug, Clone, Default)]
pub struct LoginsPage<'a> {
    pub pool: i64,
    /// Identities with a greater key.
    pub after_pk: i64,
    /// Identities with at most this key (`None`: no bound); `after_pk = k - 1, until_pk = k`
    /// reads the one identity `k`.
    pub until_pk: Option<i64>,
    pub limit: u32,
    pub hide_disabled: bool,
    /// Only identities whose id, or one of whose logins' subject or user (username, email,
    /// name), contains this text, without case.
    pub search: Option<&'a str>,
}

/// The user pool of a `cognito-idp.<region>.amazonaws.com/<id>` login `l`, joined by its id
/// (an indexed lookup per login), and the user `u` of that pool with the login's subject as
/// `sub` (`users_pool_sub`).
const LOGIN_USER_JOIN: &str = "
    LEFT JOIN user_pools up ON l.provider LIKE 'cognito-idp.%'
        AND up.id = substr(l.provider, instr(l.provider, '.amazonaws.com/') + 15)
    LEFT JOIN users u ON u.pool = up.pk AND u.sub = l.subject";

/// A LIKE pattern that finds `text` anywhere (`\` escapes).
fn contains_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for ch in text.chars() {
        if matches!(ch, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// The query of [`page_with_logins`] (public for the test that reads its plan): `?1` pool,
/// `?2` after pk, `?3` until pk, `?4` hide disabled, `?5` limit, `?6` a LIKE pattern or NULL.
pub fn page_sql() -> &'static str {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "WITH page AS (
                SELECT {COLUMNS} FROM identities i
                WHERE pool = ?1 AND pk > ?2 AND pk <= ?3 AND (?4 = 0 OR disabled = 0)
                  AND (?6 IS NULL OR id LIKE ?6 ESCAPE '\\' OR EXISTS (
                      SELECT 1 FROM identity_logins l {LOGIN_USER_JOIN}
                      WHERE l.identity = i.pk AND (
                          l.subject LIKE ?6 ESCAPE '\\' OR u.username LIKE ?6 ESCAPE '\\'
                          OR u.email LIKE ?6 ESCAPE '\\' OR u.name LIKE ?6 ESCAPE '\\')))
                ORDER BY pk LIMIT ?5)
             SELECT p.pk, p.id, p.pool, p.disabled, p.created_at, p.modified_at,
                    l.provider, l.subject, l.linked_at, up.id,
                    u.username, u.email, u.phone_number, u.name, u.given_name, u.family_name,
                    u.enabled
             FROM page p
             LEFT JOIN identity_logins l ON l.identity = p.pk {LOGIN_USER_JOIN}
             ORDER BY p.pk, l.provider, l.subject"
        )
    });
    &SQL
}

/// A page of a pool's identities in creation order, each with its logins and their users, in
/// one query (not one per identity). A search walks the pool's identities in order until the
/// page is full, looking at each one's logins: a contains match cannot use an index.
pub fn page_with_logins(r: &impl Read, q: &LoginsPage<'_>) -> Result<Vec<IdentityLogins>> {
    let search = q.search.map(contains_pattern);
    let mut stmt = r.conn().prepare_cached(page_sql())?;
    let mut rows = stmt.query(params![
        q.pool,
        q.after_pk,
        q.until_pk.unwrap_or(i64::MAX),
        q.hide_disabled,
        q.limit,
        search,
    ])?;
    let mut out: Vec<IdentityLogins> = Vec::new();
    while let Some(r) = rows.next()? {
        let identity = row(r)?;
        if out.last().is_none_or(|l| l.identity.pk != identity.pk) {
            out.push(IdentityLogins {
                identity,
                logins: Vec::new(),
            });
        }
        let Some(provider) = r.get::<_, Option<String>>(6)? else {
            continue;
        };
        let user = match r.get::<_, Option<String>>(10)? {
            Some(username) => Some(LoginUser {
                username,
                email: r.get(11)?,
                phone_number: r.get(12)?,
                name: r.get(13)?,
                given_name: r.get(14)?,
                family_name: r.get(15)?,
                enabled: r.get(16)?,
            }),
            None => None,
        };
        if let Some(last) = out.last_mut() {
            last.logins.push(LinkedLogin {
                provider,
                subject: r.get(7)?,
                linked_at: r.get(8)?,
                user_pool: r.get(9)?,
                user,
            });
        }
    }
    Ok(out)
}

/// How many identities a pool has.
pub fn count(r: &impl Read, pool: i64) -> Result<i64> {
    Ok(r.conn()
        .prepare_cached("SELECT count(*) FROM identities WHERE pool = ?1")?
        .query_row([pool], |row| row.get(0))?)
}

/// Marks an identity changed (a login linked or unlinked).
pub fn touch(tx: &Tx<'_>, pk: i64, now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE identities SET modified_at = ?2 WHERE pk = ?1")?
        .execute(params![pk, now])?;
    Ok(())
}

/// Disables or enables an identity.
pub fn set_disabled(tx: &Tx<'_>, pk: i64, disabled: bool, now: i64) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE identities SET disabled = ?2, modified_at = ?3 WHERE pk = ?1")?
        .execute(params![pk, disabled, now])?;
    Ok(())
}

/// Deletes an identity and its logins; answers whether there was one.
pub fn delete(tx: &Tx<'_>, pk: i64) -> Result<bool> {
    let n = tx
        .conn()
        .prepare_cached("DELETE FROM identities WHERE pk = ?1")?
        .execute([pk])?;
    Ok(n > 0)
}

/// Deletes an identity and its logins inside a savepoint, so that a failure undoes this delete
/// only and the transaction goes on (DeleteIdentities reports each id). The outer error is a
/// failure that ended the whole transaction; the inner one, this delete's own; the value,
/// whether there was one.
pub fn delete_alone(tx: &Tx<'_>, pk: i64) -> Result<Result<bool>> {
    let c = tx.conn();
    c.execute_batch("SAVEPOINT delete_identity")?;
    match delete(tx, pk) {
        Ok(found) => {
            c.execute_batch("RELEASE delete_identity")?;
            Ok(Ok(found))
        }
        Err(e) => {
            // When SQLite ended the transaction itself there is no savepoint to go back to:
            // that fails here, and the whole write with it.
            c.execute_batch("ROLLBACK TO delete_identity; RELEASE delete_identity")?;
            Ok(Err(e))
        }
    }
}

/// The identity a login is linked to in a pool.
pub fn by_login(
    r: &impl Read,
    pool: i64,
    provider: &str,
    subject: &str,
) -> Result<Option<IdentityRow>> {
    Ok(r.conn()
        .prepare_cached(
            "SELECT i.pk, i.id, i.pool, i.disabled, i.created_at, i.modified_at
             FROM identity_logins l JOIN identities i ON i.pk = l.identity
             WHERE l.pool = ?1 AND l.provider = ?2 AND l.subject = ?3",
        )?
        .query_row(params![pool, provider, subject], row)
        .optional()?)
}

/// The key of the identity a login of `pool` is linked to, if any: [`by_login`] without
/// reading the identity (the check that a caller's logins are its own).
pub fn login_owner(r: &impl Read, pool: i64, provider: &str, subject: &str) -> Result<Option<i64>> {
    Ok(r.conn()
        .prepare_cached(
            "SELECT identity FROM identity_logins WHERE pool = ?1 AND provider = ?2 AND subject = ?3",
        )?
        .query_row(params![pool, provider, subject], |row| row.get(0))
        .optional()?)
}

/// An identity's logins, by provider then subject.
pub fn logins(r: &impl Read, identity: i64) -> Result<Vec<LoginRow>> {
    let mut stmt = r.conn().prepare_cached(concat!(
        "SELECT ",
        login_columns!(),
        " FROM identity_logins WHERE identity = ?1 ORDER BY provider, subject"
    ))?;
    let rows = stmt.query_map([identity], login)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// An identity's subjects of one provider after `after` (in order), at most `limit`.
pub fn subjects(
    r: &impl Read,
    identity: i64,
    provider: &str,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<String>> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT subject FROM identity_logins
         WHERE identity = ?1 AND provider = ?2 AND (?3 IS NULL OR subject > ?3)
         ORDER BY subject LIMIT ?4",
    )?;
    let rows = stmt.query_map(params![identity, provider, after, limit], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

/// Links a login to an identity of `pool`. A login already linked anywhere in the pool is a
/// [`crate::Error::Conflict`].
pub fn link(
    tx: &Tx<'_>,
    pool: i64,
    identity: i64,
    provider: &str,
    subject: &str,
    now: i64,
) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO identity_logins(identity, pool, provider, subject, linked_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![identity, pool, provider, subject, now])?;
    Ok(())
}

/// Unlinks every login of `provider` from an identity (one subject, or all when `subject` is
/// `None`); answers how many were unlinked.
pub fn unlink(tx: &Tx<'_>, identity: i64, provider: &str, subject: Option<&str>) -> Result<usize> {
    Ok(tx
        .conn()
        .prepare_cached(
            "DELETE FROM identity_logins
             WHERE identity = ?1 AND provider = ?2 AND (?3 IS NULL OR subject = ?3)",
        )?
        .execute(params![identity, provider, subject])?)
}

/// Moves every login of identity `from` to identity `to` (a merge); answers how many moved.
pub fn move_logins(tx: &Tx<'_>, from: i64, to: i64) -> Result<usize> {
    Ok(tx
        .conn()
        .prepare_cached("UPDATE identity_logins SET identity = ?2 WHERE identity = ?1")?
        .execute(params![from, to])?)
}

/// A key that signs (or signed) identity-pool OpenID tokens.
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub pk: i64,
    pub kid: String,
    /// The PKCS#8 private key, sealed (AES-256-GCM) under the workspace master key.
    pub sealed_key: Vec<u8>,
    /// The public JWK, JSON.
    pub public_jwk: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
    pub published_until: Option<i64>,
}

fn key_row(r: &Row<'_>) -> rusqlite::Result<KeyRow> {
    Ok(KeyRow {
        pk: r.get(0)?,
        kid: r.get(1)?,
        sealed_key: r.get(2)?,
        public_jwk: r.get(3)?,
        created_at: r.get(4)?,
        retired_at: r.get(5)?,
        published_until: r.get(6)?,
    })
}

/// Inserts a key that signs from now on.
pub fn insert_key(
    tx: &Tx<'_>,
    kid: &str,
    sealed_key: &[u8],
    public_jwk: &str,
    now: i64,
) -> Result<i64> {
    tx.conn().execute(
        "INSERT INTO identity_signing_keys(kid, sealed_key, public_jwk, created_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![kid, sealed_key, public_jwk, now],
    )?;
    let pk = tx.conn().last_insert_rowid();
    // Parsed keys are kept while the configuration revision stands.
    bump_config_revision(tx)?;
    Ok(pk)
}

/// The keys still published at `now` (the signing one and retired ones whose tokens may still
/// be live), oldest first.
pub fn published_keys(r: &impl Read, now: i64) -> Result<Vec<KeyRow>> {
    let mut stmt = r.conn().prepare_cached(
        "SELECT pk, kid, sealed_key, public_jwk, created_at, retired_at, published_until
         FROM identity_signing_keys
         WHERE retired_at IS NULL OR coalesce(published_until, 0) > ?1
         ORDER BY created_at, pk",
    )?;
    let rows = stmt.query_map([now], key_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Stops the signing key from signing; it stays published until `published_until`.
pub fn retire_keys(tx: &Tx<'_>, now: i64, published_until: i64) -> Result<usize> {
    let n = tx.conn().execute(
        "UPDATE identity_signing_keys SET retired_at = ?1, published_until = ?2
         WHERE retired_at IS NULL",
        params![now, published_until],
    )?;
    bump_config_revision(tx)?;
    Ok(n)
}
