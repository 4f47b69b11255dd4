//! Built-in temporary credentials, as STS hands them out: an `ASIA…` access key id, a 40-character
//! secret access key and a session token, valid until an expiry.
//!
//! SigV4 verification needs the secret in clear, but the store never holds it: the secret is
//! derived from the key id with HMAC-SHA256 under a key derived from the store's master key
//! ([`CredentialKey`]), so it can be derived again when a signature is checked. The store keeps
//! the SHA-256 digest of the secret (which confirms the derivation: a store opened with another
//! key file refuses the credential instead of reporting a bad signature) and the digest of the
//! session token. A copy of the store without its key file cannot sign as anyone.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use storage::credentials::{self as store, CredentialRow};
use storage::{Read, Tx};
use tokens::{MacKey, MasterKey};

/// Length of a key id after `ASIA` (20 characters in all, as AWS's): [`TIME_CHARS`] of the
/// minting time, then random characters.
const KEY_ID_CHARS: usize = 16;
/// The minting time's part of a key id: milliseconds since the epoch, 45 bits in 9 base32
/// characters (good until the year 3084). Key ids minted later sort later, so a new
/// credential's row goes at the end of the table's key order instead of onto a random page of
/// it: under load, the rows of one commit share their pages (docs/benchmarks.md, IP2). A key
/// id is public (it travels in every signature); what proves a credential is its secret and
/// its session token, so the predictable part gives nothing away.
const TIME_CHARS: usize = 9;
/// What a session token begins with: the version of its sealed format.
const TOKEN_PREFIX: &str = "PHS1";
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// The same 32 characters in ASCII order, for the time part of a key id (so that key ids
/// compare as their times do).
const SORTED32: &[u8; 32] = b"234567ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The keys of temporary credentials: the one secrets are derived under, and the one session
/// tokens are sealed under (AES-256-GCM), both derived from the store's master key. `Debug`
/// prints `[redacted]`.
#[derive(Debug)]
pub struct CredentialKey {
    mac: MacKey,
    /// None only if the backend refused a 32-byte key, which it does not.
    seal: Option<MasterKey>,
}

impl CredentialKey {
    /// The keys for this store, derived from its master key.
    pub fn derive(master: &MasterKey) -> CredentialKey {
        let seal = MacKey::derive(master, "session-tokens").tag(&[b"aes-256-gcm"]);
        CredentialKey {
            mac: MacKey::derive(master, "temporary-credentials"),
            seal: MasterKey::from_bytes(&seal).ok(),
        }
    }

    /// The secret access key of `access_key_id`: 30 bytes of HMAC-SHA256, 40 base64
    /// characters.
    fn secret(&self, access_key_id: &str) -> String {
        let tag = self
            .mac
            .tag(&[b"secret-access-key", access_key_id.as_bytes()]);
        STANDARD.encode(&tag[..30])
    }

    /// A session token: the session, sealed under the token key with the key id as associated
    /// data (so it proves this credential and no other).
    fn seal_token(&self, access_key_id: &str, t: &TokenBody) -> Result<String, Error> {
        let seal = self
            .seal
            .as_ref()
            .ok_or_else(|| Error::Seal("no session-token key".into()))?;
        let body = serde_json::to_vec(t).map_err(|e| Error::Seal(e.to_string()))?;
        let sealed = tokens::seal(seal, &body, access_key_id.as_bytes())
            .map_err(|e| Error::Seal(e.to_string()))?;
        Ok(format!("{TOKEN_PREFIX}{}", STANDARD.encode(sealed)))
    }

    /// The session a token carries, if it was sealed by this store for `access_key_id` and is
    /// unaltered; None for anything else (another store's token, another key id's, an edited
    /// or made-up one).
    fn open_token(&self, access_key_id: &str, token: &str) -> Option<TokenBody> {
        let sealed = STANDARD.decode(token.strip_prefix(TOKEN_PREFIX)?).ok()?;
        let body = tokens::open(self.seal.as_ref()?, &sealed, access_key_id.as_bytes()).ok()?;
        serde_json::from_slice(body.expose_secret()).ok()
    }
}

