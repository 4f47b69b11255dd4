//! Ids in Cognito's formats, so that AWS SDKs accept them.

use rand::Rng;
use rand::distr::{Alphanumeric, SampleString};

use crate::FieldError;

const POOL_SUFFIX_LEN: usize = 9;
const CLIENT_ID_LEN: usize = 26;

/// A region name such as `us-east-1`: lowercase letters, digits and dashes.
pub fn validate_region(region: &str) -> Result<(), FieldError> {
    let ok = (2..=32).contains(&region.len())
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            "Region",
            format!("'{region}' is not a region name like us-east-1"),
        ))
    }
}

/// A new user pool id, `<region>_<9 alphanumerics>`.
pub fn new_user_pool_id(region: &str, rng: &mut impl Rng) -> String {
    let suffix = Alphanumeric.sample_string(rng, POOL_SUFFIX_LEN);
    format!("{region}_{suffix}")
}

/// Checks the shape Cognito gives user pool ids (`[\w-]+_[0-9a-zA-Z]+`, at most 55 chars).
pub fn validate_user_pool_id(id: &str) -> Result<(), FieldError> {
    let bad = || {
        FieldError::new(
            "UserPoolId",
            format!("'{id}' is not a user pool id like us-east-1_AbC123xyZ"),
        )
    };
    if id.is_empty() || id.len() > 55 {
        return Err(bad());
    }
    let (region, suffix) = id.split_once('_').ok_or_else(bad)?;
    let region_ok = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    let suffix_ok = !suffix.is_empty() && suffix.chars().all(|c| c.is_ascii_alphanumeric());
    if region_ok && suffix_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// A new app client id: 26 lowercase alphanumerics.
pub fn new_client_id(rng: &mut impl Rng) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..CLIENT_ID_LEN)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

/// A new client secret: 51 lowercase alphanumerics, as Cognito issues.
pub fn new_client_secret(rng: &mut impl Rng) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..51)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

/// A new client secret id (`ClientSecretId`): 32 lower-case hex digits.
pub fn new_client_secret_id(rng: &mut impl Rng) -> String {
    (0..16)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// Checks an app client id (`[\w+]+`, 1–128 chars).
pub fn validate_client_id(id: &str) -> Result<(), FieldError> {
    if !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '+')
    {
        Ok(())
    } else {
        Err(FieldError::new(
            "ClientId",
            format!("'{id}' is not an app client id"),
        ))
    }
}

/// A new `sub`: a random UUID.
pub fn new_sub() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The ARN Cognito gives a user pool.
pub fn user_pool_arn(region: &str, account: &str, pool_id: &str) -> String {
    format!("arn:aws:cognito-idp:{region}:{account}:userpool/{pool_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_have_cognito_shapes() {
        let mut rng = rand::rng();
        let pool = new_user_pool_id("eu-west-2", &mut rng);
        assert!(validate_user_pool_id(&pool).is_ok(), "{pool} must validate");
        assert!(pool.starts_with("eu-west-2_") && pool.len() == "eu-west-2_".len() + 9);
        let client = new_client_id(&mut rng);
        assert_eq!(client.len(), 26);
        assert!(
            client
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
    }

    #[test]
    fn malformed_pool_ids_are_refused() {
        for bad in [
            "",
            "us-east-1",
            "_abc",
            "us-east-1_",
            "us east_1abc",
            "us-east-1_ab-c",
        ] {
            assert!(
                validate_user_pool_id(bad).is_err(),
                "{bad:?} must be refused"
            );
        }
    }
}
