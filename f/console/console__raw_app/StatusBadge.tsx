import React from "react";
import type { JobStatus } from "../../lib/jobs.ts";

export function StatusBadge({ status }: { status: JobStatus }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}
