//! The workspace's roles (Poolhouse's own service, IAM's member names): create, read, change,
//! delete, list and import roles with their trust and permission policies. Every policy is
//! validated before anything is stored; a malformed one is refused with IAM's
//! `MalformedPolicyDocument`, naming the member, the JSON path and the line.

use std::collections::BTreeMap;

use identity_pools::roles::{self, RoleSpec, RoleUpdate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::roles::RoleRow;
use ts_rs::TS;

use crate::ops::OpCtx;
use crate::{ApiError, Console, ErrorCode, secs};

dto! {
    /// A role as IAM's `Role`, with its permission policies.
    pub struct RoleType {
        pub role_name: String,
        pub role_id: String,
        pub arn: String,
        pub path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        /// The trust policy's text.
        pub assume_role_policy_document: String,
        /// Seconds (3600–43200).
        pub max_session_duration: i64,
        /// Permission policies: name → text.
        pub policies: BTreeMap<String, String>,
        /// Epoch seconds.
        pub create_date: f64,
        pub update_date: f64,
    }
}

dto! {
    pub struct RoleResponse {
        pub role: RoleType,
    }
}

dto! {
    pub struct CreateRoleRequest {
        pub role_name: String,
        #[serde(default)]
        pub path: Option<String>,
        pub assume_role_policy_document: String,
        #[serde(default)]
        pub description: Option<String>,
        #[serde(default)]
        pub max_session_duration: Option<i64>,
        /// Permission policies to attach: name → text.
        #[serde(default)]
        pub policies: Option<BTreeMap<String, String>>,
    }
}

dto! {
    /// A role by name (or by ARN).
    pub struct RoleNameRequest {
        pub role_name: String,
    }
}

dto! {
    /// What changes; a member left out stays as it is.
    pub struct UpdateRoleRequest {
        pub role_name: String,
        #[serde(default)]
        pub description: Option<String>,
        #[serde(default)]
        pub assume_role_policy_document: Option<String>,
        #[serde(default)]
        pub max_session_duration: Option<i64>,
    }
}

dto! {
    pub struct PutRolePolicyRequest {
        pub role_name: String,
        pub policy_name: String,
        pub policy_document: String,
    }
}

dto! {
    pub struct DeleteRolePolicyRequest {
        pub role_name: String,
        pub policy_name: String,
    }
}

dto! {
    pub struct ListRolesRequest {
        /// 1–1000; 100 when left out.
        #[serde(default)]
        pub max_items: Option<u32>,
        #[serde(default)]
        pub marker: Option<String>,
    }
}

dto! {
    pub struct ListRolesResponse {
        pub roles: Vec<RoleType>,
        pub is_truncated: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub marker: Option<String>,
    }
}

dto! {
    pub struct ImportRoleRequest {
        /// What `aws iam get-role --role-name <name>` prints.
        pub get_role_output: String,
        /// What `aws iam get-role-policy --role-name <name> --policy-name <p>` prints, for each
        /// inline policy.
        #[serde(default)]
        pub role_policies: Option<Vec<String>>,
    }
}

dto! {
    pub struct ImportRoleResponse {
        pub role: RoleType,
        /// The printed role's ARN, when it was in another account than the workspace's (the
        /// role is kept under the workspace's account).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub imported_from: Option<String>,
    }
}

impl From<roles::Error> for ApiError {
    fn from(e: roles::Error) -> Self {
        use roles::Error as E;
        let message = e.to_string();
        match e {
            E::NoSuchEntity(_) => ApiError::new(ErrorCode::NoSuchEntity, message),
            E::AlreadyExists(_) => ApiError {
                code: ErrorCode::EntityAlreadyExists,
                message,
                field: Some("RoleName".into()),
            },
            E::MalformedPolicy(f) => ApiError {
                code: ErrorCode::MalformedPolicyDocument,
                message,
                field: Some(f.field),
            },
            E::InvalidParameter(f) => f.into(),
            E::LimitExceeded(_) => ApiError::new(ErrorCode::LimitExceededException, message),
            E::Internal(_) => ApiError::new(ErrorCode::InternalErrorException, message),
            E::Storage(s) => s.into(),
        }
    }
}

pub(crate) fn role_type(r: RoleRow) -> RoleType {
    RoleType {
        role_name: r.name,
        role_id: r.role_id,
        arn: r.arn,
        path: r.path,
        description: r.description,
        assume_role_policy_document: r.trust_policy,
        max_session_duration: r.max_session_duration,
        policies: r.policies,
        create_date: secs(r.created_at),
        update_date: secs(r.updated_at),
    }
}

/// `CreateRole`.
pub(crate) fn create_role(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: CreateRoleRequest,
) -> Result<RoleResponse, ApiError> {
    let spec = RoleSpec {
        name: req.role_name,
        path: req.path,
        description: req.description,
        trust_policy: req.assume_role_policy_document,
        max_session_duration: req.max_session_duration,
        policies: req.policies.unwrap_or_default(),
    };
    let target = spec.name.clone();
    c.write_audited(ctx, None, Some(&target), |tx, uctx| {
        let row = roles::create(tx, uctx.account, uctx.clock.now_ms(), &spec)?;
        Ok((
            RoleResponse {
                role: role_type(row),
            },
            None,
        ))
    })
}

/// `GetRole`.
pub(crate) fn get_role(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: RoleNameRequest,
) -> Result<RoleResponse, ApiError> {
    let row = c.read(|r| Ok(roles::find(r, &req.role_name)?))?;
    Ok(RoleResponse {
        role: role_type(row),
    })
}

/// `UpdateRole`.
pub(crate) fn update_role(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UpdateRoleRequest,
) -> Result<RoleResponse, ApiError> {
    let change = RoleUpdate {
        description: req.description,
        trust_policy: req.assume_role_policy_document,
        max_session_duration: req.max_session_duration,
    };
    c.write_audited(ctx, None, Some(&req.role_name), |tx, uctx| {
        let row = roles::update(tx, uctx.clock.now_ms(), &req.role_name, &change)?;
        Ok((
            RoleResponse {
                role: role_type(row),
            },
            None,
        ))
    })
}

/// `PutRolePolicy`.
pub(crate) fn put_role_policy(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: PutRolePolicyRequest,
) -> Result<RoleResponse, ApiError> {
    c.write_audited(ctx, None, Some(&req.role_name), |tx, uctx| {
        let now = uctx.clock.now_ms();
        roles::put_policy(
            tx,
            now,
            &req.role_name,
            &req.policy_name,
            &req.policy_document,
        )?;
        Ok((
            RoleResponse {
                role: role_type(roles::get(tx, &req.role_name)?),
            },
            None,
        ))
    })
}

/// `DeleteRolePolicy`.
pub(crate) fn delete_role_policy(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: DeleteRolePolicyRequest,
) -> Result<RoleResponse, ApiError> {
    c.write_audited(ctx, None, Some(&req.role_name), |tx, uctx| {
        roles::delete_policy(tx, uctx.clock.now_ms(), &req.role_name, &req.policy_name)?;
        Ok((
            RoleResponse {
                role: role_type(roles::get(tx, &req.role_name)?),
            },
            None,
        ))
    })
}

/// `DeleteRole`.
pub(crate) fn delete_role(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: RoleNameRequest,
) -> Result<super::shared::Empty, ApiError> {
    c.write_audited(ctx, None, Some(&req.role_name), |tx, _| {
        roles::delete(tx, &req.role_name)?;
        Ok((super::shared::Empty {}, None))
    })
}

/// `ListRoles`: by name, IAM's `Marker` paging.
pub(crate) fn list_roles(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: ListRolesRequest,
) -> Result<ListRolesResponse, ApiError> {
    let limit = req.max_items.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("MaxItems", "must be between 1 and 1000"));
    }
    const SCOPE: &str = "ListRoles";
    let after: Option<String> = super::shared::cursor(c, SCOPE, req.marker.as_deref())?;
    let rows = c.read(|r| Ok(roles::list(r, after.as_deref(), limit + 1)?))?;
    let (rows, next) = super::shared::paged(c, rows, limit, SCOPE, |r| r.name.clone());
    Ok(ListRolesResponse {
        roles: rows.into_iter().map(role_type).collect(),
        is_truncated: next.is_some(),
        marker: next,
    })
}

/// `ImportRole`: a role from what the AWS CLI prints.
pub(crate) fn import_role(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: ImportRoleRequest,
) -> Result<ImportRoleResponse, ApiError> {
    let policies = req.role_policies.unwrap_or_default();
    c.write_audited(ctx, None, None, |tx, uctx| {
        let (row, from) = roles::import(
            tx,
            uctx.account,
            uctx.clock.now_ms(),
            &req.get_role_output,
            &policies,
        )?;
        let name = row.name.clone();
        Ok((
            ImportRoleResponse {
                role: role_type(row),
                imported_from: from,
            },
            Some(name),
        ))
    })
}
