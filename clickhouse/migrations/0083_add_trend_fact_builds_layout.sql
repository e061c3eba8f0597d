-- layout: what a build's rows hold. 0 = written before 0082 (no channel nor latency steps);
-- queries use only builds of the layout this process writes (libs/measurement/over-time/
-- trend-facts.ts), so that defaults are never read as measured values.
-- cluster: replicated, not distributed (a few rows per tenant)
ALTER TABLE trend_fact_builds ADD COLUMN IF NOT EXISTS layout UInt16 DEFAULT 0;
