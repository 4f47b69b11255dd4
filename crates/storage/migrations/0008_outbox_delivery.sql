-- Delivery of outbox email over SMTP, when the workspace configures a server.
-- delivery: NULL (not attempted), 'Sending' (claimed by a process), 'Sent', 'Failed'.
ALTER TABLE outbox ADD COLUMN delivery TEXT;
ALTER TABLE outbox ADD COLUMN delivery_detail TEXT;
ALTER TABLE outbox ADD COLUMN delivered_at INTEGER;
CREATE INDEX outbox_undelivered ON outbox(pk) WHERE delivery IS NULL AND medium = 'EMAIL';
