//! What users do for themselves: with an access token (their attributes, their account, their
//! sign-ins), or with the session of an `MFA_SETUP` challenge (their authenticator).

use std::collections::BTreeMap;

use domain::pool::VerifiedAttribute;
use serde_json::Value;
use storage::clients::ClientRow;
use storage::pools::PoolRow;
use storage::users::UserRow;

use super::finish::{Answer, Generation, SignInTokens};
use super::{Engine, Entry};
use crate::codes::{Delivery, Purpose};
use crate::signin::{self, Authenticated, OpenSession, Origin, SignInClient, mfa, rotation};
use crate::{Error, Result, hooks, invalid, require_pool, signup, users};

fn invalid_token() -> Error {
    Error::NotAuthorized("Invalid Access Token".into())
}

impl Engine<'_> {
    /// Checks an access token and answers its pool and user.
    pub fn authenticated(&self, token: &str) -> Result<(PoolRow, Authenticated)> {
        if token.is_empty() {
            return Err(invalid("AccessToken", "is required"));
        }
        // The pool is the one whose key signed the token (keys are random and never shared):
        // no decoding of the claims before the one verification does it.
        let kid = tokens::dangerous::kid(token).map_err(|_| invalid_token())?;
        let pool_id = match self.keys.pool_of_kid(&kid) {
            Some(id) => id,
            None => {
                let id = self
                    .read(|r| Ok(storage::signing_keys::pool_of(r, &kid)?))?
                    .and_then(|id| id.parse::<domain::UserPoolId>().ok())
                    .ok_or_else(invalid_token)?;
                self.keys.remember_kid(&kid, &id);
                id
            }
        };
        let pool = self
            .read(|r| require_pool(r, &pool_id))
            .map_err(|_| invalid_token())?;
        let keys = self.keys.pool_keys(&pool)?;
        let issuer = self.issuer(&pool.id);
        let now = self.now();
        let a = self.read(|r| signin::authenticate(r, &keys, &pool, token, &issuer, now))?;
        Ok((pool, a))
    }

    /// The user an access token belongs to, and the app client that issued it.
    pub(crate) fn token_user(&self, token: &str) -> Result<(PoolRow, Authenticated, ClientRow)> {
        let (pool, a) = self.authenticated(token)?;
        let client = self
            .read(|r| Ok(storage::clients::get_by_pk(r, a.session.client)?))?
            .ok_or_else(invalid_token)?;
        Ok((pool, a, client))
    }

    /// Who an MFA set-up call is for: the access token's user, or the user of an `MFA_SETUP`
    /// session (answered too, for the call to mark it).
    pub(crate) fn mfa_subject(
        &self,
        access_token: Option<&str>,
        session: Option<&str>,
    ) -> Result<(PoolRow, UserRow, Option<OpenSession>)> {
        match (access_token, session.filter(|s| !s.is_empty())) {
            (Some(t), _) if !t.is_empty() => {
                let (pool, a) = self.authenticated(t)?;
                Ok((pool, a.user, None))
            }
            (_, Some(s)) => {
                let now = self.now();
                let (sc, open) =
                    self.read(|r| signin::open_session_by_handle(r, s, signin::MFA_SETUP, now))?;
                Ok((sc.pool, open.user.clone(), Some(open)))
            }
            _ => Err(invalid(
                "AccessToken",
                "an AccessToken or a Session is required",
            )),
        }
    }
}

