//! The workspace's settings: typed, with the rules of changing them. Stored as one row per
//! [`Key`] by `storage::settings`; read with [`WorkspaceSettings::from_stored`] and written
//! with [`WorkspaceSettings::to_stored`], so no other code spells a key. Secrets among them
//! (access key secrets) are stored sealed by a [`Sealer`] the caller brings, and are in clear
//! only in memory.

use std::fmt;

use crate::FieldError;

/// The region new ids are made in when the workspace names none.
pub const DEFAULT_REGION: &str = "us-east-1";
/// The account in ARNs when the workspace names none.
pub const DEFAULT_ACCOUNT: &str = "000000000000";

/// A stored setting's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Region,
    AccountId,
    RequireSignature,
    AccessKeys,
    IssuerBaseUrl,
    BreachedPasswordsFile,
    SmtpServer,
    SmtpFrom,
    SmtpAfter,
    SmtpSecurity,
    SmtpUsername,
    SmtpPassword,
}

impl Key {
    /// Every key, in the order they are written.
    pub const ALL: [Key; 12] = [
        Key::Region,
        Key::AccountId,
        Key::RequireSignature,
        Key::AccessKeys,
        Key::IssuerBaseUrl,
        Key::BreachedPasswordsFile,
        Key::SmtpServer,
        Key::SmtpFrom,
        Key::SmtpAfter,
        Key::SmtpSecurity,
        Key::SmtpUsername,
        Key::SmtpPassword,
    ];

    /// The key as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Key::Region => "region",
            Key::AccountId => "account_id",
            Key::RequireSignature => "require_signature",
            Key::AccessKeys => "access_keys",
            Key::IssuerBaseUrl => "issuer_base_url",
            Key::BreachedPasswordsFile => "breached_passwords_file",
            Key::SmtpServer => "smtp_server",
            Key::SmtpFrom => "smtp_from",
            Key::SmtpAfter => "smtp_after",
            Key::SmtpSecurity => "smtp_security",
            Key::SmtpUsername => "smtp_username",
            Key::SmtpPassword => "smtp_password",
        }
    }
}

/// Whether the endpoint asks administrators' calls for a SigV4 signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Signatures {
    /// Unsigned calls are served (the default on a developer's machine).
    #[default]
    Optional,
    /// Administrators' calls must be signed with one of the workspace's access keys.
    Required,
}

/// A key pair for SigV4-signed endpoint calls. The secret is in clear in memory because HMAC
/// verification needs it, and sealed in the store; it never appears in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub id: String,
    pub secret: String,
}

/// An access key as stored: its secret sealed, or (a store written before secrets were
/// sealed) in clear, until the next write seals it.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredAccessKey {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sealed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

/// Seals and opens the secrets kept among the settings (the console does it with the store's
/// master key; this crate does no cryptography). `what` names what the secret is for, and a
/// sealed value opens only under the same `what`.
pub trait Sealer {
    /// The sealed form of `clear`, as text.
    fn seal(&self, what: &str, clear: &str) -> Result<String, String>;
    /// The clear form of what [`Sealer::seal`] made.
    fn open(&self, what: &str, sealed: &str) -> Result<String, String>;
}

/// What an access key's secret is sealed for.
fn access_key_what(id: &str) -> String {
    format!("access-key:{id}")
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &self.id)
            .field("secret", &"(hidden)")
            .finish()
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmtpSecurity {
    /// Plain SMTP (a local mail catcher or relay).
    #[default]
    None,
    /// Plain connection upgraded with STARTTLS, which the server must offer (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl SmtpSecurity {
    /// Every value, as spelled in requests and the store.
    pub const NAMES: &'static str = "NONE, STARTTLS or TLS";

    /// The value as spelled in requests and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            SmtpSecurity::None => "NONE",
            SmtpSecurity::StartTls => "STARTTLS",
            SmtpSecurity::Tls => "TLS",
        }
    }

    /// The value spelled `s`, if it is one.
    pub fn parse(s: &str) -> Option<SmtpSecurity> {
        match s {
            "NONE" => Some(SmtpSecurity::None),
            "STARTTLS" => Some(SmtpSecurity::StartTls),
            "TLS" => Some(SmtpSecurity::Tls),
            _ => None,
        }
    }
}

/// A secret held in memory (a password); `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Hidden(pub String);

impl fmt::Debug for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(hidden)")
    }
}

