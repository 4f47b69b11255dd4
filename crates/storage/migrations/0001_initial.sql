-- Workspace settings: region, account, signature requirement, ...
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE user_pools (
    pk          INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    config      TEXT NOT NULL,          -- JSON: domain::pool::PoolConfig
    user_count  INTEGER NOT NULL DEFAULT 0, -- maintained by triggers on users
    created_at  INTEGER NOT NULL,       -- ms since the epoch
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX user_pools_name ON user_pools(name, pk);

CREATE TABLE app_clients (
    pk          INTEGER PRIMARY KEY,
    pool        INTEGER NOT NULL REFERENCES user_pools(pk) ON DELETE CASCADE,
    client_id   TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    secret      TEXT,
    settings    TEXT NOT NULL,          -- JSON: domain::client::ClientSettings
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX app_clients_pool ON app_clients(pool, client_id);

-- Searchable standard attributes have their own columns (indexed for = and ^= filters);
-- every other attribute lives in the `attributes` JSON object.
CREATE TABLE users (
    pk                 INTEGER PRIMARY KEY,
    pool               INTEGER NOT NULL REFERENCES user_pools(pk) ON DELETE CASCADE,
    username           TEXT NOT NULL,
    username_key       TEXT NOT NULL,   -- lower-cased when the pool is case-insensitive
    sub                TEXT NOT NULL,
    email              TEXT COLLATE NOCASE,
    phone_number       TEXT,
    name               TEXT COLLATE NOCASE,
    given_name         TEXT COLLATE NOCASE,
    family_name        TEXT COLLATE NOCASE,
    preferred_username TEXT COLLATE NOCASE,
    status             TEXT NOT NULL,
    enabled            INTEGER NOT NULL,
    attributes         TEXT NOT NULL DEFAULT '{}',
    password_hash      TEXT,
    password_set_at    INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX users_pool_username ON users(pool, username_key);
CREATE UNIQUE INDEX users_pool_sub ON users(pool, sub);
CREATE INDEX users_pool_email ON users(pool, email);
CREATE INDEX users_pool_phone ON users(pool, phone_number) WHERE phone_number IS NOT NULL;
CREATE INDEX users_pool_name ON users(pool, name) WHERE name IS NOT NULL;
CREATE INDEX users_pool_given_name ON users(pool, given_name) WHERE given_name IS NOT NULL;
CREATE INDEX users_pool_family_name ON users(pool, family_name) WHERE family_name IS NOT NULL;
CREATE INDEX users_pool_preferred ON users(pool, preferred_username) WHERE preferred_username IS NOT NULL;
CREATE INDEX users_pool_created ON users(pool, created_at);
CREATE INDEX users_pool_status ON users(pool, status);
CREATE INDEX users_pool_enabled ON users(pool, enabled);
CREATE INDEX users_pool_updated ON users(pool, updated_at);

CREATE TRIGGER users_count_insert AFTER INSERT ON users BEGIN
    UPDATE user_pools SET user_count = user_count + 1 WHERE pk = NEW.pool;
END;
CREATE TRIGGER users_count_delete AFTER DELETE ON users BEGIN
    UPDATE user_pools SET user_count = user_count - 1 WHERE pk = OLD.pool;
END;

-- Custom attribute values, one row each, so that SearchUsers can find users by them.
CREATE TABLE user_custom_values (
    user   INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    pool   INTEGER NOT NULL,
    name   TEXT NOT NULL,
    value  TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (user, name)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_custom_values_search ON user_custom_values(pool, value);

CREATE TABLE user_groups (
    pk          INTEGER PRIMARY KEY,
    pool        INTEGER NOT NULL REFERENCES user_pools(pk) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT,
    precedence  INTEGER,
    role_arn    TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (pool, name)
) STRICT;

CREATE TABLE group_members (
    grp   INTEGER NOT NULL REFERENCES user_groups(pk) ON DELETE CASCADE,
    user  INTEGER NOT NULL REFERENCES users(pk) ON DELETE CASCADE,
    PRIMARY KEY (grp, user)
) STRICT, WITHOUT ROWID;
CREATE INDEX group_members_user ON group_members(user, grp);

-- Every mutating operation, successful or refused, from any front.
CREATE TABLE audit_events (
    pk          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    operation   TEXT NOT NULL,
    pool_id     TEXT,
    target      TEXT,
    outcome     TEXT NOT NULL CHECK (outcome IN ('Success', 'Failure')),
    error_code  TEXT,
    message     TEXT
) STRICT;
CREATE INDEX audit_events_pool ON audit_events(pool_id, pk);
CREATE INDEX audit_events_operation ON audit_events(operation, pk);

-- Messages Poolhouse would have sent: invitations, codes.
CREATE TABLE outbox (
    pk          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    pool_id     TEXT NOT NULL,
    username    TEXT NOT NULL,
    medium      TEXT NOT NULL CHECK (medium IN ('EMAIL', 'SMS')),
    destination TEXT NOT NULL,
    subject     TEXT,
    body        TEXT NOT NULL,
    kind        TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_pool ON outbox(pool_id, pk);
