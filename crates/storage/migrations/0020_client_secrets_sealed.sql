-- Client secrets are sealed under the store's master key (AES-256-GCM, bound to the client id
-- and the secret id) like every other secret the store keeps. The master key lives outside the
-- store, so SQL cannot seal: the rows keep their clear value in `secret` until the store is
-- next opened by Poolhouse, which seals each one and clears `secret` in one transaction.
-- Exactly one of the two columns is set.
CREATE TABLE client_secrets_sealed (
    pk             INTEGER PRIMARY KEY,
    client         INTEGER NOT NULL REFERENCES app_clients(pk) ON DELETE CASCADE,
    secret_id      TEXT NOT NULL UNIQUE,
    secret         TEXT,
    secret_sealed  BLOB,
    created_at     INTEGER NOT NULL,
    CHECK ((secret IS NULL) <> (secret_sealed IS NULL))
) STRICT;
INSERT INTO client_secrets_sealed(pk, client, secret_id, secret, created_at)
    SELECT pk, client, secret_id, secret, created_at FROM client_secrets;
DROP TABLE client_secrets;
ALTER TABLE client_secrets_sealed RENAME TO client_secrets;
CREATE INDEX client_secrets_client ON client_secrets(client, created_at, pk);
