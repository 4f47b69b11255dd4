//! The server side of Cognito's SRP-6a variant (`USER_SRP_AUTH` → `PASSWORD_VERIFIER`), so that
//! Amplify-style clients sign in without sending the password.
//!
//! The group is RFC 3526's 3072-bit MODP prime with g = 2; hashes are SHA-256 over the hex
//! encodings the clients use (a positive value's hex, padded to whole bytes, with a `00` byte in
//! front when its top bit is set). The client proves the shared secret by an HMAC keyed with
//! `HKDF(S, u, "Caldera Derived Key")[..16]` over `pool ‖ user ‖ secret block ‖ timestamp`.
//!
//! The store keeps each user's salt and verifier `v = g^x mod N` (with
//! `x = H(salt ‖ H(pool ‖ user ‖ ":" ‖ password))`), the verifier sealed under the master key.

use aws_lc_rs::{digest, hmac};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use num_bigint::BigUint;

use crate::{Error, Result};

const N_HEX: &str = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

/// The longest `SRP_A` accepted, in hex digits (the group is 3072 bits: 768 digits).
const MAX_A_HEX: usize = 800;

fn n() -> BigUint {
    // The constant is valid hex; an empty value can only come from a broken build.
    BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap_or_default()
}

fn g() -> BigUint {
    BigUint::from(2u32)
}

/// The clients' `padHex`: whole bytes, and a leading zero byte when the top bit is set.
fn pad_hex(v: &BigUint) -> String {
    pad_hex_str(&v.to_str_radix(16))
}

fn pad_hex_str(hex: &str) -> String {
    if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else if hex.starts_with([
        '8', '9', 'a', 'b', 'c', 'd', 'e', 'f', 'A', 'B', 'C', 'D', 'E', 'F',
    ]) {
        format!("00{hex}")
    } else {
        hex.to_string()
    }
}

fn from_hex(hex: &str) -> Result<Vec<u8>> {
    if hex.len() % 2 == 1 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::Srp("a value is not hex"));
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| Error::Srp("a value is not hex"))
        })
        .collect()
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA256, bytes).as_ref().to_vec()
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `k = H(N ‖ g)` over their padded encodings.
fn k() -> Result<BigUint> {
    let mut buf = from_hex(&pad_hex(&n()))?;
    buf.extend(from_hex(&pad_hex(&g()))?);
    Ok(BigUint::from_bytes_be(&sha256(&buf)))
}

/// `x = H(salt ‖ H(pool ‖ user ‖ ":" ‖ password))`.
fn x(pool_name: &str, user_id: &str, password: &str, salt_hex: &str) -> Result<BigUint> {
    let inner = sha256(format!("{pool_name}{user_id}:{password}").as_bytes());
    let mut buf = from_hex(&pad_hex_str(salt_hex))?;
    buf.extend(inner);
    Ok(BigUint::from_bytes_be(&sha256(&buf)))
}

/// The part of a pool id after the region (`us-east-1_AbC` → `AbC`), which the clients hash.
pub fn srp_pool_name(pool_id: &str) -> &str {
    pool_id.split_once('_').map_or(pool_id, |(_, name)| name)
}

/// A user's salt and verifier.
#[derive(Clone, PartialEq, Eq)]
pub struct SrpVerifier {
    /// Hex, as sent in `SALT`.
    pub salt_hex: String,
    /// `v`, big-endian bytes.
    pub verifier: Vec<u8>,
}

impl std::fmt::Debug for SrpVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SrpVerifier")
            .field("salt_hex", &self.salt_hex)
            .field("verifier", &"[redacted]")
            .finish()
    }
}

/// Makes a fresh salt and the verifier of `password` for `user_id` in the pool.
pub fn make_verifier(pool_id: &str, user_id: &str, password: &str) -> Result<SrpVerifier> {
    let mut salt = [0u8; 16];
    aws_lc_rs::rand::fill(&mut salt).map_err(|_| Error::Randomness)?;
    // Keep the first hex digit 1–7: every client then encodes the salt the same way (some parse
    // it as a number, dropping leading zeros, and pad values with their top bit set).
    salt[0] = 0x10 | (salt[0] & 0x6f);
    let salt_hex = hex_of(&salt);
    let v = g().modpow(
        &x(srp_pool_name(pool_id), user_id, password, &salt_hex)?,
        &n(),
    );
    Ok(SrpVerifier {
        salt_hex,
        verifier: v.to_bytes_be(),
    })
}

