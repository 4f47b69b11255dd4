//! Authorization codes: random, handed out once, stored as their digest only, single use, five
//! minutes, bound to the client, the redirect URI, the PKCE challenge, the scopes, the nonce
//! and the sign-in (its user and `auth_time`).

use storage::authorization_codes::{self as store, CodeRow, NewCode};
use storage::users::UserRow;
use storage::{Read, Tx};

use super::authorize::Authorized;
use super::pkce::{self, Method};
use super::{CODE_LIFETIME_MS, MAX_PARAMETER, OAuthCode, OAuthError, Refusable};
use crate::{Error, Result};

/// Issues a code for `user`, signed in at `auth_time` (s), for an authorized request. Answers
/// the code's text (never stored).
pub fn issue(
    tx: &Tx<'_>,
    a: &Authorized,
    user: &UserRow,
    auth_time: i64,
    now: i64,
) -> Result<String> {
    let code = tokens::new_opaque_token().map_err(|e| Error::Crypto(e.to_string()))?;
    store::insert(
        tx,
        &NewCode {
            digest: &tokens::opaque_digest(&code),
            client: a.sc.client.pk,
            user: user.pk,
            redirect_uri: &a.redirect_uri,
            scopes: &a.scopes,
            code_challenge: a.challenge.as_ref().map(|(c, _)| c.as_str()),
            code_challenge_method: a.challenge.as_ref().map(|(_, m)| m.as_str()),
            nonce: a.nonce.as_deref(),
            auth_time,
            now,
            expires_at: now + CODE_LIFETIME_MS,
        },
    )?;
    Ok(code)
}

/// What a token request presents with a code.
#[derive(Debug, Clone, Copy)]
pub struct Presented<'a> {
    pub code: &'a str,
    /// The client that authenticated (its key).
    pub client: i64,
    pub redirect_uri: &'a str,
    pub code_verifier: Option<&'a str>,
}

/// Checks a code without taking it: it exists and is live, was issued to this client for this
/// redirect URI, and the verifier answers its PKCE challenge. Every refusal is `invalid_grant`
/// (RFC 6749 §5.2). Reads only, so a refused request changes nothing.
pub fn check(r: &impl Read, p: &Presented<'_>, now: i64) -> Result<Refusable<CodeRow>> {
    let grant = |d: &str| Ok(Err(OAuthError::new(OAuthCode::InvalidGrant, d)));
    if p.code.is_empty() || p.code.len() > MAX_PARAMETER {
        return grant("the authorization code is not valid");
    }
    let Some(row) = store::by_digest(r, &tokens::opaque_digest(p.code))? else {
        return grant("the authorization code is not valid, or was already used");
    };
    if row.expires_at <= now {
        return grant("the authorization code has expired");
    }
    if row.client != p.client {
        return grant("the authorization code was issued to another client");
    }
    if row.redirect_uri != p.redirect_uri {
        return grant("redirect_uri is not the one the authorization code was issued for");
    }
    if let Some(challenge) = &row.code_challenge {
        let method = row
            .code_challenge_method
            .as_deref()
            .and_then(Method::parse)
            .unwrap_or(Method::Plain);
        match p.code_verifier.filter(|v| !v.is_empty()) {
            None => return grant("code_verifier is required: the code was issued with PKCE"),
            Some(v) if !pkce::verifies(method, challenge, v) => {
                return grant("code_verifier does not match the code_challenge");
            }
            Some(_) => {}
        }
    }
    Ok(Ok(row))
}

/// Takes a checked code in the write that redeems it: `None` when another request took it
/// first (the code is then spent).
pub fn take(tx: &Tx<'_>, code: &str) -> Result<Option<CodeRow>> {
    Ok(store::take(tx, &tokens::opaque_digest(code))?)
}
