-- An app client's secrets (up to two at once, for rotation), each with an id. The secret a
-- client was created with moves here; app_clients.secret is no longer written.
CREATE TABLE client_secrets (
    pk          INTEGER PRIMARY KEY,
    client      INTEGER NOT NULL REFERENCES app_clients(pk) ON DELETE CASCADE,
    secret_id   TEXT NOT NULL UNIQUE,
    secret      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX client_secrets_client ON client_secrets(client, created_at, pk);
INSERT INTO client_secrets(client, secret_id, secret, created_at)
    SELECT pk, lower(hex(randomblob(16))), secret, created_at
    FROM app_clients WHERE secret IS NOT NULL;
UPDATE app_clients SET secret = NULL;
