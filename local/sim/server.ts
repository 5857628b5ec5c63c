/**
 * The Shopify Admin API simulator as an HTTP server (Hono on node, 127.0.0.1 only):
 * GraphQL endpoint, client-credentials tokens, signed bulk result URLs, and `/_sim/*`
 * admin endpoints for tests (faults, time travel, ground truth, webhooks, reset).
 */
import { randomBytes } from "node:crypto";
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HttpBindings } from "@hono/node-server";
import { listenLocal, portOf } from "../server/listen.ts";
import { Hono, type Context } from "hono";
import { BulkJobs, timingFromDelay, type BulkTiming } from "./bulk/jobs.ts";
import { LINE_ORDERINGS, type LineOrdering } from "./bulk/jsonl.ts";
import type { SimContext } from "./context.ts";
import { UNAUTHORIZED_BODY } from "./errors.ts";
import { executeGraphql } from "./execute.ts";
import { Faults, FaultSpecError, type Fault } from "./faults.ts";
import { Lister } from "./resources.ts";
import { DEFAULT_SCOPES } from "./resolvers.ts";
import { loadAdminSchema, SCHEMA_API_VERSION } from "./schema.ts";
import { Store, type StoreOptions } from "./store/index.ts";
import { decodeGid } from "./store/ids.ts";
import { hashString } from "./store/random.ts";
import { TimeTravel, type AdvanceOptions } from "./store/timetravel.ts";
import type { SimNode } from "./store/types.ts";
import { Throttle, type BucketOptions } from "./throttle.ts";
import { WebhookSender, type WebhookDelivery } from "./webhooks.ts";

/** Stable versions served on 2026-11-28 (oldest first) plus the release candidate. */
export const SUPPORTED_API_VERSIONS = ["2026-01", "2026-04", "2026-07", "2026-10", "2027-01", "unstable"] as const;
export const DEFAULT_API_VERSION = SCHEMA_API_VERSION;
const TOKEN_LIFETIME_MS = 24 * 3_600_000;

export interface SimulatorOptions extends StoreOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Static Admin API token; derived from the seed when omitted. */
  token?: string;
  /** Client-credentials app; the secret also signs webhooks (like Shopify's app secret). */
  clientId?: string;
  clientSecret?: string;
  scopes?: string[];
  faults?: string;
  webhookUrl?: string | null;
  /** Scales bulk timing (CREATED ~delay/4, RUNNING >= delay). Default 1500 ms. */
  bulkDelayMs?: number;
  bulkTiming?: Partial<BulkTiming>;
  lineOrdering?: LineOrdering;
  throttle?: Partial<BucketOptions>;
}

export interface TruthCounts {
  orders: number;
  products: number;
  customers: number;
  locations: number;
}

export interface SimulatorAdmin {
  setFaults(spec: string, options?: { replace?: boolean }): void;
  clearFaults(): void;
  faults(): ReturnType<Faults["list"]>;
  advanceClock(options: AdvanceOptions): Promise<{ from: string; to: string; events: { topic: string; id: string; at: string }[]; deliveries: WebhookDelivery[] }>;
  /** Ground truth: the record exactly as the store holds it (refs as `{__ref, id}`). */
  node(id: string): SimNode | null;
  order(index: number): SimNode | undefined;
  counts(): TruthCounts;
  setWebhook(url: string | null, secret?: string): void;
  deliveries(): WebhookDelivery[];
  configure(options: { bulkDelayMs?: number; bulkTiming?: Partial<BulkTiming>; lineOrdering?: LineOrdering; throttle?: Partial<BucketOptions> }): void;
  bulk: { inspect(id: string): ReturnType<BulkJobs["inspect"]>; expire(id: string): boolean };
  reset(): void;
  store(): Store;
}

export interface Simulator {
  url: string;
  token: string;
  apiVersion: string;
  shop: string;
  clientId: string;
  clientSecret: string;
  graphqlUrl: string;
  admin: SimulatorAdmin;
  close(): Promise<void>;
}

