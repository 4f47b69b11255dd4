//! Sample users, for trying the console on a large pool and for benchmarks.

use domain::UserPoolId;
use std::collections::BTreeMap;

use domain::user::{UserStatus, validate_username};
use storage::Tx;
use storage::users::{self as store, NewUser};

use super::username_key;
use crate::{Ctx, Error, Result, require_pool};

const GIVEN: &[&str] = &[
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Radia",
    "Edsger",
    "Frances",
    "John",
    "Katherine",
    "Tim",
    "Hedy",
    "Donald",
    "Sophie",
    "Niklaus",
    "Shafi",
    "Leslie",
];
const FAMILY: &[&str] = &[
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Perlman",
    "Dijkstra",
    "Allen",
    "McCarthy",
    "Johnson",
    "Berners-Lee",
    "Lamarr",
    "Knuth",
    "Wilson",
    "Wirth",
    "Goldwasser",
    "Lamport",
];

/// Creates `count` confirmed sample users without passwords (for trying the console on a large
/// pool and for benchmarks), numbered on from the pool's current size. One transaction.
pub fn generate(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    prefix: &str,
    count: u32,
) -> Result<u32> {
    let pool = require_pool(tx, pool_id)?;
    validate_username(&format!("{prefix}0"))?;
    let start = store::count(tx, pool.pk)?;
    let now = ctx.clock.now_ms();
    for i in 0..i64::from(count) {
        let n = start + i;
        let username = format!("{prefix}{n:07}");
        let given = GIVEN[(n as usize) % GIVEN.len()];
        let family = FAMILY[(n as usize / GIVEN.len()) % FAMILY.len()];
        let mut attrs = BTreeMap::new();
        attrs.insert(
            "email".to_string(),
            format!(
                "{}.{}{n}@example.com",
                given.to_lowercase(),
                family.to_lowercase()
            ),
        );
        attrs.insert("email_verified".to_string(), "true".to_string());
        attrs.insert("given_name".to_string(), given.to_string());
        attrs.insert("family_name".to_string(), family.to_string());
        let sub = domain::ids::new_sub();
        let key = username_key(&pool, &username);
        store::insert_uncounted(
            tx,
            &NewUser {
                pool: pool.pk,
                username: &username,
                username_key: &key,
                sub: &sub,
                status: UserStatus::Confirmed,
                enabled: true,
                attributes: &attrs,
                password_hash: None,
                // Spread creation times so sorting by date means something.
                now: now - (i64::from(count) - i) * 1000,
            },
        )
        .map_err(|e| match e {
            storage::Error::Conflict { .. } => Error::UsernameExists,
            other => Error::Storage(other),
        })?;
    }
    store::add_to_count(tx, pool.pk, i64::from(count))?;
    Ok(count)
}
