/** Shared helpers for simulator tests: start a small store, talk GraphQL, wait for bulk jobs. */
import { createAdminApiClient, type AdminApiClient } from "@shopify/admin-api-client";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../local/sim/server.ts";

export const TEST_NOW = "2026-11-28T00:00:00Z";

export function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ orders: 200, seed: "test", now: TEST_NOW, bulkDelayMs: 20, ...options });
}

/** The real Shopify client, pointed at the simulator (it insists on https://<shop>). */
export function adminClient(sim: Simulator, accessToken = sim.token, apiVersion = "2026-10"): AdminApiClient {
  return createAdminApiClient({
    storeDomain: sim.shop,
    apiVersion,
    accessToken,
    customFetchApi: (url, init) => fetch(url.replace(`https://${sim.shop}`, sim.url), init as RequestInit),
  });
}

export interface GraphqlResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: any; extensions?: any };
}

/** POSTs a document; waits and retries on THROTTLED like a well-behaved client (unless `raw`). */
export async function graphql<T = any>(sim: Simulator, query: string, variables?: Record<string, unknown>, options: { token?: string; version?: string; raw?: boolean } = {}): Promise<GraphqlResponse<T>> {
  for (let attempt = 0; ; attempt++) {
    const result = await graphqlOnce<T>(sim, query, variables, options);
    const cost = result.body.extensions?.cost;
    if (options.raw || attempt > 20 || result.body.errors?.[0]?.extensions?.code !== "THROTTLED") return result;
    const missing = cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable;
    await new Promise((r) => setTimeout(r, Math.max(50, (missing / cost.throttleStatus.restoreRate) * 1000)));
  }
}

async function graphqlOnce<T>(sim: Simulator, query: string, variables: Record<string, unknown> | undefined, options: { token?: string; version?: string }): Promise<GraphqlResponse<T>> {
  const response = await fetch(`${sim.url}/admin/api/${options.version ?? sim.apiVersion}/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": options.token ?? sim.token },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: GraphqlResponse<T>["body"];
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: text }; // e.g. the HTML of a 502
  }
  return { status: response.status, headers: response.headers, body };
}

export async function adminCall(sim: Simulator, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": sim.token },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

export const RUN_BULK = `mutation run($query: String!) {
  bulkOperationRunQuery(query: $query) { bulkOperation { id status createdAt } userErrors { field message code } }
}`;

export const POLL_BULK = `query poll($id: ID!) {
  bulkOperation(id: $id) { id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl query type }
}`;

export async function runBulk(sim: Simulator, query: string): Promise<string> {
  const { body } = await graphql(sim, RUN_BULK, { query });
  const payload = body.data.bulkOperationRunQuery;
  if (payload.userErrors.length) throw new Error(JSON.stringify(payload.userErrors));
  return payload.bulkOperation.id;
}

const FINAL = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);

export async function waitForBulk(sim: Simulator, id: string, timeoutMs = 30_000): Promise<any> {
  const started = Date.now();
  for (;;) {
    const { body } = await graphql(sim, POLL_BULK, { id });
    const op = body.data.bulkOperation;
    if (FINAL.has(op.status)) return op;
    if (Date.now() - started > timeoutMs) throw new Error(`bulk ${id} still ${op.status}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

export function parseJsonl(text: string): any[] {
  return text.split("\n").filter((line) => line.length > 0).map((line) => JSON.parse(line));
}

/** Keeps only the keys present in `shape`, recursively (to compare an export line with truth). */
export function pick(truth: unknown, shape: unknown): unknown {
  if (Array.isArray(shape)) return (truth as unknown[]).map((item, i) => pick(item, shape[i] ?? shape[0]));
  if (shape && typeof shape === "object") {
    if (truth === null || truth === undefined) return truth;
    return Object.fromEntries(Object.keys(shape).map((k) => [k, pick((truth as Record<string, unknown>)[k], (shape as Record<string, unknown>)[k])]));
  }
  return truth;
}
