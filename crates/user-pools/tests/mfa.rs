//! MFA on a real store: setting factors up, the challenge a sign-in gets, and its answers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use common::{Env, T0};
use domain::pool::MfaConfiguration;
use storage::users::UserRow;
use totp_rs::{Algorithm, Secret, TOTP};
use user_pools::Error;
use user_pools::signin::mfa::{self, Setting};
use user_pools::signin::{self, Challenge, Decision, Origin, SignInClient, Step};

const ON: Setting = Setting {
    enabled: true,
    preferred: true,
};
const ENABLED: Setting = Setting {
    enabled: true,
    preferred: false,
};

/// The code an authenticator app shows at `now_ms` for a base32 secret.
fn totp_code(secret_code: &str, now_ms: i64) -> String {
    let secret = Secret::Encoded(secret_code.to_string()).to_bytes().unwrap();
    TOTP::new(Algorithm::SHA1, 6, 1, 30, secret)
        .unwrap()
        .generate((now_ms / 1000) as u64)
}

/// Sets up and verifies an authenticator for `user`; answers its secret.
fn authenticator(env: &Env, user: &UserRow) -> String {
    let pool = env.pool();
    let associated = env
        .write(|tx, _| mfa::associate(tx, &env.master, &pool, user))
        .unwrap();
    let code = totp_code(&associated.secret_code, env.now());
    assert!(
        env.write(|tx, _| mfa::verify(tx, &env.master, &pool, user, &code, env.now()))
            .unwrap(),
        "the code the app shows now verifies the pending secret"
    );
    associated.secret_code
}

/// The MFA challenge a sign-in of `user` gets now.
fn ask(env: &Env, sc: &SignInClient, user: &UserRow, force: Option<bool>) -> Option<Challenge> {
    let origin = Origin::default();
    let step = Step::new(env.now(), &origin);
    env.write(|tx, _| mfa::challenge(tx, sc, user, &user.username, &step, force))
        .unwrap()
}

/// Answers `challenge` with `responses`: the outer error fails the step, the inner one is a
/// refusal that was recorded.
fn answer(
    env: &Env,
    sc: &SignInClient,
    challenge: &Challenge,
    responses: &[(&str, &str)],
) -> Result<Result<Decision, Error>, Error> {
    let now = env.now();
    let open =
        env.read(|r| signin::open_session(r, sc, &challenge.session, challenge.name, now))?;
    let responses: BTreeMap<String, String> = common::attrs(responses);
    let origin = Origin::default();
    let step = Step::new(now, &origin);
    env.write(|tx, _| mfa::respond(tx, &env.master, sc, &open, &responses, &step))
}

/// The six digits of the newest message in the outbox.
fn last_code(env: &Env) -> String {
    let body = &env.outbox()[0].body;
    body.chars().filter(char::is_ascii_digit).collect()
}

