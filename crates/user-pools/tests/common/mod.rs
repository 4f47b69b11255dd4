//! What the engine's tests start from: a fresh store (testkit's), a clock that only moves when
//! told, a master key, and one pool.
#![allow(dead_code)] // each test file uses its own part

use std::collections::BTreeMap;

use domain::FixedClock;
use domain::client::ClientSettings;
use domain::pool::{PoolConfig, PoolSettings};
use storage::outbox::Message;
use storage::pools::PoolRow;
use storage::users::UserRow;
use storage::{Reader, Tx};
use testkit::TestDb;
use tokens::MasterKey;
use user_pools::pools::Identity;
use user_pools::signin::SignInClient;
use user_pools::users::{AdminCreate, MessageAction};
use user_pools::{Ctx, Result};

pub use testkit::T0;

pub struct Env {
    pub db: TestDb,
    pub clock: FixedClock,
    pub master: MasterKey,
    pub pool_id: domain::UserPoolId,
}

impl Env {
    /// A store with one pool of default settings.
    pub fn new() -> Env {
        Env::with(PoolSettings::default(), Identity::default())
    }

    /// A store with one pool made with `settings` and `identity`.
    pub fn with(settings: PoolSettings, identity: Identity) -> Env {
        let mut env = Env {
            db: TestDb::new(),
            clock: FixedClock::at(T0),
            master: MasterKey::generate().unwrap(),
            // Replaced by the pool made just below.
            pool_id: "us-east-1_placeholder".parse().unwrap(),
        };
        env.pool_id = env
            .write(|tx, ctx| user_pools::pools::create(tx, ctx, "tests", settings, identity))
            .unwrap()
            .id;
        env
    }

    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            clock: &self.clock,
            region: "us-east-1",
            account: "123456789012",
        }
    }

    pub fn now(&self) -> i64 {
        domain::Clock::now_ms(&self.clock)
    }

    /// Runs `f` in one write transaction, committed when it answers `Ok`.
    pub fn write<T>(&self, f: impl FnOnce(&Tx<'_>, &Ctx<'_>) -> Result<T>) -> Result<T> {
        let ctx = self.ctx();
        self.db.write(|tx| f(tx, &ctx))
    }

    pub fn read<T>(&self, f: impl FnOnce(&Reader<'_>) -> Result<T>) -> Result<T> {
        self.db.read(f)
    }

    pub fn pool(&self) -> PoolRow {
        self.read(|r| user_pools::require_pool(r, &self.pool_id))
            .unwrap()
    }

    /// Changes the pool's stored configuration, as `SetUserPoolMfaConfig` or
    /// `SetRiskConfiguration` would.
    pub fn configure(&self, change: impl FnOnce(&mut PoolConfig)) {
        self.write(|tx, ctx| {
            let pool = user_pools::require_pool(tx, &self.pool_id)?;
            let mut config = PoolConfig::clone(&pool.config);
            change(&mut config);
            storage::pools::update(tx, pool.pk, &pool.name, &config, ctx.clock.now_ms())?;
            Ok(())
        })
        .unwrap();
    }

    /// A new app client whose challenge sessions last 15 minutes, with its pool as it is now.
    pub fn sign_in_client(&self) -> SignInClient {
        let settings = ClientSettings {
            auth_session_validity: 15,
            ..ClientSettings::default()
        };
        let client = self
            .write(|tx, ctx| {
                user_pools::clients::create(
                    tx,
                    ctx,
                    &self.master,
                    &self.pool_id,
                    "app",
                    false,
                    settings,
                )
            })
            .unwrap();
        SignInClient {
            pool: self.pool(),
            client,
        }
    }

    /// A user with `attributes` and no password, no invitation sent.
    pub fn user(&self, username: &str, attributes: &[(&str, &str)]) -> UserRow {
        self.write(|tx, ctx| {
            user_pools::users::admin_create(tx, ctx, &self.pool_id, quiet(username, attributes))
        })
        .unwrap()
    }

    /// The pool's outbox, newest first.
    pub fn outbox(&self) -> Vec<Message> {
        self.read(|r| Ok(storage::outbox::list(r, Some(&self.pool_id), None, 100)?))
            .unwrap()
    }
}

/// An `AdminCreateUser` request that sends nothing and sets no password.
pub fn quiet(username: &str, attributes: &[(&str, &str)]) -> AdminCreate {
    AdminCreate {
        username: username.to_string(),
        attributes: attrs(attributes),
        temporary_password: None,
        message_action: MessageAction::Suppress,
        mediums: Vec::new(),
        force_alias_creation: false,
        message: None,
    }
}

pub fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}
