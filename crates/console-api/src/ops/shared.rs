//! Shapes and helpers several areas share: attributes, users as listings show them, code
//! delivery, paging (`NextToken`s bound to their query), and the common request bodies.

use domain::names::{ClientId, UserPoolId, Username};
use std::collections::BTreeMap;

use domain::user::UserStatus;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::users::UserRow;
use ts_rs::TS;
use user_pools::pagination;

use crate::{ApiError, secs};

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
    pub struct UserPoolIdRequest {
        pub user_pool_id: UserPoolId,
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
    pub struct UserRequest {
        pub user_pool_id: UserPoolId,
        pub username: Username,
    }
}

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
    pub struct AccessTokenRequest {
        pub access_token: Sensitive,
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
    /// `ResendConfirmationCode` and `ForgotPassword`.
    pub struct UsernameClientRequest {
        pub client_id: ClientId,
        #[serde(default)]
        pub secret_hash: Option<Sensitive>,
        pub username: Username,
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

pub(crate) fn attributes(u: &UserRow, only: Option<&[String]>) -> Vec<AttributeType> {
    u.attributes
        .iter()
        .filter(|(k, _)| only.is_none_or(|names| names.iter().any(|n| n == *k)))
        .map(|(k, v)| AttributeType {
            name: k.clone(),
            value: Some(v.clone()),
        })
        .collect()
}

pub(crate) fn user_type(u: &UserRow, only: Option<&[String]>) -> UserType {
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

pub(crate) fn page_limit(
    field: &str,
    v: Option<u32>,
    max: u32,
    default: u32,
) -> Result<u32, ApiError> {
    let v = v.unwrap_or(default);
    if v > max {
        return Err(ApiError::invalid(
            field,
            format!("must be between 0 and {max}"),
        ));
    }
    Ok(v)
}

/// A listing's page size as Cognito's list operations take it: `default` when absent, else 1 to
/// `max`, refused naming `field`.
pub(crate) fn listing_limit(
    field: &str,
    v: Option<u32>,
    max: u32,
    default: u32,
) -> Result<u32, ApiError> {
    let v = v.unwrap_or(default);
    if !(1..=max).contains(&v) {
        return Err(ApiError::invalid(
            field,
            format!("must be between 1 and {max}"),
        ));
    }
    Ok(v)
}

/// Reads a listing's `NextToken`: the cursor it carries, or an error naming the member.
pub(crate) fn cursor<K: serde::de::DeserializeOwned>(
    c: &crate::Console,
    scope: &str,
    token: Option<&str>,
) -> Result<Option<K>, ApiError> {
    token
        .map(|t| pagination::decode(c.pages(), scope, t))
        .transpose()
        .map_err(|_| ApiError::invalid("NextToken", "is not a token this listing issued"))
}

/// Cuts a fetch of `limit + 1` rows to `limit`, with the token for the next page when there is
/// one (the key of the last row kept).
pub(crate) fn paged<T, K: serde::Serialize>(
    c: &crate::Console,
    mut rows: Vec<T>,
    limit: u32,
    scope: &str,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    if rows.len() <= limit as usize {
        return (rows, None);
    }
    rows.truncate(limit as usize);
    let next = rows
        .last()
        .map(|r| pagination::encode(c.pages(), scope, &key(r)));
    (rows, next)
}

pub(crate) fn delivery_details(d: &user_pools::codes::Delivery) -> CodeDeliveryDetailsType {
    CodeDeliveryDetailsType {
        destination: d.destination.clone(),
        delivery_medium: d.medium.to_string(),
        attribute_name: d.attribute.to_string(),
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
