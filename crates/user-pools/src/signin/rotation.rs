//! Refresh-token rotation (`RefreshTokenRotation` on the app client) and
//! `GetTokensFromRefreshToken`.
//!
//! A sign-in keeps its row in `refresh_tokens` (and its `origin_jti`, so the ID and access
//! tokens it minted stay tied to it) for its whole life; rotation only replaces the digest of
//! its current refresh token, and the new token runs out when the sign-in does (Cognito: a
//! rotated refresh token keeps its predecessor's expiry). The replaced token is kept by digest
//! (`storage::refresh_rotations`) with the end of its grace period:
//! - presented before that end, it works again (a client's retry after a lost answer): the
//!   sign-in rotates once more, and the token that retry replaces gets no grace of its own;
//! - presented after it, it is a reuse: Cognito refuses it (`RefreshTokenReuseException`);
//!   Poolhouse also revokes the sign-in it belongs to, as OAuth 2.0's security best current
//!   practice advises (a replayed token means one of two parties holds a stolen one, and which
//!   cannot be told), so its current refresh token and its ID and access tokens end too.
//!
//! Only the replaced token most recently presented keeps a grace period: each rotation ends
//! the grace of the others, so an older token is a reuse as soon as a newer one was used.

use storage::clients::ClientRow;
use storage::refresh_rotations;
use storage::refresh_tokens::{self, RefreshRow};
use storage::{Read, Tx};

use super::token::resume;
use super::{SignIn, SignInClient};
use crate::{Error, Result, invalid};

/// Where a presented refresh token stands in its sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The sign-in's current refresh token.
    Current,
    /// Replaced by rotation, still in its grace period.
    InGrace,
    /// Replaced by rotation, its grace period over.
    Reused,
}

/// A presented refresh token's sign-in and where the token stands in it.
#[derive(Debug, Clone)]
pub struct Presented {
    pub session: RefreshRow,
    pub standing: Standing,
}

/// What a refresh with a presented token may do.
#[derive(Debug, Clone)]
pub enum Refresh {
    /// Mint for this sign-in, then [`rotate`] (or touch) it.
    Mint(Presented, Box<SignIn>),
    /// A rotated-out token used again: [`revoke_family`] in a write that commits, then answer
    /// [`reuse_refused`].
    Reused(RefreshRow),
}

fn invalid_token() -> Error {
    Error::NotAuthorized("Invalid Refresh Token".into())
}

/// The refusal of a reused rotated-out token.
pub fn reuse_refused() -> Error {
    Error::RefreshTokenReuse(
        "Refresh Token has been invalidated by refresh token rotation; its sign-in is revoked"
            .into(),
    )
}

/// The sign-in of a refresh token's digest, current or rotated out, and where it stands.
pub fn find(r: &impl Read, digest: &[u8], now: i64) -> Result<Option<Presented>> {
    if let Some(session) = refresh_tokens::by_digest(r, digest)? {
        return Ok(Some(Presented {
            session,
            standing: Standing::Current,
        }));
    }
    let Some(rotated) = refresh_rotations::by_digest(r, digest)? else {
        return Ok(None);
    };
    let Some(session) = refresh_tokens::get_by_pk(r, rotated.session)? else {
        return Ok(None);
    };
    let standing = if now < rotated.valid_until {
        Standing::InGrace
    } else {
        Standing::Reused
    };
    Ok(Some(Presented { session, standing }))
}

/// The sign-in a refresh token (current or rotated out) belongs to.
pub fn session_of(r: &impl Read, digest: &[u8]) -> Result<Option<RefreshRow>> {
    Ok(find(r, digest, i64::MAX)?.map(|p| p.session))
}

