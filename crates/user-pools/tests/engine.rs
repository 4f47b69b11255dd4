//! The engine's flows with what it is given played by the test: hooks answered in process (no
//! HTTP), no breached-password list, keys loaded from the store, an audit that only counts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::{Arc, Mutex};

use common::Env;
use domain::client::{ClientSettings, ExplicitAuthFlow};
use storage::pools::PoolRow;
use storage::users::UserRow;
use user_pools::engine::{
    Answer, Audit, BreachedPasswords, Engine, Entry, HookReply, Hooks, Keys, Params,
};
use user_pools::keys::PoolKeys;
use user_pools::signin::{self, AuthFlow, Origin};
use user_pools::users::NewPassword;
use user_pools::{Error, Result};

const PASSWORD: &str = "Correct-Horse-1";

/// Hooks answered in process: the post authentication hook refuses while `refuse` is set.
#[derive(Default)]
struct Answering {
    refuse: Mutex<bool>,
    sources: Mutex<Vec<String>>,
}

impl Hooks for Answering {
    fn post(&self, _url: &str, _event: &[u8], trigger_source: &str) -> HookReply {
        self.sources.lock().unwrap().push(trigger_source.into());
        let refused =
            trigger_source == "PostAuthentication_Authentication" && *self.refuse.lock().unwrap();
        HookReply {
            answer: Ok(if refused {
                (500, r#"{"errorMessage":"not today"}"#.into())
            } else {
                (200, "{}".into())
            }),
            duration_ms: 1,
        }
    }
}

struct NoList;

impl BreachedPasswords for NoList {
    fn contains(&self, _password: &str) -> Result<bool> {
        Ok(false)
    }
}

/// Keys made and read from the store on every call.
struct Loaded<'a>(&'a Env);

impl Keys for Loaded<'_> {
    fn pool_keys(&self, pool: &PoolRow) -> Result<Arc<PoolKeys>> {
        let env = self.0;
        let now = env.now();
        env.write(|tx, _| user_pools::keys::ensure(tx, &env.master, pool, now))?;
        let keys = env.read(|r| user_pools::keys::load(r, &env.master, pool.pk, now))?;
        Ok(Arc::new(keys.expect("keys were just made")))
    }
}

#[derive(Default)]
struct Counted(Mutex<usize>);

impl Audit for Counted {
    fn record(&self, _tx: &storage::Tx<'_>, _e: &Entry<'_>, _r: Option<&Error>) -> Result<()> {
        *self.0.lock().unwrap() += 1;
        Ok(())
    }
    fn record_refusal(&self, _entry: &Entry<'_>, _err: &Error) {
        *self.0.lock().unwrap() += 1;
    }
}

/// A pool whose post authentication hook is set, a client allowed the password flow, and a
/// confirmed user with a password.
fn signed_up(env: &Env) -> (String, UserRow) {
    env.configure(|c| {
        c.settings.lambda_config.post_authentication = Some("http://hook.test/post-auth".into());
    });
    let settings = ClientSettings {
        explicit_auth_flows: vec![ExplicitAuthFlow::AllowUserPasswordAuth],
        ..ClientSettings::default()
    };
    let client = env
        .write(|tx, ctx| {
            user_pools::clients::create(tx, ctx, &env.master, &env.pool_id, "app", false, settings)
        })
        .unwrap();
    env.user("ana", &[]);
    let password = NewPassword {
        clear: PASSWORD,
        hash: user_pools::passwords::hash(PASSWORD).unwrap(),
    };
    let user = env
        .write(|tx, ctx| {
            user_pools::users::admin_set_password(
                tx,
                ctx,
                &env.master,
                &env.pool_id,
                "ana",
                &password,
                user_pools::users::PasswordKind::Permanent,
            )
        })
        .unwrap();
    (client.client_id, user)
}

fn sign_in(engine: &Engine<'_>, client_id: &str) -> Result<Answer> {
    let params = Params::new(
        "AuthParameters",
        [("USERNAME", "ana"), ("PASSWORD", PASSWORD)],
    );
    engine.initiate_auth(
        client_id,
        None,
        AuthFlow::UserPassword,
        &params,
        &Origin::default(),
    )
}

#[test]
fn a_refusing_post_authentication_hook_leaves_no_sign_in_stored() {
    let env = Env::new();
    let (client_id, user) = signed_up(&env);
    let hooks = Answering::default();
    let audit = Counted::default();
    let keys = Loaded(&env);
    let engine = Engine {
        db: &env.db,
        ctx: env.ctx(),
        master: &env.master,
        issuer_base: None,
        endpoint: None,
        hooks: &hooks,
        breached: &NoList,
        keys: &keys,
        audit: &audit,
    };

    *hooks.refuse.lock().unwrap() = true;
    let refused = sign_in(&engine, &client_id).unwrap_err();
    assert!(
        matches!(&refused, Error::UserLambdaValidation(m) if m.contains("not today")),
        "{refused:?}"
    );
    let (sessions, events) = env
        .read(|r| {
            Ok((
                signin::sessions(r, &user, 10)?,
                signin::events(r, &user, i64::MAX, 10)?,
            ))
        })
        .unwrap();
    assert!(
        sessions.is_empty(),
        "the refused sign-in stored no refresh token: {sessions:?}"
    );
    assert_eq!(events.len(), 1, "only the refusal is recorded: {events:?}");
    assert_eq!(events[0].response, "Fail");

    *hooks.refuse.lock().unwrap() = false;
    let Answer::Tokens {
        refresh_token: Some(refresh),
        ..
    } = sign_in(&engine, &client_id).unwrap()
    else {
        panic!("an agreeing hook lets the sign-in through with a refresh token");
    };
    let stored = env
        .read(|r| {
            Ok(storage::refresh_tokens::by_digest(
                r,
                &tokens::opaque_digest(&refresh),
            )?)
        })
        .unwrap();
    assert!(stored.is_some_and(|row| row.user == user.pk && row.revoked_at.is_none()));
    assert_eq!(
        *hooks.sources.lock().unwrap(),
        [
            "PostAuthentication_Authentication",
            "PostAuthentication_Authentication"
        ]
    );
    assert_eq!(
        *audit.0.lock().unwrap(),
        0,
        "a sign-in is not an audited change"
    );
}
