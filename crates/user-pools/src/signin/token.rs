//! The tokens of a sign-in: their claims, signing, `REFRESH_TOKEN_AUTH`, checking an access
//! token, revoking and signing out. A user's sign-ins are their refresh tokens; ID and access
//! tokens name theirs by `origin_jti`, so revoking one ends all three.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use storage::groups::{self as group_store, GroupRow};
use storage::pools::PoolRow;
use storage::refresh_tokens::{self, RefreshRow};
use storage::users::{self as user_store, UserRow};
use storage::{Read, Tx};

use super::{SignIn, SignInClient, Step, check_secret_hash};
use crate::keys::PoolKeys;
use crate::{Error, Result};

/// How stale a refresh token's "last used" time may get before a refresh records it again, in
/// ms. Recording every use made every refresh a write transaction (writers are serialised
/// and each commit costs a WAL append; docs/benchmarks.md, finding 11); a minute is finer
/// than anyone reads a session list.
pub const LAST_USED_GRANULARITY_MS: i64 = 60_000;

/// `REFRESH_TOKEN_AUTH`: the sign-in the refresh token belongs to, if it is still good, and
/// the sign-in to mark as used now ([`refresh_tokens::touch`]) if its last use is older than
/// [`LAST_USED_GRANULARITY_MS`].
pub fn refresh(
    tx: &impl Read,
    master: &tokens::MasterKey,
    sc: &SignInClient,
    refresh_token: &str,
    secret_hash: Option<&str>,
    step: &Step<'_>,
) -> Result<(SignIn, Option<i64>)> {
    let invalid_token = || Error::NotAuthorized("Invalid Refresh Token".into());
    if refresh_token.is_empty() || refresh_token.len() > 2048 {
        return Err(invalid_token());
    }
    let Some(row) = refresh_tokens::by_digest(tx, &tokens::opaque_digest(refresh_token))? else {
        return Err(invalid_token());
    };
    let s = resume(tx, sc, &row, step.now, |user| {
        check_secret_hash(
            master,
            &sc.client,
            &[user.username.as_str(), user.sub.as_str()],
            secret_hash,
        )
    })?;
    let touch = row
        .last_used_at
        .is_none_or(|at| step.now.saturating_sub(at) >= LAST_USED_GRANULARITY_MS)
        .then_some(row.pk);
    Ok((s, touch))
}

/// The sign-in a stored refresh token continues, if it still may: issued to this client, not
/// revoked, not expired, its user there and enabled. `authenticate` checks the caller against
/// the user (`SECRET_HASH`) before the user's state is told.
pub(super) fn resume(
    r: &impl Read,
    sc: &SignInClient,
    row: &RefreshRow,
    now: i64,
    authenticate: impl FnOnce(&UserRow) -> Result<()>,
) -> Result<SignIn> {
    let invalid_token = || Error::NotAuthorized("Invalid Refresh Token".into());
    if row.client != sc.client.pk {
        return Err(invalid_token());
    }
    if row.revoked_at.is_some() {
        return Err(Error::NotAuthorized(
            "Refresh Token has been revoked".into(),
        ));
    }
    if row.expires_at <= now {
        return Err(Error::NotAuthorized("Refresh Token has expired".into()));
    }
    let user = user_store::get_by_pk(r, row.user)?.ok_or_else(invalid_token)?;
    authenticate(&user)?;
    if !user.enabled {
        return Err(Error::NotAuthorized("User is disabled.".into()));
    }
    let groups = group_store::for_user(r, user.pk)?;
    Ok(SignIn {
        user,
        groups,
        origin_jti: row.origin_jti.clone(),
        auth_time: row.auth_time,
        event_id: tokens::new_jti(),
        refresh_token: None,
        scopes: row.scopes.clone(),
        nonce: None,
    })
}

/// The signed tokens of a sign-in.
#[derive(Debug, Clone)]
pub struct Minted {
    pub id_token: String,
    pub access_token: String,
    /// The access token's lifetime in seconds (`ExpiresIn`).
    pub expires_in: u64,
}

/// The issuer of a pool's tokens: `base` (Cognito's
/// `https://cognito-idp.<region>.amazonaws.com` unless the workspace sets its own) and the id.
pub fn issuer(base: Option<&str>, pool_id: &str) -> String {
    match base {
        Some(b) => format!("{}/{pool_id}", b.trim_end_matches('/')),
        None => {
            let region = pool_id.split_once('_').map_or("us-east-1", |(r, _)| r);
            format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}")
        }
    }
}

