//! Redacting holders for secret bytes, and AES-256-GCM encryption at rest.

use std::fmt;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Secret bytes (e.g. a PKCS#8 private key). `Debug` prints `[redacted]`; zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps bytes as a secret.
    #[must_use]
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The secret bytes themselves. Never log them.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no bytes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Length of an AES-256-GCM tag.
const TAG_LEN: usize = 16;

/// The 256-bit key that encrypts private keys at rest. `Debug` prints `[redacted]`.
pub struct MasterKey {
    bytes: Zeroizing<[u8; 32]>,
    key: LessSafeKey,
}

impl MasterKey {
    /// A fresh random master key.
    ///
    /// # Errors
    /// [`Error::Randomness`] if the system RNG fails.
    pub fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        aws_lc_rs::rand::fill(bytes.as_mut()).map_err(|_| Error::Randomness)?;
        Self::from_bytes(&bytes)
    }

    /// A master key from its 32 raw bytes.
    ///
    /// # Errors
    /// [`Error::SealFailed`] if the backend refuses the key (it does not for 32 bytes).
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self> {
        let unbound = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| Error::SealFailed)?;
        Ok(Self {
            bytes: Zeroizing::new(*bytes),
            key: LessSafeKey::new(unbound),
        })
    }

    /// The raw key bytes, for whoever stores the master key (e.g. an OS keychain). Never log them.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8; 32] {
        &self.bytes
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

/// Encrypts `plaintext` with AES-256-GCM under `master`, binding it to `aad` (e.g. the kid).
///
/// Output: a random 96-bit nonce, then the ciphertext, then the 16-byte tag.
///
/// # Errors
/// [`Error::Randomness`] or [`Error::SealFailed`] if the backend fails.
pub fn seal(master: &MasterKey, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
    let mut nonce = [0u8; NONCE_LEN];
    aws_lc_rs::rand::fill(&mut nonce).map_err(|_| Error::Randomness)?;
    let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
    out.extend_from_slice(&nonce);
    let mut body = plaintext.to_vec();
    master
        .key
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad),
            &mut body,
        )
        .map_err(|_| Error::SealFailed)?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Decrypts what [`seal`] produced with the same `master` and `aad`.
///
/// # Errors
/// [`Error::SealedTooShort`] for input shorter than nonce + tag, and [`Error::OpenFailed`] for
/// tampered data, the wrong master key or the wrong `aad`.
pub fn open(master: &MasterKey, sealed: &[u8], aad: &[u8]) -> Result<SecretBytes> {
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(Error::SealedTooShort { len: sealed.len() });
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| Error::OpenFailed)?;
    let mut buf = Zeroizing::new(body.to_vec());
    let plain_len = master
        .key
        .open_in_place(nonce, Aad::from(aad), &mut buf)
        .map_err(|_| Error::OpenFailed)?
        .len();
    buf.truncate(plain_len);
    Ok(SecretBytes::new(std::mem::take(&mut *buf)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> MasterKey {
        match MasterKey::from_bytes(&[byte; 32]) {
            Ok(k) => k,
            Err(e) => unreachable!("{e}"),
        }
    }

    #[test]
    fn round_trip() -> Result<()> {
        let m = MasterKey::generate()?;
        let sealed = seal(&m, b"private key bytes", b"kid-1")?;
        assert_eq!(sealed.len(), NONCE_LEN + 17 + TAG_LEN);
        assert_eq!(
            open(&m, &sealed, b"kid-1")?.expose_secret(),
            b"private key bytes"
        );
        Ok(())
    }

    #[test]
    fn empty_plaintext_round_trips() -> Result<()> {
        let m = key(1);
        let sealed = seal(&m, b"", b"")?;
        assert!(open(&m, &sealed, b"")?.is_empty());
        Ok(())
    }

    #[test]
    fn nonce_is_random() -> Result<()> {
        let m = key(1);
        assert_ne!(seal(&m, b"x", b"a")?, seal(&m, b"x", b"a")?);
        Ok(())
    }

    #[test]
    fn wrong_aad_fails() -> Result<()> {
        let m = key(1);
        let sealed = seal(&m, b"secret", b"kid-1")?;
        assert!(matches!(
            open(&m, &sealed, b"kid-2"),
            Err(Error::OpenFailed)
        ));
        Ok(())
    }

    #[test]
    fn wrong_key_fails() -> Result<()> {
        let sealed = seal(&key(1), b"secret", b"kid")?;
        assert!(matches!(
            open(&key(2), &sealed, b"kid"),
            Err(Error::OpenFailed)
        ));
        Ok(())
    }

    #[test]
    fn every_flipped_bit_fails() -> Result<()> {
        let m = key(1);
        let sealed = seal(&m, b"secret", b"kid")?;
        for i in 0..sealed.len() * 8 {
            let mut t = sealed.clone();
            t[i / 8] ^= 1 << (i % 8);
            assert!(
                matches!(open(&m, &t, b"kid"), Err(Error::OpenFailed)),
                "bit {i}"
            );
        }
        Ok(())
    }

    #[test]
    fn short_input_fails() {
        let m = key(1);
        for len in 0..NONCE_LEN + TAG_LEN {
            assert!(matches!(
                open(&m, &vec![0; len], b""),
                Err(Error::SealedTooShort { .. })
            ));
        }
        assert!(matches!(
            open(&m, &[0; NONCE_LEN + TAG_LEN], b""),
            Err(Error::OpenFailed)
        ));
    }

    #[test]
    fn debug_is_redacted() {
        assert_eq!(format!("{:?}", key(7)), "MasterKey([redacted])");
        assert_eq!(
            format!("{:?}", SecretBytes::new(vec![1, 2, 3])),
            "[redacted]"
        );
    }
}
