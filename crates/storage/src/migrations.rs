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
    (
        16,
        include_str!("../migrations/0016_credential_session_policy.sql"),
    ),
    (17, include_str!("../migrations/0017_user_pool_domains.sql")),
    (18, include_str!("../migrations/0018_resource_servers.sql")),
    (19, include_str!("../migrations/0019_client_secrets.sql")),
    (
        20,
        include_str!("../migrations/0020_client_secrets_sealed.sql"),
    ),
    (22, include_str!("../migrations/0022_user_pool_idps.sql")),
    (23, include_str!("../migrations/0023_branding.sql")),
    (
        24,
        include_str!("../migrations/0024_refresh_token_rotation.sql"),
    ),
    (
        25,
        include_str!("../migrations/0025_authorization_codes.sql"),
    ),
    (27, include_str!("../migrations/0027_saml_replay.sql")),
    (
        28,
        include_str!("../migrations/0028_authorization_codes_indexes.sql"),
    ),
    (
        29,
        include_str!("../migrations/0029_saml_encryption_keys.sql"),
    ),
    (30, include_str!("../migrations/0030_saml_sessions.sql")),
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
    fn a_clients_secret_moves_to_client_secrets_with_an_id() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
        for (_, sql) in MIGRATIONS.iter().filter(|(v, _)| *v < 19) {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO user_pools(pk, id, name, config, created_at, updated_at)
                 VALUES (1, 'us-east-1_abc', 'p', '{}', 1, 1);
             INSERT INTO app_clients(pk, pool, client_id, name, secret, settings, created_at,
                                     updated_at)
                 VALUES (1, 1, 'withsecret', 'a', 'the-secret', '{}', 5, 5),
                        (2, 1, 'public', 'b', NULL, '{}', 6, 6);",
        )
        .unwrap();
        conn.execute_batch(MIGRATIONS.iter().find(|(v, _)| *v == 19).unwrap().1)
            .unwrap();
        let rows: Vec<(i64, String, String, i64)> = conn
            .prepare("SELECT client, secret_id, secret, created_at FROM client_secrets")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows.len(), 1, "only the client that had a secret");
        let (client, id, secret, created) = &rows[0];
        assert_eq!((*client, secret.as_str(), *created), (1, "the-secret", 5));
        assert_eq!(id.len(), 32);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
        let left: Option<String> = conn
            .query_row("SELECT secret FROM app_clients WHERE pk = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(left, None, "one place holds a secret");
        // 0020 keeps it, still clear, for the store's next opening to seal.
        conn.execute_batch(MIGRATIONS.iter().find(|(v, _)| *v == 20).unwrap().1)
            .unwrap();
        let (kept_id, clear, sealed): (String, Option<String>, Option<Vec<u8>>) = conn
            .query_row(
                "SELECT secret_id, secret, secret_sealed FROM client_secrets",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            (&kept_id, clear.as_deref(), sealed),
            (id, Some("the-secret"), None)
        );
    }

    #[test]
    fn migrations_are_numbered_in_the_order_they_apply() {
        assert!(MIGRATIONS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(LATEST, MIGRATIONS[MIGRATIONS.len() - 1].0);
    }
}
