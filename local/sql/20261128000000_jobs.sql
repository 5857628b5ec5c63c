-- migrate:up
-- The local runner's job history (schema wm_local, never deployed).

create table wm_local.jobs (
  id             uuid primary key,
  kind           text not null check (kind in ('script', 'flow', 'rawscript', 'identity')),
  path           text not null,               -- f/... script or flow path; for steps "<flow>/<step id>"
  args           jsonb not null default '{}',
  status         text not null check (status in ('queued', 'running', 'success', 'failure', 'canceled', 'suspended')),
  result         jsonb,
  error          jsonb,
  created_at     timestamptz not null default now(),
  started_at     timestamptz,
  finished_at    timestamptz,
  parent_job     uuid references wm_local.jobs (id) on delete cascade,
  root_job       uuid,
  flow_step_id   text,
  flow_status    jsonb,                       -- step tree of a flow job
  created_by     text not null,               -- username
  email          text not null,
  end_user_email text,
  trigger_kind   text not null default 'cli', -- cli | schedule | http | app | flow | rerun | test
  trigger_path   text,                        -- schedule or trigger path
  scheduled_for  timestamptz,
  rerun_of       uuid
);
create index jobs_created_idx on wm_local.jobs (created_at desc) where parent_job is null;
create index jobs_parent_idx on wm_local.jobs (parent_job);
create index jobs_path_idx on wm_local.jobs (path, created_at desc);
create index jobs_status_idx on wm_local.jobs (status) where status in ('running', 'suspended', 'queued');

create table wm_local.job_logs (
  job_id   uuid not null references wm_local.jobs (id) on delete cascade,
  seq      bigint generated always as identity,
  at       timestamptz not null default now(),
  line     text not null,
  primary key (job_id, seq)
);

-- Approvals: one row per resume/cancel event on a suspended flow step.
create table wm_local.resume_events (
  id        bigint generated always as identity primary key,
  job_id    uuid not null references wm_local.jobs (id) on delete cascade,
  step_key  text not null,
  approved  boolean not null,
  payload   jsonb,
  approver  text not null,
  at        timestamptz not null default now()
);
create index resume_events_job_idx on wm_local.resume_events (job_id, step_key);

-- migrate:down
drop table wm_local.resume_events;
drop table wm_local.job_logs;
drop table wm_local.jobs;
