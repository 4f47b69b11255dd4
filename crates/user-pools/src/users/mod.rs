//! Users: the administrator's operations (`AdminCreateUser`, `AdminGetUser`, ...), listing with
//! Cognito's filter and Poolhouse's search (`search`), and sample users (`sample`).

use domain::UserPoolId;
use std::collections::BTreeMap;

use domain::pool::{AliasAttribute, UsernameAttribute};
use domain::schema::{self, AttributeWrite};
use domain::user::{UserStatus, validate_username};
use storage::outbox::{self, Message};
use storage::pools::PoolRow;
use storage::users::{self as store, NewUser, UserRow};
use storage::{Read, Tx};

use crate::{Ctx, Error, Result, invalid, require_pool};

mod password;
mod sample;
mod search;

pub use password::{
    NewPassword, PasswordKind, admin_set_password, check_password, remember_password, set_password,
};
pub use sample::generate;
pub use search::{COUNT_CAP, Search, SearchPage, list, search};

/// The key a username is stored and looked up under in this pool.
pub fn username_key(pool: &PoolRow, username: &str) -> String {
    if pool.config.is_case_insensitive() {
        username.to_lowercase()
    } else {
        username.to_string()
    }
}

fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn alias_column(a: AliasAttribute) -> &'static str {
    match a {
        AliasAttribute::Email => "email",
        AliasAttribute::PhoneNumber => "phone_number",
        AliasAttribute::PreferredUsername => "preferred_username",
    }
}

fn username_column(a: UsernameAttribute) -> &'static str {
    match a {
        UsernameAttribute::Email => "email",
        UsernameAttribute::PhoneNumber => "phone_number",
    }
}

/// Whether an alias value counts for sign-in: email and phone only once verified.
fn alias_is_active(user: &UserRow, column: &str) -> bool {
    match column {
        "email" => user
            .attributes
            .get("email_verified")
            .is_some_and(|v| v == "true"),
        "phone_number" => user
            .attributes
            .get("phone_number_verified")
            .is_some_and(|v| v == "true"),
        _ => true,
    }
}

/// Finds a user by username, by an email/phone sign-in name, by an active alias, or by `sub`.
pub fn resolve(r: &impl Read, pool: &PoolRow, username: &str) -> Result<UserRow> {
    if username.is_empty() || username.len() > 128 {
        return Err(invalid("Username", "must be 1–128 characters"));
    }
    if let Some(u) = store::get(r, pool.pk, &username_key(pool, username))? {
        return Ok(u);
    }
    for a in &pool.config.username_attributes {
        let found = store::find_by_attribute(r, pool.pk, username_column(*a), username, 2)?;
        if let [only] = found.as_slice() {
            return Ok(only.clone());
        }
    }
    for a in &pool.config.alias_attributes {
        let col = alias_column(*a);
        let found: Vec<UserRow> = store::find_by_attribute(r, pool.pk, col, username, 10)?
            .into_iter()
            .filter(|u| alias_is_active(u, col))
            .collect();
        if let [only] = found.as_slice() {
            return Ok(only.clone());
        }
    }
    if looks_like_uuid(username)
        && let Some(u) = store::get_by_sub(r, pool.pk, username)?
    {
        return Ok(u);
    }
    Err(Error::UserNotFound)
}

/// `MessageActionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageAction {
    /// Send the invitation (the default).
    Send,
    /// Send the invitation again to an existing user.
    Resend,
    /// Send nothing.
    Suppress,
}

/// `DeliveryMediumType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    Sms,
    Email,
}

/// An `AdminCreateUser` request, with the temporary password already hashed (hashing is slow
/// and must not happen inside the write transaction).
#[derive(Debug, Clone)]
pub struct AdminCreate {
    pub username: String,
    pub attributes: BTreeMap<String, String>,
    /// The temporary password in clear (for the invitation) and its hash.
    pub temporary_password: Option<(String, String)>,
    pub message_action: MessageAction,
    pub mediums: Vec<Medium>,
    pub force_alias_creation: bool,
    /// The custom message hook's invitation text, if it gave one.
    pub message: Option<crate::hooks::CustomText>,
}

