-- The expiry a key was minted with (NULL: none), which a rotation leaves as it is: a rotation
-- shortens expires_at to the end of the old key's grace, and a successor takes the key's lifetime
-- from created_at to this expiry, not to the grace's end (a key that never expired, rotated again
-- within its grace, gave its second successor an expiry). Rows written before this column read
-- their expires_at; every writer copies the column forward, as for expires_at (see 0030).
-- cluster: replicated, not distributed
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS minted_expires_at Nullable(DateTime64(3, 'UTC')) DEFAULT expires_at;