/// Groups in Cognito's token order: by precedence (unset last), then name.
fn ordered(groups: &[GroupRow]) -> Vec<&GroupRow> {
    let mut g: Vec<&GroupRow> = groups.iter().collect();
    g.sort_by(|a, b| {
        (a.precedence.is_none(), a.precedence, &a.name).cmp(&(
            b.precedence.is_none(),
            b.precedence,
            &b.name,
        ))
    });
    g
}

/// An attribute as an ID token claim, typed as Cognito types it: the verification flags are
/// booleans, `updated_at` a number of seconds, `address` OIDC's address object with the stored
/// string as `formatted`; everything else, custom attributes included, a string.
fn id_claim(name: &str, value: &str) -> Value {
    match name {
        "email_verified" | "phone_number_verified" => json!(value == "true"),
        "updated_at" => value
            .parse::<i64>()
            .map_or_else(|_| json!(value), |secs| json!(secs)),
        "address" => json!({ "formatted": value }),
        // A federated or linked user's provider identities: Cognito's JSON array.
        "identities" => serde_json::from_str(value).unwrap_or_else(|_| json!(value)),
        _ => json!(value),
    }
}

/// The claims of the ID and access tokens of a sign-in, before signing.
pub fn claims(sc: &SignInClient, s: &SignIn, issuer: &str, now_ms: i64) -> (Value, Value) {
    let (access_secs, id_secs, _) = sc.client.settings.lifetimes_secs();
    let iat = now_ms.div_euclid(1000);
    let groups = ordered(&s.groups);
    let group_names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    let roles: Vec<&str> = groups
        .iter()
        .filter_map(|g| g.role_arn.as_deref())
        .collect();
    let preferred = groups.iter().find_map(|g| g.role_arn.as_deref());

    let mut id = Map::new();
    id.insert("sub".into(), json!(s.user.sub));
    if !group_names.is_empty() {
        id.insert("cognito:groups".into(), json!(group_names));
    }
    let readable = &sc.client.settings.read_attributes;
    let scopes = s.scopes.as_deref();
    for (name, value) in &s.user.attributes {
        let always = name == "identities";
        if name == "sub"
            || (!always && !readable.is_empty() && !readable.contains(name))
            || (!always && !scopes.is_none_or(|sc| crate::oauth::scopes_release(sc, name)))
        {
            continue;
        }
        id.insert(name.clone(), id_claim(name, value));
    }
    id.insert("iss".into(), json!(issuer));
    id.insert("cognito:username".into(), json!(s.user.username));
    if !roles.is_empty() {
        id.insert("cognito:roles".into(), json!(roles));
    }
    if let Some(p) = preferred {
        id.insert("cognito:preferred_role".into(), json!(p));
    }
    id.insert("origin_jti".into(), json!(s.origin_jti));
    id.insert("aud".into(), json!(sc.client.client_id));
    id.insert("event_id".into(), json!(s.event_id));
    id.insert("token_use".into(), json!("id"));
    id.insert("auth_time".into(), json!(s.auth_time));
    if let Some(n) = &s.nonce {
        id.insert("nonce".into(), json!(n));
    }
    id.insert("exp".into(), json!(iat + id_secs as i64));
    id.insert("iat".into(), json!(iat));
    id.insert("jti".into(), json!(tokens::new_jti()));

    let mut access = Map::new();
    access.insert("sub".into(), json!(s.user.sub));
    if !group_names.is_empty() {
        access.insert("cognito:groups".into(), json!(group_names));
    }
    access.insert("iss".into(), json!(issuer));
    access.insert("client_id".into(), json!(sc.client.client_id));
    access.insert("origin_jti".into(), json!(s.origin_jti));
    access.insert("event_id".into(), json!(s.event_id));
    access.insert("token_use".into(), json!("access"));
    access.insert(
        "scope".into(),
        json!(scopes.unwrap_or(crate::oauth::ADMIN_SCOPE)),
    );
    access.insert("auth_time".into(), json!(s.auth_time));
    access.insert("exp".into(), json!(iat + access_secs as i64));
    access.insert("iat".into(), json!(iat));
    access.insert("jti".into(), json!(tokens::new_jti()));
    access.insert("username".into(), json!(s.user.username));
    (Value::Object(id), Value::Object(access))
}

