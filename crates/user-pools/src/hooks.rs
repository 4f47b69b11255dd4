//! Hooks: the events Cognito sends its Lambda triggers, and what their answers change.
//!
//! Pure: this module builds each trigger's event JSON and reads the hook's answer; the call
//! itself (HTTP, timeouts, the invocation log) belongs to the caller. Keeping the shapes here
//! lets them be tested without a network.

use serde_json::{Map, Value, json};
use storage::users::UserRow;

use crate::{Error, Result};

/// Claims a pre token generation hook may not add, change or suppress (Cognito's list); an
/// attempt is ignored and noted in the invocation log.
pub const RESERVED_CLAIMS: [&str; 17] = [
    "acr",
    "amr",
    "aud",
    "at_hash",
    "auth_time",
    "azp",
    "cognito:username",
    "exp",
    "iat",
    "identities",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "origin_jti",
    "sub",
    "token_use",
];

/// The claims that carry groups and roles: changed only through `groupOverrideDetails`.
const GROUP_CLAIMS: [&str; 3] = ["cognito:groups", "cognito:roles", "cognito:preferred_role"];

/// Who and what an event is about: the members every trigger's event shares.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    pub pool_id: &'a str,
    pub region: &'a str,
    /// `PreSignUp_SignUp`, `TokenGeneration_Authentication`, ...
    pub trigger_source: &'a str,
    pub username: &'a str,
    pub client_id: Option<&'a str>,
}

/// A trigger's event: the shared members, `request`, and an empty `response` for the hook to
/// fill (as Lambda handlers expect to find it).
pub fn event(h: &Header<'_>, version: &str, request: Value, response: Value) -> Value {
    json!({
        "version": version,
        "triggerSource": h.trigger_source,
        "region": h.region,
        "userPoolId": h.pool_id,
        "userName": h.username,
        "callerContext": {
            "awsSdkVersion": concat!("poolhouse-", env!("CARGO_PKG_VERSION")),
            "clientId": h.client_id.unwrap_or("CLIENT_ID_NOT_APPLICABLE"),
        },
        "request": request,
        "response": response,
    })
}

/// A user's attributes as events carry them: every attribute, plus `cognito:user_status`.
pub fn user_attributes(u: &UserRow) -> Value {
    let mut m: Map<String, Value> = u
        .attributes
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    m.insert(
        "cognito:user_status".into(),
        Value::String(u.status.as_str().into()),
    );
    Value::Object(m)
}

/// A string map (`validationData`, `clientMetadata`) as JSON, `null` when absent or empty.
pub fn string_map<'a>(pairs: impl IntoIterator<Item = (&'a String, &'a String)>) -> Value {
    let m: Map<String, Value> = pairs
        .into_iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    if m.is_empty() {
        Value::Null
    } else {
        Value::Object(m)
    }
}

pub(crate) fn bad(trigger: &str, what: impl std::fmt::Display) -> Error {
    Error::InvalidLambdaResponse(format!("Invalid {trigger} response: {what}"))
}

/// A boolean member of an answer: absent and `null` are false; anything else but a boolean is
/// an invalid answer.
pub(crate) fn flag(trigger: &str, response: &Value, name: &str) -> Result<bool> {
    match response.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(bad(
            trigger,
            format!("{name} must be true or false, not {other}"),
        )),
    }
}

/// What a pre sign-up hook decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PreSignUp {
    pub auto_confirm_user: bool,
    pub auto_verify_email: bool,
    pub auto_verify_phone: bool,
}

impl PreSignUp {
    /// Marks the attributes the hook verified (those the user has) as verified.
    pub fn verify_into(&self, attributes: &mut std::collections::BTreeMap<String, String>) {
        for (asked, attr) in [
            (self.auto_verify_email, "email"),
            (self.auto_verify_phone, "phone_number"),
        ] {
            if asked && attributes.contains_key(attr) {
                attributes.insert(format!("{attr}_verified"), "true".into());
            }
        }
    }
}

/// The request of a pre sign-up event.
pub fn pre_sign_up_request(
    attributes: &std::collections::BTreeMap<String, String>,
    validation_data: Value,
    client_metadata: Value,
) -> Value {
    json!({
        "userAttributes": string_map(attributes),
        "validationData": validation_data,
        "clientMetadata": client_metadata,
    })
}

