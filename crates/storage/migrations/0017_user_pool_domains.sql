-- A user pool's domains: one prefix domain (served at <prefix>.auth.localhost) and one custom
-- domain (with its certificate's ARN) at most; a name belongs to one pool in the workspace.
CREATE TABLE user_pool_domains (
    pk                    INTEGER PRIMARY KEY,
    pool                  INTEGER NOT NULL REFERENCES user_pools(pk) ON DELETE CASCADE,
    domain                TEXT NOT NULL UNIQUE,
    certificate_arn       TEXT,            -- NULL for a prefix domain
    security_policy       TEXT,            -- the custom domain's TLS policy, as Cognito names it
    routing               TEXT,            -- JSON: domain::oauth::Routing, when given
    managed_login_version INTEGER NOT NULL,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX user_pool_domains_one_prefix
    ON user_pool_domains(pool) WHERE certificate_arn IS NULL;
CREATE UNIQUE INDEX user_pool_domains_one_custom
    ON user_pool_domains(pool) WHERE certificate_arn IS NOT NULL;