/// What the SMTP password is sealed for.
const SMTP_PASSWORD_WHAT: &str = "smtp-password";

/// Whether `server` (`host:port`) names this machine, where a password may go without TLS.
fn is_loopback(server: &str) -> bool {
    let host = server
        .rsplit_once(':')
        .map_or(server, |(h, _)| h)
        .trim_start_matches('[')
        .trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Delivery of the outbox's email over SMTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smtp {
    /// `host:port`.
    pub server: String,
    /// Plain, STARTTLS or TLS.
    pub security: SmtpSecurity,
    /// The user name and password to log in with, when the server wants a login.
    pub login: Option<(String, Hidden)>,
    /// The sender, when set.
    pub from: Option<String>,
    /// Only messages newer than this one are sent: turning delivery on does not send the
    /// outbox's history.
    pub after: i64,
}

/// Every workspace setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSettings {
    pub region: String,
    pub account_id: String,
    pub signatures: Signatures,
    pub access_keys: Vec<AccessKey>,
    /// The base of the pools' token issuer; `None`: Cognito's.
    pub issuer_base_url: Option<String>,
    /// A breached-password list in Pwned Passwords' SHA-1 format.
    pub breached_passwords_file: Option<String>,
    /// `host:port` of the SMTP server the outbox's email goes through; `None`: kept in the
    /// outbox only.
    pub smtp_server: Option<String>,
    /// The sender of delivered email, when set (kept while delivery is off).
    pub smtp_from: Option<String>,
    /// Only outbox messages newer than this one are delivered.
    pub smtp_after: i64,
    /// How the SMTP connection is protected.
    pub smtp_security: SmtpSecurity,
    /// The SMTP login's user name (set together with the password).
    pub smtp_username: Option<String>,
    /// The SMTP login's password: sealed in the store, never shown.
    pub smtp_password: Option<Hidden>,
}

impl Default for WorkspaceSettings {
    fn default() -> Self {
        WorkspaceSettings {
            region: DEFAULT_REGION.into(),
            account_id: DEFAULT_ACCOUNT.into(),
            signatures: Signatures::Optional,
            access_keys: Vec::new(),
            issuer_base_url: None,
            breached_passwords_file: None,
            smtp_server: None,
            smtp_from: None,
            smtp_after: 0,
            smtp_security: SmtpSecurity::None,
            smtp_username: None,
            smtp_password: None,
        }
    }
}

/// A change of settings, as `UpdateWorkspace` gives it: `None` leaves a setting as it is, and
/// the empty string removes an optional one.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceUpdate<'a> {
    pub region: Option<&'a str>,
    pub signatures: Option<Signatures>,
    pub issuer_base_url: Option<&'a str>,
    pub breached_passwords_file: Option<&'a str>,
    pub smtp_server: Option<&'a str>,
    pub smtp_from: Option<&'a str>,
    pub smtp_security: Option<SmtpSecurity>,
    /// The empty string removes the login (with the password).
    pub smtp_username: Option<&'a str>,
    /// The empty string removes it.
    pub smtp_password: Option<&'a str>,
}

/// Why stored settings could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the stored setting {key} is unreadable: {reason}")]
pub struct BadSetting {
    pub key: &'static str,
    pub reason: String,
}

impl WorkspaceSettings {
    /// Whether stored settings hold a secret in clear (a store written before secrets were
    /// sealed): writing the settings back seals it.
    pub fn stored_in_clear(get: impl Fn(Key) -> Option<String>) -> bool {
        get(Key::AccessKeys)
            .and_then(|json| serde_json::from_str::<Vec<StoredAccessKey>>(&json).ok())
            .is_some_and(|keys| keys.iter().any(|k| k.secret.is_some()))
    }

