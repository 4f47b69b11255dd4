-- Refresh-token rotation: a sign-in's refresh token (refresh_tokens.digest) may be replaced by
-- a new one. Each replaced token is kept here, by digest, for as long as its sign-in lives: it
-- works until `valid_until` (the client's grace period, for retries), and is recognised as
-- reused after that.
CREATE TABLE refresh_token_rotations (
    digest      BLOB PRIMARY KEY,
    session     INTEGER NOT NULL REFERENCES refresh_tokens(pk) ON DELETE CASCADE,
    rotated_at  INTEGER NOT NULL,      -- ms
    valid_until INTEGER NOT NULL       -- ms
) STRICT, WITHOUT ROWID;
CREATE INDEX refresh_token_rotations_session ON refresh_token_rotations(session);
