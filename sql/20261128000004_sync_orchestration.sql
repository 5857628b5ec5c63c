-- migrate:up
-- What the daily sync's orchestration (f/lib/sync) needs on top of the ledger:
--  * a heartbeat, so a run whose flow died (worker crash) does not block every
--    later sync: the next plan marks it abandoned once the heartbeat is stale;
--  * one step row per (run, resource, step), so a retried step updates its row
--    instead of adding a second one (counts are set, never added);
--  * per bulk operation, what its ingest committed (the watermark is the max
--    updated_at over a resource's ingested operations) and the piece of the
--    window it covers after TIMEOUT splits.

alter table sync_runs add column heartbeat_at timestamptz;

create unique index sync_steps_run_resource_step_idx on sync_steps (run_id, resource, step);

alter table bulk_operations add column max_updated_at timestamptz;
alter table bulk_operations add column ingest jsonb;         -- lines, objects, dead letters, by type
alter table bulk_operations add column attempt integer not null default 1;  -- job attempt for this window
alter table bulk_operations add column note text;            -- why it was (re)started, or why it was abandoned
create index bulk_operations_window_idx on bulk_operations (run_id, resource, window_start, window_end);

-- migrate:down
drop index bulk_operations_window_idx;
alter table bulk_operations drop column note;
alter table bulk_operations drop column attempt;
alter table bulk_operations drop column ingest;
alter table bulk_operations drop column max_updated_at;
drop index sync_steps_run_resource_step_idx;
alter table sync_runs drop column heartbeat_at;
