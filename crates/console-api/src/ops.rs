//! The one list of operations. Every front — the desktop shell's commands, the TypeScript map,
//! the CLI's subcommands and the endpoint's `X-Amz-Target` dispatch — is generated from it.
//!
//! Each entry: the service (`idp` for Cognito user pools, `own` for Poolhouse's additions), the
//! operation's name, the `Console` method, the request and the response type.

/// Calls `$callback! { service Name method Request Response; ... }` with every operation.
#[macro_export]
macro_rules! for_each_operation {
    ($callback:ident) => {
        $callback! {
            idp CreateUserPool create_user_pool CreateUserPoolRequest UserPoolResponse;
            idp DescribeUserPool describe_user_pool UserPoolIdRequest UserPoolResponse;
            idp UpdateUserPool update_user_pool UpdateUserPoolRequest Empty;
            idp DeleteUserPool delete_user_pool UserPoolIdRequest Empty;
            idp ListUserPools list_user_pools ListUserPoolsRequest ListUserPoolsResponse;
            idp AddCustomAttributes add_custom_attributes AddCustomAttributesRequest Empty;
            idp CreateUserPoolClient create_user_pool_client CreateUserPoolClientRequest UserPoolClientResponse;
            idp DescribeUserPoolClient describe_user_pool_client ClientIdRequest UserPoolClientResponse;
            idp UpdateUserPoolClient update_user_pool_client UpdateUserPoolClientRequest UserPoolClientResponse;
            idp DeleteUserPoolClient delete_user_pool_client ClientIdRequest Empty;
            idp ListUserPoolClients list_user_pool_clients ListUserPoolClientsRequest ListUserPoolClientsResponse;
            idp AdminCreateUser admin_create_user AdminCreateUserRequest AdminCreateUserResponse;
            idp AdminGetUser admin_get_user UserRequest AdminGetUserResponse;
            idp AdminUpdateUserAttributes admin_update_user_attributes AdminUpdateUserAttributesRequest Empty;
            idp AdminDeleteUserAttributes admin_delete_user_attributes AdminDeleteUserAttributesRequest Empty;
            idp AdminEnableUser admin_enable_user UserRequest Empty;
            idp AdminDisableUser admin_disable_user UserRequest Empty;
            idp AdminDeleteUser admin_delete_user UserRequest Empty;
            idp AdminSetUserPassword admin_set_user_password AdminSetUserPasswordRequest Empty;
            idp ListUsers list_users ListUsersRequest ListUsersResponse;
            idp CreateGroup create_group GroupRequest GroupResponse;
            idp GetGroup get_group GroupNameRequest GroupResponse;
            idp UpdateGroup update_group GroupRequest GroupResponse;
            idp DeleteGroup delete_group GroupNameRequest Empty;
            idp ListGroups list_groups ListGroupsRequest ListGroupsResponse;
            idp AdminAddUserToGroup admin_add_user_to_group UserGroupRequest Empty;
            idp AdminRemoveUserFromGroup admin_remove_user_from_group UserGroupRequest Empty;
            idp AdminListGroupsForUser admin_list_groups_for_user AdminListGroupsForUserRequest ListGroupsResponse;
            idp ListUsersInGroup list_users_in_group ListUsersInGroupRequest ListUsersInGroupResponse;
            idp InitiateAuth initiate_auth InitiateAuthRequest AuthResponse;
            idp AdminInitiateAuth admin_initiate_auth AdminInitiateAuthRequest AuthResponse;
            idp RespondToAuthChallenge respond_to_auth_challenge RespondToAuthChallengeRequest AuthResponse;
            idp AdminRespondToAuthChallenge admin_respond_to_auth_challenge AdminRespondToAuthChallengeRequest AuthResponse;
            idp GetUser get_user AccessTokenRequest GetUserResponse;
            idp GlobalSignOut global_sign_out AccessTokenRequest Empty;
            idp AdminUserGlobalSignOut admin_user_global_sign_out UserRequest Empty;
            idp RevokeToken revoke_token RevokeTokenRequest Empty;
            idp SignUp sign_up SignUpRequest SignUpResponse;
            idp ConfirmSignUp confirm_sign_up ConfirmSignUpRequest Empty;
            idp ResendConfirmationCode resend_confirmation_code UsernameClientRequest CodeDeliveryResponse;
            idp AdminConfirmSignUp admin_confirm_sign_up AdminConfirmSignUpRequest Empty;
            idp ForgotPassword forgot_password UsernameClientRequest CodeDeliveryResponse;
            idp ConfirmForgotPassword confirm_forgot_password ConfirmForgotPasswordRequest Empty;
            idp AdminResetUserPassword admin_reset_user_password AdminResetUserPasswordRequest Empty;
            idp ChangePassword change_password ChangePasswordRequest Empty;
            idp AdminListUserAuthEvents admin_list_user_auth_events AdminListUserAuthEventsRequest AdminListUserAuthEventsResponse;
            idp AssociateSoftwareToken associate_software_token AssociateSoftwareTokenRequest AssociateSoftwareTokenResponse;
            idp VerifySoftwareToken verify_software_token VerifySoftwareTokenRequest VerifySoftwareTokenResponse;
            idp SetUserMFAPreference set_user_mfa_preference SetUserMfaPreferenceRequest Empty;
            idp AdminSetUserMFAPreference admin_set_user_mfa_preference AdminSetUserMfaPreferenceRequest Empty;
            idp AdminDeleteSoftwareToken admin_delete_software_token UserRequest Empty;
            idp SetUserPoolMfaConfig set_user_pool_mfa_config SetUserPoolMfaConfigRequest UserPoolMfaConfigResponse;
            idp GetUserPoolMfaConfig get_user_pool_mfa_config UserPoolIdRequest UserPoolMfaConfigResponse;
            idp SetRiskConfiguration set_risk_configuration SetRiskConfigurationRequest RiskConfigurationResponse;
            idp DescribeRiskConfiguration describe_risk_configuration DescribeRiskConfigurationRequest RiskConfigurationResponse;
            idp UpdateUserAttributes update_user_attributes UpdateUserAttributesRequest UpdateUserAttributesResponse;
            idp GetUserAttributeVerificationCode get_user_attribute_verification_code GetUserAttributeVerificationCodeRequest CodeDeliveryResponse;
            idp VerifyUserAttribute verify_user_attribute VerifyUserAttributeRequest Empty;
            idp DeleteUserAttributes delete_user_attributes DeleteUserAttributesRequest Empty;
            idp DeleteUser delete_user AccessTokenRequest Empty;
            own SearchUsers search_users SearchUsersRequest SearchUsersResponse;
            own ListAuditEvents list_audit_events ListAuditEventsRequest ListAuditEventsResponse;
            own ListOutboxMessages list_outbox_messages ListOutboxMessagesRequest ListOutboxMessagesResponse;
            own ListHookInvocations list_hook_invocations ListHookInvocationsRequest ListHookInvocationsResponse;
            own DescribeWorkspace describe_workspace Empty DescribeWorkspaceResponse;
            own UpdateWorkspace update_workspace UpdateWorkspaceRequest DescribeWorkspaceResponse;
            own CreateAccessKey create_access_key Empty CreateAccessKeyResponse;
            own GenerateUsers generate_users GenerateUsersRequest GenerateUsersResponse;
            own DescribeUserSecurity describe_user_security UserRequest DescribeUserSecurityResponse;
            own UnlockUser unlock_user UserRequest Empty;
            own ListSigningKeys list_signing_keys UserPoolIdRequest ListSigningKeysResponse;
            own RotateSigningKeys rotate_signing_keys UserPoolIdRequest ListSigningKeysResponse;
            own DecodeToken decode_token DecodeTokenRequest DecodeTokenResponse;
            own VerifyToken verify_token VerifyTokenRequest VerifyTokenResponse;
            own EncodeTestToken encode_test_token EncodeTestTokenRequest EncodeTestTokenResponse;
        }
    };
}

