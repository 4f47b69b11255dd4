//! The one list of operations, and each operation's handler by area.
//!
//! Every front — the desktop shell's commands, the TypeScript map, the CLI's subcommands, the
//! endpoint's `X-Amz-Target` dispatch and its signature rules — is generated from the list, and
//! so is the audit's operation name: a handler receives an [`OpCtx`] naming its operation and
//! never spells it again.
//!
//! Each entry: the service (`idp` for Cognito user pools, `own` for Poolhouse's additions), the
//! area module holding the handler, the operation's name, the handler (also the `Console` method
//! and the desktop command), the request and the response type, and the access class.
//!
//! A handler is `fn(&Console, &OpCtx, Request) -> Result<Response, ApiError>`: it parses what
//! serde could not, calls the engine inside the audited transaction, and maps the answer.

/// A request or response type: Cognito's PascalCase members, exported to TypeScript and
/// described by JSON Schema. Modules that use it have `Serialize`, `Deserialize`, `TS` and
/// `JsonSchema` in scope.
macro_rules! dto {
    ($(#[$m:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
        #[serde(rename_all = "PascalCase")]
        #[ts(export, optional_fields)]
        pub struct $name { $($body)* }
    };
}

pub(crate) mod access;
pub(crate) mod audit;
pub(crate) mod backends;
pub(crate) mod branding;
pub(crate) mod clients;
pub(crate) mod exchange;
pub(crate) mod explain;
pub(crate) mod federation;
pub(crate) mod groups;
pub(crate) mod hooks;
pub(crate) mod identities;
pub(crate) mod identity_logins;
pub(crate) mod identity_pools;
pub(crate) mod idps;
pub(crate) mod inspect;
pub(crate) mod keys;
pub(crate) mod mfa;
pub(crate) mod oauth_config;
pub(crate) mod outbox;
pub(crate) mod pools;
pub(crate) mod recovery;
pub(crate) mod risk;
pub(crate) mod roles;
pub(crate) mod selfservice;
pub(crate) mod shared;
pub(crate) mod signin;
pub(crate) mod sts;
pub(crate) mod users;
pub(crate) mod vending;
pub(crate) mod workspace;

use crate::Actor;
// The handlers' request and response types, for the table below.
use self::{
    access::*, audit::*, backends::*, branding::*, clients::*, exchange::*, explain::*,
    federation::*, groups::*, hooks::*, identities::*, identity_logins::*, identity_pools::*,
    idps::*, inspect::*, keys::*, mfa::*, oauth_config::*, outbox::*, pools::*, recovery::*,
    risk::*, roles::*, selfservice::*, shared::*, signin::*, sts::*, users::*, vending::*,
    workspace::*,
};

/// Calls `$callback! { service area Name method Request Response access; ... }` with every
/// operation.
/// Calls `$callback! { service Name method Request Response; ... }` with every operation.
#[macro_export]
macro_rules! for_each_operation {
    ($callback:ident) => {
        $callback! {
            idp pools CreateUserPool create_user_pool CreateUserPoolRequest UserPoolResponse admin;
            idp pools DescribeUserPool describe_user_pool UserPoolIdRequest UserPoolResponse admin;
            idp pools UpdateUserPool update_user_pool UpdateUserPoolRequest Empty admin;
            idp pools DeleteUserPool delete_user_pool UserPoolIdRequest Empty admin;
            idp pools ListUserPools list_user_pools ListUserPoolsRequest ListUserPoolsResponse admin;
            idp pools AddCustomAttributes add_custom_attributes AddCustomAttributesRequest Empty admin;
            idp clients CreateUserPoolClient create_user_pool_client CreateUserPoolClientRequest UserPoolClientResponse admin;
            idp clients DescribeUserPoolClient describe_user_pool_client ClientIdRequest UserPoolClientResponse admin;
            idp clients UpdateUserPoolClient update_user_pool_client UpdateUserPoolClientRequest UserPoolClientResponse admin;
            idp clients DeleteUserPoolClient delete_user_pool_client ClientIdRequest Empty admin;
            idp clients ListUserPoolClients list_user_pool_clients ListUserPoolClientsRequest ListUserPoolClientsResponse admin;
            idp oauth_config CreateUserPoolDomain create_user_pool_domain UserPoolDomainRequest UserPoolDomainResponse admin;
            idp oauth_config DescribeUserPoolDomain describe_user_pool_domain DescribeUserPoolDomainRequest DescribeUserPoolDomainResponse admin;
            idp oauth_config UpdateUserPoolDomain update_user_pool_domain UserPoolDomainRequest UserPoolDomainResponse admin;
            idp oauth_config DeleteUserPoolDomain delete_user_pool_domain DeleteUserPoolDomainRequest Empty admin;
            idp oauth_config CreateResourceServer create_resource_server ResourceServerRequest ResourceServerResponse admin;
            idp oauth_config DescribeResourceServer describe_resource_server ResourceServerIdRequest ResourceServerResponse admin;
            idp oauth_config UpdateResourceServer update_resource_server ResourceServerRequest ResourceServerResponse admin;
            idp oauth_config DeleteResourceServer delete_resource_server ResourceServerIdRequest Empty admin;
            idp oauth_config ListResourceServers list_resource_servers ListResourceServersRequest ListResourceServersResponse admin;
            idp oauth_config AddUserPoolClientSecret add_user_pool_client_secret AddUserPoolClientSecretRequest AddUserPoolClientSecretResponse admin;
            idp oauth_config ListUserPoolClientSecrets list_user_pool_client_secrets ListUserPoolClientSecretsRequest ListUserPoolClientSecretsResponse admin;
            idp oauth_config DeleteUserPoolClientSecret delete_user_pool_client_secret DeleteUserPoolClientSecretRequest Empty admin;
            idp idps CreateIdentityProvider create_identity_provider CreateIdentityProviderRequest IdentityProviderResponse admin;
            idp idps DescribeIdentityProvider describe_identity_provider IdentityProviderNameRequest IdentityProviderResponse admin;
            idp idps UpdateIdentityProvider update_identity_provider UpdateIdentityProviderRequest IdentityProviderResponse admin;
            idp idps DeleteIdentityProvider delete_identity_provider IdentityProviderNameRequest Empty admin;
            idp idps ListIdentityProviders list_identity_providers ListIdentityProvidersRequest ListIdentityProvidersResponse admin;
            idp idps GetIdentityProviderByIdentifier get_identity_provider_by_identifier GetIdentityProviderByIdentifierRequest IdentityProviderResponse admin;
            idp idps AdminLinkProviderForUser admin_link_provider_for_user AdminLinkProviderForUserRequest Empty admin;
            idp idps AdminDisableProviderForUser admin_disable_provider_for_user AdminDisableProviderForUserRequest Empty admin;
            idp branding SetUICustomization set_ui_customization SetUiCustomizationRequest UiCustomizationResponse admin;
            idp branding GetUICustomization get_ui_customization GetUiCustomizationRequest UiCustomizationResponse admin;
            idp branding CreateManagedLoginBranding create_managed_login_branding CreateManagedLoginBrandingRequest ManagedLoginBrandingResponse admin;
            idp branding DescribeManagedLoginBranding describe_managed_login_branding DescribeManagedLoginBrandingRequest ManagedLoginBrandingResponse admin;
            idp branding DescribeManagedLoginBrandingByClient describe_managed_login_branding_by_client DescribeManagedLoginBrandingByClientRequest ManagedLoginBrandingResponse admin;
            idp branding UpdateManagedLoginBranding update_managed_login_branding UpdateManagedLoginBrandingRequest ManagedLoginBrandingResponse admin;
            idp branding DeleteManagedLoginBranding delete_managed_login_branding DeleteManagedLoginBrandingRequest Empty admin;
            idp users AdminCreateUser admin_create_user AdminCreateUserRequest AdminCreateUserResponse admin;
            idp users AdminGetUser admin_get_user UserRequest AdminGetUserResponse admin;
            idp users AdminUpdateUserAttributes admin_update_user_attributes AdminUpdateUserAttributesRequest Empty admin;
            idp users AdminDeleteUserAttributes admin_delete_user_attributes AdminDeleteUserAttributesRequest Empty admin;
            idp users AdminEnableUser admin_enable_user UserRequest Empty admin;
            idp users AdminDisableUser admin_disable_user UserRequest Empty admin;
            idp users AdminDeleteUser admin_delete_user UserRequest Empty admin;
            idp users AdminSetUserPassword admin_set_user_password AdminSetUserPasswordRequest Empty admin;
            idp users ListUsers list_users ListUsersRequest ListUsersResponse admin;
            idp groups CreateGroup create_group GroupRequest GroupResponse admin;
            idp groups GetGroup get_group GroupNameRequest GroupResponse admin;
            idp groups UpdateGroup update_group GroupRequest GroupResponse admin;
            idp groups DeleteGroup delete_group GroupNameRequest Empty admin;
            idp groups ListGroups list_groups ListGroupsRequest ListGroupsResponse admin;
            idp groups AdminAddUserToGroup admin_add_user_to_group UserGroupRequest Empty admin;
            idp groups AdminRemoveUserFromGroup admin_remove_user_from_group UserGroupRequest Empty admin;
            idp groups AdminListGroupsForUser admin_list_groups_for_user AdminListGroupsForUserRequest ListGroupsResponse admin;
            idp groups ListUsersInGroup list_users_in_group ListUsersInGroupRequest ListUsersInGroupResponse admin;
            idp signin InitiateAuth initiate_auth InitiateAuthRequest AuthResponse anon;
            idp signin AdminInitiateAuth admin_initiate_auth AdminInitiateAuthRequest AuthResponse admin;
            idp signin RespondToAuthChallenge respond_to_auth_challenge RespondToAuthChallengeRequest AuthResponse anon;
            idp signin AdminRespondToAuthChallenge admin_respond_to_auth_challenge AdminRespondToAuthChallengeRequest AuthResponse admin;
            idp signin GetUser get_user AccessTokenRequest GetUserResponse token;
            idp signin GlobalSignOut global_sign_out AccessTokenRequest Empty token;
            idp signin AdminUserGlobalSignOut admin_user_global_sign_out UserRequest Empty admin;
            idp signin RevokeToken revoke_token RevokeTokenRequest Empty token;
            idp signin GetTokensFromRefreshToken get_tokens_from_refresh_token GetTokensFromRefreshTokenRequest GetTokensFromRefreshTokenResponse token;
            idp recovery SignUp sign_up SignUpRequest SignUpResponse anon;
            idp recovery ConfirmSignUp confirm_sign_up ConfirmSignUpRequest Empty anon;
            idp recovery ResendConfirmationCode resend_confirmation_code UsernameClientRequest CodeDeliveryResponse anon;
            idp recovery AdminConfirmSignUp admin_confirm_sign_up AdminConfirmSignUpRequest Empty admin;
            idp recovery ForgotPassword forgot_password UsernameClientRequest CodeDeliveryResponse anon;
            idp recovery ConfirmForgotPassword confirm_forgot_password ConfirmForgotPasswordRequest Empty anon;
            idp recovery AdminResetUserPassword admin_reset_user_password AdminResetUserPasswordRequest Empty admin;
            idp recovery ChangePassword change_password ChangePasswordRequest Empty token;
            idp risk AdminListUserAuthEvents admin_list_user_auth_events AdminListUserAuthEventsRequest AdminListUserAuthEventsResponse admin;
            idp mfa AssociateSoftwareToken associate_software_token AssociateSoftwareTokenRequest AssociateSoftwareTokenResponse token;
            idp mfa VerifySoftwareToken verify_software_token VerifySoftwareTokenRequest VerifySoftwareTokenResponse token;
            idp mfa SetUserMFAPreference set_user_mfa_preference SetUserMfaPreferenceRequest Empty token;
            idp mfa AdminSetUserMFAPreference admin_set_user_mfa_preference AdminSetUserMfaPreferenceRequest Empty admin;
            idp mfa AdminDeleteSoftwareToken admin_delete_software_token UserRequest Empty admin;
            idp mfa SetUserPoolMfaConfig set_user_pool_mfa_config SetUserPoolMfaConfigRequest UserPoolMfaConfigResponse admin;
            idp mfa GetUserPoolMfaConfig get_user_pool_mfa_config UserPoolIdRequest UserPoolMfaConfigResponse admin;
            idp risk SetRiskConfiguration set_risk_configuration SetRiskConfigurationRequest RiskConfigurationResponse admin;
            idp risk DescribeRiskConfiguration describe_risk_configuration DescribeRiskConfigurationRequest RiskConfigurationResponse admin;
            idp selfservice UpdateUserAttributes update_user_attributes UpdateUserAttributesRequest UpdateUserAttributesResponse token;
            idp selfservice GetUserAttributeVerificationCode get_user_attribute_verification_code GetUserAttributeVerificationCodeRequest CodeDeliveryResponse token;
            idp selfservice VerifyUserAttribute verify_user_attribute VerifyUserAttributeRequest Empty token;
            idp selfservice DeleteUserAttributes delete_user_attributes DeleteUserAttributesRequest Empty token;
            idp selfservice DeleteUser delete_user AccessTokenRequest Empty token;
            cid identity_pools CreateIdentityPool create_identity_pool CreateIdentityPoolRequest IdentityPool admin;
            cid identity_pools DescribeIdentityPool describe_identity_pool IdentityPoolIdRequest IdentityPool admin;
            cid identity_pools UpdateIdentityPool update_identity_pool IdentityPool IdentityPool admin;
            cid identity_pools DeleteIdentityPool delete_identity_pool IdentityPoolIdRequest Empty admin;
            cid identity_pools ListIdentityPools list_identity_pools ListIdentityPoolsRequest ListIdentityPoolsResponse admin;
            cid identity_pools SetIdentityPoolRoles set_identity_pool_roles SetIdentityPoolRolesRequest Empty admin;
            cid identity_pools GetIdentityPoolRoles get_identity_pool_roles IdentityPoolIdRequest GetIdentityPoolRolesResponse admin;
            cid identity_pools TagResource tag_resource TagResourceRequest Empty admin;
            cid identity_pools UntagResource untag_resource UntagResourceRequest Empty admin;
            cid identity_pools ListTagsForResource list_tags_for_resource ListTagsForResourceRequest ListTagsForResourceResponse admin;
            cid identity_pools SetPrincipalTagAttributeMap set_principal_tag_attribute_map SetPrincipalTagAttributeMapRequest PrincipalTagAttributeMapResponse admin;
            cid identity_pools GetPrincipalTagAttributeMap get_principal_tag_attribute_map PrincipalTagAttributeMapRequest PrincipalTagAttributeMapResponse admin;
            cid identities GetId get_id GetIdRequest IdentityIdResponse anon;
            cid identities GetOpenIdToken get_open_id_token GetOpenIdTokenRequest OpenIdTokenResponse token;
            cid identities UnlinkIdentity unlink_identity UnlinkIdentityRequest Empty token;
            cid identities GetCredentialsForIdentity get_credentials_for_identity GetCredentialsForIdentityRequest GetCredentialsForIdentityResponse token;
            cid identities ListIdentities list_identities ListIdentitiesRequest ListIdentitiesResponse admin;
            cid identities DescribeIdentity describe_identity IdentityIdRequest IdentityDescription admin;
            cid identities DeleteIdentities delete_identities DeleteIdentitiesRequest DeleteIdentitiesResponse admin;
            cid identities GetOpenIdTokenForDeveloperIdentity get_open_id_token_for_developer_identity GetOpenIdTokenForDeveloperIdentityRequest OpenIdTokenResponse admin;
            cid identities LookupDeveloperIdentity lookup_developer_identity LookupDeveloperIdentityRequest LookupDeveloperIdentityResponse admin;
            cid identities MergeDeveloperIdentities merge_developer_identities MergeDeveloperIdentitiesRequest IdentityIdResponse admin;
            cid identities UnlinkDeveloperIdentity unlink_developer_identity UnlinkDeveloperIdentityRequest Empty admin;
            own users SearchUsers search_users SearchUsersRequest SearchUsersResponse admin;
            own audit ListAuditEvents list_audit_events ListAuditEventsRequest ListAuditEventsResponse admin;
            own outbox ListOutboxMessages list_outbox_messages ListOutboxMessagesRequest ListOutboxMessagesResponse admin;
            own hooks ListHookInvocations list_hook_invocations ListHookInvocationsRequest ListHookInvocationsResponse admin;
            own workspace DescribeWorkspace describe_workspace Empty DescribeWorkspaceResponse admin;
            own workspace UpdateWorkspace update_workspace UpdateWorkspaceRequest DescribeWorkspaceResponse console;
            own workspace CreateAccessKey create_access_key Empty CreateAccessKeyResponse console;
            own users GenerateUsers generate_users GenerateUsersRequest GenerateUsersResponse console;
            own risk DescribeUserSecurity describe_user_security UserRequest DescribeUserSecurityResponse admin;
            own risk UnlockUser unlock_user UserRequest Empty admin;
            own branding PreviewUICustomization preview_ui_customization PreviewUiCustomizationRequest PreviewUiCustomizationResponse admin;
            own keys ListSigningKeys list_signing_keys UserPoolIdRequest ListSigningKeysResponse admin;
            own keys RotateSigningKeys rotate_signing_keys UserPoolIdRequest ListSigningKeysResponse admin;
            own inspect DecodeToken decode_token DecodeTokenRequest DecodeTokenResponse admin;
            own inspect VerifyToken verify_token VerifyTokenRequest VerifyTokenResponse admin;
            own inspect EncodeTestToken encode_test_token EncodeTestTokenRequest EncodeTestTokenResponse console;
            own federation CreateOpenIDConnectProvider create_open_id_connect_provider CreateOpenIdConnectProviderRequest CreateOpenIdConnectProviderResponse admin;
            own federation GetOpenIDConnectProvider get_open_id_connect_provider OpenIdConnectProviderArnRequest GetOpenIdConnectProviderResponse admin;
            own federation ListOpenIDConnectProviders list_open_id_connect_providers Empty ListOpenIdConnectProvidersResponse admin;
            own federation AddClientIDToOpenIDConnectProvider add_client_id_to_open_id_connect_provider OpenIdConnectProviderClientIdRequest Empty admin;
            own federation RemoveClientIDFromOpenIDConnectProvider remove_client_id_from_open_id_connect_provider OpenIdConnectProviderClientIdRequest Empty admin;
            own federation UpdateOpenIDConnectProviderThumbprint update_open_id_connect_provider_thumbprint UpdateOpenIdConnectProviderThumbprintRequest Empty admin;
            own federation DeleteOpenIDConnectProvider delete_open_id_connect_provider OpenIdConnectProviderArnRequest Empty admin;
            own federation CreateSAMLProvider create_saml_provider CreateSamlProviderRequest CreateSamlProviderResponse admin;
            own federation GetSAMLProvider get_saml_provider SamlProviderArnRequest GetSamlProviderResponse admin;
            own federation ListSAMLProviders list_saml_providers Empty ListSamlProvidersResponse admin;
            own federation UpdateSAMLProvider update_saml_provider UpdateSamlProviderRequest UpdateSamlProviderResponse admin;
            own federation DeleteSAMLProvider delete_saml_provider SamlProviderArnRequest Empty admin;
            own roles CreateRole create_role CreateRoleRequest RoleResponse admin;
            own roles GetRole get_role RoleNameRequest RoleResponse admin;
            own roles UpdateRole update_role UpdateRoleRequest RoleResponse admin;
            own roles PutRolePolicy put_role_policy PutRolePolicyRequest RoleResponse admin;
            own roles DeleteRolePolicy delete_role_policy DeleteRolePolicyRequest RoleResponse admin;
            own roles DeleteRole delete_role RoleNameRequest Empty admin;
            own roles ListRoles list_roles ListRolesRequest ListRolesResponse admin;
            own roles ImportRole import_role ImportRoleRequest ImportRoleResponse admin;
            own vending VendTestCredentials vend_test_credentials VendTestCredentialsRequest VendTestCredentialsResponse console;
            own access SimulateAccess simulate_access SimulateAccessRequest SimulateAccessResponse admin;
            own identity_logins ListIdentityLogins list_identity_logins ListIdentityLoginsRequest ListIdentityLoginsResponse console;
            own identity_logins DescribeIdentityLogins describe_identity_logins IdentityIdRequest IdentityLogins console;
            sts sts GetCallerIdentity get_caller_identity Empty GetCallerIdentityResponse admin;
            sts sts AssumeRoleWithWebIdentity assume_role_with_web_identity AssumeRoleWithWebIdentityRequest AssumeRoleWithWebIdentityResponse anon;
            sts sts AssumeRoleWithSAML assume_role_with_saml AssumeRoleWithSamlRequest AssumeRoleWithSamlResponse anon;
            own explain ExplainRole explain_role ExplainRoleRequest ExplainRoleResponse admin;
            own backends CreateBackend create_backend CreateBackendRequest BackendType console;
            own backends ListBackends list_backends Empty ListBackendsResponse console;
            own backends UpdateBackend update_backend UpdateBackendRequest BackendType console;
            own backends DeleteBackend delete_backend BackendNameRequest Empty console;
            own exchange RunExchange run_exchange RunExchangeRequest ExchangeRun console;
            own exchange ListExchangeRuns list_exchange_runs ListExchangeRunsRequest ListExchangeRunsResponse console;
            own exchange GetExchangeRun get_exchange_run ExchangeRunIdRequest ExchangeRun console;
        }
    };
}

/// Which API an operation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Service {
    /// Cognito user pools (`AWSCognitoIdentityProviderService`, CLI `cognito-idp`).
    CognitoIdp,
    /// Cognito identity pools (`AWSCognitoIdentityService`, CLI `cognito-identity`).
    CognitoIdentity,
    /// Poolhouse's own operations (`Poolhouse`, top-level CLI commands).
    Poolhouse,
    /// The Security Token Service (`sts`: STS's query protocol on the endpoint, CLI `sts`).
    Sts,
}

