// The host page's half of the raw-app protocol (see wmill.ts): answers the
// framed app's messages by calling the host's JSON API, which runs the
// runnables as jobs. Only the app's own iframe is listened to.

declare const HOST: { app: string; as: string | null };

const frame = document.getElementById("app") as HTMLIFrameElement;
const api = "/apps/api";
const asQuery = HOST.as ? `as=${encodeURIComponent(HOST.as)}` : "";

interface Message {
  type: string;
  reqId: string;
  runnable_id?: string;
  v?: unknown;
  jobId?: string;
}

async function call(method: "GET" | "POST", url: string, body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    throw { name: "HttpError", message: `${res.status} ${text.trim() || res.statusText}` };
  }
  if (!res.ok) throw json.error ?? { name: "HttpError", message: `${res.status} ${res.statusText}` };
  return json;
}

/** An outcome of the run/wait endpoints -> the value the app's promise settles with. */
function settle(out: { success: boolean; result?: unknown; error?: unknown }): { result: unknown; error: boolean } {
  return out.success ? { result: out.result, error: false } : { result: out.error, error: true };
}

function runUrl(runnable: string, async: boolean): string {
  const q = [asQuery, async ? "async=1" : ""].filter(Boolean).join("&");
  return `${api}/${HOST.app}/run/${encodeURIComponent(runnable)}${q ? `?${q}` : ""}`;
}

async function answer(msg: Message, reply: (o: object) => void): Promise<void> {
  const respond = (o: { result: unknown; error: boolean }) => reply({ type: `${msg.type}Res`, reqId: msg.reqId, ...o });
  try {
    switch (msg.type) {
      case "backend":
        return respond(settle(await call("POST", runUrl(String(msg.runnable_id), false), msg.v ?? {})));
      case "backendAsync":
        return respond({ result: (await call("POST", runUrl(String(msg.runnable_id), true), msg.v ?? {})).job_id, error: false });
      case "waitJob":
        return respond(settle(await call("GET", `${api}/job/${encodeURIComponent(String(msg.jobId))}/wait`)));
      case "getJob":
        return respond({ result: await call("GET", `${api}/job/${encodeURIComponent(String(msg.jobId))}`), error: false });
      case "streamJob":
        return stream(msg, reply);
      default:
        return; // not ours (e.g. dev tooling messages)
    }
  } catch (e) {
    respond({ result: e instanceof Error ? { name: e.name, message: e.message } : e, error: true });
  }
}

function stream(msg: Message, reply: (o: object) => void): void {
  const source = new EventSource(`${api}/job/${encodeURIComponent(String(msg.jobId))}/stream`);
  source.addEventListener("update", (e) => {
    const u = JSON.parse((e as MessageEvent).data);
    reply({ type: "streamJobUpdate", reqId: msg.reqId, new_result_stream: u.new_result_stream, stream_offset: u.stream_offset });
  });
  source.addEventListener("completed", (e) => {
    source.close();
    reply({ type: "streamJobRes", reqId: msg.reqId, ...settle(JSON.parse((e as MessageEvent).data)) });
  });
  source.addEventListener("failed", (e) => {
    source.close();
    reply({ type: "streamJobRes", reqId: msg.reqId, error: true, result: JSON.parse((e as MessageEvent).data) });
  });
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) return;
    source.close();
    reply({ type: "streamJobRes", reqId: msg.reqId, error: true, result: { name: "StreamError", message: `lost the stream of job ${msg.jobId}` } });
  });
}

window.addEventListener("message", (event: MessageEvent) => {
  const source = event.source as Window | null;
  if (!source || source !== frame.contentWindow) return;
  const msg = event.data as Message;
  if (!msg || typeof msg.type !== "string" || typeof msg.reqId !== "string") return;
  void answer(msg, (o) => source.postMessage(o, "*"));
});