fn check_required(pool: &PoolRow, attrs: &BTreeMap<String, String>) -> Result<()> {
    for a in pool
        .config
        .schema_attributes
        .iter()
        .filter(|a| a.is_required() && a.name != "sub")
    {
        if !attrs.contains_key(&a.name) {
            return Err(invalid(
                "UserAttributes",
                format!("{}: The attribute is required", a.name),
            ));
        }
    }
    Ok(())
}

/// Refuses an attribute value that would make another user's sign-in name or alias ambiguous.
/// With `force`, the alias moves to this user instead (the other loses its verified flag).
pub(crate) fn check_uniqueness(
    tx: &Tx<'_>,
    now: i64,
    pool: &PoolRow,
    me: Option<i64>,
    attrs: &BTreeMap<String, String>,
    force: bool,
) -> Result<()> {
    for a in &pool.config.username_attributes {
        let col = username_column(*a);
        if let Some(v) = attrs.get(col) {
            let others = store::find_by_attribute(tx, pool.pk, col, v, 2)?;
            if others.iter().any(|o| Some(o.pk) != me) {
                return Err(Error::UsernameExists);
            }
        }
    }
    for a in &pool.config.alias_attributes {
        let col = alias_column(*a);
        let Some(v) = attrs.get(col) else { continue };
        let mine_active = match col {
            "email" => attrs.get("email_verified").is_some_and(|v| v == "true"),
            "phone_number" => attrs
                .get("phone_number_verified")
                .is_some_and(|v| v == "true"),
            _ => true,
        };
        if !mine_active {
            continue;
        }
        let others: Vec<UserRow> = store::find_by_attribute(tx, pool.pk, col, v, 10)?
            .into_iter()
            .filter(|o| Some(o.pk) != me && alias_is_active(o, col))
            .collect();
        if col == "preferred_username"
            && let Some(o) = store::get(tx, pool.pk, &username_key(pool, v))?
            && Some(o.pk) != me
        {
            return Err(Error::AliasExists(col.into()));
        }
        if others.is_empty() {
            continue;
        }
        if !force || col == "preferred_username" {
            return Err(Error::AliasExists(col.into()));
        }
        for o in others {
            let mut moved = o.attributes.clone();
            moved.remove("sub");
            moved.insert(format!("{col}_verified"), "false".into());
            store::replace_attributes(tx, &o, &moved, now)?;
        }
    }
    Ok(())
}

/// Makes `email` the user's verified email (a code sent to it was accepted: the email MFA set
/// up at `MFA_SETUP`), refused like any change that would take another user's sign-in name or
/// alias.
pub(crate) fn set_verified_email(
    tx: &Tx<'_>,
    pool: &PoolRow,
    user: &UserRow,
    email: &str,
    now: i64,
) -> Result<()> {
    let mut attrs = user.attributes.clone();
    attrs.remove("sub");
    attrs.insert("email".into(), email.to_string());
    attrs.insert("email_verified".into(), "true".into());
    check_uniqueness(tx, now, pool, Some(user.pk), &attrs, false)?;
    store::replace_attributes(tx, user, &attrs, now)?;
    Ok(())
}

/// Marks the user's `email` or `phone_number` verified (a code sent to it was accepted).
pub(crate) fn mark_verified(
    tx: &Tx<'_>,
    pool: &PoolRow,
    user: &UserRow,
    attribute: &str,
    now: i64,
) -> Result<()> {
    let flag = format!("{attribute}_verified");
    if user.attributes.get(&flag).is_some_and(|v| v == "true") {
        return Ok(());
    }
    let mut attrs = user.attributes.clone();
    attrs.remove("sub");
    attrs.insert(flag, "true".into());
    check_uniqueness(tx, now, pool, Some(user.pk), &attrs, false)?;
    store::replace_attributes(tx, user, &attrs, now)?;
    Ok(())
}