/// What a session token carries: everything the credential's record holds but its digests.
#[derive(Debug, Serialize, Deserialize)]
struct TokenBody {
    #[serde(rename = "r")]
    role_arn: String,
    #[serde(rename = "n")]
    session_name: String,
    #[serde(rename = "i", default, skip_serializing_if = "Option::is_none")]
    identity_id: Option<String>,
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    identity_pool_id: Option<String>,
    #[serde(rename = "s")]
    source: Source,
    #[serde(rename = "t")]
    tags: Vec<Tag>,
    #[serde(rename = "d")]
    scoped_down: bool,
    /// The session policies passed to STS, in their stored form.
    #[serde(rename = "y", default, skip_serializing_if = "Option::is_none")]
    session_policy: Option<String>,
    #[serde(rename = "c")]
    created_at: i64,
    #[serde(rename = "e")]
    expires_at: i64,
}

/// Why credentials could not be made or checked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no randomness: {0}")]
    Randomness(String),
    #[error("a session token could not be sealed: {0}")]
    Seal(String),
    #[error(transparent)]
    Storage(#[from] storage::Error),
}

/// `n` random characters of upper-case base32 (`A–Z`, `2–7`).
pub fn random_base32(n: usize) -> Result<String, Error> {
    let mut bytes = vec![0u8; n];
    tokens::random_bytes(&mut bytes).map_err(|e| Error::Randomness(e.to_string()))?;
    Ok(base32(&bytes).collect())
}

/// Upper-case base32 characters of random bytes, one per byte: 256 is a multiple of 32, so the
/// low five bits of a uniform byte are uniform.
fn base32(random: &[u8]) -> impl Iterator<Item = char> + '_ {
    random
        .iter()
        .map(|b| char::from(BASE32[usize::from(b & 31)]))
}

/// A key id for a credential minted at `now_ms`: `ASIA`, the time ([`TIME_CHARS`] base32
/// characters, most significant first), then 35 random bits.
fn key_id(now_ms: i64) -> String {
    let t = u64::try_from(now_ms).unwrap_or(0);
    let mut id = String::with_capacity(4 + KEY_ID_CHARS);
    id.push_str("ASIA");
    for i in (0..TIME_CHARS).rev() {
        id.push(char::from(SORTED32[((t >> (5 * i)) & 31) as usize]));
    }
    // The random part only keeps ids apart (an id is public, and its secret is derived under
    // the store's key): the thread's generator, seeded from the system's, is enough and much
    // cheaper per call than the system's own.
    let mut random = [0u8; KEY_ID_CHARS - TIME_CHARS];
    rand::Rng::fill(&mut rand::rng(), &mut random[..]);
    id.extend(base32(&random));
    id
}

/// Where a session came from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Source {
    /// `GetCredentialsForIdentity`, `AssumeRoleWithWebIdentity`, …
    pub flow: String,
    /// The login's provider (None for guests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The `amr` the trust policy saw.
    #[serde(default)]
    pub amr: Vec<String>,
}

/// A session tag (STS's `Tag`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// What a credential is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub role_arn: String,
    pub session_name: String,
    pub identity_id: Option<String>,
    pub identity_pool_id: Option<String>,
    pub source: Source,
    pub tags: Vec<Tag>,
    /// The guest scope-down policy applies.
    pub scoped_down: bool,
    /// The session policies passed to STS (`Policy`, `PolicyArns`), if any.
    pub session_policy: Option<crate::vend::session::SessionPolicy>,
    pub duration_secs: i64,
}

/// A credential as handed to its holder, once.
#[derive(Clone, PartialEq, Eq)]
pub struct Issued {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// ms since the epoch.
    pub expiration_ms: i64,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("access_key_id", &self.access_key_id)
            .field("expiration_ms", &self.expiration_ms)
            .finish_non_exhaustive()
    }
}

/// Mints a credential for `session` and stores its digests (in `tx`, with whatever else the
/// caller writes).
pub fn mint(
    tx: &Tx<'_>,
    key: &CredentialKey,
    now_ms: i64,
    session: &Session,
) -> Result<Issued, Error> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let (issued, row) = issue(key, now_ms, session)?;
        match record(tx, &row) {
            // Two credentials minted in the same millisecond with the same 35 random bits
            // (here or in another process on the store): draw again.
            Err(Error::Storage(storage::Error::Conflict { .. })) if attempts < 3 => {}
            Err(e) => return Err(e),
            Ok(()) => return Ok(issued),
        }
    }
}

