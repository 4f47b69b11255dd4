-- Every call of a pool's hooks (Lambda triggers over HTTP), for the console's Hooks tab.
CREATE TABLE hook_invocations (
    pk             INTEGER PRIMARY KEY,
    pool           INTEGER NOT NULL REFERENCES user_pools(pk) ON DELETE CASCADE,
    at             INTEGER NOT NULL,           -- ms since the epoch, when the call started
    trigger_source TEXT NOT NULL,              -- PreSignUp_SignUp, TokenGeneration_Authentication, ...
    url            TEXT NOT NULL,
    username       TEXT,
    duration_ms    INTEGER NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome IN ('Succeeded', 'Rejected', 'Failed')),
    status         INTEGER,                    -- the HTTP status, when there was an answer
    detail         TEXT,                       -- why it was rejected or failed, or what was ignored
    request        TEXT NOT NULL,              -- the event sent (secrets redacted)
    response       TEXT                        -- the answer's body (at most 64 KiB kept)
) STRICT;
CREATE INDEX hook_invocations_pool ON hook_invocations(pool, pk);
