-- What an attempt says of the next one: the receiver's Retry-After as it sent it (a 429 or 503
-- asking to wait, in seconds or as an HTTP date; null when it asked nothing) and when the next
-- attempt is due (its backoff, or the Retry-After when longer; null when none follows: delivered,
-- refused, gone, or no time left in the retry window). Attempts recorded before read null for both.
-- cluster: replicated, not distributed
ALTER TABLE webhook_deliveries
    ADD COLUMN IF NOT EXISTS retry_after Nullable(String),
    ADD COLUMN IF NOT EXISTS next_attempt_at Nullable(DateTime64(3, 'UTC'))
