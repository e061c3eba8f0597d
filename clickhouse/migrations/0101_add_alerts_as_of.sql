-- The time an alert's state was last judged as of: the asOf of the evaluation that opened it, found
-- it again or resolved it. An evaluation as of an earlier time leaves such an alert alone, so that
-- evaluating the past never resolves or reopens what a later evaluation decided. Earlier rows read
-- their resolution or opening time, which the evaluations that wrote them were run at.
-- cluster: replicated, not distributed
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS as_of DateTime64(3, 'UTC') DEFAULT ifNull(resolved_at, opened_at)
