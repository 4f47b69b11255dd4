//! Tests of what the sign-in files share: the lockout, and the stored session states.

use serde_json::json;

use super::*;

#[test]
fn lockout_starts_after_five_failures_and_doubles_to_fifteen_minutes() {
    assert_eq!(lockout_ms(4), 0);
    assert_eq!(lockout_ms(5), 1000);
    assert_eq!(lockout_ms(6), 2000);
    assert_eq!(lockout_ms(10), 32_000);
    assert_eq!(lockout_ms(15), 900_000);
    assert_eq!(lockout_ms(1000), 900_000);
}

fn round_trip(state: SessionState) {
    let json = state.to_json().unwrap();
    assert_eq!(
        SessionState::read(state.challenge(), &json),
        Some(state.clone()),
        "{json} reads back as the state it was written from"
    );
}

#[test]
fn every_state_reads_back_under_its_challenge() {
    let username = || "ana".to_string();
    round_trip(SessionState::NewPasswordRequired {
        username: username(),
    });
    round_trip(SessionState::PasswordVerifier {
        username: username(),
        a_hex: "0a".into(),
        b_pub_hex: "0b".into(),
        b_secret_hex: "0c".into(),
    });
    for factor in [Factor::SoftwareToken, Factor::Email, Factor::Sms] {
        round_trip(SessionState::Mfa {
            username: username(),
            factor,
            enroll: None,
        });
        round_trip(SessionState::Mfa {
            username: username(),
            factor,
            enroll: Some(Enroll::Factor),
        });
    }
    round_trip(SessionState::Mfa {
        username: username(),
        factor: Factor::Email,
        enroll: Some(Enroll::Email("ana@example.com".into())),
    });
    round_trip(SessionState::SelectMfaType {
        username: username(),
        choices: vec![Factor::SoftwareToken, Factor::Sms],
    });
    round_trip(SessionState::MfaSetup {
        username: username(),
        verified: true,
    });
    round_trip(SessionState::CustomChallenge {
        username: username(),
        round: CustomState {
            results: vec![ChallengeResult {
                challenge_name: CUSTOM_CHALLENGE.into(),
                challenge_result: false,
                challenge_metadata: Some("M".into()),
            }],
            private: json!({"answer": "4"}),
            metadata: None,
        },
    });
}

#[test]
fn sessions_stored_before_states_were_typed_still_open() {
    // The one shape every challenge shared, with the members it did not use.
    assert_eq!(
        SessionState::read(
            SELECT_MFA_TYPE,
            r#"{"username":"ana","choices":["SOFTWARE_TOKEN_MFA","EMAIL_OTP"],"verified":false}"#
        ),
        Some(SessionState::SelectMfaType {
            username: "ana".into(),
            choices: vec![Factor::SoftwareToken, Factor::Email],
        })
    );
    assert_eq!(
        SessionState::read(EMAIL_OTP, r#"{"username":"ana","verified":false}"#),
        Some(SessionState::Mfa {
            username: "ana".into(),
            factor: Factor::Email,
            enroll: None,
        })
    );
    assert_eq!(
        SessionState::read(
            CUSTOM_CHALLENGE,
            r#"{"username":"ana","verified":false,"custom":{"results":[],"private":{}}}"#
        ),
        Some(SessionState::CustomChallenge {
            username: "ana".into(),
            round: CustomState {
                results: Vec::new(),
                private: json!({}),
                metadata: None,
            },
        })
    );
}

#[test]
fn a_state_is_not_read_under_another_challenge() {
    assert_eq!(
        SessionState::read(CUSTOM_CHALLENGE, r#"{"username":"ana"}"#),
        None
    );
    assert_eq!(
        SessionState::read("DEVICE_SRP_AUTH", r#"{"username":"ana"}"#),
        None
    );
}
