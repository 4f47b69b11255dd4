//! Password hashing: argon2id at OWASP's parameters (19 MiB, 2 passes, 1 lane), PHC strings.

use std::sync::{Condvar, Mutex, PoisonError};

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::{Error, Result};

fn params() -> Result<Params> {
    Params::new(19_456, 2, 1, None).map_err(|e| Error::Hashing(e.to_string()))
}

fn hashing(e: impl std::fmt::Display) -> Error {
    Error::Hashing(e.to_string())
}

/// Hashes a password into a PHC string. Costs ~15 ms of CPU: call it outside write
/// transactions.
pub fn hash(password: &str) -> Result<String> {
    let params = params()?;
    let mut bytes = [0u8; 16];
    rand::Rng::fill(&mut rand::rng(), &mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(hashing)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let output = with_memory(params.block_count(), |blocks| {
        Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
            argon
                .hash_password_into_with_memory(password.as_bytes(), &bytes, out, blocks)
                .map_err(|_| argon2::password_hash::Error::Password)
        })
        .map_err(hashing)
    })?;
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        salt.as_str(),
        output
    ))
}

/// Whether `password` matches the PHC string `phc` (with the parameters recorded in it).
///
/// The hash is recomputed into one of the process's reused working memories and compared in
/// constant time.
pub fn verify(password: &str, phc: &str) -> Result<bool> {
    let parsed = PasswordHash::new(phc).map_err(hashing)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(Error::Hashing(
            "the stored hash has no salt or no output".into(),
        ));
    };
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(hashing)?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).map_err(hashing)?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).map_err(hashing)?;
    let mut salt_buf = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_buf).map_err(hashing)?;
    let argon = Argon2::new(algorithm, version, params.clone());
    let actual = with_memory(params.block_count(), |blocks| {
        Output::init_with(expected.len(), |out| {
            argon
                .hash_password_into_with_memory(password.as_bytes(), salt, out, blocks)
                .map_err(|_| argon2::password_hash::Error::Password)
        })
        .map_err(hashing)
    })?;
    // `Output`'s equality is constant-time.
    Ok(actual == expected)
}

/// The working memories argon2 hashes in: at most one per core, each kept for the process's
/// life. Taking one is also the cap on concurrent hashes (a server with a hundred sign-ins in
/// flight hashes as many at once as it has cores, the rest wait), and reusing them spares
/// every hash the allocation and the kernel's zeroing of 19 MiB (thousands of page faults).
struct Memories {
    state: Mutex<Pool>,
    returned: Condvar,
}

struct Pool {
    free: Vec<Vec<Block>>,
    made: usize,
}

static MEMORIES: Memories = Memories {
    state: Mutex::new(Pool {
        free: Vec::new(),
        made: 0,
    }),
    returned: Condvar::new(),
};

fn concurrent_hashes() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// Runs `f` with a working memory of at least `blocks` blocks, waiting while every core is
/// already hashing.
fn with_memory<T>(blocks: usize, f: impl FnOnce(&mut [Block]) -> Result<T>) -> Result<T> {
    let mut memory = {
        let mut pool = MEMORIES
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(m) = pool.free.pop() {
                break m;
            }
            if pool.made < concurrent_hashes() {
                pool.made += 1;
                break Vec::new();
            }
            pool = MEMORIES
                .returned
                .wait(pool)
                .unwrap_or_else(PoisonError::into_inner);
        }
    };
    if memory.len() < blocks {
        // A stored hash with more memory than ours (or the first use): grow this memory once.
        memory.resize(blocks, Block::default());
    }
    let result = f(&mut memory[..blocks]);
    let mut pool = MEMORIES
        .state
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    pool.free.push(memory);
    drop(pool);
    MEMORIES.returned.notify_one();
    result
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
    fn hashes_read_the_same_as_the_argon2_crates_own() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let ours = hash("Passw0rd!").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"Passw0rd!", &parsed)
                .is_ok()
        );
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params().unwrap())
            .hash_password(
                b"Passw0rd!",
                &SaltString::encode_b64(b"0123456789abcdef").unwrap(),
            )
            .unwrap()
            .to_string();
        assert!(verify("Passw0rd!", &theirs).unwrap());
        assert!(!verify("Passw0rd?", &theirs).unwrap());
        // Other parameters (an older or stronger setting) still verify.
        let stronger = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(32_768, 1, 1, None).unwrap(),
        )
        .hash_password(b"pw", &SaltString::encode_b64(b"0123456789abcdef").unwrap())
        .unwrap()
        .to_string();
        assert!(verify("pw", &stronger).unwrap());
        assert!(!verify("pW", &stronger).unwrap());
    }

    #[test]
    fn many_threads_hash_at_once_without_losing_a_memory() {
        let phc = hash("Passw0rd!").unwrap();
        let threads: Vec<_> = (0..6)
            .map(|_| {
                let phc = phc.clone();
                std::thread::spawn(move || verify("Passw0rd!", &phc).unwrap())
            })
            .collect();
        for t in threads {
            assert!(t.join().unwrap());
        }
        let pool = MEMORIES.state.lock().unwrap();
        assert!(pool.made <= concurrent_hashes());
    }

    #[test]
    fn a_malformed_stored_hash_is_an_error_not_a_match() {
        assert!(verify("pw", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ").is_err());
        assert!(verify("pw", "not a phc string").is_err());
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
