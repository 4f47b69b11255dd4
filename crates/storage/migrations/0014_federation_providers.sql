-- IAM-style identity providers an identity pool may trust: OpenID Connect providers (issuer
-- URL, client ids, thumbprints) and SAML providers (a name and the IdP's metadata document,
-- checked when stored). The ARN is not stored: it is made from the workspace's account and the
-- name (an OIDC provider's issuer host and path, a SAML provider's name), so it follows an
-- account change.
CREATE TABLE federation_providers (
    pk INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('oidc', 'saml')),
    name TEXT NOT NULL,
    url TEXT,
    client_ids TEXT NOT NULL DEFAULT '[]',
    thumbprints TEXT NOT NULL DEFAULT '[]',
    metadata TEXT,
    valid_until INTEGER,
    tags TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (kind, name)
);