    /// The settings from their stored values (`get` answers a key's value, if stored), their
    /// secrets opened by `sealer`.
    pub fn from_stored(
        get: impl Fn(Key) -> Option<String>,
        sealer: &dyn Sealer,
    ) -> Result<Self, BadSetting> {
        let bad = |key: Key, reason: String| BadSetting {
            key: key.as_str(),
            reason,
        };
        let access_keys = match get(Key::AccessKeys) {
            Some(json) => {
                let stored: Vec<StoredAccessKey> =
                    serde_json::from_str(&json).map_err(|e| bad(Key::AccessKeys, e.to_string()))?;
                stored
                    .into_iter()
                    .map(|k| {
                        let secret = match (k.sealed, k.secret) {
                            (Some(sealed), _) => {
                                sealer.open(&access_key_what(&k.id), &sealed).map_err(|e| {
                                    bad(
                                        Key::AccessKeys,
                                        format!("the secret of {} does not open: {e}", k.id),
                                    )
                                })?
                            }
                            (None, Some(clear)) => clear,
                            (None, None) => {
                                return Err(bad(
                                    Key::AccessKeys,
                                    format!("{} has no secret", k.id),
                                ));
                            }
                        };
                        Ok(AccessKey { id: k.id, secret })
                    })
                    .collect::<Result<Vec<_>, _>>()?
            }
            None => Vec::new(),
        };
        Ok(WorkspaceSettings {
            region: get(Key::Region).unwrap_or_else(|| DEFAULT_REGION.into()),
            account_id: get(Key::AccountId).unwrap_or_else(|| DEFAULT_ACCOUNT.into()),
            signatures: if get(Key::RequireSignature).is_some_and(|v| v == "true") {
                Signatures::Required
            } else {
                Signatures::Optional
            },
            access_keys,
            issuer_base_url: get(Key::IssuerBaseUrl),
            breached_passwords_file: get(Key::BreachedPasswordsFile),
            smtp_server: get(Key::SmtpServer),
            smtp_from: get(Key::SmtpFrom),
            smtp_after: get(Key::SmtpAfter)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0),
            smtp_security: match get(Key::SmtpSecurity) {
                None => SmtpSecurity::None,
                Some(v) => SmtpSecurity::parse(&v).ok_or_else(|| {
                    bad(
                        Key::SmtpSecurity,
                        format!("'{v}' is not {}", SmtpSecurity::NAMES),
                    )
                })?,
            },
            smtp_username: get(Key::SmtpUsername),
            smtp_password: match get(Key::SmtpPassword) {
                None => None,
                Some(sealed) => {
                    Some(Hidden(sealer.open(SMTP_PASSWORD_WHAT, &sealed).map_err(
                        |e| bad(Key::SmtpPassword, format!("it does not open: {e}")),
                    )?))
                }
            },
        })
    }

    /// Every key with its value to store, or `None` to remove it; secrets sealed by `sealer`.
    pub fn to_stored(&self, sealer: &dyn Sealer) -> Result<Vec<(Key, Option<String>)>, BadSetting> {
        let bad = |key: Key, reason: String| BadSetting {
            key: key.as_str(),
            reason,
        };
        let keys = if self.access_keys.is_empty() {
            None
        } else {
            let stored = self
                .access_keys
                .iter()
                .map(|k| {
                    Ok(StoredAccessKey {
                        id: k.id.clone(),
                        sealed: Some(
                            sealer
                                .seal(&access_key_what(&k.id), &k.secret)
                                .map_err(|e| bad(Key::AccessKeys, e))?,
                        ),
                        secret: None,
                    })
                })
                .collect::<Result<Vec<_>, BadSetting>>()?;
            Some(serde_json::to_string(&stored).map_err(|e| bad(Key::AccessKeys, e.to_string()))?)
        };
        let password = match &self.smtp_password {
            Some(Hidden(clear)) => Some(
                sealer
                    .seal(SMTP_PASSWORD_WHAT, clear)
                    .map_err(|e| bad(Key::SmtpPassword, e))?,
            ),
            None => None,
        };
        Ok(vec![
            (Key::Region, Some(self.region.clone())),
            (Key::AccountId, Some(self.account_id.clone())),
            (
                Key::RequireSignature,
                Some(
                    match self.signatures {
                        Signatures::Required => "true",
                        Signatures::Optional => "false",
                    }
                    .into(),
                ),
            ),
            (Key::AccessKeys, keys),
            (Key::IssuerBaseUrl, self.issuer_base_url.clone()),
            (
                Key::BreachedPasswordsFile,
                self.breached_passwords_file.clone(),
            ),
            (Key::SmtpServer, self.smtp_server.clone()),
            (Key::SmtpFrom, self.smtp_from.clone()),
            (Key::SmtpAfter, Some(self.smtp_after.to_string())),
            (
                Key::SmtpSecurity,
                (self.smtp_security != SmtpSecurity::None)
                    .then(|| self.smtp_security.as_str().to_string()),
            ),
            (Key::SmtpUsername, self.smtp_username.clone()),
            (Key::SmtpPassword, password),
        ])
    }

    /// Where the outbox's email is delivered, when a server is set.
    pub fn smtp(&self) -> Option<Smtp> {
        self.smtp_server.as_ref().map(|server| Smtp {
            server: server.clone(),
            security: self.smtp_security,
            login: self.smtp_username.clone().zip(self.smtp_password.clone()),
            from: self.smtp_from.clone(),
            after: self.smtp_after,
        })
    }

    /// Applies `u`. `outbox_last` is the newest outbox message's id: turning delivery on sends
    /// mail from then on, not the outbox's history. Checks what needs no
    /// I/O or mail parser; whether a file is readable, a server well-formed or a sender an
    /// address is the caller's to check first.
    pub fn apply(&mut self, u: &WorkspaceUpdate<'_>, outbox_last: i64) -> Result<(), FieldError> {
        if let Some(region) = u.region {
            crate::ids::validate_region(region)?;
            self.region = region.to_string();
        }
        if let Some(url) = u.issuer_base_url {
            let url = url.trim();
            self.issuer_base_url = if url.is_empty() {
                None
            } else {
                let ok = (url.starts_with("https://") || url.starts_with("http://"))
                    && url.len() <= 512
                    && !url.contains(['?', '#', ' ']);
                if !ok {
                    return Err(FieldError::new(
                        "IssuerBaseUrl",
                        "must be an http:// or https:// URL without query or fragment",
                    ));
                }
                Some(url.trim_end_matches('/').to_string())
            };
        }
        if let Some(file) = u.breached_passwords_file {
            let file = file.trim();
            self.breached_passwords_file = (!file.is_empty()).then(|| file.to_string());
        }
        if let Some(server) = u.smtp_server {
            let server = server.trim();
            if server.is_empty() {
                self.smtp_server = None;
            } else {
                // Turning delivery on sends only mail made from now on; changing the server
                // keeps what is still queued.
                if self.smtp_server.is_none() {
                    self.smtp_after = outbox_last;
                }
                self.smtp_server = Some(server.to_string());
            }
        }
        if let Some(from) = u.smtp_from {
            let from = from.trim();
            self.smtp_from = (!from.is_empty()).then(|| from.to_string());
        }
        if let Some(security) = u.smtp_security {
            self.smtp_security = security;
        }
        if let Some(user) = u.smtp_username {
            let user = user.trim();
            if user.is_empty() {
                // No login: the password goes with the user name.
                self.smtp_username = None;
                self.smtp_password = None;
            } else {
                self.smtp_username = Some(user.to_string());
            }
        }
        if let Some(password) = u.smtp_password {
            self.smtp_password = (!password.is_empty()).then(|| Hidden(password.to_string()));
        }
        if u.smtp_server.is_some_and(|s| s.trim().is_empty()) {
            // Turning delivery off forgets how to log in: a password given for one server is
            // never sent to the next one set.
            self.smtp_security = SmtpSecurity::None;
            self.smtp_username = None;
            self.smtp_password = None;
        }
        if self.smtp_server.is_none()
            && (self.smtp_username.is_some() || self.smtp_password.is_some())
        {
            return Err(FieldError::new(
                "SmtpUsername",
                "a login needs an SMTP server to log in to: set SmtpServer with it",
            ));
        }
        match (&self.smtp_username, &self.smtp_password) {
            (Some(_), None) => {
                return Err(FieldError::new(
                    "SmtpPassword",
                    "a login needs a password with its SmtpUsername",
                ));
            }
            (None, Some(_)) => {
                return Err(FieldError::new(
                    "SmtpUsername",
                    "a login needs a user name with its SmtpPassword",
                ));
            }
            _ => {}
        }
        if self.smtp_password.is_some()
            && self.smtp_security == SmtpSecurity::None
            && let Some(server) = &self.smtp_server
            && !is_loopback(server)
        {
            return Err(FieldError::new(
                "SmtpSecurity",
                format!(
                    "a password would cross the network in clear to {server}: use STARTTLS or \
                     TLS (a plain login goes only to a server on this machine)"
                ),
            ));
        }
        if let Some(signatures) = u.signatures {
            if signatures == Signatures::Required && self.access_keys.is_empty() {
                return Err(FieldError::new(
                    "RequireSignature",
                    "create an access key first (CreateAccessKey), or no client could sign",
                ));
            }
            self.signatures = signatures;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