/// Signs the tokens of a sign-in.
pub fn mint(
    keys: &PoolKeys,
    sc: &SignInClient,
    s: &SignIn,
    issuer: &str,
    now_ms: i64,
) -> Result<Minted> {
    let (id, access) = claims(sc, s, issuer, now_ms);
    sign(keys, sc.client.settings.lifetimes_secs().0, &id, &access)
}

/// Signs claims already made (and perhaps changed by a pre token generation hook), for an
/// access token that lasts `expires_in` seconds.
pub fn sign(keys: &PoolKeys, expires_in: u64, id: &Value, access: &Value) -> Result<Minted> {
    let crypto = |e: tokens::Error| Error::Crypto(e.to_string());
    Ok(Minted {
        id_token: keys.id.sign_jwt(id).map_err(crypto)?,
        access_token: keys.access.sign_jwt(access).map_err(crypto)?,
        expires_in,
    })
}

/// Signs the tokens of an OAuth sign-in (the hosted pages, the token endpoint): the access
/// token first, so that the ID token carries its `at_hash` (OpenID Connect Core §3.1.3.6), as
/// Cognito's hosted UI tokens do.
pub fn sign_oauth(
    keys: &PoolKeys,
    expires_in: u64,
    mut id: Map<String, Value>,
    access: &Value,
) -> Result<Minted> {
    let crypto = |e: tokens::Error| Error::Crypto(e.to_string());
    let access_token = keys.access.sign_jwt(access).map_err(crypto)?;
    id.insert("at_hash".into(), json!(tokens::at_hash(&access_token)));
    Ok(Minted {
        id_token: keys.id.sign_jwt(&Value::Object(id)).map_err(crypto)?,
        access_token,
        expires_in,
    })
}

/// A checked access token: the user and sign-in it belongs to.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: UserRow,
    pub session: RefreshRow,
    /// The verified token (its claims are decoded on demand).
    pub token: tokens::VerifiedToken,
}

/// Checks an access token for the operations that take one (`GetUser`, `GlobalSignOut`,
/// `ChangePassword`, ...): signature, expiry, issuer, `token_use`, that its sign-in has not
/// been revoked and its user is still enabled, and that it is not a test token. A test token
/// (`EncodeTestToken`, header member `poolhouse:test`) may be signed with the pool's own key and
/// copy a live sign-in's claims; it is never accepted.
pub fn authenticate(
    r: &impl Read,
    keys: &PoolKeys,
    pool: &PoolRow,
    token: &str,
    issuer: &str,
    now_ms: i64,
) -> Result<Authenticated> {
    match judge(r, keys, pool, token, issuer, now_ms, true)? {
        Judged::Minted(a) => Ok(a),
        Judged::TestToken(_) => Err(test_token_refused()),
    }
}

/// Checks an access token as [`authenticate`] does, whatever scopes it carries: for the
/// endpoints that look at its scopes themselves (`/oauth2/userInfo`).
pub fn authenticate_any_scope(
    r: &impl Read,
    keys: &PoolKeys,
    pool: &PoolRow,
    token: &str,
    issuer: &str,
    now_ms: i64,
) -> Result<Authenticated> {
    match judge(r, keys, pool, token, issuer, now_ms, false)? {
        Judged::Minted(a) => Ok(a),
        Judged::TestToken(_) => Err(test_token_refused()),
    }
}

/// The refusal of a test token where a real one is needed.
pub fn test_token_refused() -> Error {
    Error::NotAuthorized(format!(
        "Invalid Access Token: a test token (header `{}`) is never accepted",
        tokens::inspect::TEST_TOKEN_HEADER
    ))
}

/// An access token that passed every check of [`authenticate`] but the last, by who made it.
#[derive(Debug, Clone)]
pub enum Judged {
    /// Minted by a sign-in: [`authenticate`] accepts it.
    Minted(Authenticated),
    /// Made by the test-token encoder: [`authenticate`] refuses it; the inspector reports on it.
    TestToken(Authenticated),
}