/// The response members a pre sign-up hook starts from.
pub fn pre_sign_up_response() -> Value {
    json!({"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false})
}

/// Reads a pre sign-up answer. Verifying an attribute the user did not give is refused, as
/// Cognito refuses it.
pub fn read_pre_sign_up(
    response: &Value,
    attributes: &std::collections::BTreeMap<String, String>,
) -> Result<PreSignUp> {
    const T: &str = "PreSignUp";
    let a = PreSignUp {
        auto_confirm_user: flag(T, response, "autoConfirmUser")?,
        auto_verify_email: flag(T, response, "autoVerifyEmail")?,
        auto_verify_phone: flag(T, response, "autoVerifyPhone")?,
    };
    if a.auto_verify_email && !attributes.contains_key("email") {
        return Err(bad(T, "autoVerifyEmail is true but the user has no email"));
    }
    if a.auto_verify_phone && !attributes.contains_key("phone_number") {
        return Err(bad(
            T,
            "autoVerifyPhone is true but the user has no phone_number",
        ));
    }
    Ok(a)
}

/// The group configuration a pre token generation event describes (`groupConfiguration`).
pub fn group_configuration(id_claims: &Map<String, Value>) -> Value {
    let list = |name: &str| id_claims.get(name).cloned().unwrap_or(json!([]));
    json!({
        "groupsToOverride": list("cognito:groups"),
        "iamRolesToOverride": list("cognito:roles"),
        "preferredRole": id_claims.get("cognito:preferred_role").cloned().unwrap_or(Value::Null),
    })
}

/// The request of a pre token generation event: the user's attributes, groups and (V2) the
/// access token's scopes.
pub fn pre_token_request(
    user: &UserRow,
    id_claims: &Map<String, Value>,
    access_claims: &Map<String, Value>,
    v2: bool,
    client_metadata: Value,
) -> Value {
    let mut r = json!({
        "userAttributes": user_attributes(user),
        "groupConfiguration": group_configuration(id_claims),
        "clientMetadata": client_metadata,
    });
    if v2 {
        let scopes: Vec<&str> = access_claims
            .get("scope")
            .and_then(Value::as_str)
            .map(|s| s.split(' ').filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        r["scopes"] = json!(scopes);
    }
    r
}

/// The response members a pre token generation hook starts from.
pub fn pre_token_response(v2: bool) -> Value {
    if v2 {
        json!({"claimsAndScopeOverrideDetails": null})
    } else {
        json!({"claimsOverrideDetails": null})
    }
}

/// Applies one token's `claimsToAddOrOverride` / `claimsToSuppress`; reserved claims are left
/// alone and noted.
fn apply_claims(
    trigger: &str,
    details: &Value,
    claims: &mut Map<String, Value>,
    token: &str,
    notes: &mut Vec<String>,
) -> Result<()> {
    let allowed = |name: &str, notes: &mut Vec<String>| {
        if RESERVED_CLAIMS.contains(&name) || GROUP_CLAIMS.contains(&name) {
            notes.push(format!(
                "{token} token: '{name}' cannot be changed by the hook{}; left as it was",
                if GROUP_CLAIMS.contains(&name) {
                    " (use groupOverrideDetails)"
                } else {
                    ""
                }
            ));
            false
        } else {
            true
        }
    };
    match details.get("claimsToAddOrOverride") {
        None | Some(Value::Null) => {}
        Some(Value::Object(add)) => {
            for (name, value) in add {
                if allowed(name, notes) {
                    claims.insert(name.clone(), value.clone());
                }
            }
        }
        Some(other) => {
            return Err(bad(
                trigger,
                format!("claimsToAddOrOverride must be an object, not {other}"),
            ));
        }
    }
    match details.get("claimsToSuppress") {
        None | Some(Value::Null) => {}
        Some(Value::Array(names)) => {
            for n in names {
                let Some(name) = n.as_str() else {
                    return Err(bad(
                        trigger,
                        format!("claimsToSuppress must list claim names, not {n}"),
                    ));
                };
                if allowed(name, notes) {
                    claims.remove(name);
                }
            }
        }
        Some(other) => {
            return Err(bad(
                trigger,
                format!("claimsToSuppress must be a list, not {other}"),
            ));
        }
    }
    Ok(())
}

fn string_list(trigger: &str, v: Option<&Value>, name: &str) -> Result<Vec<String>> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad(trigger, format!("{name} must list strings, not {i}")))
            })
            .collect(),
        Some(other) => Err(bad(trigger, format!("{name} must be a list, not {other}"))),
    }
}

