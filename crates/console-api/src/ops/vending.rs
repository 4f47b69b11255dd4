//! The console's test path for credentials: `VendTestCredentials` vends credentials for claims
//! typed in (or a guest) as GetCredentialsForIdentity would, with the explanation of every step;
//! and the shapes the vending operations share (Cognito's `Credentials`, the explanation, the
//! trust verdict, a refused vend's error).

use std::collections::BTreeMap;

use domain::IdentityPoolId;
use identity_pools::credentials;
use identity_pools::mapping::Login;
use identity_pools::vend::{self, RoleRecord, Trust, VendError, VendExplanation, VendRequest};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ops::OpCtx;
use crate::{ApiError, Console, ErrorCode, secs};

dto! {
    /// Cognito's `Credentials` (GetCredentialsForIdentity's shape: `SecretKey`, epoch seconds).
    pub struct IdentityCredentials {
        pub access_key_id: String,
        pub secret_key: String,
        pub session_token: String,
        pub expiration: f64,
    }
}

dto! {
    /// The trust policy's verdict on a vend.
    pub struct TrustVerdict {
        /// `Allowed`, `Refused` or `NotChecked` (the role is not in the workspace).
        pub outcome: String,
        /// What decided, or why it was not checked: the failed condition, for a refusal.
        pub summary: String,
        /// STS's error for a refusal (`AccessDenied`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sts_code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sts_message: Option<String>,
    }
}

dto! {
    /// Why a vend went as it did: the role mapping (every rule), the role, the trust verdict,
    /// the session tags and the scope-down.
    pub struct VendExplanationType {
        /// The role mapping's explanation (`identity_pools::mapping::Explanation`).
        pub role_mapping: serde_json::Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_arn: Option<String>,
        /// The workspace's role behind the ARN; absent when the workspace has none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub trust: Option<TrustVerdict>,
        pub amr: Vec<String>,
        pub session_tags: BTreeMap<String, String>,
        /// Mapped tags the claims did not fill: `key (claim): reason`.
        pub skipped_tags: Vec<String>,
        pub scope_down: bool,
        pub summary: String,
    }
}

/// A trust verdict as the fronts show it.
pub(crate) fn trust_verdict(t: &Trust) -> TrustVerdict {
    match t {
        Trust::Allowed { summary } => TrustVerdict {
            outcome: "Allowed".into(),
            summary: summary.clone(),
            sts_code: None,
            sts_message: None,
        },
        Trust::Refused {
            sts_code,
            sts_message,
            reason,
        } => TrustVerdict {
            outcome: "Refused".into(),
            summary: reason.clone(),
            sts_code: Some(sts_code.clone()),
            sts_message: Some(sts_message.clone()),
        },
        Trust::NotChecked { reason } => TrustVerdict {
            outcome: "NotChecked".into(),
            summary: reason.clone(),
            sts_code: None,
            sts_message: None,
        },
    }
}

/// The explanation as the fronts show it.
pub(crate) fn explanation_type(e: &VendExplanation) -> VendExplanationType {
    let trust = e.trust.as_ref().map(trust_verdict);
    VendExplanationType {
        role_mapping: serde_json::to_value(&e.role_mapping).unwrap_or_default(),
        role_arn: e.role_arn.clone(),
        role_name: match &e.role_record {
            Some(RoleRecord::Known { name }) => Some(name.clone()),
            _ => None,
        },
        trust,
        amr: e.amr.clone(),
        session_tags: e
            .session_tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect(),
        skipped_tags: e
            .skipped_tags
            .iter()
            .map(|t| format!("{} ({}): {}", t.key, t.claim, t.reason))
            .collect(),
        scope_down: e.scope_down,
        summary: e.summary.clone(),
    }
}

