-- The OAuth 2.0 authorization server: codes handed out by /oauth2/authorize (by the SHA-256 of
-- their text; single use: a code is deleted when it is redeemed), and the scopes a sign-in's
-- refresh token was granted.
CREATE TABLE authorization_codes (
    pk                    INTEGER PRIMARY KEY,
    digest                BLOB NOT NULL UNIQUE,
    client                INTEGER NOT NULL REFERENCES app_clients(pk) ON DELETE CASCADE,
    user                  INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    redirect_uri          TEXT NOT NULL,
    scopes                TEXT NOT NULL,      -- space-separated, as granted
    code_challenge        TEXT,
    code_challenge_method TEXT CHECK (code_challenge_method IN ('S256', 'plain')),
    nonce                 TEXT,
    auth_time             INTEGER NOT NULL,   -- s, of the sign-in the code stands for
    created_at            INTEGER NOT NULL,   -- ms
    expires_at            INTEGER NOT NULL    -- ms
) STRICT;
CREATE INDEX authorization_codes_client ON authorization_codes(client);
CREATE INDEX authorization_codes_user ON authorization_codes(user);
CREATE INDEX authorization_codes_expires ON authorization_codes(expires_at);

-- NULL: a sign-in through the API, whose access tokens carry aws.cognito.signin.user.admin.
ALTER TABLE refresh_tokens ADD COLUMN scopes TEXT;
