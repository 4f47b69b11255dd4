//! Trust verdicts kept between vends.
//!
//! A trust policy's verdict is a function of the policy and of the request context Cognito
//! presents: the pool id (`:aud`), the `amr`, the session tags, and the identity id (`:sub`).
//! Every vend for the same role and the same context gets the same verdict, so it is evaluated
//! once and kept. The identity id is part of the key only when the policy reads it (a condition
//! on `cognito-identity.amazonaws.com:sub` or a `${…:sub}` variable); otherwise one verdict
//! serves every identity of the pool that signs in the same way.
//!
//! A verdict is kept beside the parsed role it was evaluated for ([`roles::load_shared`] hands
//! out one `Arc` per role content) and answered only for that same `Arc`: a changed role parses
//! into a new one, so no verdict outlives the policy it judged. The kept `Arc` keeps the old
//! role alive until the map starts over, so its address cannot be reused by another role.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::Trust;
use crate::policy::KEY_SUB;
use crate::roles::Role;

/// More verdicts than this and the map starts over (a bound, not a tuning knob).
const MAX: usize = 1024;

type Kept = HashMap<Vec<u8>, (Arc<Role>, Trust)>;

fn kept() -> &'static Mutex<Kept> {
    static KEPT: OnceLock<Mutex<Kept>> = OnceLock::new();
    KEPT.get_or_init(|| Mutex::new(HashMap::new()))
}

/// What a verdict depends on, as bytes: every part prefixed by its length, so no two
/// contexts share a key.
pub(super) fn key(
    role: &Role,
    pool_id: &str,
    identity_id: &str,
    amr: &[String],
    session_tags: &[(String, String)],
) -> Vec<u8> {
    fn part(key: &mut Vec<u8>, s: &str) {
        key.extend_from_slice(&s.len().to_le_bytes());
        key.extend_from_slice(s.as_bytes());
    }
    let mut key = Vec::with_capacity(256);
    part(&mut key, &role.row.arn);
    part(&mut key, pool_id);
    let sub = if role.trust.document.reads(KEY_SUB) {
        identity_id
    } else {
        ""
    };
    part(&mut key, sub);
    for a in amr {
        part(&mut key, a);
    }
    // The tags after a marker no amr entry's length can be.
    key.extend_from_slice(&usize::MAX.to_le_bytes());
    for (k, v) in session_tags {
        part(&mut key, k);
        part(&mut key, v);
    }
    key
}

/// The verdict kept for `key`, if it was reached for this very `role`.
pub(super) fn get(role: &Arc<Role>, key: &[u8]) -> Option<Trust> {
    let kept = kept().lock().ok()?;
    kept.get(key)
        .filter(|(judged, _)| Arc::ptr_eq(judged, role))
        .map(|(_, trust)| trust.clone())
}

/// Keeps the verdict reached for `role` in the context `key` names.
pub(super) fn put(role: &Arc<Role>, key: Vec<u8>, trust: &Trust) {
    let Ok(mut kept) = kept().lock() else {
        return;
    };
    if kept.len() >= MAX {
        kept.clear();
    }
    kept.insert(key, (Arc::clone(role), trust.clone()));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::roles;
    use storage::roles::RoleRow;

    fn role(trust_policy: &str) -> Role {
        roles::parsed(RoleRow {
            pk: 1,
            name: "r".into(),
            path: "/".into(),
            arn: "arn:aws:iam::123456789012:role/r".into(),
            role_id: "AROAEXAMPLE".into(),
            description: None,
            trust_policy: trust_policy.into(),
            max_session_duration: 3600,
            policies: Default::default(),
            created_at: 0,
            updated_at: 0,
        })
        .unwrap()
    }

    const AUD_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Federated":"cognito-identity.amazonaws.com"},
        "Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:p"}}}]}"#;
    const READS_SUB: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Federated":"cognito-identity.amazonaws.com"},
        "Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{"StringNotEquals":{"Cognito-Identity.amazonaws.com:SUB":"us-east-1:x"}}}]}"#;
    const SUB_VARIABLE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Federated":"cognito-identity.amazonaws.com"},
        "Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{"StringLike":{"aws:RequestTag/owner":"${cognito-identity.amazonaws.com:sub}"}}}]}"#;

    fn amr(entries: &[&str]) -> Vec<String> {
        entries.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn the_identity_is_part_of_the_key_only_when_the_policy_reads_it() {
        let a = amr(&["authenticated"]);
        let aud_only = role(AUD_ONLY);
        assert_eq!(
            key(&aud_only, "us-east-1:p", "us-east-1:one", &a, &[]),
            key(&aud_only, "us-east-1:p", "us-east-1:two", &a, &[])
        );
        for policy in [READS_SUB, SUB_VARIABLE] {
            let reads = role(policy);
            assert_ne!(
                key(&reads, "us-east-1:p", "us-east-1:one", &a, &[]),
                key(&reads, "us-east-1:p", "us-east-1:two", &a, &[]),
                "{policy}"
            );
        }
    }

    #[test]
    fn contexts_that_differ_anywhere_have_different_keys() {
        let r = role(AUD_ONLY);
        let base = key(&r, "p", "i", &amr(&["a", "b"]), &[]);
        assert_ne!(base, key(&r, "q", "i", &amr(&["a", "b"]), &[]));
        assert_ne!(base, key(&r, "p", "i", &amr(&["ab"]), &[]));
        assert_ne!(base, key(&r, "p", "i", &amr(&["a"]), &[]));
        let tagged = [("k".to_string(), "v".to_string())];
        assert_ne!(base, key(&r, "p", "i", &amr(&["a", "b"]), &tagged));
        // Lengths keep the parts apart: ["a", "b"] is not ["a:b"] nor a tag.
        assert_ne!(
            key(&r, "p", "i", &amr(&["a"]), &[("b".into(), "c".into())]),
            key(&r, "p", "i", &amr(&["a", "b", "c"]), &[])
        );
    }

    #[test]
    fn a_verdict_is_answered_only_for_the_role_it_was_reached_for() {
        let first = Arc::new(role(AUD_ONLY));
        let same_content = Arc::new(role(AUD_ONLY));
        let trust = Trust::Allowed {
            summary: "allowed".into(),
        };
        let k = key(
            &first,
            "p-verdicts-test",
            "i",
            &amr(&["authenticated"]),
            &[],
        );
        put(&first, k.clone(), &trust);
        assert_eq!(get(&first, &k), Some(trust));
        assert_eq!(
            get(&same_content, &k),
            None,
            "another parse is another role"
        );
        assert_eq!(get(&first, b"another key"), None);
    }
}
