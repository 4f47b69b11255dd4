//! The engine's flows: an operation as a front asks for it — a sign-in with its challenges and
//! hooks, a sign-up, a password change — run over the store in as few transactions as it needs,
//! with the hooks called between them and never inside one (a 5-second hook must not hold the
//! store's one writer).
//!
//! The rules are the other modules' (`signin`, `signup`, `users`, `hooks`); this one orders
//! them. What the engine cannot do itself it is given, as an [`Engine`] built for each
//! operation:
//! - [`Hooks`]: how a hook's event reaches its URL (the front's HTTP client);
//! - [`BreachedPasswords`]: the breached-password list the workspace names;
//! - [`Keys`]: each pool's signing keys, kept parsed by the front;
//! - [`Audit`]: the record the front keeps of each change.
//!
//! Files: `call` (a hook's call and its log), `triggers` (each trigger's event), `finish`
//! (tokens at the end of a sign-in), `signin` (the flows), `challenges` (SRP, custom and MFA
//! answers), `recovery` (sign-up and passwords), `admin` (the administrator's operations that
//! call hooks), `account` (what users do for themselves with a token or an MFA set-up session).

use std::sync::Arc;

use storage::pools::PoolRow;
use storage::{Db, Reader, Tx};
use tokens::MasterKey;

use crate::keys::PoolKeys;
use crate::signin::Recorded;
use crate::{Ctx, Error, Result};

mod account;
mod admin;
mod call;
mod challenges;
mod finish;
mod hosted_pages;
mod oauth;
mod recovery;
mod signin;
mod triggers;

pub use admin::AdminCreateInput;
pub use call::HookReply;
pub use finish::{Answer, SignInTokens};
pub use hosted_pages::SignUpForm;
pub use oauth::{HostedSession, TokenAnswer, TokenRequest};
pub use recovery::{ClientUser, SignUpInput};
pub use signin::Params;

/// How the engine reaches a hook: the front's HTTP client.
pub trait Hooks {
    /// Sends `event` (JSON) to `url` and answers what came back. `trigger_source` names the
    /// event (`PreSignUp_SignUp`) for a receiver that routes on it.
    fn post(&self, url: &str, event: &[u8], trigger_source: &str) -> HookReply;
}

/// The workspace's list of breached passwords.
pub trait BreachedPasswords {
    /// Whether `password` is in the list (false when the workspace has none).
    fn contains(&self, password: &str) -> Result<bool>;
}

/// Each pool's signing keys, parsed (parsing an RSA key costs more than a sign-in's reads, so
/// the front keeps them).
pub trait Keys {
    /// The pool's keys, made on first use.
    fn pool_keys(&self, pool: &PoolRow) -> Result<Arc<PoolKeys>>;

    /// The pool a signing key belongs to, if the front remembers it (a key's pool never
    /// changes, so a front may keep the answers of [`Keys::remember_kid`]).
    fn pool_of_kid(&self, _kid: &str) -> Option<domain::UserPoolId> {
        None
    }

    /// Called with the pool a key was found to belong to in the store.
    fn remember_kid(&self, _kid: &str, _pool: &domain::UserPoolId) {}
}

/// What an audit record names besides its actor and time.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// `None`: the operation being run; `Some(label)`: a change made on its side (a user the
    /// migration hook brought in during a sign-in is `UserMigration`).
    pub side: Option<&'static str>,
    pub pool_id: Option<&'a str>,
    pub target: Option<&'a str>,
}

impl<'a> Entry<'a> {
    /// A record of the operation being run.
    pub fn of(pool_id: &'a str, target: &'a str) -> Self {
        Entry {
            side: None,
            pool_id: Some(pool_id),
            target: Some(target),
        }
    }
}

/// The record a front keeps of the changes operations make.
pub trait Audit {
    /// Records a change in its own transaction `tx`: a success (`refusal` is `None`), or a
    /// refusal committed with what it counted (a wrong code counts an attempt).
    fn record(&self, tx: &Tx<'_>, entry: &Entry<'_>, refusal: Option<&Error>) -> Result<()>;
    /// Records a refusal in a transaction of its own: the change, if any, rolled back.
    fn record_refusal(&self, entry: &Entry<'_>, err: &Error);
}

/// One operation's view of the engine: the store, the workspace, and what it is given.
pub struct Engine<'a> {
    pub db: &'a Db,
    pub ctx: Ctx<'a>,
    /// Seals TOTP secrets and SRP verifiers.
    pub master: &'a MasterKey,
    /// The base of the pools' token issuer, when the workspace sets one (see
    /// [`crate::signin::issuer`]).
    pub issuer_base: Option<&'a str>,
    /// Where the endpoint serving this store listens (`http://127.0.0.1:<port>`), when one
    /// does: the hosted pages that links in messages point at.
    pub endpoint: Option<&'a str>,
    pub hooks: &'a dyn Hooks,
    pub breached: &'a dyn BreachedPasswords,
    pub keys: &'a dyn Keys,
    pub audit: &'a dyn Audit,
}

