//! Users on a real store: creation and invitations, sign-in names and aliases, attribute
//! changes, listing and search.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, attrs, quiet};
use domain::pool::{AliasAttribute, PoolSettings, UsernameConfiguration};
use domain::user::UserStatus;
use user_pools::Error;
use user_pools::pools::Identity;
use user_pools::users::{self, AdminCreate, Medium, MessageAction, Search};

fn invited(username: &str, attributes: &[(&str, &str)], mediums: Vec<Medium>) -> AdminCreate {
    AdminCreate {
        temporary_password: Some(("Tmp-Passw0rd!".into(), "$argon2id$stub".into())),
        message_action: MessageAction::Send,
        mediums,
        ..quiet(username, attributes)
    }
}

#[test]
fn a_user_created_without_password_or_invitation_waits_for_an_administrator() {
    let env = Env::new();
    let user = env.user("ana", &[("email", "ana@example.com")]);
    assert_eq!(user.status, UserStatus::ForceChangePassword);
    assert_eq!(
        user.password_hash, None,
        "nobody could learn a generated one"
    );
    assert!(env.outbox().is_empty(), "the invitation was suppressed");
    assert_eq!(env.pool().user_count, 1);
}

#[test]
fn an_invitation_carries_the_username_and_the_temporary_password() {
    let env = Env::new();
    env.write(|tx, ctx| {
        users::admin_create(
            tx,
            ctx,
            &env.pool_id,
            invited("ana", &[("email", "ana@example.com")], vec![Medium::Email]),
        )
    })
    .unwrap();
    let sent = &env.outbox()[0];
    assert_eq!(
        (
            sent.kind.as_str(),
            sent.medium.as_str(),
            sent.destination.as_str()
        ),
        ("Invitation", "EMAIL", "ana@example.com")
    );
    assert!(
        sent.body.contains("ana") && sent.body.contains("Tmp-Passw0rd!"),
        "{}",
        sent.body
    );

    let err = env
        .write(|tx, ctx| {
            users::admin_create(
                tx,
                ctx,
                &env.pool_id,
                invited("ben", &[], vec![Medium::Sms]),
            )
        })
        .unwrap_err();
    assert!(matches!(err, Error::InvalidParameter(_)), "{err:?}");
    assert!(
        env.read(|r| users::get(r, &env.pool_id, "ben")).is_err(),
        "an invitation that cannot go out leaves no user behind"
    );
}

#[test]
fn usernames_are_unique_and_case_sensitive_unless_the_pool_says_otherwise() {
    let env = Env::new();
    env.user("Ana", &[]);
    let again = env.write(|tx, ctx| users::admin_create(tx, ctx, &env.pool_id, quiet("Ana", &[])));
    assert!(matches!(again, Err(Error::UsernameExists)), "{again:?}");
    env.user("ana", &[]);
    assert_eq!(env.pool().user_count, 2, "Ana and ana are two users");

    let folded = Env::with(
        PoolSettings::default(),
        Identity {
            username_configuration: Some(UsernameConfiguration {
                case_sensitive: false,
            }),
            ..Identity::default()
        },
    );
    folded.user("Ana", &[]);
    let again =
        folded.write(|tx, ctx| users::admin_create(tx, ctx, &folded.pool_id, quiet("ana", &[])));
    assert!(matches!(again, Err(Error::UsernameExists)), "{again:?}");
    let (_, found) = folded
        .read(|r| users::get(r, &folded.pool_id, "ANA"))
        .unwrap();
    assert_eq!(found.username, "Ana", "the name is kept as it was given");
}

#[test]
fn a_verified_email_alias_finds_its_user_and_belongs_to_one_user() {
    let env = Env::with(
        PoolSettings::default(),
        Identity {
            alias_attributes: vec![AliasAttribute::Email],
            ..Identity::default()
        },
    );
    let verified = [("email", "ana@example.com"), ("email_verified", "true")];
    let ana = env.user("ana", &verified);
    let (_, found) = env
        .read(|r| users::get(r, &env.pool_id, "ana@example.com"))
        .unwrap();
    assert_eq!(found.pk, ana.pk);
    let (_, by_sub) = env.read(|r| users::get(r, &env.pool_id, &ana.sub)).unwrap();
    assert_eq!(by_sub.pk, ana.pk, "a user is also found by sub");

    let taken =
        env.write(|tx, ctx| users::admin_create(tx, ctx, &env.pool_id, quiet("ben", &verified)));
    assert!(matches!(taken, Err(Error::AliasExists(_))), "{taken:?}");
    let ben = env.user("ben", &[("email", "ana@example.com")]);
    assert_eq!(
        ben.attributes.get("email").map(String::as_str),
        Some("ana@example.com"),
        "an unverified copy is no alias, so it is allowed"
    );
    let (_, found) = env
        .read(|r| users::get(r, &env.pool_id, "ana@example.com"))
        .unwrap();
    assert_eq!(found.pk, ana.pk, "the alias still finds the verified owner");
}

