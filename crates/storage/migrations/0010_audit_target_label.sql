-- What a person would call an audit record's target, kept from when it was written: a user's
-- email, phone or name, a client's name. A deleted user's records keep naming them.
ALTER TABLE audit_events ADD COLUMN target_label TEXT;
