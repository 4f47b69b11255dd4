//! The workspace's roles: IAM-style records with a trust policy, named permission policies and
//! a maximum session duration, which identity pools hand out and STS assumes. Every policy is
//! parsed with [`crate::policy`] before it is stored, and a malformed one is refused naming the
//! request member, the JSON path and the line (IAM's `MalformedPolicyDocument`).
//!
//! A role's ARN is `arn:aws:iam::<workspace account>:role/<path><name>`.

use std::collections::BTreeMap;

use domain::FieldError;
use serde_json::Value;
use storage::roles::{self as store, NewRole, RoleRow};
use storage::{Read, Tx};

use crate::policy::{NamedPolicy, PolicyDocument, PolicyKind};

/// IAM's default quota of roles per account.
pub const MAX_ROLES: i64 = 1000;
/// IAM's bounds on `MaxSessionDuration`, in seconds.
pub const MIN_SESSION_SECS: i64 = 3600;
pub const MAX_SESSION_SECS: i64 = 43200;
/// IAM's bound on a policy document (characters, whitespace included).
pub const MAX_POLICY_CHARS: usize = 10_240;

/// Why a role operation was refused (IAM's error codes).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `NoSuchEntity`.
    #[error("{0}")]
    NoSuchEntity(String),
    /// `EntityAlreadyExists`.
    #[error("Role with name {0} already exists.")]
    AlreadyExists(String),
    /// `MalformedPolicyDocument`: the member, and where in the document and what.
    #[error("{}: {}", .0.field, .0.reason)]
    MalformedPolicy(FieldError),
    /// `ValidationError` / `InvalidParameterException`: a member breaks IAM's rules.
    #[error("{}: {}", .0.field, .0.reason)]
    InvalidParameter(FieldError),
    /// `LimitExceeded`.
    #[error("{0}")]
    LimitExceeded(String),
    /// Something Poolhouse could not do (no randomness).
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Storage(storage::Error),
}

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Self {
        Error::InvalidParameter(e)
    }
}

impl From<storage::Error> for Error {
    fn from(e: storage::Error) -> Self {
        Error::Storage(e)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// A role as asked for by CreateRole (or ImportRole).
#[derive(Debug, Clone, Default)]
pub struct RoleSpec {
    pub name: String,
    /// `/` when absent.
    pub path: Option<String>,
    pub description: Option<String>,
    pub trust_policy: String,
    /// Seconds; 3600 when absent.
    pub max_session_duration: Option<i64>,
    /// Permission policies: name → text.
    pub policies: BTreeMap<String, String>,
}

/// A role read from the store with its policies parsed, ready for evaluation.
#[derive(Debug, Clone)]
pub struct Role {
    pub row: RoleRow,
    pub trust: NamedPolicy,
    pub permissions: Vec<NamedPolicy>,
}

/// IAM's name characters: letters, digits and `+=,.@_-`.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

fn check_name(field: &str, name: &str, max: usize) -> std::result::Result<(), FieldError> {
    let n = name.chars().count();
    if n == 0 || n > max {
        return Err(FieldError::new(
            field,
            format!("must be 1–{max} characters"),
        ));
    }
    if let Some(bad) = name.chars().find(|c| !is_name_char(*c)) {
        return Err(FieldError::new(
            field,
            format!("'{name}' has {bad:?}; names hold letters, digits and + = , . @ _ - only"),
        ));
    }
    Ok(())
}

fn check_path(path: &str) -> std::result::Result<(), FieldError> {
    let ok = path == "/"
        || (path.len() >= 3
            && path.len() <= 512
            && path.starts_with('/')
            && path.ends_with('/')
            && path.chars().all(|c| ('!'..='~').contains(&c))
            && !path.contains("//"));
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            "Path",
            format!(
                "'{path}' is not a path: '/' or '/division/team/' (printable characters, 1–512)"
            ),
        ))
    }
}

fn check_duration(secs: i64) -> std::result::Result<(), FieldError> {
    if (MIN_SESSION_SECS..=MAX_SESSION_SECS).contains(&secs) {
        Ok(())
    } else {
        Err(FieldError::new(
            "MaxSessionDuration",
            format!(
                "must be {MIN_SESSION_SECS}–{MAX_SESSION_SECS} seconds (1 to 12 hours), got {secs}"
            ),
        ))
    }
}