#[test]
fn a_changed_email_is_unverified_and_required_attributes_stay() {
    let env = Env::new();
    env.user(
        "ana",
        &[("email", "ana@example.com"), ("email_verified", "true")],
    );
    let changed = env
        .write(|tx, ctx| {
            users::update_attributes(
                tx,
                ctx,
                &env.pool_id,
                "ana",
                &attrs(&[("email", "ana@new.example")]),
            )
        })
        .unwrap();
    assert_eq!(
        changed.attributes.get("email_verified").map(String::as_str),
        Some("false"),
        "the new address has not been proven"
    );

    let sub = env.write(|tx, ctx| {
        users::delete_attributes(tx, ctx, &env.pool_id, "ana", &["sub".to_string()])
    });
    assert!(matches!(sub, Err(Error::InvalidParameter(_))), "{sub:?}");
    let gone = env
        .write(|tx, ctx| {
            users::delete_attributes(tx, ctx, &env.pool_id, "ana", &["email".to_string()])
        })
        .unwrap();
    assert!(
        !gone.attributes.contains_key("email") && !gone.attributes.contains_key("email_verified"),
        "an address goes with its verification: {:?}",
        gone.attributes
    );
}

#[test]
fn listing_pages_with_tokens_bound_to_their_filter() {
    let env = Env::new();
    env.write(|tx, ctx| users::generate(tx, ctx, &env.pool_id, "user", 5))
        .unwrap();
    env.user("other", &[]);
    let filter = Some(r#"username ^= "user""#);
    let pages = user_pools::pagination::key(&env.master);
    let (first, token) = env
        .read(|r| users::list(r, &pages, &env.pool_id, filter, Some(3), None))
        .unwrap();
    let token = token.expect("more users match than one page holds");
    let (rest, end) = env
        .read(|r| users::list(r, &pages, &env.pool_id, filter, Some(3), Some(&token)))
        .unwrap();
    let names: Vec<&str> = first
        .iter()
        .chain(&rest)
        .map(|u| u.username.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "user0000000",
            "user0000001",
            "user0000002",
            "user0000003",
            "user0000004"
        ]
    );
    assert_eq!(end, None);
    let err = env
        .read(|r| users::list(r, &pages, &env.pool_id, None, Some(3), Some(&token)))
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidToken),
        "a token is only good for the query that issued it: {err:?}"
    );
}

#[test]
fn search_counts_matches_and_filters_by_state() {
    let env = Env::new();
    env.write(|tx, ctx| users::generate(tx, ctx, &env.pool_id, "user", 4))
        .unwrap();
    env.write(|tx, ctx| {
        users::set_enabled(
            tx,
            ctx,
            &env.pool_id,
            "user0000002",
            users::Enablement::Disabled,
        )
    })
    .unwrap();
    let pages = user_pools::pagination::key(&env.master);
    let search = |s: Search| {
        env.read(|r| users::search(r, &pages, &env.pool_id, &s))
            .unwrap()
    };

    let all = search(Search {
        text: Some("user".into()),
        ..Search::default()
    });
    assert_eq!((all.total, all.total_is_exact), (4, true));
    let disabled = search(Search {
        enabled: Some(false),
        ..Search::default()
    });
    let names: Vec<&str> = disabled.users.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["user0000002"]);
    let err = env
        .read(|r| {
            users::search(
                r,
                &pages,
                &env.pool_id,
                &Search {
                    limit: Some(0),
                    ..Search::default()
                },
            )
        })
        .unwrap_err();
    assert!(matches!(err, Error::InvalidParameter(_)), "{err:?}");
}

#[test]
fn generated_users_are_numbered_on_from_the_pools_size() {
    let env = Env::new();
    env.write(|tx, ctx| users::generate(tx, ctx, &env.pool_id, "s", 2))
        .unwrap();
    env.write(|tx, ctx| users::generate(tx, ctx, &env.pool_id, "s", 2))
        .unwrap();
    assert_eq!(env.pool().user_count, 4);
    let (_, last) = env
        .read(|r| users::get(r, &env.pool_id, "s0000003"))
        .unwrap();
    assert_eq!(last.status, UserStatus::Confirmed);
    assert_eq!(
        last.attributes.get("email_verified").map(String::as_str),
        Some("true")
    );
}
