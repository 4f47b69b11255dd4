//! The workspace: region, account, signatures, access keys, issuer, breached-password list
//! and SMTP delivery.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::shared::*;
use crate::ops::OpCtx;
use domain::workspace::{AccessKey, Signatures, SmtpSecurity, WorkspaceUpdate};

use crate::{ApiError, Console};

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
        /// How the connection to the SMTP server is protected: `NONE`, `STARTTLS` or `TLS`
        /// (shown while a server is set).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub smtp_security: Option<String>,
        /// The user name delivery logs in with; its password is never shown.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub smtp_username: Option<String>,
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
        /// `host:port` of an SMTP server (a local mail catcher, a relay, a mail provider) to
        /// deliver the outbox's email through; the empty string stops delivery.
        #[serde(default)]
        pub smtp_server: Option<String>,
        /// The sender address of delivered email (default
        /// `Poolhouse <no-reply@poolhouse.localhost>`); the empty string goes back to it.
        #[serde(default)]
        pub smtp_from: Option<String>,
        /// `NONE` (plain SMTP, the default), `STARTTLS` (the server must offer it; port 587)
        /// or `TLS` (TLS from the first byte; port 465). The server's certificate is checked
        /// against the web's root authorities.
        #[serde(default)]
        pub smtp_security: Option<String>,
        /// The user name to log in to the SMTP server with, given with `SmtpPassword`; the
        /// empty string removes the login.
        #[serde(default)]
        pub smtp_username: Option<String>,
        /// The SMTP login's password: stored sealed, never shown again. Sent in clear only to
        /// a server on this machine; elsewhere `SmtpSecurity` must be `STARTTLS` or `TLS`.
        #[serde(default)]
        pub smtp_password: Option<String>,
    }
}

dto! {
    pub struct CreateAccessKeyResponse {
        pub access_key_id: String,
        pub secret_access_key: String,
    }
}

/// `DescribeWorkspace`.
pub(crate) fn describe_workspace(
    c: &Console,
    _ctx: &OpCtx<'_>,
    _req: Empty,
) -> Result<DescribeWorkspaceResponse, ApiError> {
    Ok(DescribeWorkspaceResponse {
        workspace: c.workspace_type()?,
    })
}

/// `UpdateWorkspace`: the region for new ids, and whether the endpoint requires SigV4.
pub(crate) fn update_workspace(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UpdateWorkspaceRequest,
) -> Result<DescribeWorkspaceResponse, ApiError> {
    // What needs I/O or the mail parser is checked before the write; the rest by the
    // settings' own rules.
    if let Some(file) = req.breached_passwords_file.as_deref().map(str::trim)
        && !file.is_empty()
    {
        crate::breach::validate(std::path::Path::new(file))?;
    }
    if let Some(server) = req.smtp_server.as_deref().map(str::trim)
        && !server.is_empty()
    {
        crate::mail::validate_server(server)?;
    }
    if let Some(from) = req.smtp_from.as_deref().map(str::trim)
        && !from.is_empty()
    {
        crate::mail::validate_from(from)?;
    }
    let smtp_security = match req.smtp_security.as_deref().map(str::trim) {
        None => None,
        Some(s) => Some(SmtpSecurity::parse(s).ok_or_else(|| {
            ApiError::invalid(
                "SmtpSecurity",
                format!("'{s}' is not one of {}", SmtpSecurity::NAMES),
            )
        })?),
    };
    if let Some(user) = req.smtp_username.as_deref() {
        crate::mail::validate_login("SmtpUsername", user)?;
    }
    if let Some(password) = req.smtp_password.as_deref() {
        crate::mail::validate_login("SmtpPassword", password)?;
    }
    let update = WorkspaceUpdate {
        region: req.region.as_deref(),
        signatures: req.require_signature.map(|required| {
            if required {
                Signatures::Required
            } else {
                Signatures::Optional
            }
        }),
        issuer_base_url: req.issuer_base_url.as_deref(),
        breached_passwords_file: req.breached_passwords_file.as_deref(),
        smtp_server: req.smtp_server.as_deref(),
        smtp_from: req.smtp_from.as_deref(),
        smtp_security,
        smtp_username: req.smtp_username.as_deref(),
        smtp_password: req.smtp_password.as_deref(),
    };
    c.write_audited(ctx, None, Some("workspace"), |tx, _| {
        let mut ws = c.read_workspace(tx)?;
        ws.apply(&update, storage::outbox::last_id(tx)?)?;
        c.put_workspace(tx, &ws)?;
        Ok(((), None))
    })?;
    Ok(DescribeWorkspaceResponse {
        workspace: c.workspace_type()?,
    })
}

/// `CreateAccessKey`: a key pair for SigV4-signed endpoint calls. The secret is shown once.
pub(crate) fn create_access_key(
    c: &Console,
    ctx: &OpCtx<'_>,
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
    c.write_audited(ctx, None, Some(&id), |tx, _| {
        // Read and extend the list in the same transaction, so keys made concurrently by
        // another process are kept.
        let mut ws = c.read_workspace(tx)?;
        ws.access_keys.push(key);
        c.put_workspace(tx, &ws)?;
        Ok(((), None))
    })?;
    Ok(CreateAccessKeyResponse {
        access_key_id: id,
        secret_access_key: secret,
    })
}

impl Console {
    pub(crate) fn workspace_type(&self) -> Result<WorkspaceType, ApiError> {
        let ws = self.workspace()?;
        Ok(WorkspaceType {
            region: ws.region.clone(),
            account_id: ws.account_id.clone(),
            require_signature: ws.signatures == Signatures::Required,
            access_key_ids: ws.access_keys.iter().map(|k| k.id.clone()).collect(),
            issuer_base_url: ws.issuer_base_url.clone(),
            breached_passwords_file: ws.breached_passwords_file.clone(),
            smtp_server: ws.smtp_server.clone(),
            smtp_from: ws.smtp_server.as_ref().and(ws.smtp_from.clone()),
            smtp_security: ws
                .smtp_server
                .as_ref()
                .map(|_| ws.smtp_security.as_str().to_string()),
            smtp_username: ws.smtp_server.as_ref().and(ws.smtp_username.clone()),
            store_path: self.store_path().display().to_string(),
            schema_version: storage::Db::schema_version(),
        })
    }
}