fn check_description(d: Option<&str>) -> std::result::Result<(), FieldError> {
    match d {
        Some(d) if d.chars().count() > 1000 => Err(FieldError::new(
            "Description",
            "must be at most 1000 characters",
        )),
        _ => Ok(()),
    }
}

/// Parses a policy as IAM would on `field`, refusing it with the member, path and line.
pub fn parse_policy(field: &str, text: &str, kind: PolicyKind) -> Result<PolicyDocument> {
    if text.chars().count() > MAX_POLICY_CHARS {
        return Err(Error::MalformedPolicy(FieldError::new(
            field,
            format!("is longer than {MAX_POLICY_CHARS} characters"),
        )));
    }
    PolicyDocument::parse(text, kind)
        .map_err(|e| Error::MalformedPolicy(FieldError::new(field, e.to_string())))
}

/// A role id like IAM's: `AROA` and 17 characters of base32.
fn new_role_id() -> Result<String> {
    crate::credentials::random_base32(17)
        .map(|r| format!("AROA{r}"))
        .map_err(|e| Error::Internal(e.to_string()))
}

/// The ARN of a role.
pub fn arn(account: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role{path}{name}")
}

/// Creates a role with its policies, every policy checked first.
pub fn create(tx: &Tx<'_>, account: &str, now: i64, spec: &RoleSpec) -> Result<RoleRow> {
    check_name("RoleName", &spec.name, 64)?;
    let path = spec.path.as_deref().unwrap_or("/");
    check_path(path)?;
    check_description(spec.description.as_deref())?;
    let max = spec.max_session_duration.unwrap_or(MIN_SESSION_SECS);
    check_duration(max)?;
    parse_policy(
        "AssumeRolePolicyDocument",
        &spec.trust_policy,
        PolicyKind::Trust,
    )?;
    for (name, text) in &spec.policies {
        check_name(&format!("Policies[\"{name}\"]"), name, 128)?;
        parse_policy(
            &format!("Policies[\"{name}\"]"),
            text,
            PolicyKind::Permissions,
        )?;
    }
    if store::get_by_name(tx, &spec.name)?.is_some() {
        return Err(Error::AlreadyExists(spec.name.clone()));
    }
    if store::count(tx)? >= MAX_ROLES {
        return Err(Error::LimitExceeded(format!(
            "A workspace holds at most {MAX_ROLES} roles."
        )));
    }
    let arn = arn(account, path, &spec.name);
    let role_id = new_role_id()?;
    let pk = store::insert(
        tx,
        &NewRole {
            name: &spec.name,
            path,
            arn: &arn,
            role_id: &role_id,
            description: spec.description.as_deref(),
            trust_policy: &spec.trust_policy,
            max_session_duration: max,
        },
        now,
    )
    .map_err(|e| match e {
        storage::Error::Conflict { .. } => Error::AlreadyExists(spec.name.clone()),
        other => other.into(),
    })?;
    for (name, text) in &spec.policies {
        store::put_policy(tx, pk, name, text, now)?;
    }
    get(tx, &spec.name)
}

/// The role of this name.
pub fn get(r: &impl Read, name: &str) -> Result<RoleRow> {
    store::get_by_name(r, name)?
        .ok_or_else(|| Error::NoSuchEntity(format!("The role with name {name} cannot be found.")))
}

/// The role named by `name_or_arn`: an ARN (`arn:…`) or a name.
pub fn find(r: &impl Read, name_or_arn: &str) -> Result<RoleRow> {
    if name_or_arn.starts_with("arn:") {
        store::get_by_arn(r, name_or_arn)?
            .ok_or_else(|| Error::NoSuchEntity(format!("The role {name_or_arn} cannot be found.")))
    } else {
        get(r, name_or_arn)
    }
}

/// The role with this ARN with its policies parsed, or None when the workspace has no such
/// role.
pub fn load(r: &impl Read, arn: &str) -> Result<Option<Role>> {
    store::get_by_arn(r, arn)?.map(parsed).transpose()
}

/// More roles than this and [`load_shared`]'s memo starts over (a bound, not a tuning knob).
const PARSED_MAX: usize = 256;

