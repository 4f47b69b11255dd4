-- Identity-pool backends: AWS-compatible endpoints the exchange tester can run against (the
-- built-in one is not stored). The name is the id. The access key's secret is sealed under the
-- store's master key (AES-256-GCM bound to the backend's name), base64.
CREATE TABLE backends (
    name TEXT PRIMARY KEY,
    region TEXT NOT NULL,
    url TEXT NOT NULL,
    access_key_id TEXT,
    secret_sealed TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Credential-exchange runs: what was asked (no password), each step's masked request and
-- answer, and the tokens seen on the way sealed under the master key (the inspector opens
-- them); secret keys and session tokens are never kept.
CREATE TABLE exchange_runs (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    backend TEXT NOT NULL,
    identity_pool_id TEXT NOT NULL,
    flow TEXT NOT NULL,
    source TEXT NOT NULL,
    params TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    identity_id TEXT,
    result TEXT NOT NULL,
    steps TEXT NOT NULL,
    tokens_sealed TEXT,
    started_at INTEGER NOT NULL,
    elapsed_ms INTEGER NOT NULL
);
CREATE INDEX exchange_runs_newest ON exchange_runs (started_at DESC, pk DESC);
