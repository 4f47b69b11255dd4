//! What names a backend: its name, region and URL, checked where they enter.

/// The built-in backend's name: Poolhouse's own endpoint, always present, the default.
pub const BUILT_IN: &str = "built-in";

/// A refused backend setting: the request member at fault and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct BackendError {
    pub field: &'static str,
    pub reason: String,
}

fn refuse(field: &'static str, reason: impl Into<String>) -> BackendError {
    BackendError {
        field,
        reason: reason.into(),
    }
}

/// A backend's name (its id): 1 to 64 letters, digits, `-`, `_` or `.`, starting with a letter
/// or digit; `built-in` is the built-in backend's.
pub fn check_name(field: &'static str, name: &str) -> Result<(), BackendError> {
    if name.is_empty() || name.len() > 64 {
        return Err(refuse(field, "must be 1 to 64 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        || !name.starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        return Err(refuse(
            field,
            format!(
                "'{name}' may hold only letters, digits, '-', '_' and '.', and starts with a letter or digit"
            ),
        ));
    }
    Ok(())
}

/// An AWS region as SigV4 scopes it: `us-east-1`, `eu-central-2`, `us-gov-west-1`.
pub fn check_region(field: &'static str, region: &str) -> Result<(), BackendError> {
    let parts: Vec<&str> = region.split('-').collect();
    let ok = parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts.last().is_some_and(|n| {
            !n.is_empty() && n.len() <= 2 && n.chars().all(|c| c.is_ascii_digit())
        });
    if !ok || region.len() > 32 {
        return Err(refuse(
            field,
            format!("'{region}' is not a region (such as us-east-1)"),
        ));
    }
    Ok(())
}

/// An endpoint URL: `http` or `https`, a host, no credentials, query or fragment. Answers it
/// without a trailing `/`.
pub fn check_url(field: &'static str, raw: &str) -> Result<String, BackendError> {
    let url =
        url::Url::parse(raw).map_err(|e| refuse(field, format!("'{raw}' is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse(
            field,
            format!("must be http:// or https://, not {}://", url.scheme()),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refuse(field, "names no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            field,
            "must not hold a user name or password; give an access key instead",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse(field, "must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// An access key id as AWS spells them: 16 to 128 letters and digits.
pub fn check_access_key_id(field: &'static str, id: &str) -> Result<(), BackendError> {
    if !(16..=128).contains(&id.len()) || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(refuse(field, "must be 16 to 128 letters and digits"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_regions_and_urls() {
        assert!(check_name("Name", "moto-local").is_ok());
        assert_eq!(check_name("Name", "").unwrap_err().field, "Name");
        assert!(check_name("Name", "-x").is_err());
        assert!(check_name("Name", "a b").is_err());
        assert!(check_region("Region", "us-east-1").is_ok());
        assert!(check_region("Region", "us-gov-west-1").is_ok());
        assert!(check_region("Region", "useast1").is_err());
        assert!(check_region("Region", "US-EAST-1").is_err());
        assert_eq!(
            check_url("Url", "http://127.0.0.1:5000/").unwrap(),
            "http://127.0.0.1:5000"
        );
        assert!(
            check_url("Url", "ftp://x")
                .unwrap_err()
                .reason
                .contains("http")
        );
        assert!(check_url("Url", "not a url").is_err());
        assert!(check_url("Url", "http://u:p@h").is_err());
        assert!(check_url("Url", "https://h/?a=1").is_err());
        assert!(check_access_key_id("AccessKeyId", "AKIAIOSFODNN7EXAMPLE").is_ok());
        assert!(check_access_key_id("AccessKeyId", "short").is_err());
    }
}
