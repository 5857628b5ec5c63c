// The `./wmill` module an app imports, as the host provides it when it
// bundles the app (Windmill does the same: the app ships only wmill.d.ts).
// Every call is a message to the host page that frames the app:
//   request  {type: "backend" | "backendAsync", runnable_id, v, reqId}
//            {type: "waitJob" | "getJob" | "streamJob", jobId, reqId}
//   reply    {type: "<request type>Res", reqId, result, error}
//   stream   {type: "streamJobUpdate", reqId, new_result_stream, stream_offset}
// which is Windmill's protocol, so the same bundle works in both hosts.

type Pending = {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onUpdate?: (update: StreamUpdate) => void;
};

export type StreamUpdate = { new_result_stream?: string; stream_offset?: number };

const pending = new Map<string, Pending>();

function request(type: string, body: Record<string, unknown>, onUpdate?: Pending["onUpdate"]): Promise<any> {
  return new Promise((resolve, reject) => {
    const reqId = Math.random().toString(36).slice(2) + Date.now().toString(36);
    pending.set(reqId, { resolve, reject, onUpdate });
    window.parent.postMessage({ ...body, type, reqId }, "*");
  });
}

function runnables(type: "backend" | "backendAsync"): Record<string, (args?: unknown) => Promise<any>> {
  return new Proxy({}, { get: (_, runnable_id) => (v?: unknown) => request(type, { runnable_id, v }) });
}

export const backend = runnables("backend");
export const backendAsync = runnables("backendAsync");

export function waitJob(jobId: string): Promise<any> {
  return request("waitJob", { jobId });
}

export function getJob(jobId: string): Promise<any> {
  return request("getJob", { jobId });
}

export function streamJob(jobId: string, onUpdate?: (update: StreamUpdate) => void): Promise<any> {
  return request("streamJob", { jobId }, onUpdate);
}

const REPLIES = new Set(["backendRes", "backendAsyncRes", "waitJobRes", "getJobRes", "streamJobRes"]);

window.addEventListener("message", (e: MessageEvent) => {
  const data = e.data as { type?: string; reqId?: string; result?: any; error?: boolean; new_result_stream?: string; stream_offset?: number };
  if (e.source !== window.parent || !data || typeof data.reqId !== "string") return;
  const req = pending.get(data.reqId);
  if (!req) return;
  if (data.type === "streamJobUpdate") {
    req.onUpdate?.({ new_result_stream: data.new_result_stream, stream_offset: data.stream_offset });
  } else if (data.type && REPLIES.has(data.type)) {
    pending.delete(data.reqId);
    if (data.error) req.reject(new Error(data.result?.stack ?? data.result?.message ?? "request failed"));
    else req.resolve(data.result);
  }
});