/// Replaces the group claims of both tokens with `groupOverrideDetails` (present but empty or
/// null suppresses them, as in Cognito).
fn apply_groups(
    trigger: &str,
    details: &Value,
    id: &mut Map<String, Value>,
    access: &mut Map<String, Value>,
) -> Result<()> {
    let Some(g) = details.get("groupOverrideDetails") else {
        return Ok(());
    };
    let groups = string_list(trigger, g.get("groupsToOverride"), "groupsToOverride")?;
    let roles = string_list(trigger, g.get("iamRolesToOverride"), "iamRolesToOverride")?;
    let preferred = match g.get("preferredRole") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(bad(
                trigger,
                format!("preferredRole must be a string, not {other}"),
            ));
        }
    };
    for claims in [&mut *id, &mut *access] {
        if groups.is_empty() {
            claims.remove("cognito:groups");
        } else {
            claims.insert("cognito:groups".into(), json!(groups));
        }
    }
    if roles.is_empty() {
        id.remove("cognito:roles");
    } else {
        id.insert("cognito:roles".into(), json!(roles));
    }
    match preferred {
        Some(p) => id.insert("cognito:preferred_role".into(), json!(p)),
        None => id.remove("cognito:preferred_role"),
    };
    Ok(())
}

/// Applies a pre token generation answer to the claims of the ID and access tokens; answers
/// notes about what was ignored.
pub fn apply_pre_token(
    response: &Value,
    v2: bool,
    id: &mut Map<String, Value>,
    access: &mut Map<String, Value>,
) -> Result<Vec<String>> {
    const T: &str = "PreTokenGeneration";
    let mut notes = Vec::new();
    if !v2 {
        let d = match response.get("claimsOverrideDetails") {
            None | Some(Value::Null) => return Ok(notes),
            Some(d @ Value::Object(_)) => d,
            Some(other) => {
                return Err(bad(
                    T,
                    format!("claimsOverrideDetails must be an object, not {other}"),
                ));
            }
        };
        apply_claims(T, d, id, "ID", &mut notes)?;
        apply_groups(T, d, id, access)?;
        return Ok(notes);
    }
    let d = match response.get("claimsAndScopeOverrideDetails") {
        None | Some(Value::Null) => return Ok(notes),
        Some(d @ Value::Object(_)) => d,
        Some(other) => {
            return Err(bad(
                T,
                format!("claimsAndScopeOverrideDetails must be an object, not {other}"),
            ));
        }
    };
    if let Some(idg) = d.get("idTokenGeneration").filter(|v| !v.is_null()) {
        apply_claims(T, idg, id, "ID", &mut notes)?;
    }
    if let Some(ag) = d.get("accessTokenGeneration").filter(|v| !v.is_null()) {
        apply_claims(T, ag, access, "access", &mut notes)?;
        let mut scopes: Vec<String> = access
            .get("scope")
            .and_then(Value::as_str)
            .map(|s| {
                s.split(' ')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        for s in string_list(T, ag.get("scopesToAdd"), "scopesToAdd")? {
            if s.is_empty() || s.contains(' ') {
                return Err(bad(T, format!("scopesToAdd: '{s}' is not a scope")));
            }
            if !scopes.contains(&s) {
                scopes.push(s);
            }
        }
        let suppress = string_list(T, ag.get("scopesToSuppress"), "scopesToSuppress")?;
        scopes.retain(|s| !suppress.contains(s));
        if scopes.is_empty() {
            access.remove("scope");
        } else {
            access.insert("scope".into(), json!(scopes.join(" ")));
        }
    }
    apply_groups(T, d, id, access)?;
    Ok(notes)
}

/// The request of a pre or post authentication event.
pub fn authentication_request(user: &UserRow, extra: Value, client_metadata: Value) -> Value {
    let mut r = json!({
        "userAttributes": user_attributes(user),
        "clientMetadata": client_metadata,
    });
    if let (Value::Object(r), Value::Object(extra)) = (&mut r, extra) {
        r.extend(extra);
    }
    r
}

/// A custom message hook's texts, with `{####}` (and `{username}` in invitations) still to be
/// filled in. A member left out keeps the pool's own text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomText {
    pub email_subject: Option<String>,
    pub email_message: Option<String>,
    pub sms_message: Option<String>,
}

/// The request of a custom message event. `invitation`: the message carries the username too.
pub fn custom_message_request(attributes: Value, invitation: bool, metadata: Value) -> Value {
    json!({
        "userAttributes": attributes,
        "codeParameter": "{####}",
        "linkParameter": "{##Click Here##}",
        "usernameParameter": if invitation { json!("{username}") } else { Value::Null },
        "clientMetadata": metadata,
    })
}

/// The response members a custom message hook starts from.
pub fn custom_message_response() -> Value {
    json!({"smsMessage": null, "emailMessage": null, "emailSubject": null})
}

/// Reads a custom message answer: each message must keep the code's place, as Cognito
/// requires; Cognito's length limits apply.
pub fn read_custom_message(response: &Value, invitation: bool) -> Result<CustomText> {
    const T: &str = "CustomMessage";
    let text = |name: &str, max: usize, needs_code: bool| -> Result<Option<String>> {
        match response.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => {
                if s.chars().count() > max {
                    return Err(bad(T, format!("{name} is longer than {max} characters")));
                }
                if needs_code && !s.contains("{####}") {
                    return Err(bad(
                        T,
                        format!("{name} must contain {{####}}, where the code goes"),
                    ));
                }
                if needs_code && invitation && !s.contains("{username}") {
                    return Err(bad(
                        T,
                        format!("{name} must contain {{username}} in an invitation"),
                    ));
                }
                Ok(Some(s.clone()))
            }
            Some(other) => Err(bad(T, format!("{name} must be a string, not {other}"))),
        }
    };
    Ok(CustomText {
        email_subject: text("emailSubject", 140, false)?,
        email_message: text("emailMessage", 20_000, true)?,
        sms_message: text("smsMessage", 1_600, true)?,
    })
}