/// The server's half of one SRP exchange.
#[derive(Clone)]
pub struct ServerSession {
    /// `B`, hex, as sent in `SRP_B`.
    pub b_pub_hex: String,
    /// The server's secret exponent `b`, hex (kept only for the challenge's few minutes).
    pub b_secret_hex: String,
}

impl std::fmt::Debug for ServerSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSession")
            .field("b_pub_hex", &self.b_pub_hex)
            .finish_non_exhaustive()
    }
}

/// Checks the client's `SRP_A` (`A mod N ≠ 0`).
pub fn check_a(a_hex: &str) -> Result<BigUint> {
    let a_hex = a_hex.trim();
    if a_hex.is_empty() || a_hex.len() > MAX_A_HEX {
        return Err(Error::Srp("SRP_A has the wrong length"));
    }
    let a = BigUint::parse_bytes(a_hex.as_bytes(), 16).ok_or(Error::Srp("SRP_A is not hex"))?;
    if (&a % n()) == BigUint::ZERO {
        return Err(Error::Srp("SRP_A is not valid"));
    }
    Ok(a)
}

/// Starts an exchange: a random `b` and `B = k·v + g^b mod N`.
pub fn start(v: &SrpVerifier) -> Result<ServerSession> {
    let n = n();
    let v = BigUint::from_bytes_be(&v.verifier);
    loop {
        let mut bytes = [0u8; 32];
        aws_lc_rs::rand::fill(&mut bytes).map_err(|_| Error::Randomness)?;
        let b = BigUint::from_bytes_be(&bytes);
        let big_b = (k()? * &v + g().modpow(&b, &n)) % &n;
        if big_b != BigUint::ZERO {
            return Ok(ServerSession {
                b_pub_hex: big_b.to_str_radix(16),
                b_secret_hex: b.to_str_radix(16),
            });
        }
    }
}

