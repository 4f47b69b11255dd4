-- The SAML side of a hosted session that began with a SAML provider: what a LogoutRequest to
-- that provider must name (the assertion's NameID and the SessionIndex of its first
-- AuthnStatement). One row per sign-in (`refresh_tokens`, whose origin_jti the session cookie
-- carries), written in the same transaction as the sign-in and gone with it.
CREATE TABLE saml_sessions (
    refresh         INTEGER PRIMARY KEY REFERENCES refresh_tokens(pk) ON DELETE CASCADE,
    provider        TEXT NOT NULL,      -- the provider's ProviderName in the pool
    name_id         TEXT NOT NULL,
    name_id_format  TEXT,               -- the NameID's Format, when the assertion named one
    session_index   TEXT                -- the first AuthnStatement's SessionIndex, if any
) STRICT;
