//! Backends: the endpoints the credential-exchange tester runs against. The built-in one
//! (Poolhouse's own endpoint, reached over HTTP like the others) is always there and is the
//! default; the others are AWS-compatible endpoints with a region, a URL and, for signed
//! administrators' calls, an access key whose secret is sealed at rest and never answered.

use backends::BUILT_IN;
use backends::config::{check_access_key_id, check_name, check_region, check_url};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storage::backends::BackendRow;
use ts_rs::TS;

use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, ErrorCode, secs};

dto! {
    /// A backend as listed: never its secret.
    pub struct BackendType {
        pub name: String,
        pub region: String,
        /// The endpoint's URL; for the built-in backend, the running endpoint's address when
        /// one is known (it is started on demand otherwise).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub url: Option<String>,
        /// The access key administrators' calls are signed with (its secret is never shown).
        /// For the built-in backend, the workspace's first access key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub access_key_id: Option<String>,
        pub built_in: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub creation_date: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_modified_date: Option<f64>,
    }
}

dto! {
    pub struct CreateBackendRequest {
        pub name: String,
        pub region: String,
        pub url: String,
        #[serde(default)]
        pub access_key_id: Option<String>,
        #[serde(default)]
        pub secret_access_key: Option<String>,
    }
}

dto! {
    /// Changes the members given; an access key is replaced whole (id and secret together).
    pub struct UpdateBackendRequest {
        pub name: String,
        #[serde(default)]
        pub region: Option<String>,
        #[serde(default)]
        pub url: Option<String>,
        #[serde(default)]
        pub access_key_id: Option<String>,
        #[serde(default)]
        pub secret_access_key: Option<String>,
        /// Removes the access key: calls go unsigned.
        #[serde(default)]
        pub remove_access_key: Option<bool>,
    }
}

dto! {
    pub struct BackendNameRequest {
        pub name: String,
    }
}

dto! {
    pub struct ListBackendsResponse {
        pub backends: Vec<BackendType>,
    }
}

/// What a backend's secret is sealed for: the backend, by name.
pub(crate) fn secret_what(name: &str) -> String {
    format!("backend-secret:{name}")
}

fn field(e: backends::BackendError) -> ApiError {
    ApiError::invalid(e.field, e.reason)
}

fn not_found(name: &str) -> ApiError {
    ApiError {
        code: ErrorCode::ResourceNotFoundException,
        message: format!("Backend {name} does not exist."),
        field: Some("Name".into()),
    }
}

/// Checks a new access key: both members or neither; a secret of 16 to 128 characters.
fn access_key(
    id: Option<&str>,
    secret: Option<&str>,
) -> Result<Option<(String, String)>, ApiError> {
    match (id, secret) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(ApiError::invalid(
            "SecretAccessKey",
            "is required with AccessKeyId",
        )),
        (None, Some(_)) => Err(ApiError::invalid(
            "AccessKeyId",
            "is required with SecretAccessKey",
        )),
        (Some(id), Some(secret)) => {
            check_access_key_id("AccessKeyId", id).map_err(field)?;
            if !(16..=128).contains(&secret.len()) || secret.chars().any(char::is_whitespace) {
                return Err(ApiError::invalid(
                    "SecretAccessKey",
                    "must be 16 to 128 characters without spaces",
                ));
            }
            Ok(Some((id.to_string(), secret.to_string())))
        }
    }
}

impl Console {
    fn seal_backend_secret(&self, name: &str, secret: &str) -> Result<String, ApiError> {
        use domain::workspace::Sealer;
        self.settings_seal()
            .seal(&secret_what(name), secret)
            .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e))
    }

    /// The backend `name` with its secret opened, for a run.
    pub(crate) fn backend_for_run(
        &self,
        name: &str,
    ) -> Result<(BackendRow, Option<String>), ApiError> {
        use domain::workspace::Sealer;
        let row = self
            .read(|r| Ok(storage::backends::get(r, name)?))?
            .ok_or_else(|| not_found(name))?;
        let secret = match &row.secret_sealed {
            Some(sealed) => Some(
                self.settings_seal()
                    .open(&secret_what(name), sealed)
                    .map_err(|e| {
                        ApiError::new(
                            ErrorCode::InternalErrorException,
                            format!("the secret of backend {name} cannot be opened: {e}"),
                        )
                    })?,
            ),
            None => None,
        };
        Ok((row, secret))
    }

    fn built_in_backend(&self) -> Result<BackendType, ApiError> {
        let ws = self.workspace()?;
        Ok(BackendType {
            name: BUILT_IN.into(),
            region: ws.region.clone(),
            url: self.known_builtin_url(),
            access_key_id: ws.access_keys.first().map(|k| k.id.clone()),
            built_in: true,
            creation_date: None,
            last_modified_date: None,
        })
    }
}

