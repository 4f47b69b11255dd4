-- Roles (IAM-style records identity pools hand out) and the temporary credentials vended for
-- them.
--
-- A role: its ARN is arn:aws:iam::<workspace account>:role/<path><name>; names are unique in a
-- workspace regardless of case, as IAM's are. The trust policy and each permission policy are
-- kept as the text given (validated before they are written).
CREATE TABLE roles (
    pk INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    path TEXT NOT NULL DEFAULT '/',
    arn TEXT NOT NULL UNIQUE,
    role_id TEXT NOT NULL UNIQUE,
    description TEXT,
    trust_policy TEXT NOT NULL,
    max_session_duration INTEGER NOT NULL DEFAULT 3600,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- A role's inline permission policies, by name (unique per role, as IAM's are).
CREATE TABLE role_policies (
    role_pk INTEGER NOT NULL REFERENCES roles(pk) ON DELETE CASCADE,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (role_pk, name)
) WITHOUT ROWID;

-- Vended temporary credentials. The key id is public (it travels in every signature); the
-- secret is never stored: it is derived again from the key id under a key derived from the
-- store's master key, and only its digest is kept to confirm the derivation. The session
-- token is kept as its digest. Rows outlive their expiry so that an expired credential is
-- refused as expired, not as unknown; they are removed a day after.
CREATE TABLE credentials (
    access_key_id TEXT PRIMARY KEY,
    secret_digest BLOB NOT NULL,
    token_digest BLOB NOT NULL,
    role_arn TEXT NOT NULL,
    session_name TEXT NOT NULL,
    identity_id TEXT,
    identity_pool_id TEXT,
    -- {"Provider": ..., "Amr": [...], "Flow": ...}
    source TEXT NOT NULL DEFAULT '{}',
    -- [{"Key": ..., "Value": ...}]
    session_tags TEXT NOT NULL DEFAULT '[]',
    -- The guest scope-down applies to this session.
    scoped_down INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX credentials_expiry ON credentials(expires_at);