type Env = { Bindings: HttpBindings };

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  loadAdminSchema(); // fail fast, and keep the first request fast
  const seedLabel = String(options.seed ?? 1);
  const token = options.token ?? `shpat_${hashString(`token:${seedLabel}`).toString(16).padStart(8, "0")}${hashString(`token2:${seedLabel}`).toString(16).padStart(8, "0")}sim`;
  const clientId = options.clientId ?? "sim-client-id";
  const clientSecret = options.clientSecret ?? "sim-app-secret";
  const scopes = new Set(options.scopes ?? DEFAULT_SCOPES);
  const dir = mkdtempSync(join(tmpdir(), "shopify-sim-"));
  let baseUrl = "";

  let store = new Store(options);
  let timeTravel = new TimeTravel(store);
  let lister = new Lister(store);
  const faults = new Faults(seedLabel, options.faults);
  const throttle = new Throttle({ size: options.throttle?.size ?? 2000, restoreRate: options.throttle?.restoreRate ?? 100 });
  /** access token -> expiry on the simulator clock (null: never). */
  const tokens = new Map<string, number | null>([[token, null]]);
  const webhooks = new WebhookSender({ url: options.webhookUrl ?? null, secret: clientSecret, shopDomain: store.cfg.shop.myshopifyDomain, apiVersion: DEFAULT_API_VERSION }, () => store.clock.now());
  let lineOrdering: LineOrdering = options.lineOrdering ?? "shuffled";
  const timing: BulkTiming = { ...timingFromDelay(options.bulkDelayMs ?? 1500), ...options.bulkTiming };

  const makeContext = (): SimContext => ({
    store,
    lister,
    jobs,
    scopes: new Set(scopes),
    bulk: false,
    searchWarnings: [],
    notify: (topic, record) => void webhooks.send(topic, record),
  });
  const jobs = new BulkJobs({
    dir,
    timing,
    get ordering() {
      return lineOrdering;
    },
    seed: store.cfg.seed,
    faults,
    urlSecret: randomBytes(16).toString("hex"),
    baseUrl: () => baseUrl,
    context: () => ({ ...makeContext(), bulk: true }),
    now: () => store.clock.now(),
    onFinish: (operation) => void webhooks.send("bulk_operations/finish", operation),
  });

  const authorized = (c: Context<Env>): string | null => {
    const given = c.req.header("X-Shopify-Access-Token");
    if (!given || !tokens.has(given)) return null;
    const expiresAt = tokens.get(given);
    return expiresAt === null || expiresAt === undefined || store.clock.now() < expiresAt ? given : null;
  };

  const httpFault = (c: Context<Env>, fault: Fault): Response | null => {
    switch (fault.fault) {
      case "429":
        return c.json({ errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." }, 429, { "Retry-After": (fault.param ?? 2).toFixed(1) });
      case "500":
        return c.json({ errors: "Internal Server Error" }, 500);
      case "502":
        return c.html("<html><body><h1>502 Bad Gateway</h1></body></html>", 502);
      case "503":
        return c.json({ errors: "Service Unavailable" }, 503, { "Retry-After": "1.0" });
      default:
        return null;
    }
  };

  const app = new Hono<Env>();
  // Shopify's Date header is the store's "now"; ours follows the simulated clock,
  // so a sync that reads "now" from it sees time travel.
  app.use("*", async (c, next) => {
    await next();
    c.res.headers.set("Date", new Date(store.clock.now()).toUTCString());
  });

  app.post("/admin/api/:version/graphql.json", async (c) => {
    const requested = c.req.param("version");
    const version = (SUPPORTED_API_VERSIONS as readonly string[]).includes(requested) ? requested : SUPPORTED_API_VERSIONS[0];
    c.header("X-Shopify-API-Version", version);
    const caller = authorized(c);
    if (!caller) return c.json(UNAUTHORIZED_BODY, 401);
    let payload: unknown;
    try {
      payload = await c.req.json();
    } catch {
      return c.json({ errors: { query: "Required parameter missing or invalid" } }, 400);
    }
    const isMutation = /^\s*mutation\b/.test(String((payload as { query?: unknown })?.query ?? ""));
    const fault = faults.take(isMutation ? "mutation" : "query", "graphql");
    if (fault) {
      const response = httpFault(c, fault);
      if (response) return response;
    }
    const result = await executeGraphql(payload, {
      token: caller,
      throttle,
      context: makeContext(),
      forceThrottle: fault?.fault === "throttled",
      forceAccessDenied: fault?.fault === "access_denied",
    });
    return c.json(result.body as object, result.status as 200);
  });

  app.post("/admin/oauth/access_token", async (c) => {
    const fault = faults.take("token");
    if (fault) return httpFault(c, fault)!;
    const type = c.req.header("Content-Type") ?? "";
    const body = type.includes("application/json") ? ((await c.req.json().catch(() => ({}))) as Record<string, string>) : ((await c.req.parseBody()) as Record<string, string>);
    if (body.grant_type !== "client_credentials") return c.json({ error: "unsupported_grant_type", error_description: "The authorization grant type is not supported." }, 400);
    if (body.client_id !== clientId || body.client_secret !== clientSecret) return c.json({ error: "invalid_client", error_description: "Client authentication failed." }, 401);
    const issued = `shpat_${randomBytes(16).toString("hex")}`;
    tokens.set(issued, store.clock.now() + TOKEN_LIFETIME_MS);
    return c.json({ access_token: issued, scope: [...scopes].sort().join(","), expires_in: Math.floor(TOKEN_LIFETIME_MS / 1000) - 1 });
  });

  // Result files: a plain GET with the signed query string, no Shopify auth (like GCS links).
  app.get("/bulk-operation-outputs/:name", (c) => {
    const xmlError = (code: string, message: string, status: 403 | 404 | 500 | 503) =>
      c.body(`<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`, status, { "Content-Type": "application/xml; charset=UTF-8" });
    const fault = faults.take("download");
    if (fault?.fault === "403") return xmlError("ExpiredToken", "The provided token has expired.", 403);
    if (fault?.fault === "500") return xmlError("InternalError", "We encountered an internal error. Please try again.", 500);
    if (fault?.fault === "503") return xmlError("ServiceUnavailable", "Service Unavailable", 503);
    const resolved = jobs.resolveDownload(c.req.param("name"), c.req.query("Expires"), c.req.query("Signature"));
    if ("error" in resolved) {
      if (resolved.error === "expired") return xmlError("ExpiredToken", "The provided token has expired. Request signature expired.", 403);
      if (resolved.error === "missing") return xmlError("NoSuchKey", "The specified key does not exist.", 404);
      return xmlError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", 403);
    }
    const cutoff = fault?.fault === "reset" ? Math.floor(resolved.size * (fault.param ?? 0.5)) : Infinity;
    const socket = c.env.incoming.socket;
    const file = createReadStream(resolved.file, { highWaterMark: 256 * 1024 });
    let sent = 0;
    // Pull-based, so the file is read only as fast as the client consumes it.
    const iterator = file[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) return controller.close();
        let chunk = next.value as Buffer;
        if (sent + chunk.length > cutoff) {
          chunk = chunk.subarray(0, Math.max(0, cutoff - sent));
          if (chunk.length) controller.enqueue(new Uint8Array(chunk));
          file.destroy();
          // Let the partial bytes flush, then drop the connection mid-body.
          setTimeout(() => socket.destroy(), 20);
          return;
        }
        sent += chunk.length;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      },
      cancel() {
        file.destroy();
      },
    });
    return new Response(body, { status: 200, headers: { "Content-Type": "application/jsonl", "Content-Length": String(resolved.size) } });
  });

  // ---- admin endpoints (tests, demos) -------------------------------------------

  const admin: SimulatorAdmin = {
    setFaults(spec, opts = {}) {
      if (opts.replace) faults.clear();
      faults.add(spec);
    },
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    async advanceClock(advance) {
      const result = timeTravel.advance(advance);
      const deliveries = (await Promise.all(result.events.map((e) => webhooks.send(e.topic, e.record)))).filter((d): d is WebhookDelivery => d !== null);
      return { from: result.from, to: result.to, events: result.events.map(({ topic, id, at }) => ({ topic, id, at })), deliveries };
    },
    node: (id) => (decodeGid(id)?.kind === "BulkOperation" ? jobs.get(id) : store.node(id)),
    order: (index) => store.order(index),
    counts: () => ({ orders: store.orderCount(), products: store.productCount(), customers: store.customerCount(), locations: store.locationCount() }),
    setWebhook(url, secret) {
      webhooks.config.url = url;
      if (secret) webhooks.config.secret = secret;
    },
    deliveries: () => [...webhooks.deliveries],
    configure(config) {
      if (config.bulkDelayMs !== undefined) Object.assign(timing, timingFromDelay(config.bulkDelayMs));
      if (config.bulkTiming) Object.assign(timing, config.bulkTiming);
      if (config.lineOrdering) {
        if (!LINE_ORDERINGS.includes(config.lineOrdering)) throw new Error(`unknown line ordering ${config.lineOrdering}`);
        lineOrdering = config.lineOrdering;
      }
      if (config.throttle) throttle.configure(config.throttle);
    },
    bulk: { inspect: (id) => jobs.inspect(id), expire: (id) => jobs.expire(id) },
    reset() {
      jobs.reset();
      faults.clear();
      throttle.reset();
      store = new Store(options);
      timeTravel = new TimeTravel(store);
      lister = new Lister(store);
    },
    store: () => store,
  };

  app.use("/_sim/*", async (c, next) => {
    if (!authorized(c)) return c.json(UNAUTHORIZED_BODY, 401);
    await next();
  });
  app.onError((error, c) => {
    if (error instanceof FaultSpecError || error instanceof SyntaxError) return c.json({ error: error.message }, 400);
    console.error("[shopify-sim]", error);
    return c.json({ errors: "Internal Server Error" }, 500);
  });
  app.get("/_sim/info", (c) => c.json({ url: baseUrl, apiVersion: DEFAULT_API_VERSION, shop: store.cfg.shop, seed: store.cfg.seedLabel, counts: admin.counts(), now: new Date(store.clock.now()).toISOString() }));
  app.get("/_sim/faults", (c) => c.json({ rules: admin.faults() }));
  app.post("/_sim/faults", async (c) => {
    const body = (await c.req.json()) as { spec: string; replace?: boolean };
    admin.setFaults(body.spec, { replace: body.replace });
    return c.json({ rules: admin.faults() });
  });
  app.delete("/_sim/faults", (c) => {
    admin.clearFaults();
    return c.json({ rules: [] });
  });
  app.post("/_sim/clock/advance", async (c) => {
    const body = (await c.req.json()) as AdvanceOptions & { hours?: number; days?: number };
    const ms = body.ms ?? (body.hours ?? 0) * 3_600_000 + (body.days ?? 0) * 86_400_000;
    return c.json(await admin.advanceClock({ ...body, ms }));
  });
  app.get("/_sim/truth/counts", (c) => c.json(admin.counts()));
  app.get("/_sim/truth/node", (c) => {
    const node = admin.node(c.req.query("id") ?? "");
    return node ? c.json(node) : c.json({ error: "not found" }, 404);
  });
  app.get("/_sim/truth/orders", (c) => {
    const offset = Number(c.req.query("offset") ?? 0);
    const limit = Math.min(1000, Number(c.req.query("limit") ?? 100));
    const orders: SimNode[] = [];
    for (let i = offset; i < store.orderSlots && orders.length < limit; i++) {
      const order = store.order(i);
      if (order) orders.push(order);
    }
    return c.json({ orders, slots: store.orderSlots });
  });
  app.post("/_sim/webhook", async (c) => {
    const body = (await c.req.json()) as { url: string | null; secret?: string };
    admin.setWebhook(body.url, body.secret);
    return c.json({ url: webhooks.config.url });
  });
  app.get("/_sim/webhook/deliveries", (c) => c.json({ deliveries: admin.deliveries() }));
  app.post("/_sim/config", async (c) => {
    admin.configure((await c.req.json()) as Parameters<SimulatorAdmin["configure"]>[0]);
    return c.json({ ok: true, lineOrdering, timing, throttle: throttle.peek(token) });
  });
  app.get("/_sim/bulk/:id{.+}", (c) => {
    const job = jobs.inspect(decodeURIComponent(c.req.param("id")));
    return job ? c.json(job) : c.json({ error: "not found" }, 404);
  });
  app.post("/_sim/bulk/expire", async (c) => {
    const { id } = (await c.req.json()) as { id: string };
    return c.json({ expired: admin.bulk.expire(id) });
  });
  app.post("/_sim/reset", (c) => {
    admin.reset();
    return c.json({ ok: true });
  });
  app.notFound((c) => c.json({ errors: "Not Found" }, 404));

  const server = await listenLocal(app.fetch, options.port ?? 0).catch((e) => {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  baseUrl = `http://127.0.0.1:${portOf(server)}`;

  return {
    url: baseUrl,
    token,
    apiVersion: DEFAULT_API_VERSION,
    shop: store.cfg.shop.myshopifyDomain,
    clientId,
    clientSecret,
    graphqlUrl: `${baseUrl}/admin/api/${DEFAULT_API_VERSION}/graphql.json`,
    admin,
    async close() {
      jobs.close();
      await webhooks.idle().catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