fn other_than(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

#[test]
fn an_authenticator_code_signs_in_once_per_time_step() {
    let env = Env::new();
    env.configure(|c| c.settings.mfa_configuration = MfaConfiguration::Optional);
    let user = env.user("ana", &[]);
    let secret = authenticator(&env, &user);
    let pool = env.pool();
    env.write(|tx, _| mfa::set_preference(tx, &pool, &user, Some(ON), None, None))
        .unwrap();
    assert_eq!(
        env.read(|r| mfa::describe(r, &user)).unwrap(),
        (
            vec!["SOFTWARE_TOKEN_MFA".to_string()],
            Some("SOFTWARE_TOKEN_MFA".to_string())
        )
    );

    let sc = env.sign_in_client();
    let ch = ask(&env, &sc, &user, None).expect("an optional pool asks a user with a factor");
    assert_eq!(ch.name, mfa::SOFTWARE_TOKEN_MFA);
    assert_eq!(ch.parameters["USER_ID_FOR_SRP"], "ana");

    let used = totp_code(&secret, env.now());
    let refused = answer(&env, &sc, &ch, &[("SOFTWARE_TOKEN_MFA_CODE", &used)]).unwrap();
    assert!(
        matches!(refused, Err(Error::CodeMismatch)),
        "the code that verified the app was used up: {refused:?}"
    );

    env.clock.advance(30_000);
    let next = totp_code(&secret, env.now());
    match answer(&env, &sc, &ch, &[("SOFTWARE_TOKEN_MFA_CODE", &next)]).unwrap() {
        Ok(Decision::Tokens(s)) => {
            assert_eq!(s.sign_in.user.username, "ana");
            assert!(
                s.sign_in.refresh_token.is_some(),
                "a new sign-in has a refresh token"
            );
        }
        other => panic!("the next time step's code signs in, got {other:?}"),
    }
    assert!(
        answer(&env, &sc, &ch, &[("SOFTWARE_TOKEN_MFA_CODE", &next)]).is_err(),
        "the session was used by the sign-in"
    );
}

#[test]
fn an_emailed_code_is_masked_and_burnt_by_three_wrong_answers() {
    let env = Env::new();
    env.configure(|c| {
        c.settings.mfa_configuration = MfaConfiguration::Optional;
        c.mfa_factors.email = true;
    });
    let user = env.user("ana", &[("email", "ana@example.com")]);
    let pool = env.pool();
    env.write(|tx, _| mfa::set_preference(tx, &pool, &user, None, Some(ON), None))
        .unwrap();
    let sc = env.sign_in_client();

    let ch = ask(&env, &sc, &user, None).unwrap();
    assert_eq!(ch.name, mfa::EMAIL_OTP);
    assert_eq!(ch.parameters["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    assert_eq!(ch.parameters["CODE_DELIVERY_DESTINATION"], "a***@e***");
    let sent = &env.outbox()[0];
    assert_eq!(
        (
            sent.kind.as_str(),
            sent.medium.as_str(),
            sent.destination.as_str()
        ),
        ("MfaCode", "EMAIL", "ana@example.com")
    );
    assert_eq!(sent.subject.as_deref(), Some("Your sign-in code"));
    let code = last_code(&env);
    assert_eq!(code.len(), 6);

    for _ in 0..3 {
        let r = answer(&env, &sc, &ch, &[("EMAIL_OTP_CODE", &other_than(&code))]).unwrap();
        assert!(matches!(r, Err(Error::CodeMismatch)), "{r:?}");
    }
    let security = env
        .read(|r| Ok(storage::user_security::get(r, user.pk)?))
        .unwrap();
    assert_eq!(
        security.failed_sign_ins, 3,
        "wrong codes count toward the lockout"
    );
    let r = answer(&env, &sc, &ch, &[("EMAIL_OTP_CODE", &code)]).unwrap();
    assert!(
        matches!(r, Err(Error::ExpiredCode)),
        "after three wrong answers even the right code is refused: {r:?}"
    );
    assert!(
        answer(&env, &sc, &ch, &[("EMAIL_OTP_CODE", &code)]).is_err(),
        "and the session is gone"
    );
}

#[test]
fn a_texted_code_lives_three_minutes() {
    let env = Env::new();
    env.configure(|c| {
        c.settings.mfa_configuration = MfaConfiguration::On;
        c.settings.sms_authentication_message = Some("Code: {####}".into());
        c.mfa_factors = domain::pool::MfaFactors {
            software_token: false,
            email: false,
            sms: true,
        };
    });
    let user = env.user("ana", &[("phone_number", "+15555550123")]);
    let sc = env.sign_in_client();

    let ch = ask(&env, &sc, &user, None).expect("MFA on, no factor set: the phone gets a code");
    assert_eq!(ch.name, mfa::SMS_MFA);
    assert_eq!(ch.parameters["CODE_DELIVERY_DESTINATION"], "+*******0123");
    let sent = &env.outbox()[0];
    assert_eq!(sent.medium, "SMS");
    assert!(
        sent.body.starts_with("Code: "),
        "the pool's SMS text: {}",
        sent.body
    );
    let code = last_code(&env);
    env.clock.advance(3 * 60_000);
    let r = answer(&env, &sc, &ch, &[("SMS_MFA_CODE", &code)]).unwrap();
    assert!(matches!(r, Err(Error::ExpiredCode)), "{r:?}");

    let ch = ask(&env, &sc, &user, None).unwrap();
    let code = last_code(&env);
    env.clock.advance(3 * 60_000 - 1);
    let r = answer(&env, &sc, &ch, &[("SMS_MFA_CODE", &code)]).unwrap();
    assert!(
        matches!(r, Ok(Decision::Tokens(_))),
        "a new code, answered in time: {r:?}"
    );
}

#[test]
fn a_user_with_two_factors_chooses_one() {
    let env = Env::new();
    env.configure(|c| {
        c.settings.mfa_configuration = MfaConfiguration::Optional;
        c.mfa_factors.email = true;
        c.mfa_factors.sms = true;
    });
    let user = env.user(
        "ana",
        &[
            ("email", "ana@example.com"),
            ("phone_number", "+15555550123"),
        ],
    );
    let pool = env.pool();
    env.write(|tx, _| mfa::set_preference(tx, &pool, &user, None, Some(ENABLED), Some(ENABLED)))
        .unwrap();
    let sc = env.sign_in_client();

    let ch = ask(&env, &sc, &user, None).unwrap();
    assert_eq!(ch.name, mfa::SELECT_MFA_TYPE);
    assert_eq!(
        ch.parameters["MFAS_CAN_CHOOSE"],
        r#"["EMAIL_OTP","SMS_MFA"]"#
    );
    let r = answer(&env, &sc, &ch, &[("ANSWER", "SOFTWARE_TOKEN_MFA")]);
    assert!(
        matches!(r, Err(Error::InvalidParameter(_))),
        "a factor the user does not have is not a choice: {r:?}"
    );
    let next = match answer(&env, &sc, &ch, &[("ANSWER", "SMS_MFA")]).unwrap() {
        Ok(Decision::Challenge(next)) => next,
        other => panic!("choosing asks the chosen factor, got {other:?}"),
    };
    assert_eq!(next.name, mfa::SMS_MFA);
    assert_eq!(env.outbox()[0].medium, "SMS");
    assert!(
        answer(&env, &sc, &ch, &[("ANSWER", "EMAIL_OTP")]).is_err(),
        "the choice was made once"
    );
}

#[test]
fn a_required_mfa_without_a_factor_sets_up_an_authenticator_first() {
    let env = Env::new();
    env.configure(|c| c.settings.mfa_configuration = MfaConfiguration::On);
    let user = env.user("ana", &[]);
    let sc = env.sign_in_client();

    let ch = ask(&env, &sc, &user, None).unwrap();
    assert_eq!(ch.name, mfa::MFA_SETUP);
    assert_eq!(ch.parameters["MFAS_CAN_SETUP"], r#"["SOFTWARE_TOKEN_MFA"]"#);
    let r = answer(&env, &sc, &ch, &[]);
    assert!(
        matches!(r, Err(Error::InvalidParameter(_))),
        "nothing was verified with this session yet: {r:?}"
    );

    authenticator(&env, &user);
    let open = env
        .read(|r| signin::open_session(r, &sc, &ch.session, mfa::MFA_SETUP, env.now()))
        .unwrap();
    env.write(|tx, _| mfa::mark_setup_verified(tx, &open))
        .unwrap();
    let r = answer(&env, &sc, &ch, &[]).unwrap();
    assert!(matches!(r, Ok(Decision::Tokens(_))), "{r:?}");
    assert_eq!(
        env.read(|r| mfa::describe(r, &user)).unwrap(),
        (
            vec!["SOFTWARE_TOKEN_MFA".to_string()],
            Some("SOFTWARE_TOKEN_MFA".to_string())
        ),
        "finishing the set-up enables the authenticator and prefers it"
    );
}

#[test]
fn risk_can_ask_for_mfa_the_pool_does_not() {
    let env = Env::new();
    let user = env.user("ana", &[]);
    let sc = env.sign_in_client();
    assert!(
        ask(&env, &sc, &user, None).is_none(),
        "MFA is off and nothing forces it"
    );
    assert!(
        ask(&env, &sc, &user, Some(false)).is_none(),
        "'if configured' skips a user with no factor"
    );
    let err = env
        .write(|tx, _| {
            let origin = Origin::default();
            let step = Step::new(T0, &origin);
            mfa::challenge(tx, &sc, &user, "ana", &step, Some(true))
        })
        .unwrap_err();
    assert!(
        matches!(err, Error::NotAuthorized(_)),
        "'required' refuses a user with no factor: {err:?}"
    );

    authenticator(&env, &user);
    let pool = env.pool();
    env.write(|tx, _| mfa::set_preference(tx, &pool, &user, Some(ON), None, None))
        .unwrap();
    let ch = ask(&env, &sc, &user, Some(false)).expect("a user with a factor is asked");
    assert_eq!(ch.name, mfa::SOFTWARE_TOKEN_MFA);
}

#[test]
fn preferences_need_a_factor_the_pool_allows_and_the_user_has() {
    let env = Env::new();
    let user = env.user("ana", &[("email", "ana@example.com")]);
    let pool = env.pool();
    let set = |totp, email, sms| {
        env.write(|tx, _| mfa::set_preference(tx, &pool, &user, totp, email, sms))
    };
    assert!(
        matches!(set(None, Some(ON), None), Err(Error::InvalidParameter(_))),
        "email MFA is off in this pool"
    );
    assert!(
        matches!(set(Some(ON), None, None), Err(Error::InvalidParameter(_))),
        "no authenticator was verified"
    );

    authenticator(&env, &user);
    env.configure(|c| c.mfa_factors.email = true);
    let pool = env.pool();
    let set = |totp, email, sms| {
        env.write(|tx, _| mfa::set_preference(tx, &pool, &user, totp, email, sms))
    };
    assert!(
        matches!(
            set(Some(ON), Some(ON), None),
            Err(Error::InvalidParameter(_))
        ),
        "only one factor can be preferred"
    );
    assert!(
        matches!(
            set(None, None, Some(ENABLED)),
            Err(Error::InvalidParameter(_))
        ),
        "SMS MFA is off in this pool, and the user has no phone"
    );
    set(Some(ON), Some(ENABLED), None).unwrap();
    env.write(|tx, _| mfa::delete_software_token(tx, &pool, &user))
        .unwrap();
    assert_eq!(
        env.read(|r| mfa::describe(r, &user)).unwrap(),
        (vec!["EMAIL_OTP".to_string()], None),
        "resetting the authenticator keeps the other factors and drops its preference"
    );
}

/// The user as the store has them now.
fn reread(env: &Env, user: &UserRow) -> UserRow {
    env.read(|r| Ok(storage::users::get_by_pk(r, user.pk)?))
        .unwrap()
        .unwrap()
}

#[test]
fn a_required_mfa_offers_every_factor_of_the_pool_to_set_up() {
    let env = Env::new();
    env.configure(|c| {
        c.settings.mfa_configuration = MfaConfiguration::On;
        c.mfa_factors.email = true;
        c.mfa_factors.sms = true;
    });
    let user = env.user("ana", &[]);
    let sc = env.sign_in_client();
    let ch = ask(&env, &sc, &user, None).unwrap();
    assert_eq!(ch.name, mfa::MFA_SETUP);
    assert_eq!(
        ch.parameters["MFAS_CAN_SETUP"], r#"["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#,
        "Cognito's order, every factor the pool allows"
    );
    assert!(env.outbox().is_empty(), "nothing is sent before a choice");

    env.configure(|c| c.mfa_factors.software_token = false);
    let sc = env.sign_in_client();
    let ch = ask(&env, &sc, &user, None).unwrap();
    assert_eq!(
        ch.parameters["MFAS_CAN_SETUP"],
        r#"["SMS_MFA","EMAIL_OTP"]"#
    );
}

#[test]
fn a_required_mfa_sends_a_code_to_the_email_a_user_has_and_turns_it_on() {
    let env = Env::new();
    env.configure(|c| {
        c.settings.mfa_configuration = MfaConfiguration::On;
        c.mfa_factors.email = true;
    });
    let user = env.user("ana", &[("email", "ana@example.com")]);
    let sc = env.sign_in_client();
    let ch = ask(&env, &sc, &user, None).unwrap();
    assert_eq!(
        ch.name,
        mfa::EMAIL_OTP,
        "a user with an email gets the code, with the authenticator on too (Cognito's default)"
    );
    assert_eq!(ch.parameters["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    assert_eq!(env.outbox()[0].destination, "ana@example.com");
    let code = last_code(&env);
    let r = answer(&env, &sc, &ch, &[("EMAIL_OTP_CODE", &code)]).unwrap();
    assert!(matches!(r, Ok(Decision::Tokens(_))), "{r:?}");
    assert_eq!(
        env.read(|r| mfa::describe(r, &user)).unwrap(),
        (vec!["EMAIL_OTP".to_string()], None),
        "the accepted code turned email MFA on"
    );
    assert_eq!(reread(&env, &user).attributes["email_verified"], "true");
}

#[test]
fn email_mfa_is_set_up_with_an_address_and_the_code_sent_there() {
    let env = Env::new();
    env.configure(|c| {
        c.settings.mfa_configuration = MfaConfiguration::On;
        c.mfa_factors.email = true;
    });
    let user = env.user("ana", &[]);
    let sc = env.sign_in_client();
    let ch = ask(&env, &sc, &user, None).unwrap();
    assert_eq!(ch.name, mfa::MFA_SETUP);
    assert_eq!(
        ch.parameters["MFAS_CAN_SETUP"],
        r#"["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#
    );

    let bad = answer(&env, &sc, &ch, &[("EMAIL", "not an address")]);
    match bad {
        Err(Error::InvalidParameter(f)) => assert_eq!(f.field, "ChallengeResponses.EMAIL"),
        other => panic!("a malformed address names its field: {other:?}"),
    }
    assert!(env.outbox().is_empty(), "nothing was sent");

    let next = match answer(&env, &sc, &ch, &[("EMAIL", "ana@example.com")]).unwrap() {
        Ok(Decision::Challenge(next)) => next,
        other => panic!("an address asks for the code sent there: {other:?}"),
    };
    assert_eq!(next.name, mfa::EMAIL_OTP);
    assert_eq!(next.parameters["CODE_DELIVERY_DESTINATION"], "a***@e***");
    assert_eq!(env.outbox()[0].destination, "ana@example.com");
    assert!(
        !reread(&env, &user).attributes.contains_key("email"),
        "the address is the user's only once its code is accepted"
    );
    assert!(
        answer(&env, &sc, &ch, &[("EMAIL", "ana@example.com")]).is_err(),
        "the set-up session was used"
    );

    let code = last_code(&env);
    let wrong = answer(&env, &sc, &next, &[("EMAIL_OTP_CODE", &other_than(&code))]).unwrap();
    assert!(matches!(wrong, Err(Error::CodeMismatch)), "{wrong:?}");
    assert_eq!(
        env.read(|r| mfa::describe(r, &user)).unwrap(),
        (vec![], None),
        "a wrong code sets nothing up"
    );
    match answer(&env, &sc, &next, &[("EMAIL_OTP_CODE", &code)]).unwrap() {
        Ok(Decision::Tokens(s)) => assert_eq!(
            s.sign_in.user.attributes["email"], "ana@example.com",
            "the tokens carry the new address"
        ),
        other => panic!("the code signs in: {other:?}"),
    }
    let now = reread(&env, &user);
    assert_eq!(now.attributes["email"], "ana@example.com");
    assert_eq!(now.attributes["email_verified"], "true");
    assert_eq!(
        env.read(|r| mfa::describe(r, &user)).unwrap(),
        (vec!["EMAIL_OTP".to_string()], None)
    );
    let again = ask(&env, &sc, &now, None).unwrap();
    assert_eq!(
        again.name,
        mfa::EMAIL_OTP,
        "the next sign-in asks for an email code"
    );
}

#[test]
fn email_set_up_is_refused_where_the_pool_has_no_email_mfa_or_the_address_is_taken() {
    let env = Env::new();
    env.configure(|c| c.settings.mfa_configuration = MfaConfiguration::On);
    let user = env.user("ana", &[]);
    let sc = env.sign_in_client();
    let ch = ask(&env, &sc, &user, None).unwrap();
    match answer(&env, &sc, &ch, &[("EMAIL", "ana@example.com")]) {
        Err(Error::InvalidParameter(f)) => assert_eq!(f.field, "ChallengeResponses.EMAIL"),
        other => panic!("email MFA is off in this pool: {other:?}"),
    }

    let env = Env::new();
    env.configure(|c| {
        c.alias_attributes = vec![domain::pool::AliasAttribute::Email];
        c.settings.mfa_configuration = MfaConfiguration::On;
        c.mfa_factors.email = true;
    });
    env.user(
        "bo",
        &[("email", "bo@example.com"), ("email_verified", "true")],
    );
    let ana = env.user("ana", &[]);
    let sc = env.sign_in_client();
    let ch = ask(&env, &sc, &ana, None).unwrap();
    let next = match answer(&env, &sc, &ch, &[("EMAIL", "bo@example.com")]).unwrap() {
        Ok(Decision::Challenge(next)) => next,
        other => panic!("{other:?}"),
    };
    let code = last_code(&env);
    let taken = answer(&env, &sc, &next, &[("EMAIL_OTP_CODE", &code)]);
    assert!(
        matches!(taken, Err(Error::AliasExists(_))),
        "another user's verified alias is not taken over: {taken:?}"
    );
    assert!(!reread(&env, &ana).attributes.contains_key("email"));
    assert_eq!(
        env.read(|r| mfa::describe(r, &ana)).unwrap(),
        (vec![], None)
    );
}
