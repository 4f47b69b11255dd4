-- SRP: each user's salt and password verifier (sealed under the master key), so clients can
-- sign in with USER_SRP_AUTH without sending the password. Replaced whenever the password is;
-- a password set without one (an older store, a bulk import) gets one at its next sign-in.
CREATE TABLE srp_verifiers (
    user             INTEGER PRIMARY KEY REFERENCES users(pk) ON DELETE CASCADE,
    salt             TEXT NOT NULL,   -- hex, as sent in SALT
    sealed_verifier  BLOB NOT NULL
) STRICT;