/// What a user migration hook answered: the user to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub attributes: std::collections::BTreeMap<String, String>,
    pub status: domain::user::UserStatus,
    pub force_alias_creation: bool,
}

/// The request of a user migration event (the password only when signing in).
pub fn migration_request(password: Option<&str>, validation: Value, metadata: Value) -> Value {
    let mut r = json!({"validationData": validation, "clientMetadata": metadata});
    if let Some(p) = password {
        r["password"] = Value::String(p.to_string());
    }
    r
}

/// The response members a user migration hook starts from.
pub fn migration_response() -> Value {
    json!({"userAttributes": null, "finalUserStatus": null, "messageAction": null,
        "desiredDeliveryMediums": null, "forceAliasCreation": null})
}

/// Reads a user migration answer. `forgot`: the forgotten-password flow, where the user always
/// starts `RESET_REQUIRED` (there is no password to keep).
pub fn read_migration(response: &Value, forgot: bool) -> Result<(Migration, Vec<String>)> {
    use domain::user::UserStatus;
    const T: &str = "UserMigration";
    let mut notes = Vec::new();
    let attributes: std::collections::BTreeMap<String, String> =
        match response.get("userAttributes") {
            Some(Value::Object(m)) if !m.is_empty() => m
                .iter()
                .filter_map(|(k, v)| match (k.as_str(), v) {
                    ("sub" | "username" | "cognito:user_status", _) => {
                        notes.push(format!("userAttributes.{k} is not an attribute; ignored"));
                        None
                    }
                    (_, Value::String(s)) => Some(Ok((k.clone(), s.clone()))),
                    (_, Value::Bool(b)) => Some(Ok((k.clone(), b.to_string()))),
                    (_, other) => Some(Err(bad(
                        T,
                        format!("userAttributes.{k} must be a string, not {other}"),
                    ))),
                })
                .collect::<Result<_>>()?,
            None | Some(Value::Null) => {
                return Err(bad(
                    T,
                    "userAttributes is missing: the user cannot be created",
                ));
            }
            Some(Value::Object(_)) => {
                return Err(bad(
                    T,
                    "userAttributes is empty: the user cannot be created",
                ));
            }
            Some(other) => {
                return Err(bad(
                    T,
                    format!("userAttributes must be an object, not {other}"),
                ));
            }
        };
    let status = match response.get("finalUserStatus") {
        _ if forgot => UserStatus::ResetRequired,
        None | Some(Value::Null) => UserStatus::Confirmed,
        Some(Value::String(s)) if s == "CONFIRMED" => UserStatus::Confirmed,
        Some(Value::String(s)) if s == "RESET_REQUIRED" => UserStatus::ResetRequired,
        Some(other) => {
            return Err(bad(
                T,
                format!("finalUserStatus must be CONFIRMED or RESET_REQUIRED, not {other}"),
            ));
        }
    };
    if let Some(Value::String(a)) = response.get("messageAction")
        && a != "SUPPRESS"
    {
        notes.push(format!(
            "messageAction {a}: migrated users get no welcome message here"
        ));
    }
    Ok((
        Migration {
            attributes,
            status,
            force_alias_creation: response
                .get("forceAliasCreation")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
        notes,
    ))
}
