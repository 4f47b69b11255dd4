//! Numbered migrations, each applied in its own transaction; `PRAGMA user_version` records
//! the last one applied.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::{Error, Result};

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_initial.sql")),
    (2, include_str!("../migrations/0002_pool_counters.sql")),
    (3, include_str!("../migrations/0003_sign_in.sql")),
    (4, include_str!("../migrations/0004_srp.sql")),
    (5, include_str!("../migrations/0005_mfa.sql")),
    (6, include_str!("../migrations/0006_auth_event_risk.sql")),
    (7, include_str!("../migrations/0007_hook_invocations.sql")),
    (8, include_str!("../migrations/0008_outbox_delivery.sql")),
    (9, include_str!("../migrations/0009_outbox_claims.sql")),
    (
        10,
        include_str!("../migrations/0010_audit_target_label.sql"),
    ),
    (11, include_str!("../migrations/0011_identity_pools.sql")),
    (12, include_str!("../migrations/0012_roles_credentials.sql")),
    (13, include_str!("../migrations/0013_identities.sql")),
    (
        14,
        include_str!("../migrations/0014_federation_providers.sql"),
    ),
    (15, include_str!("../migrations/0015_exchange_runs.sql")),
    // 16–20 are taken by work in progress elsewhere.
    (21, include_str!("../migrations/0021_user_pool_domains.sql")),
    (22, include_str!("../migrations/0022_resource_servers.sql")),
    (23, include_str!("../migrations/0023_client_secrets.sql")),
];

/// The newest schema version this build knows: the last migration's number.
pub const LATEST: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Refuses a store whose schema version `found` is newer than this build's.
pub fn refuse_newer(found: i64, path: &Path) -> Result<()> {
    if found > LATEST {
        return Err(Error::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported: LATEST,
        });
    }
    Ok(())
}

pub fn apply(conn: &mut Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    // Checked again under the writer: another process may have migrated it meanwhile.
    refuse_newer(found, path)?;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > found) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "applied migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_the_order_they_apply() {
        assert!(MIGRATIONS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(LATEST, MIGRATIONS[MIGRATIONS.len() - 1].0);
    }
}
