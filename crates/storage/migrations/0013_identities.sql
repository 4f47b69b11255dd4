-- Identities of identity pools (cognito-identity) and the logins linked to them.
--
-- An identity is `<region>:<uuid>`, in one pool, gone with it. A login is a provider key (a
-- Logins map key: `cognito-idp.<region>.amazonaws.com/<pool id>`, an OIDC host, a SAML
-- provider ARN, a social provider's name, or the pool's DeveloperProviderName) and the subject
-- the provider vouches for (`sub`, a developer user identifier). One login belongs to at most
-- one identity of a pool, so the same login always finds the same identity.
CREATE TABLE identities (
    pk          INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    pool        INTEGER NOT NULL REFERENCES identity_pools(pk) ON DELETE CASCADE,
    disabled    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,   -- ms
    modified_at INTEGER NOT NULL    -- ms
) STRICT;
CREATE INDEX identities_pool ON identities(pool, pk);

CREATE TABLE identity_logins (
    pk        INTEGER PRIMARY KEY,
    identity  INTEGER NOT NULL REFERENCES identities(pk) ON DELETE CASCADE,
    pool      INTEGER NOT NULL REFERENCES identity_pools(pk) ON DELETE CASCADE,
    provider  TEXT NOT NULL,
    subject   TEXT NOT NULL,
    linked_at INTEGER NOT NULL,     -- ms
    UNIQUE (pool, provider, subject)
) STRICT;
CREATE INDEX identity_logins_identity ON identity_logins(identity, provider, subject);

-- The RS256 keys that sign identity-pool OpenID tokens (GetOpenIdToken,
-- GetOpenIdTokenForDeveloperIdentity): one signing at a time for the whole workspace, as
-- `cognito-identity.amazonaws.com` has one issuer. The private half is sealed like the user
-- pools' keys (PKCS#8, AES-256-GCM under the master key, bound to the kid).
CREATE TABLE identity_signing_keys (
    pk              INTEGER PRIMARY KEY,
    kid             TEXT NOT NULL UNIQUE,
    sealed_key      BLOB NOT NULL,
    public_jwk      TEXT NOT NULL,      -- JSON
    created_at      INTEGER NOT NULL,   -- ms
    retired_at      INTEGER,            -- ms; NULL while it signs
    published_until INTEGER             -- ms; retired keys leave the JWKS after this
) STRICT;
