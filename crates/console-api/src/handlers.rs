//! One method per operation: validate, call the engine, map to the response shape.

use std::collections::BTreeMap;

use storage::clients::ClientRow;
use storage::groups::GroupRow;
use storage::pools::PoolRow;
use storage::users::{SortKey, UserRow};
use user_pools::{clients, groups, pagination, passwords, pools, users};

use crate::dto::*;
use crate::{AccessKey, Actor, ApiError, Console, ErrorCode, read_workspace, secs};

fn attributes(u: &UserRow, only: Option<&[String]>) -> Vec<AttributeType> {
    u.attributes
        .iter()
        .filter(|(k, _)| only.is_none_or(|names| names.iter().any(|n| n == *k)))
        .map(|(k, v)| AttributeType {
            name: k.clone(),
            value: Some(v.clone()),
        })
        .collect()
}

fn user_type(u: &UserRow, only: Option<&[String]>) -> UserType {
    UserType {
        username: u.username.clone(),
        attributes: attributes(u, only),
        user_create_date: secs(u.created_at),
        user_last_modified_date: secs(u.updated_at),
        enabled: u.enabled,
        user_status: u.status,
        mfa_options: Vec::new(),
    }
}

fn pool_type(p: &PoolRow, region: &str, account: &str) -> UserPoolType {
    UserPoolType {
        id: p.id.clone(),
        name: p.name.clone(),
        arn: domain::ids::user_pool_arn(region_of(&p.id).unwrap_or(region), account, &p.id),
        creation_date: secs(p.created_at),
        last_modified_date: secs(p.updated_at),
        estimated_number_of_users: p.user_count,
        settings: p.config.settings.clone(),
        schema_attributes: p.config.schema_attributes.clone(),
        username_attributes: p.config.username_attributes.clone(),
        alias_attributes: p.config.alias_attributes.clone(),
        username_configuration: p.config.username_configuration,
    }
}

/// A pool's region is the part of its id before `_`.
fn region_of(id: &str) -> Option<&str> {
    id.split_once('_').map(|(r, _)| r)
}

fn client_type(p: &str, c: &ClientRow) -> UserPoolClientType {
    UserPoolClientType {
        user_pool_id: p.to_string(),
        client_name: c.name.clone(),
        client_id: c.client_id.clone(),
        client_secret: c.secret.clone(),
        creation_date: secs(c.created_at),
        last_modified_date: secs(c.updated_at),
        settings: c.settings.clone(),
    }
}

fn group_type(pool_id: &str, g: &GroupRow) -> GroupType {
    GroupType {
        group_name: g.name.clone(),
        user_pool_id: pool_id.to_string(),
        description: g.description.clone(),
        role_arn: g.role_arn.clone(),
        precedence: g.precedence,
        last_modified_date: secs(g.updated_at),
        creation_date: secs(g.created_at),
    }
}

pub(crate) fn attribute_map(
    field: &str,
    list: &[AttributeType],
) -> Result<BTreeMap<String, String>, ApiError> {
    let mut map = BTreeMap::new();
    for (i, a) in list.iter().enumerate() {
        let value = a.value.clone().unwrap_or_default();
        if map.insert(a.name.clone(), value).is_some() {
            return Err(ApiError::invalid(
                format!("{field}[{i}].Name"),
                format!("{} is given twice", a.name),
            ));
        }
    }
    Ok(map)
}

fn page_limit(field: &str, v: Option<u32>, max: u32, default: u32) -> Result<u32, ApiError> {
    let v = v.unwrap_or(default);
    if v > max {
        return Err(ApiError::invalid(
            field,
            format!("must be between 0 and {max}"),
        ));
    }
    Ok(v)
}

/// Reads a listing's `NextToken`: the cursor it carries, or an error naming the member.
fn cursor<K: serde::de::DeserializeOwned>(
    scope: &str,
    token: Option<&str>,
) -> Result<Option<K>, ApiError> {
    token
        .map(|t| pagination::decode(scope, t))
        .transpose()
        .map_err(|_| ApiError::invalid("NextToken", "is not a token this listing issued"))
}

/// Cuts a fetch of `limit + 1` rows to `limit`, with the token for the next page when there is
/// one (the key of the last row kept).
fn paged<T, K: serde::Serialize>(
    mut rows: Vec<T>,
    limit: u32,
    scope: &str,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    if rows.len() <= limit as usize {
        return (rows, None);
    }
    rows.truncate(limit as usize);
    let next = rows.last().map(|r| pagination::encode(scope, &key(r)));
    (rows, next)
}

impl Console {
    // ----- user pools -------------------------------------------------------------------

