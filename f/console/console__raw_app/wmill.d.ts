// Generated from backend/ by npx tsx local/apphost/generate-dts.ts: do not edit.

export declare const backend: {
  job_logs: (args: { job_id: string }) => Promise<any>;
  recent_jobs: (args: { limit?: number; include_console?: boolean }) => Promise<any>;
  whoami: (args: {}) => Promise<any>;
};

export declare const backendAsync: {
  job_logs: (args: { job_id: string }) => Promise<string>;
  recent_jobs: (args: { limit?: number; include_console?: boolean }) => Promise<string>;
  whoami: (args: {}) => Promise<string>;
};

export type Job = {
  type: "QueuedJob" | "CompletedJob";
  id: string;
  created_at: string;
  started_at: string | undefined;
  duration_ms: number;
  success: boolean;
  args: any;
  result: any;
};

/** Waits for a job started with backendAsync and resolves with its result (rejects if it failed). */
export declare function waitJob(id: string): Promise<any>;

/** The job's current state, without waiting. */
export declare function getJob(id: string): Promise<Job>;

export type StreamUpdate = {
  new_result_stream?: string;
  stream_offset?: number;
};

/** Calls onUpdate with each part of the job's result stream; resolves with its result. */
export declare function streamJob(id: string, onUpdate?: (data: StreamUpdate) => void): Promise<any>;
