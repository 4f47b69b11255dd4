-- A claim carries its time: while delivery is 'Sending', delivered_at is when the message was
-- claimed, so that a claim left by a process that died is found (by this index) and released
-- once it is older than any send could take.
CREATE INDEX outbox_sending ON outbox(pk) WHERE delivery = 'Sending';
