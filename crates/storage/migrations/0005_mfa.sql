-- MFA: each user's factors. The TOTP secret (and one being set up) is sealed under the master
-- key; `totp_last_step` refuses a code used twice.
CREATE TABLE user_mfa (
    user                 INTEGER PRIMARY KEY REFERENCES users(pk) ON DELETE CASCADE,
    totp_sealed          BLOB,              -- verified software token
    totp_pending_sealed  BLOB,              -- associated, not yet verified
    totp_enabled         INTEGER NOT NULL DEFAULT 0,
    email_enabled        INTEGER NOT NULL DEFAULT 0,
    sms_enabled          INTEGER NOT NULL DEFAULT 0,
    preferred            TEXT,              -- SOFTWARE_TOKEN_MFA, EMAIL_OTP, SMS_MFA
    totp_last_step       INTEGER NOT NULL DEFAULT 0,
    pool                 INTEGER NOT NULL   -- for counting and filtering a pool's users by MFA
) STRICT;
CREATE INDEX user_mfa_pool ON user_mfa(pool, user);