/// Every check of [`authenticate`] but the refusal of test tokens, for the token inspector,
/// which reports on test tokens rather than accepting them. Authorise nothing with it.
pub fn judge_access_token(
    r: &impl Read,
    keys: &PoolKeys,
    pool: &PoolRow,
    token: &str,
    issuer: &str,
    now_ms: i64,
) -> Result<Judged> {
    judge(r, keys, pool, token, issuer, now_ms, false)
}

/// The checks of an access token; `need_admin`: the token must carry
/// `aws.cognito.signin.user.admin`, as Cognito asks of the operations a user calls with an
/// access token (an OAuth token granted other scopes only, or a client's own token, is
/// refused before anything else is looked up).
fn judge(
    r: &impl Read,
    keys: &PoolKeys,
    pool: &PoolRow,
    token: &str,
    issuer: &str,
    now_ms: i64,
    need_admin: bool,
) -> Result<Judged> {
    let invalid_token = || Error::NotAuthorized("Invalid Access Token".into());
    let verified = keys
        .verifier
        .verify(token, now_ms.div_euclid(1000), 0)
        .map_err(|e| match e {
            tokens::Error::Expired { .. } => {
                Error::NotAuthorized("Access Token has expired".into())
            }
            _ => invalid_token(),
        })?;
    let test_token = verified
        .header()
        .contains_key(tokens::inspect::TEST_TOKEN_HEADER);
    if verified.str_claim("token_use") != Some("access")
        || verified.str_claim("iss") != Some(issuer)
    {
        return Err(invalid_token());
    }
    if need_admin
        && !verified
            .str_claim("scope")
            .is_some_and(|s| s.split(' ').any(|x| x == crate::oauth::ADMIN_SCOPE))
    {
        return Err(Error::NotAuthorized(
            "Access Token does not have required scopes".into(),
        ));
    }
    let origin = verified.str_claim("origin_jti").ok_or_else(invalid_token)?;
    let revoked = || Error::NotAuthorized("Access Token has been revoked".into());
    let session = refresh_tokens::by_origin(r, origin)?.ok_or_else(revoked)?;
    if session.revoked_at.is_some() {
        return Err(revoked());
    }
    let user = user_store::get_by_pk(r, session.user)?.ok_or_else(revoked)?;
    if user.pool != pool.pk || verified.str_claim("sub") != Some(user.sub.as_str()) {
        return Err(invalid_token());
    }
    if !user.enabled {
        return Err(Error::NotAuthorized("User is disabled.".into()));
    }
    let a = Authenticated {
        user,
        session,
        token: verified,
    };
    Ok(if test_token {
        Judged::TestToken(a)
    } else {
        Judged::Minted(a)
    })
}

/// Signs a user out everywhere: every refresh token, and with them every ID and access token,
/// is revoked. Answers how many sign-ins ended.
pub fn sign_out_everywhere(tx: &Tx<'_>, user: &UserRow, now: i64) -> Result<usize> {
    Ok(refresh_tokens::revoke_user(tx, user.pk, now)?)
}

/// A user's sign-ins (refresh tokens), newest first.
pub fn sessions(r: &impl Read, user: &UserRow, limit: u32) -> Result<Vec<RefreshRow>> {
    Ok(refresh_tokens::for_user(r, user.pk, limit)?)
}

/// The client ids of the clients sessions belong to, by key.
pub fn client_ids(r: &impl Read, sessions: &[RefreshRow]) -> Result<BTreeMap<i64, String>> {
    let mut out = BTreeMap::new();
    for s in sessions {
        if !out.contains_key(&s.client)
            && let Some(c) = storage::clients::get_by_pk(r, s.client)?
        {
            out.insert(s.client, c.client_id);
        }
    }
    Ok(out)
}

/// The sign-in a token descends from, by the `origin_jti` every token of it carries.
pub fn sign_in_by_origin(r: &impl Read, origin_jti: &str) -> Result<Option<RefreshRow>> {
    Ok(storage::refresh_tokens::by_origin(r, origin_jti)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_is_cognitos_unless_the_workspace_sets_one() {
        assert_eq!(
            issuer(None, "eu-west-1_abc"),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"
        );
        assert_eq!(
            issuer(Some("http://127.0.0.1:9229/"), "eu-west-1_abc"),
            "http://127.0.0.1:9229/eu-west-1_abc"
        );
    }
}