impl Service {
    /// Every service, in the order fronts list them.
    pub const ALL: [Service; 4] = [
        Service::CognitoIdp,
        Service::CognitoIdentity,
        Service::Sts,
        Service::Poolhouse,
    ];

    /// The `X-Amz-Target` prefix.
    pub fn target_prefix(self) -> &'static str {
        match self {
            Self::CognitoIdp => "AWSCognitoIdentityProviderService",
            Self::CognitoIdentity => "AWSCognitoIdentityService",
            Self::Poolhouse => "Poolhouse",
            // STS speaks the query protocol (`Action=…`); the console's own calls reach its
            // operations by this target, the name of STS's service shape.
            Self::Sts => "AWSSecurityTokenServiceV20110615",
        }
    }

    /// The name scripts and the UI use for it.
    pub fn name(self) -> &'static str {
        match self {
            Self::CognitoIdp => "cognito-idp",
            Self::CognitoIdentity => "cognito-identity",
            Self::Poolhouse => "poolhouse",
            Self::Sts => "sts",
        }
    }
}

/// Who may call an operation over HTTP, and what proves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Access {
    /// An administrator's call: SigV4-signed with one of the workspace's access keys when the
    /// workspace requires signatures (botocore signs these).
    Admin,
    /// A user's call, unsigned as on AWS (botocore's `noAuth`): an access token, refresh token
    /// or challenge session in the body is what authorises it.
    Token,
    /// An anonymous call, unsigned as on AWS: sign-up, sign-in and recovery, authorised by the
    /// app client id alone.
    Anonymous,
    /// An operation for the operator's own tools (the desktop console and the CLI), such as
    /// changing the workspace or minting test tokens. The endpoint holds it to the same rule as
    /// [`Access::Admin`] (never callable unsigned when signatures are required) and, besides,
    /// asks for the console's launch secret or a signature that verifies.
    Console,
}

