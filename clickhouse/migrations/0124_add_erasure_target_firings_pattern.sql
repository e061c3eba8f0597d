-- The pattern of a firing's id that is not one plain token (it has a character JSON escapes, one
-- beyond ASCII, or one that ends a token, such as a space or "<"): the id as a whole token in any
-- JSON spelling, as erasure_targets.pattern (0090) is the person's. A text that is no JSON, or
-- whose quotes pair otherwise, names such an id in a way the lookup of its words does not find;
-- the erasure's deletes of rejected lines also match these patterns. '' for a plain id, which
-- the lookup finds.
-- cluster: shard by cityHash64(erasure_id)
ALTER TABLE erasure_target_firings ADD COLUMN IF NOT EXISTS pattern String DEFAULT ''
