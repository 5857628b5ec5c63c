-- migrate:up
-- Staging for bulk-result ingest (f/lib/ingest). Every JSONL line of a bulk
-- result is first copied here, keyed by (bulk operation, line number); the
-- merge then upserts the raw mirror from it with set-based SQL. Children may
-- come before their parents, so a child's parent is looked up here, not in
-- the file order. UNLOGGED: the rows are a re-derivable cache of the file
-- (a crash empties the table; the rerun re-stages from the download or the
-- S3 archive), so they skip the WAL.

create unlogged table ingest_staging (
  bulk_operation_id text not null,
  line_number       bigint not null,
  type              text not null,         -- the GID type: Order, LineItem, ...
  id                text not null,
  parent_id         text,                  -- __parentId
  updated_at        timestamptz,           -- the node's own updatedAt, when it has one
  payload           jsonb not null,        -- the node as Shopify wrote it
  primary key (bulk_operation_id, line_number)
);
-- Children find their parent's updatedAt at merge time.
create index ingest_staging_parent_idx on ingest_staging (bulk_operation_id, id) where parent_id is null;

-- A dead letter names the bulk operation whose file holds the line, so a
-- rerun of the same file does not record the same line twice.
alter table ingest_failures add column bulk_operation_id text references bulk_operations (id) on delete set null;
create unique index ingest_failures_line_idx on ingest_failures (bulk_operation_id, line_number) where bulk_operation_id is not null;

-- migrate:down
drop index ingest_failures_line_idx;
alter table ingest_failures drop column bulk_operation_id;
drop table ingest_staging;
