// HTTP triggers through a real `startServer` on a free port, against the
// fixture workspace's f/triggers/*.http_trigger.yaml.
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../local/config.ts";
import type { Runner } from "../../../local/runtime/runner.ts";
import { startServer, type Served } from "../../../local/serve.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { testRunner } from "../../helpers/runner.ts";

const fixtures = join(repoRoot, "tests/fixtures/workspace");
let db: TestDatabase;
let runner: Runner;
let served: Served;

beforeAll(async () => {
  db = await freshDatabase();
  runner = testRunner(db, { root: fixtures });
  served = await startServer({ runner, port: 0, token: "test-token" });
});
afterAll(async () => {
  await served?.close();
  await db.drop();
});

const route = (path: string) => `${served.url}/api/r/${path}`;
const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(route(path), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("the login token", () => {
  it("guards everything but the HTTP triggers", async () => {
    expect((await fetch(`${served.url}/apps/`)).status).toBe(401);
    const withToken = await fetch(`${served.url}/apps/`, { headers: { authorization: "Bearer test-token" } });
    expect(withToken.status).not.toBe(401);
    expect((await fetch(`${served.url}/apps/`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    // a public route answers without it
    expect((await postJson("echo/public", { name: "x" })).status).toBe(200);
  });

  it("lists the routes it serves", () => {
    expect(served.triggers.map((t) => t.path)).toContain("f/triggers/public_echo");
    expect(served.triggers.find((t) => t.path === "f/triggers/inspect")?.fullRoute).toBe("shops/:shop/items/:id");
  });
});

describe("arguments", () => {
  it("the JSON body's fields become main's args; undeclared fields are dropped as Windmill does", async () => {
    const res = await postJson("echo/public", { name: "ada", count: 3, extra: "ignored" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = await res.json();
    expect(body).toMatchObject({ name: "ada", count: 3, raw_string: null });
    const job = await runner.jobs.get(body.job);
    expect(job).toMatchObject({ path: "f/triggers/echo", trigger_kind: "http", trigger_path: "f/triggers/public_echo", status: "success" });
    expect(job!.args).toEqual({ name: "ada", count: 3 });
  });

  it("raw_string: true adds the exact body text as the raw_string arg", async () => {
    const text = '{"name":"raw",  "count": 1}';
    const res = await fetch(route("echo/raw"), { method: "POST", headers: { "content-type": "application/json" }, body: text });
    expect(await res.json()).toMatchObject({ name: "raw", count: 1, raw_string: text });
    // without raw_string on the trigger, main gets none
    expect(await (await postJson("echo/public", { name: "n" })).json()).toMatchObject({ raw_string: null });
  });

  it("wrap_body passes the whole body as `body`; a non-object body is always wrapped", async () => {
    expect(await (await postJson("body/wrapped", { a: 1 })).json()).toEqual({ body: { a: 1 } });
    const res = await fetch(route("body/whole"), { method: "PUT", headers: { "content-type": "application/json" }, body: "[1,2]" });
    expect(await res.json()).toEqual({ body: [1, 2] });
  });

  it("a body that does not fit main's schema is refused with 400 before any job", async () => {
    const res = await postJson("echo/public", { count: 1 });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('missing required argument "name"');
  });

  it("malformed JSON is a 400, an unknown content type a 415", async () => {
    const bad = await fetch(route("echo/public"), { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(bad.status).toBe(400);
    const odd = await fetch(route("echo/public"), { method: "POST", headers: { "content-type": "image/png" }, body: "x" });
    expect(odd.status).toBe(415);
  });
});

describe("routing", () => {
  it("unknown routes and wrong methods are 404", async () => {
    expect((await postJson("nowhere", {})).status).toBe(404);
    expect((await fetch(route("echo/public"))).status).toBe(404); // GET on a POST route
  });

  it("answers OPTIONS with Windmill's CORS headers", async () => {
    const res = await fetch(route("echo/public"), { method: "OPTIONS" });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("preprocessor", () => {
  it("receives Windmill's http event (route params, query, headers, method) and its result becomes main's args", async () => {
    const res = await fetch(route("shops/acme/items/42?verbose=1&x=y"), { headers: { "x-custom": "hello" } });
    expect(res.status).toBe(200);
    const { seen, id, verbose } = await res.json();
    expect(id).toBe("42");
    expect(verbose).toBe(true);
    expect(seen).toMatchObject({
      kind: "http",
      trigger_path: "f/triggers/inspect",
      route: "shops/:shop/items/:id",
      path: "shops/acme/items/42",
      method: "get",
      params: { shop: "acme", id: "42" },
      query: { verbose: "1", x: "y" },
      body: {},
      raw_string: null,
    });
    expect(seen.headers["x-custom"]).toBe("hello");
  });

  it("gets the body and, with raw_string, the raw text", async () => {
    const text = '{"sku": "TEE-1"}';
    const res = await fetch(route("shops/acme/items/7"), { method: "POST", headers: { "content-type": "application/json" }, body: text });
    const { seen } = await res.json();
    expect(seen).toMatchObject({ method: "post", body: { sku: "TEE-1" }, raw_string: text });
  });

  it("the job keeps the event but not the credentials it came with", async () => {
    const res = await fetch(route("shops/acme/items/9"), { headers: { authorization: "Bearer secret-thing" } });
    expect(res.status).toBe(200);
    const [job] = await db.sql`select args from wm_local.jobs where trigger_path = 'f/triggers/inspect' order by created_at desc limit 1`;
    expect(job.args.event.params).toEqual({ shop: "acme", id: "9" });
    expect(JSON.stringify(job.args)).not.toContain("secret-thing");
  });

  it("custom_script authentication leaves the check to the preprocessor, with the raw body", async () => {
    const res = await fetch(route("custom/5"), { method: "POST", headers: { "content-type": "text/plain" }, body: "signed text" });
    const { seen } = await res.json();
    expect(seen).toMatchObject({ raw_string: "signed text", params: { id: "5" } });
  });
});

describe("responses", () => {
  it("async answers 201 with the job id, and the job runs", async () => {
    const res = await postJson("echo/async", { name: "later" });
    expect(res.status).toBe(201);
    const id = await res.text();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const outcome = await runner.wait(id);
    expect(outcome.status).toBe("success");
    expect(outcome.result).toMatchObject({ name: "later" });
  });

  it("a failed job answers 422 with the error, like Windmill", async () => {
    const res = await postJson("fail", { message: "kaput" });
    expect(res.status).toBe(422);
    expect((await res.json()).error).toMatchObject({ name: "Error", message: "kaput" });
  });

  it("honours windmill_status_code, windmill_headers and windmill_content_type", async () => {
    const json = await fetch(route("status/401"));
    expect(json.status).toBe(401);
    expect(json.headers.get("x-local")).toBe("yes");
    expect(await json.json()).toEqual({ code: 401 });
    const text = await fetch(route("status/202?text=accepted"));
    expect(text.status).toBe(202);
    expect(text.headers.get("content-type")).toBe("text/plain");
    expect(await text.text()).toBe("accepted");
  });
});

describe("authentication methods", () => {
  it("windmill: needs the login token as Bearer (or cookie `token`)", async () => {
    expect((await postJson("echo/private", { name: "p" })).status).toBe(401);
    expect((await postJson("echo/private", { name: "p" }, { authorization: "Bearer nope" })).status).toBe(401);
    const ok = await postJson("echo/private", { name: "p" }, { authorization: "Bearer test-token" });
    expect(ok.status).toBe(200);
    expect((await postJson("echo/private", { name: "p" }, { cookie: "token=test-token" })).status).toBe(200);
  });

  it("api_key: the header named in the resource must carry its secret", async () => {
    expect((await postJson("echo/api-key", { name: "k" })).status).toBe(401);
    expect((await postJson("echo/api-key", { name: "k" }, { "x-api-key": "wrong" })).status).toBe(401);
    expect((await postJson("echo/api-key", { name: "k" }, { "x-api-key": "open-sesame" })).status).toBe(200);
  });

  it("basic_http: user and password from the resource", async () => {
    const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}` });
    const refused = await postJson("echo/basic", { name: "b" }, basic("felix", "nope"));
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe('Basic realm="Restricted Area"');
    expect((await postJson("echo/basic", { name: "b" })).status).toBe(401);
    expect((await postJson("echo/basic", { name: "b" }, basic("felix", "hunter2"))).status).toBe(200);
  });

  it("signature (custom HMAC): checks the header against the raw body", async () => {
    const body = JSON.stringify({ name: "signed" });
    const sign = (secret: string) => "sha256=" + createHmac("sha256", secret).update(body).digest("base64");
    const send = (headers: Record<string, string>) => fetch(route("echo/signed"), { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    const missing = await send({});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: "missing header x-signature" });
    const wrong = await send({ "x-signature": sign("not-it") });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "signature invalid" });
    const ok = await send({ "x-signature": sign("shh") });
    expect(ok.status).toBe(200);
    // signature auth forces raw_string, as in Windmill
    expect(await ok.json()).toMatchObject({ name: "signed", raw_string: body });
  });

  it("signature (GitHub preset): X-Hub-Signature-256", async () => {
    const body = JSON.stringify({ name: "gh" });
    const sig = "sha256=" + createHmac("sha256", "gh-secret").update(body).digest("hex");
    const send = (s: string) => fetch(route("echo/github"), { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": s }, body });
    const tampered = sig.slice(0, -1) + (sig.endsWith("0") ? "1" : "0");
    expect((await send(tampered)).status).toBe(401);
    expect((await send(sig)).status).toBe(200);
  });
});
