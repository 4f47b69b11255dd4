-- The session policies (STS's Policy and PolicyArns) a credential was issued with, as JSON
-- ({"Policy": "...", "PolicyArns": ["..."]}); NULL when the session has none.
ALTER TABLE credentials ADD COLUMN session_policy TEXT;
