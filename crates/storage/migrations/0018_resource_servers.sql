-- OAuth resource servers of a user pool and their custom scopes.
CREATE TABLE resource_servers (
    pk          INTEGER PRIMARY KEY,
    pool        INTEGER NOT NULL REFERENCES user_pools(pk) ON DELETE CASCADE,
    identifier  TEXT NOT NULL,
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,          -- JSON: [domain::oauth::ResourceServerScope]
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (pool, identifier)
) STRICT;