/// [`load`], for the hot path of a vend: the role's row is read as [`load`] reads it, but its
/// policies are parsed only when that row (its trust policy, its permission policies, every
/// column) differs from the last one parsed for the same ARN. The memo is keyed by the row's
/// content, not by a version number, so it cannot answer a stale parse: an updated role reads
/// as a different row, in this process or after a change made by another one.
pub fn load_shared(r: &impl Read, arn: &str) -> Result<Option<std::sync::Arc<Role>>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static PARSED: OnceLock<Mutex<HashMap<String, Arc<Role>>>> = OnceLock::new();
    let Some(row) = store::get_by_arn(r, arn)? else {
        return Ok(None);
    };
    let memo = PARSED.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(m) = memo.lock()
        && let Some(role) = m.get(arn)
        && role.row == row
    {
        return Ok(Some(Arc::clone(role)));
    }
    let role = Arc::new(parsed(row)?);
    if let Ok(mut m) = memo.lock() {
        if m.len() >= PARSED_MAX {
            m.clear();
        }
        m.insert(arn.to_string(), Arc::clone(&role));
    }
    Ok(Some(role))
}

/// A stored role with its policies parsed (they were valid when written; one that no longer
/// parses is reported as malformed).
pub fn parsed(row: RoleRow) -> Result<Role> {
    let trust = NamedPolicy::new(
        "trust policy",
        parse_policy(
            "AssumeRolePolicyDocument",
            &row.trust_policy,
            PolicyKind::Trust,
        )?,
    );
    let mut permissions = Vec::with_capacity(row.policies.len());
    for (name, text) in &row.policies {
        permissions.push(NamedPolicy::new(
            name,
            parse_policy(
                &format!("Policies[\"{name}\"]"),
                text,
                PolicyKind::Permissions,
            )?,
        ));
    }
    Ok(Role {
        row,
        trust,
        permissions,
    })
}

/// What UpdateRole changes; a member left out stays as it is.
#[derive(Debug, Clone, Default)]
pub struct RoleUpdate {
    pub description: Option<String>,
    pub trust_policy: Option<String>,
    pub max_session_duration: Option<i64>,
}

/// Changes a role's description, trust policy or maximum session duration.
pub fn update(tx: &Tx<'_>, now: i64, name: &str, change: &RoleUpdate) -> Result<RoleRow> {
    let role = get(tx, name)?;
    check_description(change.description.as_deref())?;
    if let Some(d) = change.max_session_duration {
        check_duration(d)?;
    }
    if let Some(t) = &change.trust_policy {
        parse_policy("AssumeRolePolicyDocument", t, PolicyKind::Trust)?;
    }
    store::update(
        tx,
        role.pk,
        change
            .description
            .as_deref()
            .or(role.description.as_deref()),
        change.trust_policy.as_deref().unwrap_or(&role.trust_policy),
        change
            .max_session_duration
            .unwrap_or(role.max_session_duration),
        now,
    )?;
    get(tx, name)
}

/// Adds or replaces one permission policy.
pub fn put_policy(tx: &Tx<'_>, now: i64, role: &str, policy: &str, text: &str) -> Result<()> {
    check_name("PolicyName", policy, 128)?;
    parse_policy("PolicyDocument", text, PolicyKind::Permissions)?;
    let row = get(tx, role)?;
    store::put_policy(tx, row.pk, policy, text, now)?;
    Ok(())
}

/// Removes one permission policy.
pub fn delete_policy(tx: &Tx<'_>, now: i64, role: &str, policy: &str) -> Result<()> {
    let row = get(tx, role)?;
    if !store::delete_policy(tx, row.pk, policy, now)? {
        return Err(Error::NoSuchEntity(format!(
            "The role policy with name {policy} cannot be found."
        )));
    }
    Ok(())
}

/// Deletes a role and its policies.
pub fn delete(tx: &Tx<'_>, name: &str) -> Result<()> {
    let row = get(tx, name)?;
    store::delete(tx, row.pk)?;
    Ok(())
}

/// Roles in name order after `after`, at most `limit`.
pub fn list(r: &impl Read, after: Option<&str>, limit: u32) -> Result<Vec<RoleRow>> {
    Ok(store::list(r, after, limit)?)
}