/// A refused vend as the API answers it: Cognito's code and message, and the explanation's
/// summary (which condition failed) after it.
pub(crate) fn vend_error(e: VendError) -> ApiError {
    match e {
        VendError::Refused {
            code,
            message,
            explanation,
        } => {
            let code = match code {
                vend::NOT_AUTHORIZED => ErrorCode::NotAuthorizedException,
                vend::INVALID_PARAMETER => ErrorCode::InvalidParameterException,
                _ => ErrorCode::InvalidIdentityPoolConfigurationException,
            };
            ApiError::new(code, format!("{message} ({})", explanation.summary))
        }
        VendError::Internal(m) => ApiError::new(ErrorCode::InternalErrorException, m),
        VendError::Storage(s) => s.into(),
    }
}

dto! {
    /// Vend credentials for claims typed in (or a guest), as GetCredentialsForIdentity would
    /// for a login whose token carried them: the console's way to try a pool's roles and trust
    /// policies, and the tests' way to get credentials.
    pub struct VendTestCredentialsRequest {
        pub identity_pool_id: IdentityPoolId,
        /// `region:uuid`; a new one when left out.
        #[serde(default)]
        pub identity_id: Option<String>,
        /// The login's provider (its Logins key); left out, a guest.
        #[serde(default)]
        pub provider: Option<String>,
        /// The claims of the login's verified token.
        #[serde(default)]
        pub claims: Option<BTreeMap<String, serde_json::Value>>,
        #[serde(default)]
        pub custom_role_arn: Option<String>,
        /// How long the credentials last, 1–43200 seconds: Cognito's hour when left out; a
        /// shorter one lets an expiry be watched.
        #[serde(default)]
        pub duration_seconds: Option<i64>,
    }
}

dto! {
    pub struct VendTestCredentialsResponse {
        pub identity_id: String,
        pub credentials: IdentityCredentials,
        pub explanation: VendExplanationType,
    }
}

/// `VendTestCredentials`.
pub(crate) fn vend_test_credentials(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: VendTestCredentialsRequest,
) -> Result<VendTestCredentialsResponse, ApiError> {
    let claims: serde_json::Map<String, serde_json::Value> =
        req.claims.unwrap_or_default().into_iter().collect();
    if req.provider.is_none() && !claims.is_empty() {
        return Err(ApiError::invalid(
            "Provider",
            "is required with Claims: name the Logins key the claims come from",
        ));
    }
    let pool_id = req.identity_pool_id;
    let identity_id = match req.identity_id {
        Some(id) => {
            if !id.contains(':') || id.len() > 55 {
                return Err(ApiError::invalid("IdentityId", "must be region:uuid"));
            }
            id
        }
        None => domain::identity_pool::new_identity_pool_id(&c.region()?),
    };
    let duration = req.duration_seconds.unwrap_or(vend::ENHANCED_DURATION_SECS);
    if !(1..=43_200).contains(&duration) {
        return Err(ApiError::invalid(
            "DurationSeconds",
            "must be 1–43200 seconds",
        ));
    }
    let key = c.credential_key();
    c.write_audited(ctx, None, Some(pool_id.as_str()), |tx, uctx| {
        let pool = identity_pools::pools::describe(tx, &pool_id)?;
        let login = match &req.provider {
            Some(provider) => Login::Provider {
                provider,
                claims: &claims,
            },
            None => Login::Guest,
        };
        let mut plan = vend::plan(
            tx,
            &VendRequest {
                pool: &pool,
                identity_id: &identity_id,
                login,
                custom_role_arn: req.custom_role_arn.as_deref(),
                principal_tags: None,
            },
        )
        .map_err(vend_error)?;
        plan.session.duration_secs = duration;
        plan.session.source.flow = "VendTestCredentials".into();
        let cr = credentials::mint(tx, key, uctx.clock.now_ms(), &plan.session)
            .map_err(|e| vend_error(e.into()))?;
        Ok((
            VendTestCredentialsResponse {
                identity_id: identity_id.clone(),
                credentials: IdentityCredentials {
                    access_key_id: cr.access_key_id,
                    secret_key: cr.secret_access_key,
                    session_token: cr.session_token,
                    expiration: secs(cr.expiration_ms),
                },
                explanation: explanation_type(&plan.explanation),
            },
            None,
        ))
    })
}
