-- The time zone a digest's schedule is read in (an IANA name such as Europe/Berlin), so that
-- "Monday 07:00" stays 07:00 there across daylight saving. Digests set before it are UTC.
-- cluster: replicated, not distributed
ALTER TABLE digests ADD COLUMN IF NOT EXISTS time_zone String DEFAULT 'UTC'
