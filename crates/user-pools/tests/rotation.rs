//! Refresh-token rotation when two refreshes of one token overlap: both read the token as
//! current, then write one after the other (the second write must see what the first did).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, T0};
use domain::client::{Feature, RefreshTokenRotation};
use storage::refresh_tokens::{self, NewRefresh};
use user_pools::Error;
use user_pools::signin::SignInClient;
use user_pools::signin::rotation::{self, Refresh, Standing};

const TOKEN: &str = "the-first-refresh-token-of-this-sign-in";

/// A rotating client with `grace` seconds, and a sign-in of one user holding [`TOKEN`].
fn signed_in(grace: u32) -> (Env, SignInClient) {
    let env = Env::new();
    let mut sc = env.sign_in_client();
    sc.client.settings.refresh_token_rotation = RefreshTokenRotation {
        feature: Feature::Enabled,
        retry_grace_period_seconds: grace,
    };
    let user = env.user("ana", &[]);
    env.write(|tx, _| {
        Ok(refresh_tokens::insert(
            tx,
            &NewRefresh {
                digest: &tokens::opaque_digest(TOKEN),
                client: sc.client.pk,
                user: user.pk,
                origin_jti: "origin-1",
                auth_time: T0 / 1000,
                now: T0,
                expires_at: T0 + 3_600_000,
                scopes: None,
            },
        )?)
    })
    .unwrap();
    (env, sc)
}

fn prepared_as_current(env: &Env, sc: &SignInClient) {
    match env.read(|r| rotation::prepare(r, sc, TOKEN, T0)).unwrap() {
        Refresh::Mint(p, _) => assert_eq!(p.standing, Standing::Current),
        Refresh::Reused(_) => panic!("the first token is current"),
    }
}

fn settle(env: &Env, sc: &SignInClient, token: &str, new: &str) -> Result<(), Error> {
    env.write(|tx, _| rotation::settle(tx, sc, token, Some(new), T0))
        .and_then(|recorded| recorded)
}

fn revoked(env: &Env) -> bool {
    env.read(|r| Ok(refresh_tokens::by_origin(r, "origin-1")?))
        .unwrap()
        .unwrap()
        .revoked_at
        .is_some()
}

#[test]
fn the_later_of_two_overlapping_refreshes_is_a_retry_within_the_grace_period() {
    let (env, sc) = signed_in(5);
    prepared_as_current(&env, &sc);
    prepared_as_current(&env, &sc);
    settle(&env, &sc, TOKEN, "second-token").unwrap();
    // The second write finds the token replaced, in its grace: it rotates again, and the token
    // the first write handed out is the one with no grace.
    settle(&env, &sc, TOKEN, "third-token").unwrap();
    let current = env
        .read(|r| rotation::find(r, &tokens::opaque_digest("third-token"), T0))
        .unwrap()
        .unwrap();
    assert_eq!(current.standing, Standing::Current);
    let err = settle(&env, &sc, "second-token", "fourth-token").unwrap_err();
    assert!(matches!(err, Error::RefreshTokenReuse(_)), "{err:?}");
    assert!(revoked(&env), "the reuse was recorded, not rolled back");
}

#[test]
fn without_a_grace_period_the_later_of_two_overlapping_refreshes_is_a_reuse() {
    let (env, sc) = signed_in(0);
    prepared_as_current(&env, &sc);
    prepared_as_current(&env, &sc);
    settle(&env, &sc, TOKEN, "second-token").unwrap();
    let err = settle(&env, &sc, TOKEN, "third-token").unwrap_err();
    assert!(matches!(err, Error::RefreshTokenReuse(_)), "{err:?}");
    assert!(revoked(&env));
    // Nothing answers for the token the refused write would have made.
    assert!(
        env.read(|r| rotation::find(r, &tokens::opaque_digest("third-token"), T0))
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_sign_in_revoked_between_the_read_and_the_write_is_not_rotated() {
    let (env, sc) = signed_in(5);
    prepared_as_current(&env, &sc);
    env.write(|tx, _| {
        let s = refresh_tokens::by_origin(tx, "origin-1")?.unwrap();
        Ok(refresh_tokens::revoke(tx, s.pk, T0)?)
    })
    .unwrap();
    let err = settle(&env, &sc, TOKEN, "second-token").unwrap_err();
    assert_eq!(err.to_string(), "Refresh Token has been revoked");
    assert!(
        env.read(|r| rotation::find(r, &tokens::opaque_digest("second-token"), T0))
            .unwrap()
            .is_none()
    );
}