/// A role read from what `aws iam get-role` prints, with the policies `aws iam get-role-policy`
/// prints. The ARN's account is the workspace's, whatever account the printed role was in.
#[derive(Debug, Clone)]
pub struct Imported {
    pub spec: RoleSpec,
    /// The ARN as printed, when its account is not the workspace's.
    pub original_arn: Option<String>,
}

/// A policy document as the AWS CLI prints it (a JSON object) or as the API sends it (a string,
/// URL-encoded or not) → its text.
fn document_text(field: &str, v: &Value) -> Result<String> {
    match v {
        Value::Object(_) => serde_json::to_string_pretty(v)
            .map_err(|e| Error::MalformedPolicy(FieldError::new(field, e.to_string()))),
        Value::String(s) if s.trim_start().starts_with('{') => Ok(s.clone()),
        Value::String(s) => percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|t| t.into_owned())
            .map_err(|e| Error::MalformedPolicy(FieldError::new(field, e.to_string()))),
        other => Err(Error::MalformedPolicy(FieldError::new(
            field,
            format!("must be a policy document (an object), got {}", kind(other)),
        ))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads `aws iam get-role` output (`{"Role": {...}}`, or the role object alone) and any
/// number of `aws iam get-role-policy` outputs.
pub fn read_import(account: &str, get_role: &str, role_policies: &[String]) -> Result<Imported> {
    let bad = |field: &str, why: String| Error::InvalidParameter(FieldError::new(field, why));
    let json: Value = serde_json::from_str(get_role).map_err(|e| {
        bad(
            "GetRoleOutput",
            format!(
                "is not the JSON `aws iam get-role` prints: line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    let role = json.get("Role").unwrap_or(&json);
    let text = |member: &str| -> Result<Option<String>> {
        match role.get(member) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(bad(
                &format!("GetRoleOutput.Role.{member}"),
                format!("must be a string, got {}", kind(other)),
            )),
        }
    };
    let name = text("RoleName")?.ok_or_else(|| {
        bad(
            "GetRoleOutput.Role.RoleName",
            "is missing: paste what `aws iam get-role --role-name <name>` prints".to_string(),
        )
    })?;
    let path = text("Path")?;
    let trust = role.get("AssumeRolePolicyDocument").ok_or_else(|| {
        bad(
            "GetRoleOutput.Role.AssumeRolePolicyDocument",
            "is missing".to_string(),
        )
    })?;
    let trust_policy = document_text("GetRoleOutput.Role.AssumeRolePolicyDocument", trust)?;
    let max_session_duration = match role.get("MaxSessionDuration") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_i64().ok_or_else(|| {
            bad(
                "GetRoleOutput.Role.MaxSessionDuration",
                format!("must be a number of seconds, got {}", kind(v)),
            )
        })?),
    };
    let original_arn = text("Arn")?.filter(|a| !a.starts_with(&format!("arn:aws:iam::{account}:")));
    let mut policies = BTreeMap::new();
    for (i, p) in role_policies.iter().enumerate() {
        let field = format!("RolePolicies[{i}]");
        let json: Value = serde_json::from_str(p).map_err(|e| {
            bad(
                &field,
                format!(
                    "is not the JSON `aws iam get-role-policy` prints: line {}, column {}: {e}",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        if let Some(Value::String(of)) = json.get("RoleName")
            && of != &name
        {
            return Err(bad(
                &format!("{field}.RoleName"),
                format!("is {of}, not the imported role {name}"),
            ));
        }
        let Some(Value::String(policy_name)) = json.get("PolicyName") else {
            return Err(bad(
                &format!("{field}.PolicyName"),
                "is missing".to_string(),
            ));
        };
        let doc = json
            .get("PolicyDocument")
            .ok_or_else(|| bad(&format!("{field}.PolicyDocument"), "is missing".to_string()))?;
        let text = document_text(&format!("{field}.PolicyDocument"), doc)?;
        policies.insert(policy_name.clone(), text);
    }
    Ok(Imported {
        spec: RoleSpec {
            name,
            path,
            description: text("Description")?,
            trust_policy,
            max_session_duration,
            policies,
        },
        original_arn,
    })
}

/// Imports a role: read as [`read_import`] does, then created as [`create`] does (with every
/// policy validated), or — when the workspace already has a role of that name — refused.
pub fn import(
    tx: &Tx<'_>,
    account: &str,
    now: i64,
    get_role: &str,
    role_policies: &[String],
) -> Result<(RoleRow, Option<String>)> {
    let imported = read_import(account, get_role, role_policies)?;
    // Policies name the member of the import they came from.
    parse_policy(
        "GetRoleOutput.Role.AssumeRolePolicyDocument",
        &imported.spec.trust_policy,
        PolicyKind::Trust,
    )?;
    let row = create(tx, account, now, &imported.spec)?;
    Ok((row, imported.original_arn))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    const TRUST: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-dead-beef-cafe-123456789012"},
      "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}
    }
  }]
}"#;

    #[test]
    fn names_paths_and_durations_follow_iam() {
        assert!(check_name("RoleName", "Cognito_Auth+x=y,z.@-", 64).is_ok());
        assert_eq!(
            check_name("RoleName", "a b", 64).unwrap_err().field,
            "RoleName"
        );
        assert!(check_name("RoleName", &"a".repeat(65), 64).is_err());
        assert!(check_path("/").is_ok());
        assert!(check_path("/app/team/").is_ok());
        for bad in ["", "app/", "/app", "//", "/a b/"] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
        assert!(check_duration(3600).is_ok() && check_duration(43200).is_ok());
        assert!(check_duration(3599).is_err() && check_duration(43201).is_err());
        assert_eq!(
            arn("123456789012", "/app/", "Auth"),
            "arn:aws:iam::123456789012:role/app/Auth"
        );
    }

    #[test]
    fn a_malformed_policy_names_the_member_the_path_and_the_line() {
        let bad = TRUST.replace("\"Effect\": \"Allow\"", "\"Effect\": \"Allowed\"");
        match parse_policy("AssumeRolePolicyDocument", &bad, PolicyKind::Trust) {
            Err(Error::MalformedPolicy(f)) => {
                assert_eq!(f.field, "AssumeRolePolicyDocument");
                assert!(f.reason.contains("Statement[0].Effect"), "{}", f.reason);
                assert!(f.reason.contains("line 4"), "{}", f.reason);
            }
            other => panic!("{other:?}"),
        }
        // A permission policy is not a trust policy: Principal is refused there.
        assert!(matches!(
            parse_policy("Policies[\"p\"]", TRUST, PolicyKind::Permissions),
            Err(Error::MalformedPolicy(_))
        ));
    }

    #[test]
    fn get_role_output_is_read_with_its_policies() {
        let trust: Value = serde_json::from_str(TRUST).unwrap();
        let printed = serde_json::json!({"Role": {
            "Path": "/", "RoleName": "Cognito_Auth", "RoleId": "AROAEXAMPLE",
            "Arn": "arn:aws:iam::111122223333:role/Cognito_Auth",
            "CreateDate": "2024-01-01T00:00:00+00:00",
            "AssumeRolePolicyDocument": trust,
            "MaxSessionDuration": 7200, "RoleLastUsed": {}
        }})
        .to_string();
        let policy = serde_json::json!({"RoleName": "Cognito_Auth", "PolicyName": "photos",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::photos/*"}]}})
        .to_string();
        let got = read_import("123456789012", &printed, &[policy]).unwrap();
        assert_eq!(got.spec.name, "Cognito_Auth");
        assert_eq!(got.spec.max_session_duration, Some(7200));
        assert_eq!(
            got.original_arn.as_deref(),
            Some("arn:aws:iam::111122223333:role/Cognito_Auth")
        );
        assert!(got.spec.policies["photos"].contains("s3:GetObject"));
        PolicyDocument::parse(&got.spec.trust_policy, PolicyKind::Trust).unwrap();
        // The API's URL-encoded form is read too.
        let encoded = serde_json::json!({"Role": {"RoleName": "R",
            "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"}})
        .to_string();
        let got = read_import("123456789012", &encoded, &[]).unwrap();
        assert!(got.spec.trust_policy.starts_with("{\"Version\""));
        // A policy of another role is refused by name.
        let other = serde_json::json!({"RoleName": "Other", "PolicyName": "p",
            "PolicyDocument": {}})
        .to_string();
        match read_import("123456789012", &printed, &[other]) {
            Err(Error::InvalidParameter(f)) => assert_eq!(f.field, "RolePolicies[0].RoleName"),
            other => panic!("{other:?}"),
        }
    }
}
