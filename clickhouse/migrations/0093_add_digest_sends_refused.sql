-- The recipients the mail server refused at a digest send. nodemailer fails a send only when the
-- server refuses every recipient; a send some recipients got is recorded with those it refused,
-- so that the digest shows who did not get it (Digest.lastRefused). Empty for earlier sends.
-- cluster: replicated, not distributed
ALTER TABLE digest_sends ADD COLUMN IF NOT EXISTS refused Array(String)
