-- Whether the password of an auth event was found in the breached-password list.
ALTER TABLE auth_events ADD COLUMN compromised INTEGER NOT NULL DEFAULT 0;
