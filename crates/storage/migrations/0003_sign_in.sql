-- Sign-in: per-pool signing keys, refresh tokens, challenge sessions, one-time codes, lockout
-- state and the per-user history of authentication events.

-- RS256 keys: one signing the ID tokens and one the access tokens of a pool at a time. A
-- retired key stops signing but stays published until the tokens it signed have expired.
CREATE TABLE signing_keys (
    pk              INTEGER PRIMARY KEY,
    pool            INTEGER NOT NULL REFERENCES user_pools(pk) ON DELETE CASCADE,
    kid             TEXT NOT NULL UNIQUE,
    purpose         TEXT NOT NULL CHECK (purpose IN ('id', 'access')),
    sealed_key      BLOB NOT NULL,      -- PKCS#8, AES-256-GCM under the workspace master key
    public_jwk      TEXT NOT NULL,      -- JSON
    created_at      INTEGER NOT NULL,   -- ms
    retired_at      INTEGER,            -- ms; NULL while it signs
    published_until INTEGER             -- ms; retired keys leave the JWKS after this
) STRICT;
CREATE INDEX signing_keys_pool ON signing_keys(pool, purpose, created_at);

-- Refresh tokens, by the SHA-256 of their text (the token itself is never stored). Every
-- token of one sign-in carries its `origin_jti`; revoking the row revokes them all.
CREATE TABLE refresh_tokens (
    pk           INTEGER PRIMARY KEY,
    digest       BLOB NOT NULL UNIQUE,
    client       INTEGER NOT NULL REFERENCES app_clients(pk) ON DELETE CASCADE,
    user         INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    origin_jti   TEXT NOT NULL UNIQUE,
    auth_time    INTEGER NOT NULL,      -- s, as in the tokens
    created_at   INTEGER NOT NULL,      -- ms
    expires_at   INTEGER NOT NULL,      -- ms
    last_used_at INTEGER,               -- ms
    revoked_at   INTEGER                -- ms
) STRICT;
CREATE INDEX refresh_tokens_user ON refresh_tokens(user, created_at);
CREATE INDEX refresh_tokens_client ON refresh_tokens(client);

-- A sign-in waiting for the answer to a challenge, by the SHA-256 of its `Session`.
CREATE TABLE auth_sessions (
    pk          INTEGER PRIMARY KEY,
    digest      BLOB NOT NULL UNIQUE,
    client      INTEGER NOT NULL REFERENCES app_clients(pk) ON DELETE CASCADE,
    user        INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    challenge   TEXT NOT NULL,
    state       TEXT NOT NULL,          -- JSON
    expires_at  INTEGER NOT NULL        -- ms
) STRICT;
CREATE INDEX auth_sessions_user ON auth_sessions(user);
CREATE INDEX auth_sessions_client ON auth_sessions(client);
CREATE INDEX auth_sessions_expires ON auth_sessions(expires_at);

-- One-time codes (sign-up confirmation, password reset, attribute verification), by digest,
-- with the attempts made against them.
CREATE TABLE codes (
    user        INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    digest      BLOB NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,       -- ms
    expires_at  INTEGER NOT NULL,       -- ms
    PRIMARY KEY (user, purpose)
) STRICT;

-- Failed sign-ins in a row and the lockout they earned.
CREATE TABLE user_security (
    user            INTEGER PRIMARY KEY REFERENCES users(pk) ON DELETE CASCADE,
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER NOT NULL DEFAULT 0,  -- ms
    last_sign_in    INTEGER                      -- ms
) STRICT;

-- What happened when a user signed in, signed up, reset or changed a password.
CREATE TABLE auth_events (
    pk          INTEGER PRIMARY KEY,
    user        INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    event_id    TEXT NOT NULL UNIQUE,
    at          INTEGER NOT NULL,       -- ms
    event_type  TEXT NOT NULL,          -- SignIn, SignUp, ForgotPassword, PasswordChange, ResendCode
    response    TEXT NOT NULL,          -- Pass, Fail, InProgress
    client_id   TEXT,
    ip          TEXT,
    risk_level  TEXT,                   -- Low, Medium, High
    detail      TEXT                    -- why it failed, which challenge it is waiting on
) STRICT;
CREATE INDEX auth_events_user ON auth_events(user, pk);
