//! The checks STS makes on a request's members before it reads the token or assertion: the
//! bounds of botocore's model in STS's `ValidationError` wording, and the session policies
//! (`Policy`, `PolicyArns`) with STS's `MalformedPolicyDocument` and `PackedPolicyTooLarge`.

use identity_pools::vend::session::{self, SessionPolicy};

use super::{AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest, PolicyDescriptorType};
use crate::{ApiError, ErrorCode};

/// STS's `ValidationError` in its wording.
pub(super) fn validation(member: &str, value: &str, constraint: &str) -> ApiError {
    ApiError {
        code: ErrorCode::ValidationError,
        message: format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ),
        field: Some(member.to_string()),
    }
}

/// An instant as STS writes it: ISO 8601 with milliseconds and `Z`.
pub(crate) fn iso8601(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

fn arn_length(member: &str, value: &str) -> Result<(), ApiError> {
    if (20..=2048).contains(&value.chars().count()) {
        Ok(())
    } else {
        Err(validation(
            member,
            value,
            "Member must have length between 20 and 2048",
        ))
    }
}

/// AssumeRoleWithWebIdentity's members; answers the session policies it passes.
pub(super) fn web_identity_request(
    req: &AssumeRoleWithWebIdentityRequest,
) -> Result<Option<SessionPolicy>, ApiError> {
    arn_length("roleArn", &req.role_arn)?;
    let name = &req.role_session_name;
    let n = name.chars().count();
    if !(2..=64).contains(&n) {
        return Err(validation(
            "roleSessionName",
            name,
            "Member must have length between 2 and 64",
        ));
    }
    if name
        .chars()
        .any(|c| !(c.is_alphanumeric() || c == '_' || "+=,.@-".contains(c)))
    {
        return Err(validation(
            "roleSessionName",
            name,
            "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        ));
    }
    let n = req.web_identity_token.expose().chars().count();
    if !(4..=20_000).contains(&n) {
        return Err(validation(
            "webIdentityToken",
            "***",
            "Member must have length between 4 and 20000",
        ));
    }
    session_members(
        req.duration_seconds,
        req.policy.as_deref(),
        req.policy_arns.as_deref(),
    )
}

/// AssumeRoleWithSAML's members; answers the session policies it passes.
pub(super) fn saml_request(
    req: &AssumeRoleWithSamlRequest,
) -> Result<Option<SessionPolicy>, ApiError> {
    arn_length("roleArn", &req.role_arn)?;
    arn_length("principalArn", &req.principal_arn)?;
    let n = req.saml_assertion.expose().chars().count();
    if !(4..=100_000).contains(&n) {
        return Err(validation(
            "sAMLAssertion",
            "***",
            "Member must have length between 4 and 100000",
        ));
    }
    session_members(
        req.duration_seconds,
        req.policy.as_deref(),
        req.policy_arns.as_deref(),
    )
}

/// The session members both AssumeRole calls share: DurationSeconds within STS's range, and the
/// session policies, checked and parsed (the role's permissions are intersected with them).
fn session_members(
    duration: Option<i64>,
    policy: Option<&str>,
    policy_arns: Option<&[PolicyDescriptorType]>,
) -> Result<Option<SessionPolicy>, ApiError> {
    if let Some(d) = duration
        && !(900..=43_200).contains(&d)
    {
        return Err(validation(
            "durationSeconds",
            &d.to_string(),
            "Member must have value between 900 and 43200",
        ));
    }
    let mut arns = Vec::new();
    for (i, p) in policy_arns.unwrap_or_default().iter().enumerate() {
        match &p.arn {
            Some(arn) => arns.push(arn.clone()),
            None => {
                return Err(ApiError {
                    code: ErrorCode::ValidationError,
                    message: format!(
                        "1 validation error detected: Value null at 'policyArns.{}.member.arn' \
                         failed to satisfy constraint: Member must not be null",
                        i + 1
                    ),
                    field: Some(format!("PolicyArns.member.{}.arn", i + 1)),
                });
            }
        }
    }
    SessionPolicy::check(policy, &arns).map_err(session_error)
}

/// A refused session policy in STS's codes.
pub(crate) fn session_error(e: session::Error) -> ApiError {
    match e {
        session::Error::Malformed { field, message } => ApiError {
            code: ErrorCode::MalformedPolicyDocument,
            message,
            field: Some(field),
        },
        e @ session::Error::TooLarge { .. } => ApiError {
            code: ErrorCode::PackedPolicyTooLarge,
            message: e.to_string(),
            field: Some("Policy".into()),
        },
        session::Error::Validation { field, message } => ApiError {
            code: ErrorCode::ValidationError,
            message,
            field: Some(field),
        },
    }
}
