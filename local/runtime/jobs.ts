// The job history in wm_local: one row per job (scripts, flows and each flow
// step), their logs, and approval events.
import { randomUUID } from "node:crypto";
import type { Sql } from "postgres";

export type JobStatus = "queued" | "running" | "success" | "failure" | "canceled" | "suspended";
export type JobKind = "script" | "flow" | "rawscript" | "identity";

export interface JobRow {
  id: string;
  kind: JobKind;
  path: string;
  args: Record<string, unknown>;
  status: JobStatus;
  result: unknown;
  error: JobError | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  parent_job: string | null;
  root_job: string | null;
  flow_step_id: string | null;
  flow_status: unknown;
  created_by: string;
  email: string;
  end_user_email: string | null;
  trigger_kind: string;
  trigger_path: string | null;
  scheduled_for: Date | null;
  rerun_of: string | null;
}

export interface JobError {
  name: string;
  message: string;
  stack?: string;
  step_id?: string;
  [k: string]: unknown;
}

export type NewJob = Pick<JobRow, "kind" | "path" | "args" | "created_by" | "email"> &
  Partial<Pick<JobRow, "id" | "status" | "parent_job" | "root_job" | "flow_step_id" | "end_user_email" | "trigger_kind" | "trigger_path" | "scheduled_for" | "rerun_of">>;

export class JobStore {
  constructor(readonly sql: Sql) {}

  async create(job: NewJob): Promise<JobRow> {
    const id = job.id ?? randomUUID();
    const [row] = await this.sql<JobRow[]>`
      insert into wm_local.jobs (id, kind, path, args, status, started_at, parent_job, root_job, flow_step_id,
        created_by, email, end_user_email, trigger_kind, trigger_path, scheduled_for, rerun_of)
      values (${id}, ${job.kind}, ${job.path}, ${this.sql.json(job.args as never)}, ${job.status ?? "running"},
        ${job.status === "queued" ? null : new Date()}, ${job.parent_job ?? null}, ${job.root_job ?? id},
        ${job.flow_step_id ?? null}, ${job.created_by}, ${job.email}, ${job.end_user_email ?? null},
        ${job.trigger_kind ?? "cli"}, ${job.trigger_path ?? null}, ${job.scheduled_for ?? null}, ${job.rerun_of ?? null})
      returning *`;
    return row;
  }

  async finish(id: string, status: JobStatus, outcome: { result?: unknown; error?: JobError | null }): Promise<void> {
    await this.sql`
      update wm_local.jobs set status = ${status}, finished_at = now(),
        result = ${outcome.result === undefined ? null : this.sql.json(outcome.result as never)},
        error = ${outcome.error ? this.sql.json(outcome.error as never) : null}
      where id = ${id}`;
  }

  async setStatus(id: string, status: JobStatus): Promise<void> {
    await this.sql`update wm_local.jobs set status = ${status}, finished_at = null where id = ${id}`;
  }

  async setFlowStatus(id: string, flowStatus: unknown): Promise<void> {
    await this.sql`update wm_local.jobs set flow_status = ${this.sql.json(flowStatus as never)} where id = ${id}`;
  }

  async get(id: string): Promise<JobRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const [row] = await this.sql<JobRow[]>`select * from wm_local.jobs where id = ${id}`;
    return row;
  }

  /** Resolve a full id or a unique prefix (as printed by `wm-local jobs`). */
  async find(idOrPrefix: string): Promise<JobRow | undefined> {
    if (!/^[0-9a-f-]{4,36}$/i.test(idOrPrefix)) return undefined;
    const rows = await this.sql<JobRow[]>`select * from wm_local.jobs where id::text like ${idOrPrefix.toLowerCase() + "%"} limit 2`;
    if (rows.length > 1) throw new Error(`job id prefix "${idOrPrefix}" is ambiguous`);
    return rows[0];
  }

  async list(opts: { limit?: number; failed?: boolean; path?: string; includeSteps?: boolean } = {}): Promise<JobRow[]> {
    const s = this.sql;
    return s<JobRow[]>`
      select * from wm_local.jobs
      where true
        ${opts.includeSteps ? s`` : s`and parent_job is null`}
        ${opts.failed ? s`and status in ('failure', 'canceled')` : s``}
        ${opts.path ? s`and path = ${opts.path}` : s``}
      order by created_at desc
      limit ${opts.limit ?? 50}`;
  }

  children(id: string): Promise<JobRow[]> {
    return this.sql<JobRow[]>`select * from wm_local.jobs where parent_job = ${id} order by created_at, id`;
  }

  async appendLogs(id: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.sql`insert into wm_local.job_logs (job_id, line) select ${id}, unnest(${this.sql.array(lines)}::text[])`;
  }

  /** Logs of a job and, for a flow, of all its steps in the order they were written. */
  async logs(id: string, afterSeq = 0): Promise<{ seq: number; at: Date; job_id: string; line: string }[]> {
    return this.sql`
      with recursive tree as (
        select id from wm_local.jobs where id = ${id}
        union all
        select j.id from wm_local.jobs j join tree t on j.parent_job = t.id
      )
      select l.seq::int as seq, l.at, l.job_id, l.line
      from wm_local.job_logs l join tree t on t.id = l.job_id
      where l.seq > ${afterSeq}
      order by l.seq`;
  }

  async addResumeEvent(e: { jobId: string; stepKey: string; approved: boolean; payload: unknown; approver: string }): Promise<void> {
    await this.sql`
      insert into wm_local.resume_events (job_id, step_key, approved, payload, approver)
      values (${e.jobId}, ${e.stepKey}, ${e.approved}, ${this.sql.json((e.payload ?? null) as never)}, ${e.approver})`;
  }

  resumeEvents(jobId: string): Promise<{ step_key: string; approved: boolean; payload: unknown; approver: string; at: Date }[]> {
    return this.sql`select step_key, approved, payload, approver, at from wm_local.resume_events where job_id = ${jobId} order by id`;
  }
}

/** Buffers log lines of one job and writes them in batches. */
export class LogWriter {
  private buffer: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> = Promise.resolve();

  constructor(private store: JobStore, private jobId: string, private echo?: (line: string) => void) {}

  write = (text: string): void => {
    for (const line of text.split("\n")) {
      this.buffer.push(line);
      this.echo?.(line);
    }
    this.timer ??= setTimeout(() => void this.flush(), 200);
  };

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.buffer;
    this.buffer = [];
    this.pending = this.pending.then(() => this.store.appendLogs(this.jobId, lines)).catch(() => {});
    return this.pending;
  }
}
