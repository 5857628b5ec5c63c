-- migrate:up
-- The pipeline ledger (SPEC section 5): what ran, what it touched, what went wrong.

create table sync_runs (
  id           bigint generated always as identity primary key,
  trigger      text not null check (trigger in ('schedule', 'manual', 'backfill', 'replay', 'webhook', 'test')),
  status       text not null default 'running' check (status in ('running', 'succeeded', 'failed', 'partial')),
  started_at   timestamptz not null default now(),
  finished_at  timestamptz,
  counts       jsonb not null default '{}',
  error        text,
  job_id       text,            -- the Windmill (or wm-local) flow job that ran it
  options      jsonb not null default '{}'
);
create index sync_runs_started_at_idx on sync_runs (started_at desc);
-- At most one running sync: the advisory lock guards the code path, this guards the data.
create unique index sync_runs_one_running_idx on sync_runs ((true)) where status = 'running';

create table sync_steps (
  id           bigint generated always as identity primary key,
  run_id       bigint not null references sync_runs (id) on delete cascade,
  resource     text not null,
  step         text not null,
  status       text not null default 'running' check (status in ('running', 'succeeded', 'failed', 'skipped')),
  started_at   timestamptz not null default now(),
  finished_at  timestamptz,
  counts       jsonb not null default '{}',
  error        text
);
create index sync_steps_run_idx on sync_steps (run_id);

create table sync_watermarks (
  resource     text primary key,
  watermark    timestamptz not null,
  run_id       bigint references sync_runs (id) on delete set null,
  updated_at   timestamptz not null default now()
);

create table bulk_operations (
  id               text primary key,           -- Shopify gid://shopify/BulkOperation/...
  run_id           bigint references sync_runs (id) on delete set null,
  resource         text not null,
  window_start     timestamptz,
  window_end       timestamptz,
  query            text not null,
  status           text not null,              -- Shopify's BulkOperationStatus
  error_code       text,
  object_count     bigint,
  root_object_count bigint,
  file_size        bigint,
  url              text,
  partial_data_url text,
  archive_key      text,
  created_at       timestamptz not null default now(),
  completed_at     timestamptz,
  ingested_at      timestamptz
);
create index bulk_operations_run_idx on bulk_operations (run_id);
create index bulk_operations_open_idx on bulk_operations (resource) where ingested_at is null;

create table archive_objects (
  key          text primary key,               -- shopify/<resource>/<yyyy>/<mm>/<dd>/<run>-<job>.jsonl.gz
  bucket       text not null,
  run_id       bigint references sync_runs (id) on delete set null,
  bulk_operation_id text references bulk_operations (id) on delete set null,
  resource     text not null,
  line_count   bigint not null,
  byte_count   bigint not null,                -- uncompressed bytes
  sha256       text not null,                  -- of the uncompressed JSONL
  created_at   timestamptz not null default now()
);
create index archive_objects_resource_idx on archive_objects (resource, created_at);

create table ingest_failures (
  id           bigint generated always as identity primary key,
  run_id       bigint references sync_runs (id) on delete set null,
  resource     text not null,
  archive_key  text,
  line_number  bigint not null,
  raw_text     text not null,
  error_class  text not null,
  message      text not null,
  created_at   timestamptz not null default now(),
  resolved_at  timestamptz,
  resolution   text,                           -- 'retried' | 'dismissed: <reason>'
  resolved_by  text
);
create index ingest_failures_open_idx on ingest_failures (error_class, created_at) where resolved_at is null;

create table webhook_deliveries (
  webhook_id   text primary key,               -- X-Shopify-Webhook-Id
  topic        text not null,
  shop_domain  text,
  received_at  timestamptz not null default now(),
  triggered_at timestamptz,
  status       text not null default 'received' check (status in ('received', 'processed', 'ignored', 'failed')),
  error        text
);
create index webhook_deliveries_received_idx on webhook_deliveries (received_at desc);

create table validation_results (
  id           bigint generated always as identity primary key,
  run_id       bigint references sync_runs (id) on delete set null,
  checked_at   timestamptz not null default now(),
  check_name   text not null,
  resource     text,
  expected     numeric,
  actual       numeric,
  drift        numeric,
  passed       boolean not null,
  details      jsonb not null default '{}'
);
create index validation_results_checked_idx on validation_results (checked_at desc);

create table alerts (
  id           bigint generated always as identity primary key,
  created_at   timestamptz not null default now(),
  severity     text not null check (severity in ('info', 'warning', 'critical')),
  source       text not null,
  dedupe_key   text not null,
  title        text not null,
  body         text not null default '',
  details      jsonb not null default '{}',
  occurrences  integer not null default 1,
  last_seen_at timestamptz not null default now(),
  resolved_at  timestamptz,
  delivered    jsonb not null default '{}'       -- sink -> timestamp
);
create unique index alerts_open_dedupe_idx on alerts (dedupe_key) where resolved_at is null;

create table audit_log (
  id           bigint generated always as identity primary key,
  at           timestamptz not null default now(),
  actor        text not null,                  -- email of the person (or principal) who did it
  action       text not null,                  -- e.g. 'order.tags_add'
  entity       text not null,                  -- table or Shopify type
  entity_id    text,
  before       jsonb,
  after        jsonb,
  job_id       text
);
create index audit_log_entity_idx on audit_log (entity, entity_id, at desc);
create index audit_log_at_idx on audit_log (at desc);

-- migrate:down
drop table audit_log;
drop table alerts;
drop table validation_results;
drop table webhook_deliveries;
drop table ingest_failures;
drop table archive_objects;
drop table bulk_operations;
drop table sync_watermarks;
drop table sync_steps;
drop table sync_runs;
