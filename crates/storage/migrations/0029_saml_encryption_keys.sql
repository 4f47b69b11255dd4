-- The encryption key pairs of a user pool's SAML providers. Cognito gives each SAML provider an
-- RSA key pair and a certificate (ProviderDetails.ActiveEncryptionCertificate, the newest) that
-- its IdP encrypts assertions to; a provider may keep older ones, any of which decrypts. The
-- private key is sealed under the store's master key (AES-256-GCM, bound to the pool id and
-- the provider's name), like the pools' signing keys; the rows go with their provider.
CREATE TABLE saml_encryption_keys (
    pk            INTEGER PRIMARY KEY,
    idp           INTEGER NOT NULL REFERENCES user_pool_idps(pk) ON DELETE CASCADE,
    certificate   BLOB NOT NULL,      -- X.509, DER
    sealed_key    BLOB NOT NULL,      -- PKCS#8 DER, sealed
    created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX saml_encryption_keys_idp ON saml_encryption_keys(idp, created_at);
