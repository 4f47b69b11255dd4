//! The `saml_assertions_used` table: the SAML assertions a user pool accepted, by issuer and
//! assertion ID, until their `NotOnOrAfter`, so that an assertion is accepted once. Rows past
//! their time are deleted whenever one is recorded.

use rusqlite::params;

use crate::sealed::Conn;
use crate::{Result, Tx};

/// Records the assertion `id` of `issuer` as used until `until_ms`; answers false when it was
/// recorded before and its time has not passed (a replay). Expired rows go first.
pub fn first_use(tx: &Tx<'_>, issuer: &str, id: &str, until_ms: i64, now: i64) -> Result<bool> {
    let conn = tx.conn();
    conn.prepare_cached("DELETE FROM saml_assertions_used WHERE until_ms <= ?1")?
        .execute([now])?;
    let inserted = conn
        .prepare_cached(
            "INSERT INTO saml_assertions_used(issuer, id, until_ms, used_at)
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (issuer, id) DO NOTHING",
        )?
        .execute(params![issuer, id, until_ms.max(now + 1), now])?;
    Ok(inserted == 1)
}

/// How many assertions are kept (for tests and the console).
pub fn count(r: &impl crate::Read) -> Result<i64> {
    Ok(r.conn()
        .prepare_cached("SELECT COUNT(*) FROM saml_assertions_used")?
        .query_row([], |row| row.get(0))?)
}
