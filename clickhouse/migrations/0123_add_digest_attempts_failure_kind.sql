-- What a failed send of a digest was, naming no person ("the mail server refused its 2
-- recipients", "the mail server did not take it (ECONNECTION)", "SMTP_URL is not set"), beside its
-- error, whose text may quote a refused address: the DIGEST_NOT_SENT alert, which goes to the
-- tenant's webhooks and Slack, says the kind and leaves the error to the digest's record. Attempts
-- recorded before read ''.
-- cluster: replicated, not distributed
ALTER TABLE digest_attempts ADD COLUMN IF NOT EXISTS failure_kind String DEFAULT ''
