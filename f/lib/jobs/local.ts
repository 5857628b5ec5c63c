// Job history from the local runner's tables (schema wm_local).
import { connect, type Postgresql } from "../db.ts";
import { durationMs, type JobHistory, type JobLogs, type JobStatus, type JobSummary } from "../jobs.ts";

interface JobRow {
  id: string;
  path: string;
  kind: string;
  status: JobStatus;
  trigger_kind: string;
  trigger_path: string | null;
  created_by: string;
  end_user_email: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  error: { message?: string } | null;
}

export function localJobHistory(db: Postgresql): JobHistory {
  const sql = connect(db);
  return {
    source: "local",
    async recent({ limit, excludePathPrefix }) {
      const rows = await sql<JobRow[]>`
        select * from wm_local.jobs
        where parent_job is null
          ${excludePathPrefix ? sql`and path not like ${likePrefix(excludePathPrefix)}` : sql``}
        order by created_at desc
        limit ${limit}`;
      return rows.map(summarise);
    },
    async logs(jobId) {
      if (!/^[0-9a-f-]{36}$/i.test(jobId)) return null;
      const [row] = await sql<JobRow[]>`select * from wm_local.jobs where id = ${jobId}`;
      if (!row) return null;
      // The job's own lines and, for a flow, every step's, in the order written.
      const lines = await sql<{ line: string; step: string | null; own: boolean }[]>`
        with recursive tree as (
          select id, null::text as step from wm_local.jobs where id = ${jobId}
          union all
          select j.id, coalesce(j.flow_step_id, t.step) from wm_local.jobs j join tree t on j.parent_job = t.id
        )
        select l.line, t.step, l.job_id = ${jobId} as own
        from wm_local.job_logs l join tree t on t.id = l.job_id
        order by l.seq`;
      const out: JobLogs = {
        job: summarise(row),
        lines: lines.map((l) => (l.own || !l.step ? l.line : `[${l.step}] ${l.line}`)),
        error: row.error?.message ?? null,
      };
      return out;
    },
  };
}

function summarise(r: JobRow): JobSummary {
  return {
    id: r.id,
    path: r.path,
    kind: r.kind,
    status: r.status,
    trigger: r.trigger_kind,
    trigger_path: r.trigger_path,
    created_by: r.created_by,
    end_user_email: r.end_user_email,
    created_at: r.created_at.toISOString(),
    started_at: r.started_at?.toISOString() ?? null,
    finished_at: r.finished_at?.toISOString() ?? null,
    duration_ms: durationMs(r.started_at, r.finished_at),
  };
}

function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + "%";
}
