// Turns an HTTP request into what Windmill hands the runnable of an HTTP
// route (windmill-api args.rs + http_trigger_args.rs): without a preprocessor,
// the JSON body's fields are main's args (or `{body}` with wrap_body, or when
// the body is not an object), plus `raw_string` when asked for; with one, a
// single `event` describing the whole request.
import type { HttpTrigger } from "./load.ts";

export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface ParsedRequest {
  /** The parsed body; when it is not a JSON object it is passed whole as `body`. */
  body: unknown;
  bodyIsObject: boolean;
  rawString: string | null;
  headers: Record<string, string>;
  query: Record<string, string>;
  method: string;
}

export async function parseRequest(req: Request, useRaw: boolean): Promise<ParsedRequest> {
  const url = new URL(req.url);
  const headers: Record<string, string> = {};
  req.headers.forEach((v, k) => (headers[k] = v));
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = v));
  const base = { headers, query, method: req.method.toLowerCase() };
  const type = req.headers.get("content-type");
  const text = await req.text();

  if (!type || type.startsWith("application/json")) {
    if (!type && text === "") return { ...base, body: {}, bodyIsObject: true, rawString: useRaw ? "" : null };
    let value: unknown;
    try {
      value = text === "" ? null : JSON.parse(text);
    } catch (e) {
      throw new RequestError(`invalid json: ${(e as Error).message}`, 400);
    }
    // Windmill's test: a body not starting with "{" is not spread into args.
    const isObject = text.length === 0 || text[0] === "{";
    return { ...base, body: isObject ? (value ?? {}) : value, bodyIsObject: isObject, rawString: useRaw ? text : null };
  }
  if (type.startsWith("text/plain") || type.startsWith("application/xml") || type.startsWith("text/xml")) {
    return { ...base, body: {}, bodyIsObject: true, rawString: text };
  }
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return { ...base, body: Object.fromEntries(new URLSearchParams(text)), bodyIsObject: true, rawString: useRaw ? text : null };
  }
  if (type.startsWith("multipart/form-data")) throw new RequestError("multipart/form-data is not supported locally (Windmill uploads the files to the workspace S3)", 400);
  if (type.startsWith("application/cloudevents")) throw new RequestError("CloudEvents bodies are not supported locally", 400);
  throw new RequestError("Unsupported Media Type", 415);
}

/** main's args (no preprocessor): the body, wrapped or not, plus raw_string. */
export function mainArgs(req: ParsedRequest, wrapBody: boolean): Record<string, unknown> {
  let args: Record<string, unknown>;
  if (!req.bodyIsObject || wrapBody) args = { body: req.body };
  else args = { ...(req.body as Record<string, unknown>) };
  if (req.rawString !== null) args.raw_string = req.rawString;
  return args;
}

/** The `event` a preprocessor receives (format v2, docs "Preprocessors"). */
export function preprocessorEvent(trigger: HttpTrigger, req: ParsedRequest, calledPath: string, params: Record<string, string>) {
  return {
    kind: "http" as const,
    trigger_path: trigger.path,
    route: trigger.route_path,
    path: calledPath,
    method: req.method,
    params,
    query: req.query,
    headers: req.headers,
    body: req.body,
    raw_string: req.rawString,
  };
}