/// Mints a credential for `session` without storing it: the credential, and the record to
/// store ([`record`]). The credential proves itself ([`lookup`] needs no record), so the
/// record may be written after the credential is handed out.
pub fn issue(
    key: &CredentialKey,
    now_ms: i64,
    session: &Session,
) -> Result<(Issued, CredentialRow), Error> {
    let access_key_id = key_id(now_ms);
    let secret_access_key = key.secret(&access_key_id);
    let expiration_ms = now_ms + session.duration_secs * 1000;
    let body = TokenBody {
        role_arn: session.role_arn.clone(),
        session_name: session.session_name.clone(),
        identity_id: session.identity_id.clone(),
        identity_pool_id: session.identity_pool_id.clone(),
        source: session.source.clone(),
        tags: session.tags.clone(),
        scoped_down: session.scoped_down,
        session_policy: session.session_policy.as_ref().map(|p| p.to_stored()),
        created_at: now_ms,
        expires_at: expiration_ms,
    };
    let session_token = key.seal_token(&access_key_id, &body)?;
    let row = row_of(&access_key_id, &secret_access_key, &session_token, body);
    Ok((
        Issued {
            access_key_id,
            secret_access_key,
            session_token,
            expiration_ms,
        },
        row,
    ))
}

/// Stores a credential's record (its digests, role, identity, session tags and expiry).
pub fn record(tx: &Tx<'_>, row: &CredentialRow) -> Result<(), Error> {
    Ok(store::insert(tx, row)?)
}

fn row_of(access_key_id: &str, secret: &str, token: &str, b: TokenBody) -> CredentialRow {
    CredentialRow {
        access_key_id: access_key_id.to_string(),
        secret_digest: tokens::opaque_digest(secret),
        token_digest: tokens::opaque_digest(token),
        role_arn: b.role_arn,
        session_name: b.session_name,
        identity_id: b.identity_id,
        identity_pool_id: b.identity_pool_id,
        source: serde_json::to_string(&b.source).unwrap_or_else(|_| "{}".into()),
        session_tags: serde_json::to_string(&b.tags).unwrap_or_else(|_| "[]".into()),
        scoped_down: b.scoped_down,
        session_policy: b.session_policy,
        created_at: b.created_at,
        expires_at: b.expires_at,
    }
}

/// A stored credential, found and checked: its secret (for SigV4) and its session.
#[derive(Debug, Clone)]
pub struct Verified {
    pub row: CredentialRow,
    /// The secret access key, for the signature check. Never shown.
    pub secret_access_key: String,
    pub source: Source,
    pub tags: Vec<Tag>,
}

/// Why a credential was refused (STS's codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No credential has this key id, or the session token is not its own, or its secret no
    /// longer derives (another key file): `InvalidClientTokenId`.
    Invalid,
    /// Past its expiry: `ExpiredToken`.
    Expired,
}

/// Finds the credential of `access_key_id` and checks `session_token` against it and its
/// expiry at `now_ms`.
pub fn lookup(
    r: &impl Read,
    key: &CredentialKey,
    access_key_id: &str,
    session_token: Option<&str>,
    now_ms: i64,
) -> Result<Result<Verified, Refusal>, Error> {
    // A token this store sealed for this key id proves the credential on its own: no read
    // (its record may not be written yet, see `issue`).
    if let Some(token) = session_token
        && let Some(body) = key.open_token(access_key_id, token)
    {
        if now_ms >= body.expires_at {
            return Ok(Err(Refusal::Expired));
        }
        let secret = key.secret(access_key_id);
        let (source, tags) = (body.source.clone(), body.tags.clone());
        return Ok(Ok(Verified {
            row: row_of(access_key_id, &secret, token, body),
            secret_access_key: secret,
            source,
            tags,
        }));
    }
    // Otherwise the record decides (credentials minted before tokens were sealed).
    let Some(row) = store::get(r, access_key_id)? else {
        return Ok(Err(Refusal::Invalid));
    };
    let Some(token) = session_token else {
        return Ok(Err(Refusal::Invalid));
    };
    if !constant_time_eq(&tokens::opaque_digest(token), &row.token_digest) {
        return Ok(Err(Refusal::Invalid));
    }
    let secret = key.secret(access_key_id);
    if !constant_time_eq(&tokens::opaque_digest(&secret), &row.secret_digest) {
        return Ok(Err(Refusal::Invalid));
    }
    if now_ms >= row.expires_at {
        return Ok(Err(Refusal::Expired));
    }
    let source = serde_json::from_str(&row.source).unwrap_or_default();
    let tags = serde_json::from_str(&row.session_tags).unwrap_or_default();
    Ok(Ok(Verified {
        row,
        secret_access_key: secret,
        source,
        tags,
    }))
}

