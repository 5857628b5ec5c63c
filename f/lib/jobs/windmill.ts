// Job history from Windmill's API, for the console deployed in Windmill.
// The client authenticates with the job's own WM_TOKEN, so a viewer sees what
// the app's execution identity may see.
import { JobService, setClient, type Job } from "windmill-client";
import { durationMs, type JobHistory, type JobStatus, type JobSummary } from "../jobs.ts";

export function windmillJobHistory(): JobHistory {
  setClient();
  const workspace = process.env.WM_WORKSPACE ?? "";
  return {
    source: "windmill",
    async recent({ limit, excludePathPrefix }) {
      // Top-level runs only: flow steps appear under their flow's logs. The API
      // cannot exclude a path prefix, and a polling console adds jobs of its
      // own, so ask for more and drop those here.
      const perPage = excludePathPrefix ? Math.min(limit * 4, 1000) : limit;
      const jobs = await JobService.listJobs({ workspace, perPage, isFlowStep: false, hasNullParent: true });
      return jobs
        .filter((j) => !(excludePathPrefix && j.script_path?.startsWith(excludePathPrefix)))
        .slice(0, limit)
        .map(summarise);
    },
    async logs(jobId) {
      const job = await JobService.getJob({ workspace, id: jobId, noLogs: true });
      const isFlow = job.job_kind === "flow" || job.job_kind === "flowpreview";
      const text = isFlow
        ? await JobService.getFlowAllLogs({ workspace, id: jobId })
        : await JobService.getJobLogs({ workspace, id: jobId });
      const result = job.type === "CompletedJob" && !job.success ? (job.result as { error?: { message?: string } } | undefined) : undefined;
      return {
        job: summarise(job),
        lines: String(text ?? "").split("\n").filter((l, i, all) => l !== "" || i < all.length - 1),
        error: result?.error?.message ?? null,
      };
    },
  };
}

function summarise(j: Job): JobSummary {
  const completed = j.type === "CompletedJob" || "success" in j;
  const started = j.started_at ? new Date(j.started_at) : null;
  const finished = completed && "completed_at" in j && j.completed_at ? new Date(j.completed_at) : null;
  return {
    id: j.id,
    path: j.script_path ?? "",
    kind: j.job_kind,
    status: statusOf(j),
    trigger: j.trigger_kind ?? (j.schedule_path ? "schedule" : "ui"),
    trigger_path: j.schedule_path ?? null,
    created_by: j.created_by ?? "",
    end_user_email: null,
    created_at: j.created_at ?? "",
    started_at: j.started_at ?? null,
    finished_at: finished?.toISOString() ?? null,
    duration_ms: completed && "duration_ms" in j ? j.duration_ms : durationMs(started, null),
  };
}

function statusOf(j: Job): JobStatus {
  if ("success" in j) return j.canceled ? "canceled" : j.success ? "success" : "failure";
  if ("suspend" in j && j.suspend) return "suspended";
  return j.running ? "running" : "queued";
}
