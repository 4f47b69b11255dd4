-- The user count moves from triggers on `users` to a narrow table the store updates itself.
--
-- A trigger makes every INSERT into `users` keep a statement journal (each touched page is
-- copied first), which halved insert speed; and updating `user_pools` rewrote its row, whose
-- configuration JSON spills onto an overflow page. See docs/benchmarks.md, finding 1.
CREATE TABLE pool_counters (
    pool   INTEGER PRIMARY KEY REFERENCES user_pools(pk) ON DELETE CASCADE,
    users  INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO pool_counters(pool, users) SELECT pk, user_count FROM user_pools;
DROP TRIGGER users_count_insert;
DROP TRIGGER users_count_delete;
ALTER TABLE user_pools DROP COLUMN user_count;

-- A number every change to a pool, an app client or a workspace setting increments, in the
-- same transaction. A process caches what it decoded from those rows and trusts its copy while
-- this number is unchanged, so a change made by another process (the CLI beside `serve`) is
-- seen at the next read.
CREATE TABLE config_revision (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   INTEGER NOT NULL
) STRICT;
INSERT INTO config_revision(id, n) VALUES (1, 0);
