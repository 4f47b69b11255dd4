-- A user pool's identity providers (Google, Facebook, LoginWithAmazon, SignInWithApple, OIDC,
-- SAML) and the provider identities linked to the pool's users.
CREATE TABLE user_pool_idps (
    pk                 INTEGER PRIMARY KEY,
    pool               INTEGER NOT NULL REFERENCES user_pools(pk) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    provider_type      TEXT NOT NULL,
    -- JSON object: ProviderDetails without its secret keys.
    details            TEXT NOT NULL,
    -- The secret keys (client_secret, private_key) as one JSON object sealed under the store's
    -- master key (AES-256-GCM, bound to the pool id and the provider name); NULL when none.
    secrets_sealed     BLOB,
    attribute_mapping  TEXT NOT NULL,   -- JSON object: pool attribute -> provider attribute
    acr_mapping        TEXT NOT NULL,   -- JSON object: Level1..Level4 -> the provider's acr value
    idp_identifiers    TEXT NOT NULL,   -- JSON array
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (pool, name)
) STRICT;

-- A provider identity (provider name, subject) linked to a user of the pool by
-- AdminLinkProviderForUser: a federated sign-in with it answers that user.
CREATE TABLE user_provider_links (
    pk              INTEGER PRIMARY KEY,
    pool            INTEGER NOT NULL REFERENCES user_pools(pk) ON DELETE CASCADE,
    user            INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    provider_name   TEXT NOT NULL,
    attribute_name  TEXT NOT NULL,
    subject         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (pool, provider_name, subject)
) STRICT;
CREATE INDEX user_provider_links_user ON user_provider_links(user, created_at, pk);
