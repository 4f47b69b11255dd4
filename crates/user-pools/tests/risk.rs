//! Account takeover protection on a real store: address ranges, risk levels judged from the
//! user's history, the pool's action per level, and notifications.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Env;
use domain::risk::{
    AccountTakeoverAction, AccountTakeoverActions, AccountTakeoverRiskConfiguration,
    RiskExceptionConfiguration, TakeoverAction,
};
use storage::user_security::Security;
use user_pools::signin::{self, Origin, Step, risk};

fn from(ip: &str) -> Origin {
    Origin {
        ip: Some(ip.to_string()),
        ..Origin::default()
    }
}

fn act(event_action: TakeoverAction, notify: bool) -> Option<AccountTakeoverAction> {
    Some(AccountTakeoverAction {
        notify,
        event_action,
    })
}

/// A pool that assesses sign-ins: low risk passes, medium asks for MFA when the user has a
/// factor, high is blocked.
fn protected() -> Env {
    let env = Env::new();
    env.configure(|c| {
        c.risk.account_takeover = Some(AccountTakeoverRiskConfiguration {
            notify_configuration: None,
            actions: AccountTakeoverActions {
                low_action: act(TakeoverAction::NoAction, false),
                medium_action: act(TakeoverAction::MfaIfConfigured, true),
                high_action: act(TakeoverAction::Block, true),
            },
        });
    });
    env
}

fn failures(n: i64) -> Security {
    Security {
        failed_sign_ins: n,
        ..Security::default()
    }
}

#[test]
fn nothing_is_assessed_without_account_takeover_protection() {
    let env = Env::new();
    let user = env.user("ana", &[]);
    let pool = env.pool();
    let level = env
        .read(|r| risk::assess(r, &pool, &user, &from("203.0.113.9"), &failures(9)))
        .unwrap();
    assert_eq!(level, None);
    assert_eq!(risk::action(&pool, "High"), None);
}

#[test]
fn the_level_comes_from_where_the_user_signed_in_before() {
    let env = protected();
    let user = env.user("ana", &[]);
    let pool = env.pool();
    let assess = |origin: &Origin, security: &Security| {
        env.read(|r| risk::assess(r, &pool, &user, origin, security))
            .unwrap()
    };
    assert_eq!(
        assess(&from("203.0.113.9"), &failures(9)),
        Some("Low"),
        "a first sign-in has nothing to compare with"
    );

    let sc = env.sign_in_client();
    let home = from("198.51.100.7");
    env.write(|tx, _| {
        let step = Step::new(env.now(), &home);
        signin::record_event(tx, &user, &sc.client, &step, "SignIn", "Pass", None)
    })
    .unwrap();
    assert_eq!(assess(&home, &failures(9)), Some("Low"), "a known address");
    assert_eq!(
        assess(&from("203.0.113.9"), &failures(2)),
        Some("Medium"),
        "a new address"
    );
    assert_eq!(
        assess(&from("203.0.113.9"), &failures(3)),
        Some("High"),
        "a new address after a run of failures"
    );
    assert_eq!(
        assess(&Origin::default(), &failures(9)),
        Some("Low"),
        "no address to judge"
    );
}

#[test]
fn blocked_ranges_are_refused_and_skipped_ranges_not_assessed() {
    let env = protected();
    env.configure(|c| {
        c.risk.exceptions = Some(RiskExceptionConfiguration {
            blocked_ip_range_list: Some(vec!["203.0.113.0/24".into()]),
            skipped_ip_range_list: Some(vec!["10.0.0.0/8".into()]),
        });
    });
    let user = env.user("ana", &[]);
    let pool = env.pool();
    assert!(risk::blocked(&pool, &from("203.0.113.9")));
    assert!(!risk::blocked(&pool, &from("198.51.100.7")));
    assert!(
        !risk::blocked(&pool, &Origin::default()),
        "no address, nothing to block"
    );
    let level = env
        .read(|r| risk::assess(r, &pool, &user, &from("10.1.2.3"), &failures(9)))
        .unwrap();
    assert_eq!(level, None, "an address in a skipped range is not assessed");
}

#[test]
fn each_level_takes_the_pools_action() {
    let env = protected();
    let pool = env.pool();
    assert_eq!(
        risk::action(&pool, "Low"),
        act(TakeoverAction::NoAction, false)
    );
    assert_eq!(
        risk::action(&pool, "Medium"),
        act(TakeoverAction::MfaIfConfigured, true)
    );
    assert_eq!(
        risk::action(&pool, "High"),
        act(TakeoverAction::Block, true)
    );
}

#[test]
fn a_risky_sign_in_is_told_to_the_users_email() {
    let env = protected();
    let pool = env.pool();
    let ana = env.user("ana", &[("email", "ana@example.com")]);
    let ben = env.user("ben", &[]);
    let now = env.now();
    env.write(|tx, _| {
        risk::notify(
            tx,
            &pool,
            &ana,
            &from("203.0.113.9"),
            "High",
            risk::Notice::Blocked,
            now,
        )?;
        risk::notify(
            tx,
            &pool,
            &ben,
            &from("203.0.113.9"),
            "High",
            risk::Notice::Blocked,
            now,
        )
    })
    .unwrap();
    let outbox = env.outbox();
    assert_eq!(outbox.len(), 1, "ben has no email to tell");
    let m = &outbox[0];
    assert_eq!(
        (m.kind.as_str(), m.destination.as_str()),
        ("RiskNotification", "ana@example.com")
    );
    assert!(
        m.body.contains("We blocked a sign-in") && m.body.contains("203.0.113.9"),
        "{}",
        m.body
    );
}
