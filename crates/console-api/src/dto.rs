//! Requests and responses in Cognito's shapes (botocore's `cognito-idp` service model), plus
//! Poolhouse's own operations beside them. Members are PascalCase as on the wire; timestamps
//! are epoch seconds.

use std::collections::BTreeMap;

use domain::client::ClientSettings;
use domain::pool::{AliasAttribute, PoolSettings, UsernameAttribute, UsernameConfiguration};
use domain::schema::SchemaAttribute;
use domain::user::UserStatus;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A request or response type: Cognito's PascalCase members, exported to TypeScript and
/// described by JSON Schema. Other modules with operations (`inspect`, `selfservice`) use it
/// too, with `Serialize`, `Deserialize`, `TS` and `JsonSchema` in scope.
macro_rules! dto {
    ($(#[$m:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
        #[serde(rename_all = "PascalCase")]
        #[ts(export, optional_fields)]
        pub struct $name { $($body)* }
    };
}
pub(crate) use dto;

dto! {
    /// An operation that answers nothing.
    #[derive(Default)]
    pub struct Empty {}
}

dto! {
    /// `AttributeType`.
    pub struct AttributeType {
        pub name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub value: Option<String>,
    }
}

dto! {
    /// `UserType`, as `ListUsers` and `AdminCreateUser` return it.
    pub struct UserType {
        pub username: String,
        pub attributes: Vec<AttributeType>,
        pub user_create_date: f64,
        pub user_last_modified_date: f64,
        pub enabled: bool,
        pub user_status: UserStatus,
        #[serde(rename = "MFAOptions")]
        pub mfa_options: Vec<MfaOptionType>,
    }
}

dto! {
    /// `UserPoolType`: a pool as `DescribeUserPool` returns it.
    pub struct UserPoolType {
        pub id: String,
        pub name: String,
        pub arn: String,
        pub creation_date: f64,
        pub last_modified_date: f64,
        #[ts(type = "number")]
        pub estimated_number_of_users: i64,
        #[serde(flatten)]
        pub settings: PoolSettings,
        pub schema_attributes: Vec<SchemaAttribute>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[ts(as = "Option<Vec<UsernameAttribute>>", optional)]
        pub username_attributes: Vec<UsernameAttribute>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[ts(as = "Option<Vec<AliasAttribute>>", optional)]
        pub alias_attributes: Vec<AliasAttribute>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub username_configuration: Option<UsernameConfiguration>,
    }
}

dto! {
    /// `UserPoolDescriptionType`: a pool in `ListUserPools`.
    pub struct UserPoolDescriptionType {
        pub id: String,
        pub name: String,
        pub creation_date: f64,
        pub last_modified_date: f64,
        /// Poolhouse adds the user count so a pool list needs one call.
        #[ts(type = "number")]
        pub estimated_number_of_users: i64,
    }
}

dto! {
    pub struct CreateUserPoolRequest {
        pub pool_name: String,
        #[serde(flatten)]
        pub settings: PoolSettings,
        #[serde(default)]
        #[ts(as = "Option<Vec<UsernameAttribute>>", optional)]
        pub username_attributes: Vec<UsernameAttribute>,
        #[serde(default)]
        #[ts(as = "Option<Vec<AliasAttribute>>", optional)]
        pub alias_attributes: Vec<AliasAttribute>,
        #[serde(default)]
        pub username_configuration: Option<UsernameConfiguration>,
        #[serde(default)]
        #[ts(as = "Option<Vec<SchemaAttribute>>", optional)]
        pub schema: Vec<SchemaAttribute>,
    }
}

dto! {
    pub struct UserPoolResponse {
        pub user_pool: UserPoolType,
    }
}

dto! {
    pub struct UserPoolIdRequest {
        pub user_pool_id: String,
    }
}

dto! {
    /// `UpdateUserPool`: the mutable settings. Members fixed at creation are refused by name.
    pub struct UpdateUserPoolRequest {
        pub user_pool_id: String,
        #[serde(flatten)]
        pub settings: PoolSettings,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(skip)]
        pub username_attributes: Option<serde_json::Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(skip)]
        pub alias_attributes: Option<serde_json::Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(skip)]
        pub username_configuration: Option<serde_json::Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(skip)]
        pub schema: Option<serde_json::Value>,
        /// A new name (names can change; ids cannot).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub pool_name: Option<String>,
    }
}