fn render(template: Option<&str>, default: &str, username: &str, code: &str) -> String {
    template
        .unwrap_or(default)
        .replace("{username}", username)
        .replace("{####}", code)
}

fn send_invitation(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool: &PoolRow,
    user: &UserRow,
    password: &str,
    mediums: &[Medium],
    custom: Option<&crate::hooks::CustomText>,
) -> Result<()> {
    let mut template = pool
        .config
        .settings
        .admin_create_user_config
        .invite_message_template
        .clone()
        .unwrap_or_default();
    // A custom message hook's text replaces the pool's, member by member.
    if let Some(c) = custom {
        if c.email_subject.is_some() {
            template.email_subject.clone_from(&c.email_subject);
        }
        if c.email_message.is_some() {
            template.email_message.clone_from(&c.email_message);
        }
        if c.sms_message.is_some() {
            template.sms_message.clone_from(&c.sms_message);
        }
    }
    for m in mediums {
        let (medium, attr) = match m {
            Medium::Email => ("EMAIL", "email"),
            Medium::Sms => ("SMS", "phone_number"),
        };
        let Some(destination) = user.attributes.get(attr) else {
            return Err(invalid(
                "DesiredDeliveryMediums",
                format!("{medium} delivery needs the user's {attr} attribute"),
            ));
        };
        let (subject, body) = match m {
            Medium::Email => (
                Some(
                    template
                        .email_subject
                        .clone()
                        .unwrap_or_else(|| "Your temporary password".into()),
                ),
                render(
                    template.email_message.as_deref(),
                    "Your username is {username} and temporary password is {####}.",
                    &user.username,
                    password,
                ),
            ),
            Medium::Sms => (
                None,
                render(
                    template.sms_message.as_deref(),
                    "Your username is {username} and temporary password is {####}.",
                    &user.username,
                    password,
                ),
            ),
        };
        outbox::insert(
            tx,
            &Message {
                id: 0,
                at: ctx.clock.now_ms(),
                pool_id: pool.id.to_string(),
                username: user.username.clone(),
                medium: medium.into(),
                destination: destination.clone(),
                subject,
                body,
                kind: "Invitation".into(),
                delivery: None,
                delivery_detail: None,
            },
        )?;
    }
    Ok(())
}

/// Whether `AdminCreateUser` needs a temporary password for this request: one is generated
/// when the invitation is sent and none was given.
pub fn needs_generated_password(action: MessageAction, given: bool) -> bool {
    !given && action != MessageAction::Suppress
}

/// `AdminCreateUser`.
pub fn admin_create(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    req: AdminCreate,
) -> Result<UserRow> {
    let pool = require_pool(tx, pool_id)?;
    validate_username(&req.username)?;
    let mediums = if req.mediums.is_empty() {
        vec![Medium::Sms]
    } else {
        req.mediums.clone()
    };
    if req.message_action == MessageAction::Resend {
        let user = resolve(tx, &pool, &req.username)?;
        if user.status != UserStatus::ForceChangePassword {
            return Err(invalid(
                "MessageAction",
                "RESEND is only for users who have not signed in yet (FORCE_CHANGE_PASSWORD)",
            ));
        }
        let now = ctx.clock.now_ms();
        if let Some((clear, hash)) = &req.temporary_password {
            store::set_password(tx, user.pk, hash, UserStatus::ForceChangePassword, now)?;
            send_invitation(tx, ctx, &pool, &user, clear, &mediums, req.message.as_ref())?;
        }
        return resolve(tx, &pool, &user.username);
    }
    let user = insert_user(
        tx,
        ctx,
        &pool,
        &req.username,
        &req.attributes,
        UserStatus::ForceChangePassword,
        req.temporary_password.as_ref().map(|(_, h)| h.as_str()),
        req.force_alias_creation,
    )?;
    if req.message_action == MessageAction::Send
        && let Some((clear, _)) = &req.temporary_password
    {
        send_invitation(tx, ctx, &pool, &user, clear, &mediums, req.message.as_ref())?;
    }
    Ok(user)
}