/// Which API an operation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Service {
    /// Cognito user pools (`AWSCognitoIdentityProviderService`, CLI `cognito-idp`).
    CognitoIdp,
    /// Poolhouse's own operations (`Poolhouse`, top-level CLI commands).
    Poolhouse,
}

impl Service {
    /// The `X-Amz-Target` prefix.
    pub fn target_prefix(self) -> &'static str {
        match self {
            Self::CognitoIdp => "AWSCognitoIdentityProviderService",
            Self::Poolhouse => "Poolhouse",
        }
    }

    /// The name scripts and the UI use for it.
    pub fn name(self) -> &'static str {
        match self {
            Self::CognitoIdp => "cognito-idp",
            Self::Poolhouse => "poolhouse",
        }
    }
}

/// One entry of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Operation {
    pub service: Service,
    /// `AdminCreateUser`.
    pub name: &'static str,
    /// `admin_create_user`: the `Console` method and the desktop command.
    pub command: &'static str,
    pub request: &'static str,
    pub response: &'static str,
}

impl Operation {
    /// The AWS CLI spelling: `admin-create-user`.
    pub fn cli_name(&self) -> String {
        self.command.replace('_', "-")
    }
}

#[doc(hidden)]
#[macro_export]
macro_rules! __service {
    (idp) => {
        $crate::ops::Service::CognitoIdp
    };
    (own) => {
        $crate::ops::Service::Poolhouse
    };
}

