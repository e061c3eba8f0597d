-- The time an alert's state was last judged as of: the asOf of the evaluation that opened it, found
-- it again or resolved it. An evaluation as of an earlier time leaves such an alert alone, so that
-- evaluating the past never resolves or reopens what a later evaluation decided. Earlier rows read
-- their resolution or opening time, which the evaluations that wrote them were run at.
-- And when a webhook endpoint's receiver answered 410 Gone, which disables it (Standard Webhooks):
-- kept on the endpoint, since its deliveries are kept 30 days only. Null while enabled.
-- cluster: replicated, not distributed
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS as_of DateTime64(3, 'UTC') DEFAULT ifNull(resolved_at, opened_at);
ALTER TABLE webhooks ADD COLUMN IF NOT EXISTS disabled_at Nullable(DateTime64(3, 'UTC'))