    /// `CreateUserPool`.
    pub fn create_user_pool(
        &self,
        actor: &Actor,
        req: CreateUserPoolRequest,
    ) -> Result<UserPoolResponse, ApiError> {
        let ws = self.workspace()?;
        self.write_audited(
            actor,
            "CreateUserPool",
            None,
            Some(&req.pool_name),
            |tx, ctx| {
                let identity = pools::Identity {
                    username_attributes: req.username_attributes.clone(),
                    alias_attributes: req.alias_attributes.clone(),
                    username_configuration: req.username_configuration,
                    schema: req.schema.clone(),
                };
                let pool = pools::create(tx, ctx, &req.pool_name, req.settings.clone(), identity)?;
                let id = pool.id.clone();
                Ok((
                    UserPoolResponse {
                        user_pool: pool_type(&pool, &ws.region, &ws.account_id),
                    },
                    Some(id),
                ))
            },
        )
    }

    /// `DescribeUserPool`.
    pub fn describe_user_pool(
        &self,
        _actor: &Actor,
        req: UserPoolIdRequest,
    ) -> Result<UserPoolResponse, ApiError> {
        let ws = self.workspace()?;
        let pool = self.read(|r| Ok(pools::get(r, &req.user_pool_id)?))?;
        Ok(UserPoolResponse {
            user_pool: pool_type(&pool, &ws.region, &ws.account_id),
        })
    }

    /// `UpdateUserPool`: members fixed at creation are refused by name.
    pub fn update_user_pool(
        &self,
        actor: &Actor,
        req: UpdateUserPoolRequest,
    ) -> Result<Empty, ApiError> {
        let id = req.user_pool_id.clone();
        self.write_audited(actor, "UpdateUserPool", Some(&id), None, |tx, ctx| {
            for (present, field) in [
                (req.username_attributes.is_some(), "UsernameAttributes"),
                (req.alias_attributes.is_some(), "AliasAttributes"),
                (
                    req.username_configuration.is_some(),
                    "UsernameConfiguration",
                ),
                (req.schema.is_some(), "Schema"),
            ] {
                if present {
                    return Err(ApiError::invalid(
                        field,
                        "cannot be changed after the user pool is created",
                    ));
                }
            }
            pools::update(
                tx,
                ctx,
                &req.user_pool_id,
                req.pool_name.as_deref(),
                req.settings.clone(),
            )?;
            Ok((Empty {}, None))
        })
    }