macro_rules! operation_table {
    ($($svc:ident $name:ident $method:ident $req:ident $resp:ident;)*) => {
        /// Every operation, in the list's order.
        pub const OPERATIONS: &[Operation] = &[$(Operation {
            service: $crate::__service!($svc),
            name: stringify!($name),
            command: stringify!($method),
            request: stringify!($req),
            response: stringify!($resp),
        }),*];

        /// The JSON Schema of an operation's request (the CLI reads flags through it).
        pub fn request_schema(name: &str) -> Option<serde_json::Value> {
            match name {
                $(stringify!($name) => serde_json::to_value(schemars::schema_for!($crate::dto::$req)).ok(),)*
                _ => None,
            }
        }

        /// The JSON Schema of an operation's response as it is serialised: a member is
        /// `required` when it is always sent (the contract test compares it with botocore's).
        pub fn response_schema(name: &str) -> Option<serde_json::Value> {
            let settings = schemars::generate::SchemaSettings::default().for_serialize();
            match name {
                $(stringify!($name) => serde_json::to_value(
                    settings.into_generator().into_root_schema_for::<$crate::dto::$resp>(),
                ).ok(),)*
                _ => None,
            }
        }

        impl $crate::Console {
            /// Runs the operation `name` on a JSON request body and answers a JSON body: the
            /// endpoint's and the CLI's way in.
            pub fn dispatch_json(&self, actor: &$crate::Actor, name: &str, body: &[u8]) -> Result<Vec<u8>, $crate::ApiError> {
                match name {
                    $(stringify!($name) => {
                        let req: $crate::dto::$req = $crate::parse_request(body)?;
                        let resp = self.$method(actor, req)?;
                        $crate::encode_response(&resp)
                    })*
                    _ => Err($crate::ApiError::new(
                        $crate::ErrorCode::UnknownOperationException,
                        format!("Unknown operation: {name}"),
                    )),
                }
            }
        }
    };
}

for_each_operation!(operation_table);

/// The operations a client calls without SigV4, as botocore's model marks them (`noAuth`):
/// the access token, refresh token, session or client id in the body authorises them.
pub const PUBLIC_OPERATIONS: &[&str] = &[
    "InitiateAuth",
    "RespondToAuthChallenge",
    "GetUser",
    "GlobalSignOut",
    "RevokeToken",
    "SignUp",
    "ConfirmSignUp",
    "ResendConfirmationCode",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "ChangePassword",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "SetUserMFAPreference",
    "UpdateUserAttributes",
    "GetUserAttributeVerificationCode",
    "VerifyUserAttribute",
    "DeleteUserAttributes",
    "DeleteUser",
];

/// Whether `name` is called without SigV4.
pub fn is_public(name: &str) -> bool {
    PUBLIC_OPERATIONS.contains(&name)
}

/// Finds an operation by name.
pub fn find(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.name == name)
}

/// The TypeScript map of the list, written to `ui/src/bindings/operations.ts`.
pub fn typescript() -> String {
    let mut imports: Vec<&str> = OPERATIONS
        .iter()
        .flat_map(|o| [o.request, o.response])
        .collect();
    imports.sort_unstable();
    imports.dedup();
    let mut out = String::from(
        "// Generated from the operation list in crates/console-api/src/ops.rs. Do not edit.\n",
    );
    for t in &imports {
        out.push_str(&format!("import type {{ {t} }} from \"./{t}\";\n"));
    }
    out.push_str("\nexport type Operations = {\n");
    for o in OPERATIONS {
        out.push_str(&format!(
            "  {}: {{ input: {}; output: {} }};\n",
            o.name, o.request, o.response
        ));
    }
    out.push_str("};\n\nexport type OperationName = keyof Operations;\n\n");
    out.push_str("export const OPERATIONS: ReadonlyArray<{ name: OperationName; service: \"cognito-idp\" | \"poolhouse\"; command: string }> = [\n");
    for o in OPERATIONS {
        out.push_str(&format!(
            "  {{ name: \"{}\", service: \"{}\", command: \"{}\" }},\n",
            o.name,
            o.service.name(),
            o.command
        ));
    }
    out.push_str("];\n");
    out
}