fn listed(row: &BackendRow) -> BackendType {
    BackendType {
        name: row.name.clone(),
        region: row.region.clone(),
        url: Some(row.url.clone()),
        access_key_id: row.access_key_id.clone(),
        built_in: false,
        creation_date: Some(secs(row.created_at)),
        last_modified_date: Some(secs(row.updated_at)),
    }
}

fn not_built_in(name: &str) -> Result<(), ApiError> {
    if name == BUILT_IN {
        return Err(ApiError::invalid(
            "Name",
            format!(
                "'{BUILT_IN}' is the built-in backend, which cannot be created, changed or deleted"
            ),
        ));
    }
    Ok(())
}

pub(crate) fn create_backend(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: CreateBackendRequest,
) -> Result<BackendType, ApiError> {
    check_name("Name", &req.name).map_err(field)?;
    not_built_in(&req.name)?;
    check_region("Region", &req.region).map_err(field)?;
    let url = check_url("Url", &req.url).map_err(field)?;
    let key = access_key(
        req.access_key_id.as_deref(),
        req.secret_access_key.as_deref(),
    )?;
    let secret_sealed = key
        .as_ref()
        .map(|(_, s)| c.seal_backend_secret(&req.name, s))
        .transpose()?;
    let now = c.now();
    let row = BackendRow {
        name: req.name.clone(),
        region: req.region,
        url,
        access_key_id: key.map(|(id, _)| id),
        secret_sealed,
        created_at: now,
        updated_at: now,
    };
    c.write_audited(ctx, None, Some(&req.name), |tx, _| {
        storage::backends::insert(tx, &row).map_err(|e| match e {
            storage::Error::Conflict { .. } => ApiError::invalid(
                "Name",
                format!("a backend named {} already exists", row.name),
            ),
            other => other.into(),
        })?;
        Ok(((), None))
    })?;
    Ok(listed(&row))
}

pub(crate) fn update_backend(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: UpdateBackendRequest,
) -> Result<BackendType, ApiError> {
    check_name("Name", &req.name).map_err(field)?;
    not_built_in(&req.name)?;
    if let Some(region) = &req.region {
        check_region("Region", region).map_err(field)?;
    }
    let url = req
        .url
        .as_deref()
        .map(|u| check_url("Url", u))
        .transpose()
        .map_err(field)?;
    let key = access_key(
        req.access_key_id.as_deref(),
        req.secret_access_key.as_deref(),
    )?;
    let remove = req.remove_access_key.unwrap_or(false);
    if remove && key.is_some() {
        return Err(ApiError::invalid(
            "RemoveAccessKey",
            "cannot be given with a new access key",
        ));
    }
    let sealed = key
        .as_ref()
        .map(|(_, s)| c.seal_backend_secret(&req.name, s))
        .transpose()?;
    let now = c.now();
    c.write_audited(ctx, None, Some(&req.name), |tx, _| {
        let mut row = storage::backends::get(tx, &req.name)?.ok_or_else(|| not_found(&req.name))?;
        if let Some(region) = &req.region {
            row.region = region.clone();
        }
        if let Some(url) = &url {
            row.url = url.clone();
        }
        if let Some((id, _)) = &key {
            row.access_key_id = Some(id.clone());
            row.secret_sealed = sealed.clone();
        }
        if remove {
            row.access_key_id = None;
            row.secret_sealed = None;
        }
        row.updated_at = now;
        storage::backends::update(tx, &row)?;
        Ok((listed(&row), None))
    })
}

pub(crate) fn delete_backend(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: BackendNameRequest,
) -> Result<Empty, ApiError> {
    not_built_in(&req.name)?;
    c.write_audited(ctx, None, Some(&req.name), |tx, _| {
        if !storage::backends::delete(tx, &req.name)? {
            return Err(not_found(&req.name));
        }
        Ok((Empty {}, None))
    })
}

pub(crate) fn list_backends(
    c: &Console,
    _ctx: &OpCtx<'_>,
    _req: Empty,
) -> Result<ListBackendsResponse, ApiError> {
    let mut backends = vec![c.built_in_backend()?];
    let rows = c.read(|r| Ok(storage::backends::list(r)?))?;
    backends.extend(rows.iter().map(listed));
    Ok(ListBackendsResponse { backends })
}
