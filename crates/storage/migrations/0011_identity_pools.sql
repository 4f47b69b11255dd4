-- Identity pools (cognito-identity): the pool's configuration in Cognito's members. Providers,
-- roles and role mappings are JSON documents in Cognito's shapes, as the pools' settings are;
-- the name is not unique (Cognito allows two pools of one name).
CREATE TABLE identity_pools (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    allow_unauthenticated INTEGER NOT NULL,
    allow_classic_flow INTEGER NOT NULL DEFAULT 0,
    developer_provider_name TEXT,
    supported_login_providers TEXT NOT NULL DEFAULT '{}',
    cognito_identity_providers TEXT NOT NULL DEFAULT '[]',
    open_id_connect_provider_arns TEXT NOT NULL DEFAULT '[]',
    saml_provider_arns TEXT NOT NULL DEFAULT '[]',
    roles TEXT NOT NULL DEFAULT '{}',
    role_mappings TEXT NOT NULL DEFAULT '{}',
    -- Per identity provider: {"UseDefaults": bool, "PrincipalTags": {tag: claim}}.
    principal_tags TEXT NOT NULL DEFAULT '{}',
    tags TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