    /// `DeleteUserPool`.
    pub fn delete_user_pool(
        &self,
        actor: &Actor,
        req: UserPoolIdRequest,
    ) -> Result<Empty, ApiError> {
        self.write_audited(
            actor,
            "DeleteUserPool",
            Some(&req.user_pool_id),
            None,
            |tx, _| {
                pools::delete(tx, &req.user_pool_id)?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `ListUserPools`.
    pub fn list_user_pools(
        &self,
        _actor: &Actor,
        req: ListUserPoolsRequest,
    ) -> Result<ListUserPoolsResponse, ApiError> {
        if !(1..=60).contains(&req.max_results) {
            return Err(ApiError::invalid("MaxResults", "must be between 1 and 60"));
        }
        const SCOPE: &str = "ListUserPools";
        let after: i64 = cursor(SCOPE, req.next_token.as_deref())?.unwrap_or_default();
        let (rows, next) = paged(
            self.read(|r| Ok(pools::list(r, after, req.max_results + 1)?))?,
            req.max_results,
            SCOPE,
            |p| p.pk,
        );
        Ok(ListUserPoolsResponse {
            user_pools: rows
                .iter()
                .map(|p| UserPoolDescriptionType {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    creation_date: secs(p.created_at),
                    last_modified_date: secs(p.updated_at),
                    estimated_number_of_users: p.user_count,
                })
                .collect(),
            next_token: next,
        })
    }

    /// `AddCustomAttributes`.
    pub fn add_custom_attributes(
        &self,
        actor: &Actor,
        req: AddCustomAttributesRequest,
    ) -> Result<Empty, ApiError> {
        let names: Vec<&str> = req
            .custom_attributes
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        let target = names.join(",");
        self.write_audited(
            actor,
            "AddCustomAttributes",
            Some(&req.user_pool_id),
            Some(&target),
            |tx, ctx| {
                pools::add_custom_attributes(tx, ctx, &req.user_pool_id, &req.custom_attributes)?;
                Ok((Empty {}, None))
            },
        )
    }

    // ----- app clients ------------------------------------------------------------------

    /// `CreateUserPoolClient`.
    pub fn create_user_pool_client(
        &self,
        actor: &Actor,
        req: CreateUserPoolClientRequest,
    ) -> Result<UserPoolClientResponse, ApiError> {
        let pool_id = req.user_pool_id.clone();
        self.write_audited(
            actor,
            "CreateUserPoolClient",
            Some(&pool_id),
            Some(&req.client_name),
            |tx, ctx| {
                let c = clients::create(
                    tx,
                    ctx,
                    &req.user_pool_id,
                    &req.client_name,
                    req.generate_secret.unwrap_or(false),
                    req.settings.clone(),
                )?;
                let id = c.client_id.clone();
                Ok((
                    UserPoolClientResponse {
                        user_pool_client: client_type(&req.user_pool_id, &c),
                    },
                    Some(id),
                ))
            },
        )
    }

    /// `DescribeUserPoolClient`.
    pub fn describe_user_pool_client(
        &self,
        _actor: &Actor,
        req: ClientIdRequest,
    ) -> Result<UserPoolClientResponse, ApiError> {
        let c = self.read(|r| Ok(clients::get(r, &req.user_pool_id, &req.client_id)?))?;
        Ok(UserPoolClientResponse {
            user_pool_client: client_type(&req.user_pool_id, &c),
        })
    }

    /// `UpdateUserPoolClient`.
    pub fn update_user_pool_client(
        &self,
        actor: &Actor,
        req: UpdateUserPoolClientRequest,
    ) -> Result<UserPoolClientResponse, ApiError> {
        self.write_audited(
            actor,
            "UpdateUserPoolClient",
            Some(&req.user_pool_id),
            Some(&req.client_id),
            |tx, ctx| {
                let c = clients::update(
                    tx,
                    ctx,
                    &req.user_pool_id,
                    &req.client_id,
                    req.client_name.as_deref(),
                    req.settings.clone(),
                )?;
                Ok((
                    UserPoolClientResponse {
                        user_pool_client: client_type(&req.user_pool_id, &c),
                    },
                    None,
                ))
            },
        )
    }

    /// `DeleteUserPoolClient`.
    pub fn delete_user_pool_client(
        &self,
        actor: &Actor,
        req: ClientIdRequest,
    ) -> Result<Empty, ApiError> {
        self.write_audited(
            actor,
            "DeleteUserPoolClient",
            Some(&req.user_pool_id),
            Some(&req.client_id),
            |tx, _| {
                clients::delete(tx, &req.user_pool_id, &req.client_id)?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `ListUserPoolClients`.
    pub fn list_user_pool_clients(
        &self,
        _actor: &Actor,
        req: ListUserPoolClientsRequest,
    ) -> Result<ListUserPoolClientsResponse, ApiError> {
        let limit = req.max_results.unwrap_or(60);
        if !(1..=60).contains(&limit) {
            return Err(ApiError::invalid("MaxResults", "must be between 1 and 60"));
        }
        let scope = format!("ListUserPoolClients|{}", req.user_pool_id);
        let after: String = cursor(&scope, req.next_token.as_deref())?.unwrap_or_default();
        let rows = self.read(|r| Ok(clients::list(r, &req.user_pool_id, &after, limit + 1)?))?;
        let (rows, next) = paged(rows, limit, &scope, |c| c.client_id.clone());
        Ok(ListUserPoolClientsResponse {
            user_pool_clients: rows
                .iter()
                .map(|c| UserPoolClientDescription {
                    client_id: c.client_id.clone(),
                    user_pool_id: req.user_pool_id.clone(),
                    client_name: c.name.clone(),
                })
                .collect(),
            next_token: next,
        })
    }

    // ----- users ------------------------------------------------------------------------

    /// `AdminCreateUser`. The temporary password is checked and hashed before the write
    /// transaction; without one and with the invitation suppressed, no password is set.
    pub fn admin_create_user(
        &self,
        actor: &Actor,
        req: AdminCreateUserRequest,
    ) -> Result<AdminCreateUserResponse, ApiError> {
        let op = "AdminCreateUser";
        let pool_id = req.user_pool_id.clone();
        let prepared = (|| -> Result<_, ApiError> {
            let mut attrs = attribute_map("UserAttributes", &req.user_attributes)?;
            let action = match req.message_action {
                None => users::MessageAction::Send,
                Some(MessageActionType::Resend) => users::MessageAction::Resend,
                Some(MessageActionType::Suppress) => users::MessageAction::Suppress,
            };
            let pool = self.read(|r| Ok(user_pools::require_pool(r, &req.user_pool_id)?))?;
            if !matches!(action, users::MessageAction::Resend) {
                self.pre_sign_up(
                    &pool,
                    None,
                    "PreSignUp_AdminCreateUser",
                    &req.username,
                    &attrs,
                    &req.validation_data,
                    user_pools::hooks::string_map(&req.client_metadata),
                )?
                .verify_into(&mut attrs);
            }
            let clear = match &req.temporary_password {
                Some(pw) => {
                    users::check_password(&pool, pw).map_err(|e| {
                        let mut err = ApiError::from(e);
                        err.field = Some("TemporaryPassword".into());
                        err
                    })?;
                    Some(pw.clone())
                }
                None if users::needs_generated_password(action, false) => Some(
                    passwords::generate_temporary(&pool.config.settings.policies.password_policy),
                ),
                None => None,
            };
            let temporary_password = match clear {
                Some(c) => {
                    let h = passwords::hash(&c)?;
                    Some((c, h))
                }
                None => None,
            };
            let mediums = req
                .desired_delivery_mediums
                .iter()
                .map(|m| match m {
                    DeliveryMediumType::Sms => users::Medium::Sms,
                    DeliveryMediumType::Email => users::Medium::Email,
                })
                .collect();
            let message = if temporary_password.is_some()
                && !matches!(action, users::MessageAction::Suppress)
            {
                self.custom_message(
                    &pool,
                    None,
                    "CustomMessage_AdminCreateUser",
                    &req.username,
                    user_pools::hooks::string_map(&attrs),
                    user_pools::hooks::string_map(&req.client_metadata),
                )?
            } else {
                None
            };
            Ok(users::AdminCreate {
                message,
                username: req.username.clone(),
                attributes: attrs,
                temporary_password,
                message_action: action,
                mediums,
                force_alias_creation: req.force_alias_creation.unwrap_or(false),
            })
        })();
        let create = match prepared {
            Ok(c) => c,
            Err(e) => {
                self.record_failure(actor, op, Some(&pool_id), Some(&req.username), &e);
                return Err(e);
            }
        };
        let clear = create.temporary_password.as_ref().map(|(c, _)| c.clone());
        self.write_audited(actor, op, Some(&pool_id), Some(&req.username), |tx, ctx| {
            let user = users::admin_create(tx, ctx, &pool_id, create)?;
            if let Some(clear) = &clear {
                self.remember_srp(tx, &pool_id, &user, clear)?;
            }
            let name = user.username.clone();
            Ok((
                AdminCreateUserResponse {
                    user: user_type(&user, None),
                },
                Some(name),
            ))
        })
    }

    /// `AdminGetUser`.
    pub fn admin_get_user(
        &self,
        _actor: &Actor,
        req: UserRequest,
    ) -> Result<AdminGetUserResponse, ApiError> {
        let (u, (mfa, preferred)) = self.read(|r| {
            let (_, u) = users::get(r, &req.user_pool_id, &req.username)?;
            let mfa = user_pools::signin::mfa::describe(r, &u)?;
            Ok((u, mfa))
        })?;
        Ok(AdminGetUserResponse {
            username: u.username.clone(),
            user_attributes: attributes(&u, None),
            user_create_date: secs(u.created_at),
            user_last_modified_date: secs(u.updated_at),
            enabled: u.enabled,
            user_status: u.status,
            mfa_options: Vec::new(),
            preferred_mfa_setting: preferred,
            user_mfa_setting_list: mfa,
        })
    }

    /// `AdminUpdateUserAttributes`.
    pub fn admin_update_user_attributes(
        &self,
        actor: &Actor,
        req: AdminUpdateUserAttributesRequest,
    ) -> Result<Empty, ApiError> {
        self.write_audited(
            actor,
            "AdminUpdateUserAttributes",
            Some(&req.user_pool_id),
            Some(&req.username),
            |tx, ctx| {
                let changes = attribute_map("UserAttributes", &req.user_attributes)?;
                users::update_attributes(tx, ctx, &req.user_pool_id, &req.username, &changes)?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `AdminDeleteUserAttributes`.
    pub fn admin_delete_user_attributes(
        &self,
        actor: &Actor,
        req: AdminDeleteUserAttributesRequest,
    ) -> Result<Empty, ApiError> {
        self.write_audited(
            actor,
            "AdminDeleteUserAttributes",
            Some(&req.user_pool_id),
            Some(&req.username),
            |tx, ctx| {
                users::delete_attributes(
                    tx,
                    ctx,
                    &req.user_pool_id,
                    &req.username,
                    &req.user_attribute_names,
                )?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `AdminEnableUser`.
    pub fn admin_enable_user(&self, actor: &Actor, req: UserRequest) -> Result<Empty, ApiError> {
        self.write_audited(
            actor,
            "AdminEnableUser",
            Some(&req.user_pool_id),
            Some(&req.username),
            |tx, ctx| {
                users::set_enabled(tx, ctx, &req.user_pool_id, &req.username, true)?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `AdminDisableUser`.
    pub fn admin_disable_user(&self, actor: &Actor, req: UserRequest) -> Result<Empty, ApiError> {
        self.write_audited(
            actor,
            "AdminDisableUser",
            Some(&req.user_pool_id),
            Some(&req.username),
            |tx, ctx| {
                users::set_enabled(tx, ctx, &req.user_pool_id, &req.username, false)?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `AdminDeleteUser`.
    pub fn admin_delete_user(&self, actor: &Actor, req: UserRequest) -> Result<Empty, ApiError> {
        self.write_audited(
            actor,
            "AdminDeleteUser",
            Some(&req.user_pool_id),
            Some(&req.username),
            |tx, _| {
                users::delete(tx, &req.user_pool_id, &req.username)?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `AdminSetUserPassword`.
    pub fn admin_set_user_password(
        &self,
        actor: &Actor,
        req: AdminSetUserPasswordRequest,
    ) -> Result<Empty, ApiError> {
        let op = "AdminSetUserPassword";
        let hashed = (|| -> Result<String, ApiError> {
            let pool = self.read(|r| {
                let (pool, _) = users::get(r, &req.user_pool_id, &req.username)?;
                Ok(pool)
            })?;
            users::check_password(&pool, &req.password)?;
            self.check_new_password(
                &pool,
                domain::risk::EventFilter::PasswordChange,
                "Password",
                &req.password,
            )?;
            Ok(passwords::hash(&req.password)?)
        })();
        let hash = match hashed {
            Ok(h) => h,
            Err(e) => {
                self.record_failure(actor, op, Some(&req.user_pool_id), Some(&req.username), &e);
                return Err(e);
            }
        };
        self.write_audited(
            actor,
            op,
            Some(&req.user_pool_id),
            Some(&req.username),
            |tx, ctx| {
                let user = users::set_password(
                    tx,
                    ctx,
                    &req.user_pool_id,
                    &req.username,
                    &hash,
                    req.permanent.unwrap_or(false),
                )?;
                self.remember_srp(tx, &req.user_pool_id, &user, &req.password)?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `ListUsers`.
    pub fn list_users(
        &self,
        _actor: &Actor,
        req: ListUsersRequest,
    ) -> Result<ListUsersResponse, ApiError> {
        self.read(|r| {
            if let Some(names) = &req.attributes_to_get {
                let pool = user_pools::require_pool(r, &req.user_pool_id)?;
                for (i, n) in names.iter().enumerate() {
                    if domain::schema::find(&pool.config.schema_attributes, n).is_none() {
                        return Err(ApiError::invalid(
                            format!("AttributesToGet[{i}]"),
                            format!("{n} is not an attribute of this pool"),
                        ));
                    }
                }
            }
            let (rows, next) = users::list(
                r,
                &req.user_pool_id,
                req.filter.as_deref(),
                req.limit,
                req.pagination_token.as_deref(),
            )?;
            Ok(ListUsersResponse {
                users: rows
                    .iter()
                    .map(|u| user_type(u, req.attributes_to_get.as_deref()))
                    .collect(),
                pagination_token: next,
            })
        })
    }

    // ----- groups -----------------------------------------------------------------------

    fn group_input(req: &GroupRequest) -> groups::GroupInput {
        groups::GroupInput {
            description: req.description.clone(),
            precedence: req.precedence,
            role_arn: req.role_arn.clone(),
        }
    }

    /// `CreateGroup`.
    pub fn create_group(
        &self,
        actor: &Actor,
        req: GroupRequest,
    ) -> Result<GroupResponse, ApiError> {
        self.write_audited(
            actor,
            "CreateGroup",
            Some(&req.user_pool_id),
            Some(&req.group_name),
            |tx, ctx| {
                let g = groups::create(
                    tx,
                    ctx,
                    &req.user_pool_id,
                    &req.group_name,
                    &Self::group_input(&req),
                )?;
                Ok((
                    GroupResponse {
                        group: group_type(&req.user_pool_id, &g),
                    },
                    None,
                ))
            },
        )
    }

    /// `GetGroup`.
    pub fn get_group(
        &self,
        _actor: &Actor,
        req: GroupNameRequest,
    ) -> Result<GroupResponse, ApiError> {
        let g = self.read(|r| Ok(groups::get(r, &req.user_pool_id, &req.group_name)?))?;
        Ok(GroupResponse {
            group: group_type(&req.user_pool_id, &g),
        })
    }

    /// `UpdateGroup`.
    pub fn update_group(
        &self,
        actor: &Actor,
        req: GroupRequest,
    ) -> Result<GroupResponse, ApiError> {
        self.write_audited(
            actor,
            "UpdateGroup",
            Some(&req.user_pool_id),
            Some(&req.group_name),
            |tx, ctx| {
                let g = groups::update(
                    tx,
                    ctx,
                    &req.user_pool_id,
                    &req.group_name,
                    &Self::group_input(&req),
                )?;
                Ok((
                    GroupResponse {
                        group: group_type(&req.user_pool_id, &g),
                    },
                    None,
                ))
            },
        )
    }

    /// `DeleteGroup`.
    pub fn delete_group(&self, actor: &Actor, req: GroupNameRequest) -> Result<Empty, ApiError> {
        self.write_audited(
            actor,
            "DeleteGroup",
            Some(&req.user_pool_id),
            Some(&req.group_name),
            |tx, _| {
                groups::delete(tx, &req.user_pool_id, &req.group_name)?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `ListGroups`.
    pub fn list_groups(
        &self,
        _actor: &Actor,
        req: ListGroupsRequest,
    ) -> Result<ListGroupsResponse, ApiError> {
        let limit = page_limit("Limit", req.limit, 60, 60)?;
        let scope = format!("ListGroups|{}", req.user_pool_id);
        let after: String = cursor(&scope, req.next_token.as_deref())?.unwrap_or_default();
        let (rows, next) = paged(
            self.read(|r| Ok(groups::list(r, &req.user_pool_id, &after, limit + 1)?))?,
            limit,
            &scope,
            |g| g.name.clone(),
        );
        Ok(ListGroupsResponse {
            groups: rows
                .iter()
                .map(|g| group_type(&req.user_pool_id, g))
                .collect(),
            next_token: next,
        })
    }

    /// `AdminAddUserToGroup`.
    pub fn admin_add_user_to_group(
        &self,
        actor: &Actor,
        req: UserGroupRequest,
    ) -> Result<Empty, ApiError> {
        let target = format!("{} -> {}", req.username, req.group_name);
        self.write_audited(
            actor,
            "AdminAddUserToGroup",
            Some(&req.user_pool_id),
            Some(&target),
            |tx, _| {
                groups::add_user(tx, &req.user_pool_id, &req.username, &req.group_name)?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `AdminRemoveUserFromGroup`.
    pub fn admin_remove_user_from_group(
        &self,
        actor: &Actor,
        req: UserGroupRequest,
    ) -> Result<Empty, ApiError> {
        let target = format!("{} -> {}", req.username, req.group_name);
        self.write_audited(
            actor,
            "AdminRemoveUserFromGroup",
            Some(&req.user_pool_id),
            Some(&target),
            |tx, _| {
                groups::remove_user(tx, &req.user_pool_id, &req.username, &req.group_name)?;
                Ok((Empty {}, None))
            },
        )
    }

    /// `AdminListGroupsForUser` (a user has at most 100 groups; the token is a position).
    pub fn admin_list_groups_for_user(
        &self,
        _actor: &Actor,
        req: AdminListGroupsForUserRequest,
    ) -> Result<ListGroupsResponse, ApiError> {
        let limit = page_limit("Limit", req.limit, 60, 60)?.max(1) as usize;
        let scope = format!(
            "AdminListGroupsForUser|{}|{}",
            req.user_pool_id, req.username
        );
        let start: usize = cursor(&scope, req.next_token.as_deref())?.unwrap_or_default();
        let all = self.read(|r| Ok(groups::for_user(r, &req.user_pool_id, &req.username)?))?;
        let page: Vec<GroupType> = all
            .iter()
            .skip(start)
            .take(limit)
            .map(|g| group_type(&req.user_pool_id, g))
            .collect();
        let next =
            (start + limit < all.len()).then(|| pagination::encode(&scope, &(start + limit)));
        Ok(ListGroupsResponse {
            groups: page,
            next_token: next,
        })
    }

    /// `ListUsersInGroup`.
    pub fn list_users_in_group(
        &self,
        _actor: &Actor,
        req: ListUsersInGroupRequest,
    ) -> Result<ListUsersInGroupResponse, ApiError> {
        let limit = page_limit("Limit", req.limit, 60, 60)?.max(1);
        let scope = format!("ListUsersInGroup|{}|{}", req.user_pool_id, req.group_name);
        let after: i64 = cursor(&scope, req.next_token.as_deref())?.unwrap_or_default();
        let (rows, next) = paged(
            self.read(|r| {
                Ok(groups::members(
                    r,
                    &req.user_pool_id,
                    &req.group_name,
                    after,
                    limit + 1,
                )?)
            })?,
            limit,
            &scope,
            |u| u.pk,
        );
        Ok(ListUsersInGroupResponse {
            users: rows.iter().map(|u| user_type(u, None)).collect(),
            next_token: next,
        })
    }

    // ----- Poolhouse's own --------------------------------------------------------------

    /// `SearchUsers`.
    pub fn search_users(
        &self,
        _actor: &Actor,
        req: SearchUsersRequest,
    ) -> Result<SearchUsersResponse, ApiError> {
        let search = users::Search {
            text: req.query.clone(),
            statuses: req.status.clone(),
            enabled: req.enabled,
            group: req.group_name.clone(),
            mfa: req.mfa_enabled,
            sort: req.sort_by.map(|s| match s {
                SortBy::Username => SortKey::Username,
                SortBy::Email => SortKey::Email,
                SortBy::Created => SortKey::Created,
                SortBy::Modified => SortKey::Modified,
                SortBy::Status => SortKey::Status,
            }),
            descending: req.sort_descending.unwrap_or(false),
            limit: req.limit,
            token: req.next_token.clone(),
        };
        let page = self
            .read(|r| Ok(users::search(r, &req.user_pool_id, &search)?))
            .map_err(|mut e: ApiError| {
                if e.field.as_deref() == Some("PaginationToken") {
                    e.field = Some("NextToken".into());
                }
                e
            })?;
        Ok(SearchUsersResponse {
            users: page
                .users
                .iter()
                .map(|u| UserSummary {
                    username: u.username.clone(),
                    sub: u.sub.clone(),
                    email: u.attributes.get("email").cloned(),
                    phone_number: u.attributes.get("phone_number").cloned(),
                    name: u.attributes.get("name").cloned(),
                    user_status: u.status,
                    enabled: u.enabled,
                    groups: page.groups.get(&u.pk).cloned().unwrap_or_default(),
                    mfa: page
                        .mfa
                        .get(&u.pk)
                        .map(|f| f.iter().map(|s| (*s).to_string()).collect())
                        .unwrap_or_default(),
                    user_create_date: secs(u.created_at),
                    user_last_modified_date: secs(u.updated_at),
                })
                .collect(),
            total_count: page.total,
            total_count_exact: page.total_is_exact,
            next_token: page.next,
        })
    }

    /// `ListAuditEvents`: newest first.
    pub fn list_audit_events(
        &self,
        _actor: &Actor,
        req: ListAuditEventsRequest,
    ) -> Result<ListAuditEventsResponse, ApiError> {
        let limit = req.limit.unwrap_or(100);
        if !(1..=1000).contains(&limit) {
            return Err(ApiError::invalid("Limit", "must be between 1 and 1000"));
        }
        const SCOPE: &str = "ListAuditEvents";
        let before: Option<i64> = cursor(SCOPE, req.next_token.as_deref())?;
        let q = storage::audit::AuditQuery {
            pool_id: req.user_pool_id.clone(),
            operation: req.operation.clone(),
            target: req.target.clone(),
            outcome: req.outcome.map(|o| match o {
                AuditOutcome::Success => storage::audit::Outcome::Success,
                AuditOutcome::Failure => storage::audit::Outcome::Failure,
            }),
            before,
            limit: limit + 1,
        };
        let (rows, next) = paged(
            self.read(|r| Ok(storage::audit::list(r, &q)?))?,
            limit,
            SCOPE,
            |e| e.id,
        );
        Ok(ListAuditEventsResponse {
            events: rows
                .into_iter()
                .map(|e| AuditEventType {
                    event_id: e.id,
                    time: secs(e.at),
                    actor: e.actor,
                    operation: e.operation,
                    user_pool_id: e.pool_id,
                    target: e.target,
                    outcome: match e.outcome {
                        storage::audit::Outcome::Success => AuditOutcome::Success,
                        storage::audit::Outcome::Failure => AuditOutcome::Failure,
                    },
                    error_code: e.error_code,
                    message: e.message,
                })
                .collect(),
            next_token: next,
        })
    }

    /// `ListOutboxMessages`: newest first.
    pub fn list_outbox_messages(
        &self,
        _actor: &Actor,
        req: ListOutboxMessagesRequest,
    ) -> Result<ListOutboxMessagesResponse, ApiError> {
        let limit = req.limit.unwrap_or(100);
        if !(1..=1000).contains(&limit) {
            return Err(ApiError::invalid("Limit", "must be between 1 and 1000"));
        }
        const SCOPE: &str = "ListOutboxMessages";
        let before: Option<i64> = cursor(SCOPE, req.next_token.as_deref())?;
        let (rows, next) = paged(
            self.read(|r| {
                Ok(storage::outbox::list(
                    r,
                    req.user_pool_id.as_deref(),
                    before,
                    limit + 1,
                )?)
            })?,
            limit,
            SCOPE,
            |m| m.id,
        );
        Ok(ListOutboxMessagesResponse {
            messages: rows
                .into_iter()
                .map(|m| OutboxMessage {
                    message_id: m.id,
                    time: secs(m.at),
                    user_pool_id: m.pool_id,
                    username: m.username,
                    medium: if m.medium == "SMS" {
                        DeliveryMediumType::Sms
                    } else {
                        DeliveryMediumType::Email
                    },
                    destination: m.destination,
                    subject: m.subject,
                    body: m.body,
                    kind: m.kind,
                    delivery: m.delivery,
                    delivery_detail: m.delivery_detail,
                })
                .collect(),
            next_token: next,
        })
    }

    fn workspace_type(&self) -> Result<WorkspaceType, ApiError> {
        let ws = self.workspace()?;
        Ok(WorkspaceType {
            region: ws.region.clone(),
            account_id: ws.account_id.clone(),
            require_signature: ws.require_signature,
            access_key_ids: ws.access_keys.iter().map(|k| k.id.clone()).collect(),
            issuer_base_url: ws.issuer_base_url.clone(),
            breached_passwords_file: ws.breached_passwords_file.clone(),
            smtp_server: ws.smtp.as_ref().map(|m| m.server.clone()),
            smtp_from: ws.smtp.as_ref().and_then(|m| m.from.clone()),
            store_path: self.store_path().display().to_string(),
            schema_version: storage::Db::schema_version(),
        })
    }

    /// `DescribeWorkspace`.
    pub fn describe_workspace(
        &self,
        _actor: &Actor,
        _req: Empty,
    ) -> Result<DescribeWorkspaceResponse, ApiError> {
        Ok(DescribeWorkspaceResponse {
            workspace: self.workspace_type()?,
        })
    }

    /// `UpdateWorkspace`: the region for new ids, and whether the endpoint requires SigV4.
    pub fn update_workspace(
        &self,
        actor: &Actor,
        req: UpdateWorkspaceRequest,
    ) -> Result<DescribeWorkspaceResponse, ApiError> {
        self.write_audited(
            actor,
            "UpdateWorkspace",
            None,
            Some("workspace"),
            |tx, _| {
                if let Some(region) = &req.region {
                    domain::ids::validate_region(region)?;
                    storage::settings::set(tx, "region", region)?;
                }
                if let Some(url) = &req.issuer_base_url {
                    let url = url.trim();
                    if url.is_empty() {
                        storage::settings::delete(tx, "issuer_base_url")?;
                    } else {
                        let ok = (url.starts_with("https://") || url.starts_with("http://"))
                            && url.len() <= 512
                            && !url.contains(['?', '#', ' ']);
                        if !ok {
                            return Err(ApiError::invalid(
                                "IssuerBaseUrl",
                                "must be an http:// or https:// URL without query or fragment",
                            ));
                        }
                        storage::settings::set(tx, "issuer_base_url", url.trim_end_matches('/'))?;
                    }
                }
                if let Some(file) = &req.breached_passwords_file {
                    let file = file.trim();
                    if file.is_empty() {
                        storage::settings::delete(tx, "breached_passwords_file")?;
                    } else {
                        crate::breach::validate(std::path::Path::new(file))?;
                        storage::settings::set(tx, "breached_passwords_file", file)?;
                    }
                }
                if let Some(server) = &req.smtp_server {
                    let server = server.trim();
                    if server.is_empty() {
                        storage::settings::delete(tx, "smtp_server")?;
                    } else {
                        crate::mail::validate_server(server)?;
                        // Turning delivery on sends only mail made from now on, not the
                        // outbox's history; changing the server keeps what is still queued.
                        if storage::settings::get(tx, "smtp_server")?.is_none() {
                            let after = storage::outbox::last_id(tx)?;
                            storage::settings::set(tx, "smtp_after", &after.to_string())?;
                        }
                        storage::settings::set(tx, "smtp_server", server)?;
                    }
                }
                if let Some(from) = &req.smtp_from {
                    let from = from.trim();
                    if from.is_empty() {
                        storage::settings::delete(tx, "smtp_from")?;
                    } else {
                        crate::mail::validate_from(from)?;
                        storage::settings::set(tx, "smtp_from", from)?;
                    }
                }
                if let Some(require) = req.require_signature {
                    if require && read_workspace(tx)?.access_keys.is_empty() {
                        return Err(ApiError::invalid(
                            "RequireSignature",
                            "create an access key first (CreateAccessKey), or no client could sign",
                        ));
                    }
                    storage::settings::set(
                        tx,
                        "require_signature",
                        if require { "true" } else { "false" },
                    )?;
                }
                Ok(((), None))
            },
        )?;
        Ok(DescribeWorkspaceResponse {
            workspace: self.workspace_type()?,
        })
    }

    /// `CreateAccessKey`: a key pair for SigV4-signed endpoint calls. The secret is shown once.
    pub fn create_access_key(
        &self,
        actor: &Actor,
        _req: Empty,
    ) -> Result<CreateAccessKeyResponse, ApiError> {
        use rand::Rng;
        let mut rng = rand::rng();
        const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let id: String = std::iter::once("AKIA".to_string())
            .chain((0..16).map(|_| char::from(UPPER[rng.random_range(0..UPPER.len())]).to_string()))
            .collect();
        const SECRET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let secret: String = (0..40)
            .map(|_| char::from(SECRET[rng.random_range(0..SECRET.len())]))
            .collect();
        let key = AccessKey {
            id: id.clone(),
            secret: secret.clone(),
        };
        self.write_audited(actor, "CreateAccessKey", None, Some(&id), |tx, _| {
            // Read and extend the list in the same transaction, so keys made concurrently by
            // another process are kept.
            let mut keys = read_workspace(tx)?.access_keys;
            keys.push(key);
            let json = serde_json::to_string(&keys)
                .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))?;
            storage::settings::set(tx, "access_keys", &json)?;
            Ok(((), None))
        })?;
        Ok(CreateAccessKeyResponse {
            access_key_id: id,
            secret_access_key: secret,
        })
    }
}

impl Console {
    /// `GenerateUsers`: sample users in one transaction, audited once.
    pub fn generate_users(
        &self,
        actor: &Actor,
        req: GenerateUsersRequest,
    ) -> Result<GenerateUsersResponse, ApiError> {
        if !(1..=100_000).contains(&req.count) {
            return Err(ApiError::invalid("Count", "must be between 1 and 100000"));
        }
        let prefix = req.prefix.clone().unwrap_or_else(|| "user".into());
        let target = format!("{} users", req.count);
        self.write_audited(
            actor,
            "GenerateUsers",
            Some(&req.user_pool_id),
            Some(&target),
            |tx, ctx| {
                let created = users::generate(tx, ctx, &req.user_pool_id, &prefix, req.count)?;
                let total = user_pools::require_pool(tx, &req.user_pool_id)?.user_count;
                Ok((
                    GenerateUsersResponse {
                        created,
                        total_users: total,
                    },
                    None,
                ))
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::user::UserStatus;

    #[test]
    fn user_status_is_used_in_summaries() {
        let s = UserSummary {
            username: "a".into(),
            sub: "s".into(),
            email: None,
            phone_number: None,
            name: None,
            user_status: UserStatus::Confirmed,
            enabled: true,
            groups: vec![],
            mfa: vec![],
            user_create_date: 1.5,
            user_last_modified_date: 1.5,
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["UserStatus"], "CONFIRMED");
        assert!(
            v.get("Email").is_none(),
            "absent members are omitted, not null"
        );
    }
}