/// The stored session of `access_key_id`, unchecked (for the operator's own tools and for a
/// caller whose signature was already verified).
pub fn session(r: &impl Read, access_key_id: &str) -> Result<Option<Verified>, Error> {
    Ok(store::get(r, access_key_id)?.map(|row| Verified {
        source: serde_json::from_str(&row.source).unwrap_or_default(),
        tags: serde_json::from_str(&row.session_tags).unwrap_or_default(),
        secret_access_key: String::new(),
        row,
    }))
}

/// A stable role id for a role ARN the workspace has no record of: `AROA` and 17 base32
/// characters of the ARN's digest.
pub fn role_id_of(role_arn: &str) -> String {
    let digest = tokens::opaque_digest(role_arn);
    let tail: String = digest
        .iter()
        .take(17)
        .map(|b| char::from(BASE32[usize::from(b & 31)]))
        .collect();
    format!("AROA{tail}")
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The assumed-role ARN of a session: `arn:aws:sts::<account>:assumed-role/<role name>/<session>`.
pub fn assumed_role_arn(role_arn: &str, session_name: &str) -> String {
    let (account, name) = role_parts(role_arn);
    format!("arn:aws:sts::{account}:assumed-role/{name}/{session_name}")
}

/// A role ARN's account and its name (the last part of the path).
pub fn role_parts(role_arn: &str) -> (&str, &str) {
    let account = role_arn.split(':').nth(4).unwrap_or("");
    let name = role_arn.rsplit('/').next().unwrap_or(role_arn);
    (account, name)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn key_ids_sort_by_minting_time() {
        let shape = |id: &str| {
            id.len() == 20
                && id.starts_with("ASIA")
                && id[4..]
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        };
        let mut last = key_id(1_764_000_000_000);
        assert!(shape(&last), "{last}");
        for t in [
            1_764_000_000_001,
            1_764_000_001_000,
            1_800_000_000_000,
            1 << 44,
        ] {
            let id = key_id(t);
            assert!(shape(&id), "{id}");
            assert!(id > last, "{id} minted after {last} sorts before it");
            last = id;
        }
        // The same millisecond: the same time part, random tails.
        let (a, b) = (key_id(5), key_id(5));
        assert_eq!(a[..13], b[..13]);
        assert_ne!(a, b);
    }

    #[test]
    fn key_ids_secrets_and_arns_have_aws_shapes() {
        let master = MasterKey::from_bytes(&[9; 32]).unwrap();
        let key = CredentialKey::derive(&master);
        let id = format!("ASIA{}", random_base32(16).unwrap());
        assert_eq!(id.len(), 20);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        );
        let secret = key.secret(&id);
        assert_eq!(secret.len(), 40);
        assert_eq!(secret, key.secret(&id), "the secret derives again");
        assert_ne!(secret, key.secret("ASIAOTHEROTHEROTHER2"));
        let other = CredentialKey::derive(&MasterKey::from_bytes(&[8; 32]).unwrap());
        assert_ne!(
            secret,
            other.secret(&id),
            "another store derives another secret"
        );
        assert_eq!(
            assumed_role_arn(
                "arn:aws:iam::123456789012:role/app/Cognito_Auth",
                "CognitoIdentityCredentials"
            ),
            "arn:aws:sts::123456789012:assumed-role/Cognito_Auth/CognitoIdentityCredentials"
        );
    }
}
