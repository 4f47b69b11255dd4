//! Password hashing: argon2id at OWASP's parameters (19 MiB, 2 passes, 1 lane), PHC strings.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::{Error, Result};

fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(19_456, 2, 1, None).map_err(|e| Error::Hashing(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password into a PHC string. Costs ~20 ms of CPU: call it outside write
/// transactions.
pub fn hash(password: &str) -> Result<String> {
    let mut bytes = [0u8; 16];
    rand::Rng::fill(&mut rand::rng(), &mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|e| Error::Hashing(e.to_string()))?;
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Hashing(e.to_string()))
}

/// Whether `password` matches the PHC string `phc` (with the parameters recorded in it).
pub fn verify(password: &str, phc: &str) -> Result<bool> {
    let parsed = PasswordHash::new(phc).map_err(|e| Error::Hashing(e.to_string()))?;
    Ok(hasher()?
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// A hash of a random password nobody knows, at the same parameters as real ones.
const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2lnbi1pbi1kZWNveS1zYWx0$0JLSmOJ4aqzMhMIVH9ye1U0qOK4Mwbw6ifjQIJXlfYQ";

/// Spends the time a password check would, for a user who does not exist, so that the answer's
/// timing does not tell whether the user exists.
pub fn waste_time(password: &str) {
    let _ = verify(password, DECOY);
}

/// A temporary password that satisfies `policy`: random letters, digits and a symbol.
pub fn generate_temporary(policy: &domain::policy::PasswordPolicy) -> String {
    use rand::Rng;
    use rand::distr::{Alphanumeric, SampleString};
    let mut rng = rand::rng();
    let len = (policy.minimum_length as usize).max(12);
    let mut pw = Alphanumeric.sample_string(&mut rng, len.saturating_sub(4));
    let lower = char::from(b'a' + rng.random_range(0..26u8));
    let upper = char::from(b'A' + rng.random_range(0..26u8));
    let digit = char::from(b'0' + rng.random_range(0..10u8));
    let symbols = b"^$*.!@#%&-+=";
    let symbol = char::from(symbols[rng.random_range(0..symbols.len())]);
    pw.extend([lower, upper, digit, symbol]);
    pw
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoy_parses_and_matches_nothing() {
        assert!(!verify("Passw0rd!", DECOY).unwrap());
        waste_time("anything");
    }

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash("Passw0rd!").unwrap();
        let b = hash("Passw0rd!").unwrap();
        assert_ne!(a, b, "each hash has its own salt");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("Passw0rd!", &a).unwrap());
        assert!(!verify("passw0rd!", &a).unwrap());
    }

    #[test]
    fn generated_temporary_passwords_meet_the_strictest_default() {
        let policy = domain::policy::PasswordPolicy::default();
        for _ in 0..50 {
            let pw = generate_temporary(&policy);
            assert!(policy.check(&pw).is_ok(), "{pw}");
        }
    }
}