dto! {
    pub struct ListUserPoolsRequest {
        /// 1–60.
        pub max_results: u32,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListUserPoolsResponse {
        pub user_pools: Vec<UserPoolDescriptionType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct AddCustomAttributesRequest {
        pub user_pool_id: String,
        pub custom_attributes: Vec<SchemaAttribute>,
    }
}

dto! {
    /// `UserPoolClientType`.
    pub struct UserPoolClientType {
        pub user_pool_id: String,
        pub client_name: String,
        pub client_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub client_secret: Option<String>,
        pub creation_date: f64,
        pub last_modified_date: f64,
        #[serde(flatten)]
        pub settings: ClientSettings,
    }
}

dto! {
    pub struct UserPoolClientDescription {
        pub client_id: String,
        pub user_pool_id: String,
        pub client_name: String,
    }
}

dto! {
    pub struct CreateUserPoolClientRequest {
        pub user_pool_id: String,
        pub client_name: String,
        #[serde(default)]
        pub generate_secret: Option<bool>,
        #[serde(flatten)]
        pub settings: ClientSettings,
    }
}

dto! {
    pub struct UserPoolClientResponse {
        pub user_pool_client: UserPoolClientType,
    }
}

dto! {
    pub struct ClientIdRequest {
        pub user_pool_id: String,
        pub client_id: String,
    }
}

dto! {
    pub struct UpdateUserPoolClientRequest {
        pub user_pool_id: String,
        pub client_id: String,
        #[serde(default)]
        pub client_name: Option<String>,
        #[serde(flatten)]
        pub settings: ClientSettings,
    }
}

dto! {
    pub struct ListUserPoolClientsRequest {
        pub user_pool_id: String,
        #[serde(default)]
        pub max_results: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListUserPoolClientsResponse {
        pub user_pool_clients: Vec<UserPoolClientDescription>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

/// `MessageActionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
#[ts(export)]
pub enum MessageActionType {
    Resend,
    Suppress,
}

/// `DeliveryMediumType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
#[ts(export)]
pub enum DeliveryMediumType {
    Sms,
    Email,
}

dto! {
    pub struct AdminCreateUserRequest {
        pub user_pool_id: String,
        pub username: String,
        #[serde(default)]
        #[ts(as = "Option<Vec<AttributeType>>", optional)]
        pub user_attributes: Vec<AttributeType>,
        #[serde(default)]
        #[ts(as = "Option<Vec<AttributeType>>", optional)]
        pub validation_data: Vec<AttributeType>,
        #[serde(default)]
        pub temporary_password: Option<String>,
        #[serde(default)]
        pub force_alias_creation: Option<bool>,
        #[serde(default)]
        pub message_action: Option<MessageActionType>,
        #[serde(default)]
        #[ts(as = "Option<Vec<DeliveryMediumType>>", optional)]
        pub desired_delivery_mediums: Vec<DeliveryMediumType>,
        #[serde(default)]
        #[ts(as = "Option<BTreeMap<String, String>>", optional)]
        pub client_metadata: BTreeMap<String, String>,
    }
}

dto! {
    pub struct AdminCreateUserResponse {
        pub user: UserType,
    }
}

dto! {
    pub struct UserRequest {
        pub user_pool_id: String,
        pub username: String,
    }
}

dto! {
    pub struct AdminGetUserResponse {
        pub username: String,
        pub user_attributes: Vec<AttributeType>,
        pub user_create_date: f64,
        pub user_last_modified_date: f64,
        pub enabled: bool,
        pub user_status: UserStatus,
        #[serde(rename = "MFAOptions")]
        pub mfa_options: Vec<MfaOptionType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub preferred_mfa_setting: Option<String>,
        #[serde(rename = "UserMFASettingList")]
        pub user_mfa_setting_list: Vec<String>,
    }
}

dto! {
    pub struct AdminUpdateUserAttributesRequest {
        pub user_pool_id: String,
        pub username: String,
        pub user_attributes: Vec<AttributeType>,
        #[serde(default)]
        #[ts(as = "Option<BTreeMap<String, String>>", optional)]
        pub client_metadata: BTreeMap<String, String>,
    }
}

dto! {
    pub struct AdminDeleteUserAttributesRequest {
        pub user_pool_id: String,
        pub username: String,
        pub user_attribute_names: Vec<String>,
    }
}

dto! {
    pub struct AdminSetUserPasswordRequest {
        pub user_pool_id: String,
        pub username: String,
        pub password: String,
        #[serde(default)]
        pub permanent: Option<bool>,
    }
}

dto! {
    pub struct ListUsersRequest {
        pub user_pool_id: String,
        #[serde(default)]
        pub attributes_to_get: Option<Vec<String>>,
        /// 0–60, default 60.
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub pagination_token: Option<String>,
        /// `attribute = "value"` or `attribute ^= "value"`.
        #[serde(default)]
        pub filter: Option<String>,
    }
}

dto! {
    pub struct ListUsersResponse {
        pub users: Vec<UserType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub pagination_token: Option<String>,
    }
}

dto! {
    /// `GroupType`.
    pub struct GroupType {
        pub group_name: String,
        pub user_pool_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_arn: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(type = "number | undefined")]
        pub precedence: Option<i64>,
        pub last_modified_date: f64,
        pub creation_date: f64,
    }
}

dto! {
    pub struct GroupRequest {
        pub group_name: String,
        pub user_pool_id: String,
        #[serde(default)]
        pub description: Option<String>,
        #[serde(default)]
        pub role_arn: Option<String>,
        #[serde(default)]
        #[ts(type = "number | undefined")]
        pub precedence: Option<i64>,
    }
}

dto! {
    pub struct GroupResponse {
        pub group: GroupType,
    }
}

dto! {
    pub struct GroupNameRequest {
        pub group_name: String,
        pub user_pool_id: String,
    }
}

dto! {
    pub struct ListGroupsRequest {
        pub user_pool_id: String,
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListGroupsResponse {
        pub groups: Vec<GroupType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct UserGroupRequest {
        pub user_pool_id: String,
        pub username: String,
        pub group_name: String,
    }
}

dto! {
    pub struct AdminListGroupsForUserRequest {
        pub username: String,
        pub user_pool_id: String,
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListUsersInGroupRequest {
        pub user_pool_id: String,
        pub group_name: String,
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListUsersInGroupResponse {
        pub users: Vec<UserType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

/// What SearchUsers sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SortBy {
    Username,
    Email,
    Created,
    Modified,
    Status,
}

dto! {
    /// Poolhouse's search: one query over username, email, phone, names, `sub` and custom
    /// attributes (prefix, case-insensitive), with filters, sorting, keyset paging and a total.
    pub struct SearchUsersRequest {
        pub user_pool_id: String,
        #[serde(default)]
        pub query: Option<String>,
        #[serde(default)]
        #[ts(as = "Option<Vec<UserStatus>>", optional)]
        pub status: Vec<UserStatus>,
        #[serde(default)]
        pub enabled: Option<bool>,
        #[serde(default)]
        pub group_name: Option<String>,
        /// Only users with (true) or without (false) an enabled MFA factor.
        #[serde(default)]
        pub mfa_enabled: Option<bool>,
        #[serde(default)]
        pub sort_by: Option<SortBy>,
        #[serde(default)]
        pub sort_descending: Option<bool>,
        /// 1–1000, default 60.
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    /// A row of the users table.
    pub struct UserSummary {
        pub username: String,
        pub sub: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub email: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub phone_number: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        pub user_status: UserStatus,
        pub enabled: bool,
        pub groups: Vec<String>,
        /// Enabled MFA factors (`SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`, `SMS_MFA`).
        #[serde(rename = "MFA")]
        pub mfa: Vec<String>,
        pub user_create_date: f64,
        pub user_last_modified_date: f64,
    }
}

dto! {
    pub struct SearchUsersResponse {
        pub users: Vec<UserSummary>,
        /// Matching users; a lower bound when `TotalCountExact` is false (broad queries on
        /// very large pools stop counting at 10,000).
        #[ts(type = "number")]
        pub total_count: i64,
        pub total_count_exact: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

/// The result of an audited operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub enum AuditOutcome {
    Success,
    Failure,
}

dto! {
    pub struct ListAuditEventsRequest {
        #[serde(default)]
        pub user_pool_id: Option<String>,
        #[serde(default)]
        pub operation: Option<String>,
        #[serde(default)]
        pub target: Option<String>,
        #[serde(default)]
        pub outcome: Option<AuditOutcome>,
        /// 1–1000, default 100.
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct AuditEventType {
        #[ts(type = "number")]
        pub event_id: i64,
        pub time: f64,
        pub actor: String,
        pub operation: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub user_pool_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub target: Option<String>,
        pub outcome: AuditOutcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub error_code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub message: Option<String>,
    }
}

dto! {
    pub struct ListAuditEventsResponse {
        pub events: Vec<AuditEventType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct ListOutboxMessagesRequest {
        #[serde(default)]
        pub user_pool_id: Option<String>,
        #[serde(default)]
        pub limit: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    pub struct OutboxMessage {
        #[ts(type = "number")]
        pub message_id: i64,
        pub time: f64,
        pub user_pool_id: String,
        pub username: String,
        pub medium: DeliveryMediumType,
        pub destination: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub subject: Option<String>,
        pub body: String,
        pub kind: String,
        /// SMTP delivery, when the workspace has a server: `Sending`, `Sent` or `Failed`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub delivery: Option<String>,
        /// Why a delivery failed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub delivery_detail: Option<String>,
    }
}

dto! {
    pub struct ListOutboxMessagesResponse {
        pub messages: Vec<OutboxMessage>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    /// `ListHookInvocations`: a pool's hook calls, newest first.
    pub struct ListHookInvocationsRequest {
        pub user_pool_id: String,
        /// Only this trigger's calls (`PreSignUp`, `PreTokenGeneration`, ...).
        #[serde(default)]
        pub trigger: Option<String>,
        /// 1–200, default 50.
        #[serde(default)]
        pub max_results: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    /// One call of a hook.
    pub struct HookInvocationType {
        pub id: String,
        /// `PreSignUp_SignUp`, `TokenGeneration_Authentication`, ...
        pub trigger_source: String,
        pub url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub username: Option<String>,
        pub creation_date: f64,
        #[ts(type = "number")]
        pub duration_ms: i64,
        /// `Succeeded`, `Rejected` (the hook answered with an error), `Failed` (no usable answer).
        pub outcome: String,
        /// The HTTP status of the answer, when there was one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(type = "number")]
        pub status_code: Option<i64>,
        /// Why it was rejected or failed, or what of its answer was ignored.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub detail: Option<String>,
        /// The event sent, as JSON (a migration event's password hidden).
        pub request: String,
        /// The answer's body (at most 64 KiB).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub response: Option<String>,
    }
}

dto! {
    pub struct ListHookInvocationsResponse {
        pub invocations: Vec<HookInvocationType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    /// The workspace: region used in new ids, and whether the endpoint demands SigV4.
    pub struct WorkspaceType {
        pub region: String,
        pub account_id: String,
        pub require_signature: bool,
        pub access_key_ids: Vec<String>,
        /// The base of the pools' token issuer (`iss` is this, `/`, the pool id). Absent:
        /// Cognito's `https://cognito-idp.<region>.amazonaws.com`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub issuer_base_url: Option<String>,
        /// A breached-password list in Pwned Passwords' SHA-1 format, checked by pools whose
        /// risk configuration asks for it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub breached_passwords_file: Option<String>,
        /// The SMTP server the outbox's email is delivered through (`host:port`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub smtp_server: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub smtp_from: Option<String>,
        pub store_path: String,
        #[ts(type = "number")]
        pub schema_version: i64,
    }
}

dto! {
    pub struct DescribeWorkspaceResponse {
        pub workspace: WorkspaceType,
    }
}

dto! {
    pub struct UpdateWorkspaceRequest {
        #[serde(default)]
        pub region: Option<String>,
        #[serde(default)]
        pub require_signature: Option<bool>,
        /// An `http(s)://` URL to issue tokens under (for example the endpoint's own address,
        /// so OIDC clients can discover the keys); the empty string goes back to Cognito's.
        #[serde(default)]
        pub issuer_base_url: Option<String>,
        /// The path of a breached-password list (Pwned Passwords' SHA-1 format); the empty
        /// string removes it.
        #[serde(default)]
        pub breached_passwords_file: Option<String>,
        /// `host:port` of an SMTP server (no TLS, no login: a local mail catcher or relay) to
        /// deliver the outbox's email through; the empty string stops delivery.
        #[serde(default)]
        pub smtp_server: Option<String>,
        /// The sender address of delivered email (default
        /// `Poolhouse <no-reply@poolhouse.localhost>`); the empty string goes back to it.
        #[serde(default)]
        pub smtp_from: Option<String>,
    }
}

dto! {
    pub struct CreateAccessKeyResponse {
        pub access_key_id: String,
        pub secret_access_key: String,
    }
}

dto! {
    /// Creates sample users (confirmed, no password) to try the console on a large pool.
    pub struct GenerateUsersRequest {
        pub user_pool_id: String,
        /// 1–100,000 per call.
        pub count: u32,
        /// Username prefix, default `user`.
        #[serde(default)]
        pub prefix: Option<String>,
    }
}

dto! {
    pub struct GenerateUsersResponse {
        pub created: u32,
        #[ts(type = "number")]
        pub total_users: i64,
    }
}

// ----- sign-in ----------------------------------------------------------------------------

/// A secret in a request or response (a password, a token, a code): serialized as the plain
/// string it is, but never shown by `Debug`, so it cannot reach a log.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(transparent)]
#[ts(export)]
pub struct Sensitive(pub String);

impl std::fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sensitive({} chars)", self.0.chars().count())
    }
}

impl Sensitive {
    /// The secret.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

dto! {
    /// `UserContextDataType`: where a public call comes from, as the client reports it. The
    /// admin operations take [`ContextDataType`], whose members differ.
    #[derive(Default)]
    pub struct UserContextDataType {
        #[serde(default)]
        pub ip_address: Option<String>,
        #[serde(default)]
        pub encoded_data: Option<String>,
    }
}

dto! {
    pub struct InitiateAuthRequest {
        pub client_id: String,
        /// `USER_PASSWORD_AUTH`, `USER_SRP_AUTH`, `REFRESH_TOKEN_AUTH`, `CUSTOM_AUTH`.
        pub auth_flow: String,
        /// `USERNAME`, `PASSWORD`, `SECRET_HASH`, `REFRESH_TOKEN`, ...
        #[serde(default)]
        #[ts(type = "Record<string, string>")]
        pub auth_parameters: BTreeMap<String, Sensitive>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub user_context_data: Option<UserContextDataType>,
    }
}

dto! {
    pub struct AdminInitiateAuthRequest {
        pub user_pool_id: String,
        pub client_id: String,
        /// `ADMIN_USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH`, ...
        pub auth_flow: String,
        #[serde(default)]
        #[ts(type = "Record<string, string>")]
        pub auth_parameters: BTreeMap<String, Sensitive>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub context_data: Option<ContextDataType>,
    }
}

dto! {
    /// `AuthenticationResultType`.
    pub struct AuthenticationResultType {
        pub access_token: Sensitive,
        pub expires_in: u64,
        pub token_type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub refresh_token: Option<Sensitive>,
        pub id_token: Sensitive,
    }
}

dto! {
    /// The answer of every sign-in step: tokens, or the next challenge.
    #[derive(Default)]
    pub struct AuthResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub challenge_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub session: Option<Sensitive>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub challenge_parameters: Option<BTreeMap<String, String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub authentication_result: Option<AuthenticationResultType>,
    }
}

dto! {
    pub struct RespondToAuthChallengeRequest {
        pub client_id: String,
        pub challenge_name: String,
        #[serde(default)]
        pub session: Option<Sensitive>,
        #[serde(default)]
        #[ts(type = "Record<string, string>")]
        pub challenge_responses: BTreeMap<String, Sensitive>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub user_context_data: Option<UserContextDataType>,
    }
}

dto! {
    pub struct AdminRespondToAuthChallengeRequest {
        pub user_pool_id: String,
        pub client_id: String,
        pub challenge_name: String,
        #[serde(default)]
        pub session: Option<Sensitive>,
        #[serde(default)]
        #[ts(type = "Record<string, string>")]
        pub challenge_responses: BTreeMap<String, Sensitive>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub context_data: Option<ContextDataType>,
    }
}

dto! {
    pub struct AccessTokenRequest {
        pub access_token: Sensitive,
    }
}

dto! {
    pub struct GetUserResponse {
        pub username: String,
        pub user_attributes: Vec<AttributeType>,
        #[serde(rename = "MFAOptions")]
        pub mfa_options: Vec<MfaOptionType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub preferred_mfa_setting: Option<String>,
        #[serde(rename = "UserMFASettingList")]
        pub user_mfa_setting_list: Vec<String>,
    }
}

dto! {
    pub struct RevokeTokenRequest {
        pub token: Sensitive,
        pub client_id: String,
        #[serde(default)]
        pub client_secret: Option<Sensitive>,
    }
}

dto! {
    pub struct SignUpRequest {
        pub client_id: String,
        #[serde(default)]
        pub secret_hash: Option<Sensitive>,
        pub username: String,
        /// Optional in Cognito's model (passwordless sign-up); Poolhouse refuses a sign-up
        /// without one.
        #[serde(default)]
        pub password: Option<Sensitive>,
        #[serde(default)]
        pub user_attributes: Vec<AttributeType>,
        #[serde(default)]
        pub validation_data: Vec<AttributeType>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub user_context_data: Option<UserContextDataType>,
    }
}

dto! {
    /// `CodeDeliveryDetailsType`.
    pub struct CodeDeliveryDetailsType {
        pub destination: String,
        pub delivery_medium: String,
        pub attribute_name: String,
    }
}

dto! {
    pub struct SignUpResponse {
        pub user_confirmed: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub code_delivery_details: Option<CodeDeliveryDetailsType>,
        pub user_sub: String,
    }
}

dto! {
    pub struct ConfirmSignUpRequest {
        pub client_id: String,
        #[serde(default)]
        pub secret_hash: Option<Sensitive>,
        pub username: String,
        pub confirmation_code: Sensitive,
        #[serde(default)]
        pub force_alias_creation: Option<bool>,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub user_context_data: Option<UserContextDataType>,
    }
}

dto! {
    /// `ResendConfirmationCode` and `ForgotPassword`.
    pub struct UsernameClientRequest {
        pub client_id: String,
        #[serde(default)]
        pub secret_hash: Option<Sensitive>,
        pub username: String,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub user_context_data: Option<UserContextDataType>,
    }
}

dto! {
    pub struct CodeDeliveryResponse {
        pub code_delivery_details: CodeDeliveryDetailsType,
    }
}

dto! {
    pub struct ConfirmForgotPasswordRequest {
        pub client_id: String,
        #[serde(default)]
        pub secret_hash: Option<Sensitive>,
        pub username: String,
        pub confirmation_code: Sensitive,
        pub password: Sensitive,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
        #[serde(default)]
        pub user_context_data: Option<UserContextDataType>,
    }
}

dto! {
    pub struct ChangePasswordRequest {
        #[serde(default)]
        pub previous_password: Option<Sensitive>,
        pub proposed_password: Sensitive,
        pub access_token: Sensitive,
    }
}

dto! {
    pub struct AdminListUserAuthEventsRequest {
        pub user_pool_id: String,
        pub username: String,
        /// 0–60, default 60.
        #[serde(default)]
        pub max_results: Option<u32>,
        #[serde(default)]
        pub next_token: Option<String>,
    }
}

dto! {
    /// `EventRiskType`.
    pub struct EventRiskType {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub risk_decision: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub risk_level: Option<String>,
        pub compromised_credentials_detected: bool,
    }
}

dto! {
    /// `EventContextDataType`.
    pub struct EventContextDataType {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ip_address: Option<String>,
    }
}

dto! {
    /// `AuthEventType`, with Poolhouse's `ClientId` and `Detail` (why it failed, which challenge
    /// it waits on) beside Cognito's members.
    pub struct AuthEventType {
        pub event_id: String,
        /// `SignIn`, `SignUp`, `ForgotPassword`, `PasswordChange`, `ResendCode`.
        pub event_type: String,
        pub creation_date: f64,
        /// `Pass`, `Fail`, `InProgress`.
        pub event_response: String,
        pub event_risk: EventRiskType,
        pub event_context_data: EventContextDataType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub client_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub detail: Option<String>,
    }
}

dto! {
    pub struct AdminListUserAuthEventsResponse {
        pub auth_events: Vec<AuthEventType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }
}

dto! {
    /// One sign-in of a user (a refresh token and the ID/access tokens minted from it).
    pub struct UserSessionType {
        /// The `origin_jti` its tokens carry.
        pub origin_jti: String,
        pub client_id: String,
        pub auth_time: f64,
        pub creation_date: f64,
        pub expiration_date: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_used_date: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub revoked_date: Option<f64>,
        /// `ACTIVE`, `REVOKED` or `EXPIRED`.
        pub status: String,
    }
}

dto! {
    /// A user's sign-in state for support staff: sessions, lockout and failures.
    pub struct DescribeUserSecurityResponse {
        pub username: String,
        pub failed_sign_in_attempts: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub locked_until: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_sign_in: Option<f64>,
        pub sessions: Vec<UserSessionType>,
    }
}

dto! {
    /// A pool's signing key as the console lists it (public half only).
    pub struct SigningKeyType {
        pub kid: String,
        /// `id` or `access`.
        pub purpose: String,
        pub creation_date: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub retired_date: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub published_until: Option<f64>,
        /// `SIGNING`, `PUBLISHED` (retired, tokens may still be live) or `EXPIRED`.
        pub status: String,
    }
}

dto! {
    pub struct ListSigningKeysResponse {
        pub keys: Vec<SigningKeyType>,
        /// The `iss` of the pool's tokens.
        pub issuer: String,
    }
}

// ----- MFA -------------------------------------------------------------------------------

dto! {
    /// `AssociateSoftwareToken`: with the access token of a signed-in user, or the `Session`
    /// of an `MFA_SETUP` challenge.
    pub struct AssociateSoftwareTokenRequest {
        #[serde(default)]
        pub access_token: Option<Sensitive>,
        #[serde(default)]
        pub session: Option<Sensitive>,
    }
}

dto! {
    /// The new secret (base32), and beside Cognito's members an `otpauth://` URI for a QR code.
    pub struct AssociateSoftwareTokenResponse {
        pub secret_code: Sensitive,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub session: Option<Sensitive>,
        pub otpauth_uri: Sensitive,
    }
}

dto! {
    pub struct VerifySoftwareTokenRequest {
        #[serde(default)]
        pub access_token: Option<Sensitive>,
        #[serde(default)]
        pub session: Option<Sensitive>,
        pub user_code: Sensitive,
        #[serde(default)]
        pub friendly_device_name: Option<String>,
    }
}

dto! {
    pub struct VerifySoftwareTokenResponse {
        /// `SUCCESS` or `ERROR`.
        pub status: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub session: Option<Sensitive>,
    }
}

dto! {
    /// `SMSMfaSettingsType`, `SoftwareTokenMfaSettingsType`, `EmailMfaSettingsType`.
    #[derive(Default)]
    pub struct MfaSettingsType {
        #[serde(default)]
        pub enabled: Option<bool>,
        #[serde(default)]
        pub preferred_mfa: Option<bool>,
    }
}

dto! {
    pub struct SetUserMfaPreferenceRequest {
        pub access_token: Sensitive,
        #[serde(default, rename = "SMSMfaSettings")]
        pub sms_mfa_settings: Option<MfaSettingsType>,
        #[serde(default)]
        pub software_token_mfa_settings: Option<MfaSettingsType>,
        #[serde(default)]
        pub email_mfa_settings: Option<MfaSettingsType>,
    }
}

dto! {
    pub struct AdminSetUserMfaPreferenceRequest {
        pub user_pool_id: String,
        pub username: String,
        #[serde(default, rename = "SMSMfaSettings")]
        pub sms_mfa_settings: Option<MfaSettingsType>,
        #[serde(default)]
        pub software_token_mfa_settings: Option<MfaSettingsType>,
        #[serde(default)]
        pub email_mfa_settings: Option<MfaSettingsType>,
    }
}

dto! {
    /// `SoftwareTokenMfaConfigType`.
    pub struct SoftwareTokenMfaConfigType {
        /// Off when left out, as in Cognito.
        #[serde(default)]
        pub enabled: bool,
    }
}

dto! {
    /// `EmailMfaConfigType`.
    #[derive(Default)]
    pub struct EmailMfaConfigType {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub message: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub subject: Option<String>,
    }
}

dto! {
    /// `SmsMfaConfigType`.
    #[derive(Default)]
    pub struct SmsMfaConfigType {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sms_authentication_message: Option<String>,
    }
}

dto! {
    pub struct SetUserPoolMfaConfigRequest {
        pub user_pool_id: String,
        #[serde(default)]
        pub sms_mfa_configuration: Option<SmsMfaConfigType>,
        #[serde(default)]
        pub software_token_mfa_configuration: Option<SoftwareTokenMfaConfigType>,
        #[serde(default)]
        pub email_mfa_configuration: Option<EmailMfaConfigType>,
        #[serde(default)]
        pub mfa_configuration: Option<domain::pool::MfaConfiguration>,
    }
}

dto! {
    pub struct UserPoolMfaConfigResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sms_mfa_configuration: Option<SmsMfaConfigType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub software_token_mfa_configuration: Option<SoftwareTokenMfaConfigType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub email_mfa_configuration: Option<EmailMfaConfigType>,
        pub mfa_configuration: domain::pool::MfaConfiguration,
    }
}

// ----- threat protection -----------------------------------------------------------------

dto! {
    /// `SetRiskConfiguration` (pool-wide; per-client configurations are not kept).
    pub struct SetRiskConfigurationRequest {
        pub user_pool_id: String,
        #[serde(default)]
        pub client_id: Option<String>,
        #[serde(default)]
        pub compromised_credentials_risk_configuration:
            Option<domain::risk::CompromisedCredentialsRiskConfiguration>,
        #[serde(default)]
        pub account_takeover_risk_configuration:
            Option<domain::risk::AccountTakeoverRiskConfiguration>,
        #[serde(default)]
        pub risk_exception_configuration: Option<domain::risk::RiskExceptionConfiguration>,
    }
}

dto! {
    pub struct DescribeRiskConfigurationRequest {
        pub user_pool_id: String,
        #[serde(default)]
        pub client_id: Option<String>,
    }
}

dto! {
    /// `RiskConfigurationType`.
    pub struct RiskConfigurationType {
        pub user_pool_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub compromised_credentials_risk_configuration:
            Option<domain::risk::CompromisedCredentialsRiskConfiguration>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub account_takeover_risk_configuration:
            Option<domain::risk::AccountTakeoverRiskConfiguration>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub risk_exception_configuration: Option<domain::risk::RiskExceptionConfiguration>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_modified_date: Option<f64>,
    }
}

dto! {
    pub struct RiskConfigurationResponse {
        pub risk_configuration: RiskConfigurationType,
    }
}

// ----- self-service with an access token (types in crate::selfservice) ----------------------

pub use crate::selfservice::{
    DeleteUserAttributesRequest, GetUserAttributeVerificationCodeRequest,
    UpdateUserAttributesRequest, UpdateUserAttributesResponse, VerifyUserAttributeRequest,
};

// ----- token inspector (types in crate::inspect) -------------------------------------------

pub use crate::inspect::{
    CheckType, ClaimRowType, DecodeProblemType, DecodeTokenRequest, DecodeTokenResponse,
    EncodeTestTokenRequest, EncodeTestTokenResponse, FindingType, SecretEncodingType,
    VerifyTokenRequest, VerifyTokenResponse,
};

// ----- one request type per operation where Cognito's shapes differ ---------------------------

dto! {
    /// `AdminConfirmSignUp`: `ClientMetadata` goes to the post confirmation hook.
    pub struct AdminConfirmSignUpRequest {
        pub user_pool_id: String,
        pub username: String,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
    }
}

dto! {
    /// `AdminResetUserPassword`: `ClientMetadata` goes to the custom message hook.
    pub struct AdminResetUserPasswordRequest {
        pub user_pool_id: String,
        pub username: String,
        #[serde(default)]
        pub client_metadata: Option<BTreeMap<String, String>>,
    }
}

dto! {
    /// `MFAOptionType`: the SMS MFA settings of Cognito's legacy API (`UserType.MFAOptions`).
    /// Poolhouse sends an empty list; `UserMFASettingList` describes a user's MFA.
    pub struct MfaOptionType {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub delivery_medium: Option<DeliveryMediumType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub attribute_name: Option<String>,
    }
}

dto! {
    /// `ContextDataType`: where an admin sign-in comes from, as the server that called
    /// Poolhouse saw it. Cognito requires every member but `EncodedData`.
    pub struct ContextDataType {
        pub ip_address: String,
        pub server_name: String,
        pub server_path: String,
        pub http_headers: Vec<HttpHeader>,
        #[serde(default)]
        pub encoded_data: Option<String>,
    }
}

dto! {
    /// `HttpHeader`: one header of the request that reached the server (Cognito spells its
    /// members in camelCase).
    pub struct HttpHeader {
        #[serde(default, rename = "headerName")]
        pub header_name: Option<String>,
        #[serde(default, rename = "headerValue")]
        pub header_value: Option<String>,
    }
}
