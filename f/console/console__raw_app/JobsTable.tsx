import React from "react";
import type { JobSummary } from "../../lib/jobs.ts";
import { formatDuration, formatTime, shortId } from "./format";
import { StatusBadge } from "./StatusBadge";

export function JobsTable(props: { jobs: JobSummary[]; selected: string | null; onSelect: (id: string) => void }) {
  return (
    <table className="jobs-table">
      <thead>
        <tr>
          <th>Status</th>
          <th>Path</th>
          <th>Trigger</th>
          <th>Started</th>
          <th className="num">Duration</th>
          <th>Job</th>
        </tr>
      </thead>
      <tbody>
        {props.jobs.map((job) => (
          <tr
            key={job.id}
            data-job-id={job.id}
            className={job.id === props.selected ? "selected" : undefined}
            onClick={() => props.onSelect(job.id)}
            tabIndex={0}
            onKeyDown={(e) => e.key === "Enter" && props.onSelect(job.id)}
          >
            <td><StatusBadge status={job.status} /></td>
            <td className="path">{job.path}</td>
            <td>
              {job.trigger}
              {job.trigger_path && <span className="muted"> · {job.trigger_path}</span>}
            </td>
            <td>{formatTime(job.started_at ?? job.created_at)}</td>
            <td className="num duration">{formatDuration(job.duration_ms)}</td>
            <td className="mono muted">{shortId(job.id)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