/// Creates a user a migration hook brought in: its attributes, the status the hook chose, and
/// the password the user signed in with (none in the forgotten-password flow).
pub fn migrate(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool: &PoolRow,
    username: &str,
    m: &crate::hooks::Migration,
    password_hash: Option<&str>,
) -> Result<UserRow> {
    domain::user::validate_username(username)?;
    insert_user(
        tx,
        ctx,
        pool,
        username,
        &m.attributes,
        m.status,
        password_hash,
        m.force_alias_creation,
    )
}

/// Creates a user after the checks every creation shares: the schema, the sign-in name (the
/// username, or an email/phone when the pool signs in with those), required attributes and
/// alias uniqueness. Used by `AdminCreateUser`, `SignUp` and migration.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_user(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool: &PoolRow,
    username_in: &str,
    attributes: &BTreeMap<String, String>,
    status: UserStatus,
    password_hash: Option<&str>,
    force_alias_creation: bool,
) -> Result<UserRow> {
    let mut attrs = attributes.clone();
    schema::check_attributes(
        &pool.config.schema_attributes,
        &attrs,
        AttributeWrite::Create,
        "UserAttributes",
    )?;
    let username = if pool.config.username_attributes.is_empty() {
        for a in &pool.config.alias_attributes {
            let looks = match a {
                AliasAttribute::Email => schema::is_email(username_in),
                AliasAttribute::PhoneNumber => schema::is_e164(username_in),
                AliasAttribute::PreferredUsername => false,
            };
            if looks {
                return Err(invalid(
                    "Username",
                    format!(
                        "cannot be in the format of {}, which this pool uses as an alias",
                        alias_column(*a)
                    ),
                ));
            }
        }
        username_in.to_string()
    } else {
        // Email or phone is the sign-in name; the stored username is the sub, as in Cognito.
        let as_email = pool
            .config
            .uses_username_attribute(UsernameAttribute::Email)
            && schema::is_email(username_in);
        let as_phone = pool
            .config
            .uses_username_attribute(UsernameAttribute::PhoneNumber)
            && schema::is_e164(username_in);
        let attr = if as_email {
            "email"
        } else if as_phone {
            "phone_number"
        } else {
            let allowed: Vec<&str> = pool
                .config
                .username_attributes
                .iter()
                .map(|a| username_column(*a))
                .collect();
            return Err(invalid(
                "Username",
                format!("must be an {}", allowed.join(" or ")),
            ));
        };
        match attrs.get(attr) {
            Some(v) if v != username_in => {
                return Err(invalid(
                    "UserAttributes",
                    format!("{attr} must equal the Username when {attr} is the sign-in name"),
                ));
            }
            _ => {
                attrs.insert(attr.into(), username_in.to_string());
            }
        }
        String::new()
    };
    check_required(pool, &attrs)?;
    check_uniqueness(
        tx,
        ctx.clock.now_ms(),
        pool,
        None,
        &attrs,
        force_alias_creation,
    )?;
    let sub = domain::ids::new_sub();
    let username = if username.is_empty() {
        sub.clone()
    } else {
        username
    };
    let key = username_key(pool, &username);
    if store::get(tx, pool.pk, &key)?.is_some() {
        return Err(Error::UsernameExists);
    }
    let now = ctx.clock.now_ms();
    store::insert(
        tx,
        &NewUser {
            pool: pool.pk,
            username: &username,
            username_key: &key,
            sub: &sub,
            status,
            enabled: true,
            attributes: &attrs,
            password_hash,
            now,
        },
    )
    .map_err(|e| match e {
        storage::Error::Conflict { .. } => Error::UsernameExists,
        other => Error::Storage(other),
    })?;
    store::get(tx, pool.pk, &key)?.ok_or(Error::UserNotFound)
}

/// `AdminGetUser`.
pub fn get(r: &impl Read, pool_id: &UserPoolId, username: &str) -> Result<(PoolRow, UserRow)> {
    let pool = require_pool(r, pool_id)?;
    let user = resolve(r, &pool, username)?;
    Ok((pool, user))
}