impl Engine<'_> {
    pub(crate) fn now(&self) -> i64 {
        self.ctx.clock.now_ms()
    }

    /// Where a sign-up confirmation link of `sc`'s pool points, when the pool confirms with a
    /// link and an endpoint serves it: the pool's prefix domain on the endpoint's port
    /// (`http://<prefix>.auth.localhost:<port>/confirmUser`), else its custom domain there,
    /// else `/<poolId>/confirmUser` at the endpoint's address.
    pub(crate) fn confirm_link(
        &self,
        sc: &crate::signin::SignInClient,
    ) -> Result<Option<crate::codes::ConfirmLink>> {
        let t = &sc.pool.config.settings.verification_message_template;
        let (domain::pool::DefaultEmailOption::ConfirmWithLink, Some(base)) =
            (t.default_email_option, self.endpoint)
        else {
            return Ok(None);
        };
        let base = base.trim_end_matches('/');
        let domains = self.read(|r| Ok(storage::domains::of_pool(r, sc.pool.pk)?))?;
        let port = base
            .rsplit_once(':')
            .map(|(_, p)| p)
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let on_domain = |d: &storage::domains::DomainRow| match (&d.custom, port) {
            (None, Some(port)) => format!("http://{}.auth.localhost:{port}/confirmUser", d.domain),
            (None, None) => format!("http://{}.auth.localhost/confirmUser", d.domain),
            (Some(_), Some(port)) => format!("http://{}:{port}/confirmUser", d.domain),
            (Some(_), None) => format!("http://{}/confirmUser", d.domain),
        };
        let page = domains
            .iter()
            .find(|d| d.custom.is_none())
            .or_else(|| domains.first())
            .map_or_else(|| format!("{base}/{}/confirmUser", sc.pool.id), on_domain);
        Ok(Some(crate::codes::ConfirmLink {
            page,
            client_id: sc.client.client_id.clone(),
        }))
    }

    pub(crate) fn read<T>(&self, f: impl FnOnce(&Reader<'_>) -> Result<T>) -> Result<T> {
        self.db.read(f)
    }

    pub(crate) fn write<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        self.db.write(f)
    }

    /// Runs a change in one transaction with its audit record. `f` answers the value and,
    /// when the change created it, the target's new name. A refusal is recorded on its own.
    pub(crate) fn audited<T>(
        &self,
        entry: Entry<'_>,
        f: impl FnOnce(&Tx<'_>) -> Result<(T, Option<String>)>,
    ) -> Result<T> {
        let done = self.write(|tx| {
            let (value, created) = f(tx)?;
            let entry = Entry {
                target: created.as_deref().or(entry.target),
                ..entry
            };
            self.audit.record(tx, &entry, None)?;
            Ok(value)
        });
        if let Err(e) = &done {
            self.audit.record_refusal(&entry, e);
        }
        done
    }

    /// Like [`Engine::audited`] for a change whose refusal must still be kept: `f`'s inner
    /// error is committed with a refusal record in the same transaction, then answered; its
    /// outer error rolls everything back.
    pub(crate) fn recorded<T>(
        &self,
        entry: Entry<'_>,
        f: impl FnOnce(&Tx<'_>) -> Result<Recorded<T>>,
    ) -> Result<T> {
        let done = self.write(|tx| {
            let answer = f(tx)?;
            self.audit.record(tx, &entry, answer.as_ref().err())?;
            Ok(answer)
        });
        match done {
            Ok(answer) => answer,
            Err(e) => {
                self.audit.record_refusal(&entry, &e);
                Err(e)
            }
        }
    }

    /// The `iss` of a pool's tokens.
    pub fn issuer(&self, pool_id: &str) -> String {
        crate::signin::issuer(self.issuer_base, pool_id)
    }
}
