-- migrate:up
-- Webhook ingest (SPEC S2, f/lib/webhooks). webhook_deliveries is the dedupe
-- ledger keyed by X-Shopify-Webhook-Id; these columns let a failed or
-- abandoned delivery be retried by Shopify (attempts, claimed_at), name the
-- object a delivery was about (resource_id: the tombstone an out-of-order
-- create checks after a delete) and say what it did (detail, job_id).

alter table webhook_deliveries
  add column api_version  text,
  add column event_id     text,
  add column resource_id  text,
  add column attempts     integer not null default 1,
  add column claimed_at   timestamptz not null default now(),
  add column processed_at timestamptz,
  add column job_id       text,
  add column detail       jsonb not null default '{}';

-- Tombstones: the deletes we were told about, by object.
create index webhook_deliveries_deleted_idx on webhook_deliveries (resource_id)
  where topic in ('orders/delete', 'products/delete') and status = 'processed';
create index webhook_deliveries_topic_idx on webhook_deliveries (topic, received_at desc);

-- migrate:down
drop index webhook_deliveries_topic_idx;
drop index webhook_deliveries_deleted_idx;
alter table webhook_deliveries
  drop column detail,
  drop column job_id,
  drop column processed_at,
  drop column claimed_at,
  drop column attempts,
  drop column resource_id,
  drop column event_id,
  drop column api_version;
