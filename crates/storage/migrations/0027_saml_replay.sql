-- SAML assertions a user pool accepted at /saml2/idpresponse, kept until their NotOnOrAfter so
-- that each is accepted once (SAML's bearer profile). Keyed by the issuer (the IdP's entity id)
-- and the assertion's ID; rows past their time are pruned as new ones are written.
CREATE TABLE saml_assertions_used (
    issuer      TEXT NOT NULL,
    id          TEXT NOT NULL,
    until_ms    INTEGER NOT NULL,   -- the assertion's NotOnOrAfter, ms
    used_at     INTEGER NOT NULL,   -- ms
    PRIMARY KEY (issuer, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX saml_assertions_used_until ON saml_assertions_used(until_ms);