/// Whether the client's `PASSWORD_CLAIM_SIGNATURE` proves it knows the password.
#[allow(clippy::too_many_arguments)]
pub fn verify_claim(
    pool_id: &str,
    user_id: &str,
    v: &SrpVerifier,
    a_hex: &str,
    session: &ServerSession,
    secret_block_b64: &str,
    timestamp: &str,
    signature_b64: &str,
) -> Result<bool> {
    let n = n();
    let a = check_a(a_hex)?;
    let b = BigUint::parse_bytes(session.b_secret_hex.as_bytes(), 16)
        .ok_or(Error::Srp("session state is damaged"))?;
    let big_b = BigUint::parse_bytes(session.b_pub_hex.as_bytes(), 16)
        .ok_or(Error::Srp("session state is damaged"))?;
    let v = BigUint::from_bytes_be(&v.verifier);
    let mut ub = from_hex(&pad_hex(&a))?;
    ub.extend(from_hex(&pad_hex(&big_b))?);
    let u = BigUint::from_bytes_be(&sha256(&ub));
    if u == BigUint::ZERO {
        return Ok(false);
    }
    let s = (a * v.modpow(&u, &n)).modpow(&b, &n);
    let ikm = from_hex(&pad_hex(&s))?;
    let salt = from_hex(&pad_hex(&u))?;
    let prk = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &salt), &ikm);
    let okm = hmac::sign(
        &hmac::Key::new(hmac::HMAC_SHA256, prk.as_ref()),
        b"Caldera Derived Key\x01",
    );
    let key = hmac::Key::new(hmac::HMAC_SHA256, &okm.as_ref()[..16]);
    let Ok(block) = STANDARD.decode(secret_block_b64.trim()) else {
        return Ok(false);
    };
    let Ok(signature) = STANDARD.decode(signature_b64.trim()) else {
        return Ok(false);
    };
    let mut msg = Vec::new();
    msg.extend_from_slice(srp_pool_name(pool_id).as_bytes());
    msg.extend_from_slice(user_id.as_bytes());
    msg.extend_from_slice(&block);
    msg.extend_from_slice(timestamp.as_bytes());
    Ok(hmac::verify(&key, &msg, &signature).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The client's side, as the published clients compute it (for the round trip below).
    #[allow(clippy::too_many_arguments)]
    fn client_signature(
        pool_id: &str,
        user_id: &str,
        password: &str,
        salt_hex: &str,
        a: &BigUint,
        b_pub_hex: &str,
        block: &str,
        timestamp: &str,
    ) -> String {
        let n = n();
        let big_a = g().modpow(a, &n);
        let big_b = BigUint::parse_bytes(b_pub_hex.as_bytes(), 16).unwrap();
        let mut ub = from_hex(&pad_hex(&big_a)).unwrap();
        ub.extend(from_hex(&pad_hex(&big_b)).unwrap());
        let u = BigUint::from_bytes_be(&sha256(&ub));
        let x = x(srp_pool_name(pool_id), user_id, password, salt_hex).unwrap();
        let gx = g().modpow(&x, &n);
        let kgx = (k().unwrap() * gx) % &n;
        let base = (big_b + &n - kgx) % &n;
        let s = base.modpow(&(a + &u * &x), &n);
        let prk = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, &from_hex(&pad_hex(&u)).unwrap()),
            &from_hex(&pad_hex(&s)).unwrap(),
        );
        let okm = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, prk.as_ref()),
            b"Caldera Derived Key\x01",
        );
        let mut msg = Vec::new();
        msg.extend_from_slice(srp_pool_name(pool_id).as_bytes());
        msg.extend_from_slice(user_id.as_bytes());
        msg.extend_from_slice(&STANDARD.decode(block).unwrap());
        msg.extend_from_slice(timestamp.as_bytes());
        STANDARD.encode(
            hmac::sign(
                &hmac::Key::new(hmac::HMAC_SHA256, &okm.as_ref()[..16]),
                &msg,
            )
            .as_ref(),
        )
    }

    #[test]
    fn a_client_that_knows_the_password_is_accepted_and_one_that_does_not_is_refused() {
        let pool = "us-east-1_AbCdEfGhI";
        let v = make_verifier(pool, "alice", "Passw0rd!").unwrap();
        assert!(v.salt_hex.starts_with(['1', '2', '3', '4', '5', '6', '7']));
        let a = BigUint::from(123_456_789_u64) * BigUint::from(987_654_321_u64);
        let a_hex = g().modpow(&a, &n()).to_str_radix(16);
        let session = start(&v).unwrap();
        let block = STANDARD.encode([7u8; 48]);
        let ts = "Sun Nov 22 8:30:00 UTC 2026";
        let good = client_signature(
            pool,
            "alice",
            "Passw0rd!",
            &v.salt_hex,
            &a,
            &session.b_pub_hex,
            &block,
            ts,
        );
        assert!(verify_claim(pool, "alice", &v, &a_hex, &session, &block, ts, &good).unwrap());
        let bad = client_signature(
            pool,
            "alice",
            "wrong",
            &v.salt_hex,
            &a,
            &session.b_pub_hex,
            &block,
            ts,
        );
        assert!(!verify_claim(pool, "alice", &v, &a_hex, &session, &block, ts, &bad).unwrap());
        // Another timestamp than the one signed.
        assert!(!verify_claim(pool, "alice", &v, &a_hex, &session, &block, "Mon", &good).unwrap());
    }

    #[test]
    fn a_zero_or_oversized_a_is_refused() {
        assert!(check_a("0").is_err());
        assert!(check_a(N_HEX).is_err(), "A = N is 0 mod N");
        assert!(check_a(&"1".repeat(801)).is_err());
        assert!(check_a("xyz").is_err());
        assert!(check_a("2").is_ok());
    }

    #[test]
    fn hex_padding_matches_the_clients() {
        assert_eq!(pad_hex_str("abc"), "0abc");
        assert_eq!(pad_hex_str("8f"), "008f");
        assert_eq!(pad_hex_str("7f"), "7f");
        assert_eq!(srp_pool_name("eu-west-1_XyZ"), "XyZ");
    }
}
