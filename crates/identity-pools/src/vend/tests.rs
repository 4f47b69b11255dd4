//! Vending, case by case, on a real store: the trust policies are the IAM documentation's
//! examples for Cognito roles (aud and amr conditions, `ForAnyValue:StringLike` on amr).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;

use domain::IdentityPoolName;
use domain::identity_pool::{CognitoIdentityProvider, IdentityPoolConfig};
use serde_json::{Map, Value, json};
use testkit::TestDb;
use tokens::MasterKey;

use super::*;
use crate::credentials::{Refusal, lookup};
use crate::roles::{RoleSpec, create};

const ACCOUNT: &str = "123456789012";
const USER_POOL: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123";
const CLIENT: &str = "4abc5client";
const IDENTITY: &str = "us-east-1:0f6a3c1e-8f5a-4b7d-9d2e-3c4b5a6d7e8f";

/// The developer guide's trust policy: this pool (aud) and `amr` containing `kind`.
fn trust(pool_id: &str, amr: &str) -> String {
    trust_with(json!({
        "StringEquals": {"cognito-identity.amazonaws.com:aud": pool_id},
        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr}
    }))
}

/// A trust policy letting Cognito assume the role under `condition`.
fn trust_with(condition: Value) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition
        }]
    })
    .to_string()
}

struct Fixture {
    db: TestDb,
    key: CredentialKey,
    pool: IdentityPoolRow,
}

fn fixture(allow_guests: bool) -> Fixture {
    let db = TestDb::new();
    let config = IdentityPoolConfig {
        allow_unauthenticated_identities: allow_guests,
        cognito_identity_providers: vec![CognitoIdentityProvider {
            provider_name: Some(USER_POOL.into()),
            client_id: Some(CLIENT.into()),
            server_side_token_check: None,
        }],
        ..IdentityPoolConfig::default()
    };
    let pool = db
        .write(|tx| {
            let name = IdentityPoolName::parse("photos".to_string()).unwrap();
            let p =
                crate::pools::create(tx, "us-east-1", 0, &name, &config, &BTreeMap::new()).unwrap();
            let roles: BTreeMap<String, String> = [
                (
                    "authenticated".to_string(),
                    format!("arn:aws:iam::{ACCOUNT}:role/Auth"),
                ),
                (
                    "unauthenticated".to_string(),
                    format!("arn:aws:iam::{ACCOUNT}:role/Guest"),
                ),
            ]
            .into();
            crate::pools::set_roles(tx, 0, &p.id, &roles, &BTreeMap::new()).unwrap();
            crate::pools::describe(tx, &p.id).map_err(|e| storage::Error::Corrupt {
                what: "pool",
                reason: e.to_string(),
            })
        })
        .unwrap();
    Fixture {
        db,
        key: CredentialKey::derive(&MasterKey::from_bytes(&[3; 32]).unwrap()),
        pool,
    }
}

impl Fixture {
    fn role(&self, name: &str, trust: &str) {
        self.db
            .write(|tx| {
                create(
                    tx,
                    ACCOUNT,
                    0,
                    &RoleSpec {
                        name: name.into(),
                        trust_policy: trust.into(),
                        ..RoleSpec::default()
                    },
                )
                .map_err(|e| storage::Error::Corrupt {
                    what: "role",
                    reason: e.to_string(),
                })
            })
            .unwrap();
    }

    fn vend(&self, login: Login<'_>, tags: Option<&PrincipalTagMap>) -> Result<Vended, VendError> {
        self.vend_as(IDENTITY, login, tags)
    }

    fn vend_as(
        &self,
        identity_id: &str,
        login: Login<'_>,
        tags: Option<&PrincipalTagMap>,
    ) -> Result<Vended, VendError> {
        self.db.write(|tx| {
            vend(
                tx,
                &self.key,
                1_000,
                &VendRequest {
                    pool: &self.pool,
                    identity_id,
                    login,
                    custom_role_arn: None,
                    principal_tags: tags,
                },
            )
        })
    }
}