impl Engine<'_> {
    /// `GetUser`: the access token's user, with their MFA settings (the factors enabled, and
    /// the preferred one).
    pub fn get_user(&self, token: &str) -> Result<(UserRow, Vec<String>, Option<String>)> {
        let (_, a) = self.authenticated(token)?;
        let (factors, preferred) = self.read(|r| mfa::describe(r, &a.user))?;
        Ok((a.user, factors, preferred))
    }

    /// `GlobalSignOut`: revokes every token of the access token's user.
    pub fn global_sign_out(&self, token: &str) -> Result<()> {
        let (pool, a) = self.authenticated(token)?;
        self.audited(Entry::of(&pool.id, &a.user.username), |tx| {
            signin::sign_out_everywhere(tx, &a.user, self.now())?;
            Ok(((), None))
        })
    }

    /// `RevokeToken`: revokes a refresh token and the access tokens minted from it. A client
    /// with a secret must give it.
    pub fn revoke_token(
        &self,
        client_id: &str,
        token: &str,
        client_secret: Option<&str>,
    ) -> Result<()> {
        let sc = self.authenticated_client(client_id, client_secret)?;
        self.audited(Entry::of(&sc.pool.id, &sc.client.client_id), |tx| {
            signin::revoke(tx, &sc.client, token, self.now())?;
            Ok(((), None))
        })
    }

    /// The app client of `client_id`, authenticated by `client_secret` when it has secrets:
    /// any current secret (rotation keeps up to two), compared in constant time. A refusal is
    /// `Error::NotAuthorized` (the token endpoint's `invalid_client`); an unknown client
    /// `Error::ClientNotFound`.
    pub fn authenticated_client(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
    ) -> Result<SignInClient> {
        let sc = self.read(|r| signin::client(r, client_id, None))?;
        if !sc.client.secrets.is_empty() {
            let ok = match client_secret {
                Some(g) => {
                    crate::client_secrets::presented_secret_matches(self.master, &sc.client, g)?
                }
                None => false,
            };
            if !ok {
                return Err(Error::NotAuthorized(format!(
                    "Client {} requires its ClientSecret",
                    sc.client.client_id
                )));
            }
        }
        Ok(sc)
    }

    /// `GetTokensFromRefreshToken`, and the token endpoint's `grant_type=refresh_token`: new
    /// ID and access tokens for the sign-in a refresh token belongs to, and — when the client
    /// rotates refresh tokens — a new refresh token, the presented one working on only for the
    /// client's grace period (see [`signin::rotation`]). A client with a secret must give it
    /// (`client_secret`: the request's `ClientSecret`, or the token endpoint's Basic or body
    /// credential). The pre token generation hook runs (`TokenGeneration_RefreshTokens`) before
    /// anything is written, so a refused refresh rotates nothing. A rotated-out token used
    /// after its grace period is `Error::RefreshTokenReuse`, and its sign-in is revoked.
    pub fn get_tokens_from_refresh_token(
        &self,
        client_id: &str,
        refresh_token: &str,
        client_secret: Option<&str>,
        origin: &Origin,
    ) -> Result<Answer> {
        let sc = self.authenticated_client(client_id, client_secret)?;
        self.refresh_for_client(&sc, refresh_token, origin)
    }

    /// [`Engine::get_tokens_from_refresh_token`] for a client already authenticated
    /// ([`Engine::authenticated_client`]): the token endpoint answers `invalid_client` for the
    /// first step's refusals and `invalid_grant` for this one's (`Error::NotAuthorized`,
    /// `Error::RefreshTokenReuse`).
    pub fn refresh_for_client(
        &self,
        sc: &SignInClient,
        refresh_token: &str,
        origin: &Origin,
    ) -> Result<Answer> {
        let (minted, refresh_token, _) = self.refresh_rotating(sc, refresh_token, origin)?;
        Ok(Answer::Tokens {
            tokens: SignInTokens::signed(minted),
            refresh_token,
        })
    }

    /// [`Engine::refresh_for_client`]'s work: the signed tokens, the new refresh token when
    /// the client rotates, and the OAuth scopes of the sign-in (None for an API sign-in), which
    /// decide whether the token endpoint answers an ID token.
    pub(crate) fn refresh_rotating(
        &self,
        sc: &SignInClient,
        refresh_token: &str,
        origin: &Origin,
    ) -> Result<(signin::Minted, Option<String>, Option<String>)> {
        let now = self.now();
        let s = match self.read(|r| rotation::prepare(r, sc, refresh_token, now))? {
            rotation::Refresh::Mint(_, s) => s,
            rotation::Refresh::Reused(session) => {
                self.write(|tx| rotation::revoke_family(tx, &session, now))?;
                return Err(rotation::reuse_refused());
            }
        };
        let minted = self.tokens(sc, &s, Generation::RefreshTokens, origin)?;
        let new = if sc.client.settings.refresh_token_rotation.enabled() {
            Some(tokens::new_opaque_token().map_err(|e| Error::Crypto(e.to_string()))?)
        } else {
            None
        };
        self.write(|tx| rotation::settle(tx, sc, refresh_token, new.as_deref(), now))??;
        Ok((minted, new, s.scopes.clone()))
    }

    /// `UpdateUserAttributes`: the user changes their own attributes. A changed email or phone
    /// is unverified until its code comes back, and a code is sent when the pool verifies it.
    pub fn update_user_attributes(
        &self,
        token: &str,
        changes: &BTreeMap<String, String>,
        client_metadata: Value,
    ) -> Result<Vec<Delivery>> {
        let (pool, a, client) = self.token_user(token)?;
        for (i, name) in changes.keys().enumerate() {
            if name == "email_verified" || name == "phone_number_verified" {
                return Err(invalid(
                    &format!("UserAttributes[{i}].Name"),
                    format!("{name} is set by verifying the attribute with a code"),
                ));
            }
            check_writable(&client, name)?;
        }
        let verified = &pool.config.settings.auto_verified_attributes;
        let to_verify: Vec<&str> = ["email", "phone_number"]
            .into_iter()
            .filter(|attr| {
                changes
                    .get(*attr)
                    .is_some_and(|v| a.user.attributes.get(*attr) != Some(v))
                    && verified.iter().any(|v| {
                        matches!(
                            (v, *attr),
                            (VerifiedAttribute::Email, "email")
                                | (VerifiedAttribute::PhoneNumber, "phone_number")
                        )
                    })
            })
            .collect();
        let message = if to_verify.is_empty() {
            None
        } else {
            let mut preview = a.user.attributes.clone();
            preview.extend(changes.clone());
            self.custom_message(
                &pool,
                Some(&client.client_id),
                "CustomMessage_UpdateUserAttribute",
                &a.user.username,
                hooks::string_map(&preview),
                client_metadata,
            )?
        };
        self.audited(Entry::of(&pool.id, &a.user.username), |tx| {
            let user =
                users::update_attributes(tx, &self.ctx, &pool.id, &a.user.username, changes)?;
            let mut out = Vec::new();
            for attr in &to_verify {
                let d = signup::send_attribute_code(
                    tx,
                    &pool,
                    &user,
                    attr,
                    self.now(),
                    message.as_ref(),
                )?;
                out.push(d);
            }
            Ok((out, None))
        })
    }

    /// `GetUserAttributeVerificationCode`: a code to the user's email or phone.
    pub fn get_user_attribute_verification_code(
        &self,
        token: &str,
        attribute: &str,
        client_metadata: Value,
    ) -> Result<Delivery> {
        let (pool, a, client) = self.token_user(token)?;
        Purpose::verifying(attribute)?;
        let message = self.custom_message(
            &pool,
            Some(&client.client_id),
            "CustomMessage_VerifyUserAttribute",
            &a.user.username,
            hooks::user_attributes(&a.user),
            client_metadata,
        )?;
        self.audited(Entry::of(&pool.id, &a.user.username), |tx| {
            let d = signup::send_attribute_code(
                tx,
                &pool,
                &a.user,
                attribute,
                self.now(),
                message.as_ref(),
            )?;
            Ok((d, None))
        })
    }

    /// `VerifyUserAttribute`: the code from `GetUserAttributeVerificationCode` (or from an
    /// attribute change) marks the attribute verified. A wrong code counts an attempt.
    pub fn verify_user_attribute(&self, token: &str, attribute: &str, code: &str) -> Result<()> {
        let (pool, a, _) = self.token_user(token)?;
        Purpose::verifying(attribute)?;
        let code = code.trim();
        if code.is_empty() || code.len() > 2048 {
            return Err(invalid("Code", "is required (the code that was sent)"));
        }
        self.recorded(Entry::of(&pool.id, &a.user.username), |tx| {
            Ok(
                signup::verify_attribute(tx, &self.ctx, &pool, &a.user, attribute, code)?
                    .map(|_| ()),
            )
        })
    }

    /// `DeleteUserAttributes`: the user removes optional attributes of their own.
    pub fn delete_user_attributes(&self, token: &str, names: &[String]) -> Result<()> {
        let (pool, a, client) = self.token_user(token)?;
        for name in names {
            check_writable(&client, name)?;
        }
        self.audited(Entry::of(&pool.id, &a.user.username), |tx| {
            users::delete_attributes(tx, &self.ctx, &pool.id, &a.user.username, names)?;
            Ok(((), None))
        })
    }

    /// `DeleteUser`: the user deletes their own account.
    pub fn delete_user(&self, token: &str) -> Result<()> {
        let (pool, a, _) = self.token_user(token)?;
        self.audited(Entry::of(&pool.id, &a.user.username), |tx| {
            users::delete(tx, &pool.id, &a.user.username)?;
            Ok(((), None))
        })
    }

    /// `AssociateSoftwareToken`: a new authenticator secret for the access token's user, or
    /// for the user of an `MFA_SETUP` session. Answers whether a session carried it.
    pub fn associate_software_token(
        &self,
        access_token: Option<&str>,
        session: Option<&str>,
    ) -> Result<(mfa::Associated, bool)> {
        let (pool, user, open) = self.mfa_subject(access_token, session)?;
        let associated = self.audited(Entry::of(&pool.id, &user.username), |tx| {
            Ok((mfa::associate(tx, self.master, &pool, &user)?, None))
        })?;
        Ok((associated, open.is_some()))
    }

    /// `VerifySoftwareToken`: a code from the new authenticator confirms it (and lets an
    /// `MFA_SETUP` session finish). A wrong code is [`Error::SoftwareTokenMismatch`], recorded.
    /// Answers whether a session carried it.
    pub fn verify_software_token(
        &self,
        access_token: Option<&str>,
        session: Option<&str>,
        code: &str,
    ) -> Result<bool> {
        let (pool, user, open) = self.mfa_subject(access_token, session)?;
        let now = self.now();
        self.recorded(Entry::of(&pool.id, &user.username), |tx| {
            if !mfa::verify(tx, self.master, &pool, &user, code, now)? {
                return Ok(Err(Error::SoftwareTokenMismatch));
            }
            if let Some(open) = &open {
                mfa::mark_setup_verified(tx, open)?;
            }
            Ok(Ok(open.is_some()))
        })
    }
}

/// Refuses an attribute the app client may not write (all, when it names none).
fn check_writable(client: &ClientRow, name: &str) -> Result<()> {
    let writable = &client.settings.write_attributes;
    if !writable.is_empty() && !writable.iter().any(|w| w == name) {
        return Err(Error::NotAuthorized(format!(
            "A client attempted to write unauthorized attribute {name}"
        )));
    }
    Ok(())
}
