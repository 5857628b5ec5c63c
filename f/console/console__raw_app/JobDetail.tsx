import React from "react";
import type { JobLogs } from "../../lib/jobs.ts";
import { formatDuration, formatTime } from "./format";
import { StatusBadge } from "./StatusBadge";

export function JobDetail({ logs, error }: { logs: JobLogs | null; error: string | null }) {
  if (error) return <div className="banner error" role="alert">Could not load logs: {error}</div>;
  if (!logs) return <p className="muted hint">Loading logs…</p>;
  const { job } = logs;
  return (
    <div className="job-detail" data-testid="job-detail">
      <div className="detail-head">
        <StatusBadge status={job.status} />
        <h2 className="path">{job.path}</h2>
      </div>
      <dl className="facts">
        <dt>Job</dt><dd className="mono">{job.id}</dd>
        <dt>Trigger</dt><dd>{job.trigger}{job.trigger_path ? ` · ${job.trigger_path}` : ""}</dd>
        <dt>Started</dt><dd>{formatTime(job.started_at ?? job.created_at)}</dd>
        <dt>Duration</dt><dd>{formatDuration(job.duration_ms)}</dd>
        <dt>By</dt><dd>{job.created_by}{job.end_user_email ? ` for ${job.end_user_email}` : ""}</dd>
      </dl>
      {logs.error && <div className="banner error" role="alert">{logs.error}</div>}
      <h3>Logs</h3>
      {logs.lines.length ? (
        <pre className="logs" data-testid="logs">{logs.lines.join("\n")}</pre>
      ) : (
        <p className="muted">This job wrote no log lines.</p>
      )}
    </div>
  );
}