/// `RevokeToken`: revokes the refresh token (and its access tokens). An unknown token is not an
/// error (RFC 7009); one issued to another client is.
pub fn revoke(tx: &Tx<'_>, client: &ClientRow, token: &str, now: i64) -> Result<()> {
    if !client.settings.enable_token_revocation {
        return Err(Error::UnsupportedOperation(
            "Token revocation is not enabled for this app client".into(),
        ));
    }
    if token.is_empty() || token.len() > 2048 {
        return Err(invalid("Token", "must be 1–2048 characters"));
    }
    // A token rotation replaced still names its sign-in.
    let Some(row) = session_of(tx, &tokens::opaque_digest(token))? else {
        return Ok(());
    };
    if row.client != client.pk {
        return Err(Error::NotAuthorized(
            "The refresh token was not issued to this client".into(),
        ));
    }
    refresh_tokens::revoke(tx, row.pk, now)?;
    Ok(())
}

/// `GetTokensFromRefreshToken`'s read, once the client is authenticated: the sign-in a
/// refresh token continues, or the reuse to record. A token of another client is unknown to
/// this one (and a reuse through another client revokes nothing).
pub fn prepare(r: &impl Read, sc: &SignInClient, token: &str, now: i64) -> Result<Refresh> {
    if token.is_empty() || token.len() > 2048 {
        return Err(invalid_token());
    }
    let presented = find(r, &tokens::opaque_digest(token), now)?.ok_or_else(invalid_token)?;
    if presented.session.client != sc.client.pk {
        return Err(invalid_token());
    }
    if presented.standing == Standing::Reused {
        return Ok(Refresh::Reused(presented.session));
    }
    let s = resume(r, sc, &presented.session, now, |_| Ok(()))?;
    Ok(Refresh::Mint(presented, Box::new(s)))
}

/// Revokes the sign-in a reused token belongs to (its current refresh token, and its ID and
/// access tokens with it).
pub fn revoke_family(tx: &Tx<'_>, session: &RefreshRow, now: i64) -> Result<()> {
    refresh_tokens::revoke(tx, session.pk, now)?;
    Ok(())
}

/// The write after minting: with rotation on, replaces the sign-in's refresh token by `new`
/// (its digest) and keeps the replaced one for the client's grace period; answers a reuse as a
/// refusal to record (a concurrent refresh may have rotated the token since it was read).
/// With rotation off, notes the use as `REFRESH_TOKEN_AUTH` does.
pub fn settle(
    tx: &Tx<'_>,
    sc: &SignInClient,
    token: &str,
    new: Option<&str>,
    now: i64,
) -> Result<super::Recorded<()>> {
    let digest = tokens::opaque_digest(token);
    let presented = find(tx, &digest, now)?.ok_or_else(invalid_token)?;
    let session = &presented.session;
    if presented.standing == Standing::Reused {
        revoke_family(tx, session, now)?;
        return Ok(Err(reuse_refused()));
    }
    // Revoked, expired or disabled since it was read: refused, nothing written.
    resume(tx, sc, session, now, |_| Ok(()))?;
    let Some(new) = new else {
        if session
            .last_used_at
            .is_none_or(|at| now.saturating_sub(at) >= super::token::LAST_USED_GRANULARITY_MS)
        {
            refresh_tokens::touch(tx, session.pk, now)?;
        }
        return Ok(Ok(()));
    };
    let rotation = sc.client.settings.refresh_token_rotation;
    let current = match presented.standing {
        Standing::Current => {
            refresh_rotations::end_grace(tx, session.pk, None, now)?;
            refresh_rotations::insert(tx, &digest, session.pk, now, now + rotation.grace_ms())?;
            digest
        }
        // A retry with the token the current one replaced: the current one was never
        // received (or is held by someone else), so it gets no grace.
        _ => {
            refresh_rotations::end_grace(tx, session.pk, Some(&digest), now)?;
            let current = refresh_tokens::digest_of(tx, session.pk)?.ok_or_else(invalid_token)?;
            refresh_rotations::insert(tx, &current, session.pk, now, now)?;
            current
        }
    };
    if !refresh_tokens::replace_digest(tx, session.pk, &current, &tokens::opaque_digest(new), now)?
    {
        return Err(invalid_token());
    }
    Ok(Ok(()))
}
