// A sync route's answer, as Windmill builds it (jobs.rs result_to_response):
// the job's result as JSON, 200 on success and 422 on failure, unless the
// result is an object carrying `windmill_status_code`, `windmill_content_type`
// or `windmill_headers`: then those shape the response and `result` is the body.
export function resultToResponse(result: unknown, success: boolean): Response {
  const plain = () => json(success ? 200 : 422, result ?? null, {});
  if (!result || typeof result !== "object" || Array.isArray(result)) return plain();
  const r = result as { windmill_status_code?: unknown; windmill_content_type?: unknown; windmill_headers?: unknown; result?: unknown };
  if (r.windmill_status_code === undefined && r.windmill_content_type === undefined && r.windmill_headers === undefined) return plain();

  const status = r.windmill_status_code === undefined || r.windmill_status_code === null
    ? success ? (r.result !== undefined ? 200 : 204) : 422
    : Number(r.windmill_status_code);
  // Windmill takes any valid code; a Fetch Response only 200-599.
  if (!Number.isInteger(status) || status < 200 || status > 599) return new Response(JSON.stringify({ error: "Invalid status code" }), { status: 500 });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((r.windmill_headers ?? {}) as Record<string, unknown>)) headers[k] = String(v);

  if (typeof r.windmill_content_type === "string") {
    // A string result goes out as is; anything else as its JSON text.
    const body = r.result === undefined ? "" : typeof r.result === "string" ? r.result : JSON.stringify(r.result);
    return new Response(emptyIfNoBody(status, body), { status, headers: { ...headers, "content-type": r.windmill_content_type } });
  }
  if (r.result !== undefined) return json(status, r.result, headers);
  return new Response(null, { status, headers });
}

function json(status: number, value: unknown, headers: Record<string, string>): Response {
  return new Response(emptyIfNoBody(status, JSON.stringify(value)), { status, headers: { "content-type": "application/json", ...headers } });
}

/** The Fetch Response refuses a body on 204/205/304. */
function emptyIfNoBody(status: number, body: string): string | null {
  return status === 204 || status === 205 || status === 304 ? null : body;
}
