-- The exchange of a code deletes its row; each index on the table is one more b-tree written by
-- that delete. `authorization_codes_client` and `authorization_codes_user` served only the
-- cascading deletes of a client or a user, which find their codes as well by a scan of this
-- table: it holds only codes of the last five minutes (expired ones are pruned as new ones are
-- issued). The foreign keys and their ON DELETE CASCADE stay, so deleting a client or a user
-- still removes its codes.
DROP INDEX authorization_codes_client;
DROP INDEX authorization_codes_user;