/// `AdminUpdateUserAttributes`.
pub fn update_attributes(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    username: &str,
    changes: &BTreeMap<String, String>,
) -> Result<UserRow> {
    let (pool, user) = get(tx, pool_id, username)?;
    if changes.is_empty() {
        return Err(invalid(
            "UserAttributes",
            "must list at least one attribute",
        ));
    }
    schema::check_attributes(
        &pool.config.schema_attributes,
        changes,
        AttributeWrite::Update,
        "UserAttributes",
    )?;
    let mut attrs = user.attributes.clone();
    attrs.remove("sub");
    for (k, v) in changes {
        if attrs.get(k) == Some(v) {
            continue;
        }
        // A changed email or phone is no longer verified unless this call says it is.
        if k == "email" && !changes.contains_key("email_verified") {
            attrs.insert("email_verified".into(), "false".into());
        }
        if k == "phone_number" && !changes.contains_key("phone_number_verified") {
            attrs.insert("phone_number_verified".into(), "false".into());
        }
        attrs.insert(k.clone(), v.clone());
    }
    check_uniqueness(tx, ctx.clock.now_ms(), &pool, Some(user.pk), &attrs, false)?;
    store::replace_attributes(tx, &user, &attrs, ctx.clock.now_ms())?;
    resolve(tx, &pool, &user.username)
}

/// `AdminDeleteUserAttributes`.
pub fn delete_attributes(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    username: &str,
    names: &[String],
) -> Result<UserRow> {
    let (pool, user) = get(tx, pool_id, username)?;
    if names.is_empty() {
        return Err(invalid(
            "UserAttributeNames",
            "must list at least one attribute",
        ));
    }
    let mut attrs = user.attributes.clone();
    attrs.remove("sub");
    for (i, name) in names.iter().enumerate() {
        let field = format!("UserAttributeNames[{i}]");
        let Some(attr) = schema::find(&pool.config.schema_attributes, name) else {
            return Err(invalid(
                &field,
                format!("{name} does not exist in the schema"),
            ));
        };
        if name == "sub" || attr.is_required() {
            return Err(invalid(
                &field,
                format!("{name} is required and cannot be deleted"),
            ));
        }
        if !attr.is_mutable() {
            return Err(invalid(&field, format!("{name} is immutable")));
        }
        if pool
            .config
            .username_attributes
            .iter()
            .any(|a| username_column(*a) == name)
        {
            return Err(invalid(
                &field,
                format!("{name} is this pool's sign-in name"),
            ));
        }
        attrs.remove(name);
        if name == "email" {
            attrs.remove("email_verified");
        }
        if name == "phone_number" {
            attrs.remove("phone_number_verified");
        }
    }
    store::replace_attributes(tx, &user, &attrs, ctx.clock.now_ms())?;
    resolve(tx, &pool, &user.username)
}

/// Whether a user may sign in at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enablement {
    Enabled,
    Disabled,
}

/// `AdminEnableUser` / `AdminDisableUser`. Disabling a user also signs them out everywhere, in
/// the same transaction, as Cognito revokes a disabled user's tokens: enabling them again does
/// not bring the old sign-ins back.
pub fn set_enabled(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    pool_id: &UserPoolId,
    username: &str,
    to: Enablement,
) -> Result<UserRow> {
    let (pool, user) = get(tx, pool_id, username)?;
    let now = ctx.clock.now_ms();
    store::set_enabled(tx, user.pk, to == Enablement::Enabled, now)?;
    if to == Enablement::Disabled {
        crate::signin::sign_out_everywhere(tx, &user, now)?;
    }
    resolve(tx, &pool, &user.username)
}

/// `AdminDeleteUser`.
pub fn delete(tx: &Tx<'_>, pool_id: &UserPoolId, username: &str) -> Result<UserRow> {
    let (_, user) = get(tx, pool_id, username)?;
    store::delete(tx, user.pk)?;
    Ok(user)
}