fn id_claims() -> Map<String, Value> {
    match json!({"sub": "u-1", "aud": CLIENT, "token_use": "id", "email": "ann@example.com"}) {
        Value::Object(m) => m,
        _ => unreachable!(),
    }
}

fn refused(r: Result<Vended, VendError>) -> (&'static str, VendExplanation) {
    match r {
        Err(VendError::Refused {
            code, explanation, ..
        }) => (code, *explanation),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Why the trust policy refused, from a refusal's explanation.
fn trust_refusal(explanation: VendExplanation) -> String {
    match explanation.trust {
        Some(Trust::Refused { reason, .. }) => reason,
        other => panic!("expected the trust policy to refuse, got {other:?}"),
    }
}

#[test]
fn an_authenticated_login_is_vended_when_the_trust_policy_allows_it() {
    let f = fixture(true);
    f.role("Auth", &trust(&f.pool.id, "authenticated"));
    let claims = id_claims();
    let v = f
        .vend(
            Login::Provider {
                provider: USER_POOL,
                claims: &claims,
            },
            None,
        )
        .unwrap();
    assert_eq!(v.role_arn, format!("arn:aws:iam::{ACCOUNT}:role/Auth"));
    assert!(matches!(v.explanation.trust, Some(Trust::Allowed { .. })));
    assert_eq!(
        v.explanation.amr,
        vec![
            "authenticated".to_string(),
            USER_POOL.to_string(),
            format!("{USER_POOL}:CognitoSignIn:u-1")
        ]
    );
    assert!(!v.explanation.scope_down);
    let c = &v.credentials;
    assert!(c.access_key_id.starts_with("ASIA") && c.access_key_id.len() == 20);
    assert_eq!(c.secret_access_key.len(), 40);
    assert_eq!(c.expiration_ms, 1_000 + 3_600_000);
    // The store finds it by key id and session token, and gives the same secret back.
    let found =
        f.db.read(|r| lookup(r, &f.key, &c.access_key_id, Some(&c.session_token), 2_000))
            .unwrap()
            .unwrap();
    assert_eq!(found.secret_access_key, c.secret_access_key);
    assert_eq!(found.row.identity_id.as_deref(), Some(IDENTITY));
    assert_eq!(found.source.flow, "GetCredentialsForIdentity");
    // A wrong token, an unknown key and an expired credential are refused.
    let check = |id: &str, token: &str, now: i64| {
        f.db.read(|r| lookup(r, &f.key, id, Some(token), now))
            .unwrap()
            .err()
    };
    assert_eq!(
        check(&c.access_key_id, "nope", 2_000),
        Some(Refusal::Invalid)
    );
    assert_eq!(
        check("ASIAAAAAAAAAAAAAAAAA", &c.session_token, 2_000),
        Some(Refusal::Invalid)
    );
    assert_eq!(
        check(&c.access_key_id, &c.session_token, c.expiration_ms),
        Some(Refusal::Expired)
    );
    // Another store's key derives another secret: the credential is not its.
    let other = CredentialKey::derive(&MasterKey::from_bytes(&[4; 32]).unwrap());
    let r =
        f.db.read(|r| lookup(r, &other, &c.access_key_id, Some(&c.session_token), 2_000))
            .unwrap();
    assert_eq!(r.err(), Some(Refusal::Invalid));
}

/// A credential minted without its record (`vend_unrecorded`) proves itself by its sealed
/// token; an edited token, a token moved to another key id, another store's token and an
/// expired one are refused, and the record written later is the one `mint` would have written.
#[test]
fn an_unrecorded_credential_proves_itself_and_refuses_tampering() {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    let f = fixture(true);
    f.role("Auth", &trust(&f.pool.id, "authenticated"));
    let claims = id_claims();
    let (v, row) =
        f.db.read(|r| {
            vend_unrecorded(
                r,
                &f.key,
                1_000,
                &VendRequest {
                    pool: &f.pool,
                    identity_id: IDENTITY,
                    login: Login::Provider {
                        provider: USER_POOL,
                        claims: &claims,
                    },
                    custom_role_arn: None,
                    principal_tags: None,
                },
            )
        })
        .unwrap();
    let c = &v.credentials;
    let check = |id: &str, token: &str, now: i64, key: &CredentialKey| {
        f.db.read(|r| lookup(r, key, id, Some(token), now)).unwrap()
    };
    // No record yet: the token alone proves it, with the session it was minted for.
    assert!(
        f.db.read(|r| storage::credentials::get(r, &c.access_key_id))
            .unwrap()
            .is_none()
    );
    let found = check(&c.access_key_id, &c.session_token, 2_000, &f.key).unwrap();
    assert_eq!(found.secret_access_key, c.secret_access_key);
    assert_eq!(found.row, row);
    assert_eq!(found.row.identity_id.as_deref(), Some(IDENTITY));
    assert_eq!(found.source.flow, "GetCredentialsForIdentity");
    // Every byte of the sealed part flipped in turn: refused.
    let sealed = STANDARD.decode(&c.session_token[4..]).unwrap();
    for i in [0, 12, sealed.len() / 2, sealed.len() - 1] {
        let mut t = sealed.clone();
        t[i] ^= 1;
        let token = format!("PHS1{}", STANDARD.encode(&t));
        assert_eq!(
            check(&c.access_key_id, &token, 2_000, &f.key).err(),
            Some(Refusal::Invalid),
            "byte {i} flipped"
        );
    }
    // The token under another key id, another store's key, past its expiry: refused.
    assert_eq!(
        check("ASIAAAAAAAAAAAAAAAAA", &c.session_token, 2_000, &f.key).err(),
        Some(Refusal::Invalid)
    );
    let other = CredentialKey::derive(&MasterKey::from_bytes(&[4; 32]).unwrap());
    assert_eq!(
        check(&c.access_key_id, &c.session_token, 2_000, &other).err(),
        Some(Refusal::Invalid)
    );
    assert_eq!(
        check(&c.access_key_id, &c.session_token, c.expiration_ms, &f.key).err(),
        Some(Refusal::Expired)
    );
    // Written later, the record holds the digests, role, identity, tags and expiry.
    f.db.write(|tx| credentials::record(tx, &row)).unwrap();
    let stored =
        f.db.read(|r| storage::credentials::get(r, &c.access_key_id))
            .unwrap()
            .unwrap();
    assert_eq!(stored, row);
    assert_eq!(stored.token_digest, tokens::opaque_digest(&c.session_token));
    assert_eq!(stored.expires_at, c.expiration_ms);
}

/// The parsed role is reused only while the stored row is the same: a trust policy changed
/// (even within the same millisecond) is the one the next vend evaluates.
#[test]
fn a_changed_trust_policy_is_the_one_evaluated() {
    let f = fixture(true);
    f.role("Auth", &trust(&f.pool.id, "authenticated"));
    let claims = id_claims();
    let login = Login::Provider {
        provider: USER_POOL,
        claims: &claims,
    };
    f.vend(login, None).unwrap();
    f.vend(login, None).unwrap();
    f.db.write(|tx| {
        crate::roles::update(
            tx,
            0,
            "Auth",
            &crate::roles::RoleUpdate {
                trust_policy: Some(trust("us-east-1:another-pool", "authenticated")),
                ..crate::roles::RoleUpdate::default()
            },
        )
        .map_err(|e| storage::Error::Corrupt {
            what: "role",
            reason: e.to_string(),
        })
    })
    .unwrap();
    let (code, explanation) = refused(f.vend(login, None));
    assert_eq!(code, INVALID_POOL_CONFIGURATION);
    assert!(matches!(explanation.trust, Some(Trust::Refused { .. })));
    f.db.write(|tx| {
        crate::roles::update(
            tx,
            0,
            "Auth",
            &crate::roles::RoleUpdate {
                trust_policy: Some(trust(&f.pool.id, "authenticated")),
                ..crate::roles::RoleUpdate::default()
            },
        )
        .map_err(|e| storage::Error::Corrupt {
            what: "role",
            reason: e.to_string(),
        })
    })
    .unwrap();
    f.vend(login, None).unwrap();
}

#[test]
fn a_trust_policy_on_the_identity_judges_each_identity_again() {
    // Verdicts are kept between vends (vend/verdicts.rs); one that reads `:sub` is kept per
    // identity, so one identity's refusal is never another's.
    let f = fixture(true);
    let banned = "us-east-1:00000000-0000-4000-8000-00000000dead";
    f.role(
        "Auth",
        &trust_with(json!({
            "StringEquals": {"cognito-identity.amazonaws.com:aud": f.pool.id.as_str()},
            "StringNotEquals": {"cognito-identity.amazonaws.com:sub": banned}
        })),
    );
    let claims = id_claims();
    let login = Login::Provider {
        provider: USER_POOL,
        claims: &claims,
    };
    for _ in 0..2 {
        f.vend_as(IDENTITY, login, None).unwrap();
        let (code, explanation) = refused(f.vend_as(banned, login, None));
        assert_eq!(code, INVALID_POOL_CONFIGURATION);
        let reason = trust_refusal(explanation);
        assert!(
            reason.contains("cognito-identity.amazonaws.com:sub"),
            "{reason}"
        );
    }
}

#[test]
fn a_trust_policy_for_another_pool_refuses_naming_the_aud_condition() {
    let f = fixture(true);
    f.role(
        "Auth",
        &trust(
            "us-east-1:12345678-dead-beef-cafe-123456790ab",
            "authenticated",
        ),
    );
    let claims = id_claims();
    let (code, e) = refused(f.vend(
        Login::Provider {
            provider: USER_POOL,
            claims: &claims,
        },
        None,
    ));
    assert_eq!(code, "InvalidIdentityPoolConfigurationException");
    match e.trust {
        Some(Trust::Refused {
            sts_code,
            sts_message,
            reason,
        }) => {
            assert_eq!(sts_code, "AccessDenied");
            assert_eq!(
                sts_message,
                "Not authorized to perform sts:AssumeRoleWithWebIdentity"
            );
            assert!(
                reason.contains("cognito-identity.amazonaws.com:aud"),
                "{reason}"
            );
            assert!(reason.contains(f.pool.id.as_str()), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.summary.contains("AccessDenied"), "{}", e.summary);
}

#[test]
fn the_unauthenticated_role_trusts_guests_only() {
    let f = fixture(true);
    // The role for guests, as the guide writes it; an authenticated login mapped to it fails.
    f.role("Guest", &trust(&f.pool.id, "unauthenticated"));
    f.role("Auth", &trust(&f.pool.id, "unauthenticated"));
    let v = f.vend(Login::Guest, None).unwrap();
    assert_eq!(v.role_arn, format!("arn:aws:iam::{ACCOUNT}:role/Guest"));
    assert!(v.explanation.scope_down);
    assert_eq!(v.explanation.amr, vec!["unauthenticated".to_string()]);
    let claims = id_claims();
    let (_, e) = refused(f.vend(
        Login::Provider {
            provider: USER_POOL,
            claims: &claims,
        },
        None,
    ));
    let reason = trust_refusal(e);
    assert!(
        reason.contains("cognito-identity.amazonaws.com:amr"),
        "{reason}"
    );
}

#[test]
fn for_any_value_string_like_on_amr_trusts_one_provider() {
    // The guide's "trusts only users that logged in via Facebook" variant, on a user pool.
    let f = fixture(true);
    f.role(
        "Auth",
        &trust(&f.pool.id, "cognito-idp.us-east-1.amazonaws.com/*"),
    );
    let claims = id_claims();
    f.vend(
        Login::Provider {
            provider: USER_POOL,
            claims: &claims,
        },
        None,
    )
    .unwrap();
    let f = fixture(true);
    f.role("Auth", &trust(&f.pool.id, "graph.facebook.com"));
    refused(f.vend(
        Login::Provider {
            provider: USER_POOL,
            claims: &claims,
        },
        None,
    ));
}

#[test]
fn a_role_unknown_to_the_workspace_is_vended_with_trust_not_checked() {
    let f = fixture(true);
    let claims = id_claims();
    let v = f
        .vend(
            Login::Provider {
                provider: USER_POOL,
                claims: &claims,
            },
            None,
        )
        .unwrap();
    assert_eq!(v.explanation.role_record, Some(RoleRecord::Unknown));
    match &v.explanation.trust {
        Some(Trust::NotChecked { reason }) => {
            assert!(reason.contains("not a role of this workspace"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn principal_tags_need_sts_tag_session() {
    let f = fixture(true);
    f.role("Auth", &trust(&f.pool.id, "authenticated"));
    let claims = id_claims();
    let map = PrincipalTagMap {
        use_defaults: true,
        principal_tags: BTreeMap::new(),
    };
    let (code, e) = refused(f.vend(
        Login::Provider {
            provider: USER_POOL,
            claims: &claims,
        },
        Some(&map),
    ));
    assert_eq!(code, "InvalidIdentityPoolConfigurationException");
    assert_eq!(e.session_tags.len(), 2, "{:?}", e.session_tags);
    match e.trust {
        Some(Trust::Refused { sts_message, .. }) => {
            assert_eq!(sts_message, "Not authorized to perform sts:TagSession")
        }
        other => panic!("{other:?}"),
    }
    // The guide's ABAC trust policy lists both actions.
    let f = fixture(true);
    let with_tags = trust(&f.pool.id, "authenticated").replace(
        "\"sts:AssumeRoleWithWebIdentity\"",
        "[\"sts:AssumeRoleWithWebIdentity\",\"sts:TagSession\"]",
    );
    f.role("Auth", &with_tags);
    let v = f
        .vend(
            Login::Provider {
                provider: USER_POOL,
                claims: &claims,
            },
            Some(&map),
        )
        .unwrap();
    let stored =
        f.db.read(|r| {
            lookup(
                r,
                &f.key,
                &v.credentials.access_key_id,
                Some(&v.credentials.session_token),
                2_000,
            )
        })
        .unwrap()
        .unwrap();
    let tags = tag_map(&stored.tags);
    assert_eq!(tags.get("username").map(String::as_str), Some("u-1"));
    assert_eq!(tags.get("client").map(String::as_str), Some(CLIENT));
}

#[test]
fn guests_of_a_pool_without_guests_are_refused() {
    let f = fixture(false);
    let (code, _) = refused(f.vend(Login::Guest, None));
    assert_eq!(code, "NotAuthorizedException");
}

#[test]
fn the_guest_scope_down_policy_parses_and_limits_guests() {
    use crate::policy::{Context, Decision, Request, decide_only};
    let scope = guest_scope_down().unwrap();
    let all = NamedPolicy::new(
        "admin",
        PolicyDocument::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            PolicyKind::Permissions,
        )
        .unwrap(),
    );
    let ctx = Context::new();
    let ask = |action| Request {
        action,
        resource: Some("arn:aws:s3:::photos/a.jpg"),
        principal: None,
        context: &ctx,
    };
    let policies = std::slice::from_ref(&all);
    assert_eq!(
        decide_only(policies, Some(scope), &ask("s3:GetObject")),
        Decision::Allowed
    );
    assert_eq!(
        decide_only(policies, Some(scope), &ask("iam:CreateUser")),
        Decision::ImplicitDeny
    );
}
