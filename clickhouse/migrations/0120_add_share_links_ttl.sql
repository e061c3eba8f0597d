-- Share links leave 30 days after they expire: every alert message and digest makes one, and the
-- list kept every dead link for ever. Until then an expired link stays listed by
-- shareLinks(includeExpired: true) and answers the same "opens no report" page as after; all the
-- versions of a link (a revocation is a newer row) share its expires_at, so they leave together.
-- Rows leave as their parts merge (ALTER TABLE share_links MATERIALIZE TTL forces it).
-- cluster: replicated, not distributed
ALTER TABLE share_links MODIFY TTL toDateTime(expires_at) + INTERVAL 30 DAY
