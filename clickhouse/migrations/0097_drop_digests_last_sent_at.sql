-- digests.last_sent_at has been neither written nor read since digest_sends (0092) took over each
-- digest's last send, its values carried over there. Dropped, so that no reader takes the old
-- column for the last send.
-- cluster: replicated, not distributed
ALTER TABLE digests DROP COLUMN IF EXISTS last_sent_at