impl Access {
    /// Whether a call may come without a SigV4 signature (botocore's `noAuth`).
    pub fn is_unsigned(self) -> bool {
        match self {
            Access::Token | Access::Anonymous => true,
            Access::Admin | Access::Console => false,
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
    pub access: Access,
}

impl Operation {
    /// The AWS CLI spelling: `admin-create-user`.
    pub fn cli_name(&self) -> String {
        self.command.replace('_', "-")
    }

    /// The `X-Amz-Target` header that calls it: `AWSCognitoIdentityProviderService.ListUsers`.
    pub fn target(&self) -> String {
        format!("{}.{}", self.service.target_prefix(), self.name)
    }
}

/// What a handler knows about the call it serves: which operation (for the audit log and,
/// later, per-operation permissions) and who asked.
#[derive(Debug, Clone, Copy)]
pub struct OpCtx<'a> {
    pub op: Op,
    pub actor: &'a Actor,
}

#[doc(hidden)]
#[macro_export]
macro_rules! __service {
    (idp) => {
        $crate::ops::Service::CognitoIdp
    };
    (cid) => {
        $crate::ops::Service::CognitoIdentity
    };
    (own) => {
        $crate::ops::Service::Poolhouse
    };
    (sts) => {
        $crate::ops::Service::Sts
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __access {
    (admin) => {
        $crate::ops::Access::Admin
    };
    (token) => {
        $crate::ops::Access::Token
    };
    (anon) => {
        $crate::ops::Access::Anonymous
    };
    (console) => {
        $crate::ops::Access::Console
    };
}

macro_rules! operation_table {
    ($($svc:ident $area:ident $name:ident $method:ident $req:ident $resp:ident $access:ident;)*) => {
        /// Every operation, by name; `op as usize` is its index in [`OPERATIONS`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Op {
            $(
                #[doc = concat!("`", stringify!($name), "`.")]
                $name,
            )*
        }

        /// Every operation, in the list's order.
        pub const OPERATIONS: &[Operation] = &[$(Operation {
            service: $crate::__service!($svc),
            name: stringify!($name),
            command: stringify!($method),
            request: stringify!($req),
            response: stringify!($resp),
            access: $crate::__access!($access),
        }),*];

        /// The JSON Schema of an operation's request (the CLI reads flags through it).
        pub fn request_schema(name: &str) -> Option<serde_json::Value> {
            match name {
                $(stringify!($name) => serde_json::to_value(schemars::schema_for!($req)).ok(),)*
                _ => None,
            }
        }

        /// The JSON Schema of an operation's response as it is serialised: a member is
        /// `required` when it is always sent (the contract test compares it with botocore's).
        pub fn response_schema(name: &str) -> Option<serde_json::Value> {
            let settings = schemars::generate::SchemaSettings::default().for_serialize();
            match name {
                $(stringify!($name) => serde_json::to_value(
                    settings.into_generator().into_root_schema_for::<$resp>(),
                ).ok(),)*
                _ => None,
            }
        }

        impl $crate::Console {
            $(
                #[doc = concat!("`", stringify!($name), "`: see [`Op::", stringify!($name), "`].")]
                pub fn $method(
                    &self,
                    actor: &$crate::Actor,
                    req: $req,
                ) -> Result<$resp, $crate::ApiError> {
                    $area::$method(self, &OpCtx { op: Op::$name, actor }, req)
                }
            )*

            /// Runs the operation `name` on a JSON request body and answers a JSON body: the
            /// endpoint's and the CLI's way in.
            pub fn dispatch_json(&self, actor: &$crate::Actor, name: &str, body: &[u8]) -> Result<Vec<u8>, $crate::ApiError> {
                match name {
                    $(stringify!($name) => {
                        let req: $req = $crate::parse_request(body)?;
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

impl Op {
    /// The operation's entry in the list.
    pub fn info(self) -> &'static Operation {
        &OPERATIONS[self as usize]
    }

    /// `AdminCreateUser`.
    pub fn name(self) -> &'static str {
        self.info().name
    }
}

/// Whether `name` is called without SigV4 (botocore's `noAuth`), from its access class.
pub fn is_public(name: &str) -> bool {
    find(name).is_some_and(|o| o.access.is_unsigned())
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
        "// Generated from the operation list in crates/console-api/src/ops/mod.rs. Do not edit.\n",
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
    let services: Vec<String> = Service::ALL
        .iter()
        .map(|s| format!("\"{}\"", s.name()))
        .collect();
    out.push_str(&format!(
        "export type ServiceName = {};\n\n",
        services.join(" | ")
    ));
    out.push_str("/** Each service's `X-Amz-Target` prefix. */\n");
    out.push_str("export const TARGET_PREFIXES: Readonly<Record<ServiceName, string>> = {\n");
    for s in Service::ALL {
        out.push_str(&format!("  \"{}\": \"{}\",\n", s.name(), s.target_prefix()));
    }
    out.push_str("};\n\n");
    out.push_str("export const OPERATIONS: ReadonlyArray<{ name: OperationName; service: ServiceName; command: string }> = [\n");
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
