-- A trigger's planned persons (both arms): the sample size its confidence sequence is tuned for.
-- Sequential intervals are valid across looks only when that tuning is fixed before the data is
-- read, so it belongs to the definition, not to the query. Nullable: a definition without one uses
-- the deployment's SEQUENTIAL_PLANNED_PERSONS. The engine and sorting key of triggers are unchanged.
-- cluster: replicated, not distributed (definitions are small and every shard joins them locally)
ALTER TABLE triggers ADD COLUMN IF NOT EXISTS planned_persons Nullable(UInt32);
