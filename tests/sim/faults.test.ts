/** Each fault kind is produced as configured (by count or probability), via options and the admin endpoint. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseFaultSpec } from "../../local/sim/faults.ts";
import type { Simulator } from "../../local/sim/server.ts";
import { ORDERS_BULK_QUERY } from "../shopify/fixtures/bulk_queries.ts";
import { adminCall, graphql, runBulk, startTestSimulator, waitForBulk } from "./helpers.ts";

const SHOP_QUERY = "{ shop { name } }";
let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({ faults: "query:503@1" });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => sim.admin.clearFaults());

async function setFaults(spec: string) {
  const res = await adminCall(sim, "POST", "/_sim/faults", { spec, replace: true });
  expect(res.status).toBe(200);
}

describe("fault injection", () => {
  it("applies faults given at start (--faults) to the next request only", async () => {
    expect((await graphql(sim, SHOP_QUERY, undefined, { raw: true })).status).toBe(503);
    expect((await graphql(sim, SHOP_QUERY, undefined, { raw: true })).status).toBe(200);
  });

  it("THROTTLED at HTTP 200 with an empty bucket", async () => {
    await setFaults("graphql:throttled");
    const res = await graphql(sim, SHOP_QUERY, undefined, { raw: true });
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toEqual([{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }]);
    expect(res.body.extensions.cost).toMatchObject({ actualQueryCost: null, throttleStatus: { currentlyAvailable: 0, maximumAvailable: 2000, restoreRate: 100 } });
  });

  it("429 with Retry-After in seconds, for N requests", async () => {
    await setFaults("query:429=3@2");
    for (let i = 0; i < 2; i++) {
      const res = await graphql(sim, SHOP_QUERY, undefined, { raw: true });
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("3.0");
    }
    expect((await graphql(sim, SHOP_QUERY, undefined, { raw: true })).status).toBe(200);
  });

  it.each([500, 502, 503])("HTTP %i", async (status) => {
    await setFaults(`graphql:${status}`);
    expect((await graphql(sim, SHOP_QUERY, undefined, { raw: true })).status).toBe(status);
  });

  it("mutation faults do not hit queries", async () => {
    await setFaults("mutation:500");
    expect((await graphql(sim, SHOP_QUERY, undefined, { raw: true })).status).toBe(200);
    const res = await graphql(sim, `mutation { tagsAdd(id: "gid://shopify/Order/6100000000001", tags: ["x"]) { userErrors { message } } }`, undefined, { raw: true });
    expect(res.status).toBe(500);
  });

  it("ACCESS_DENIED names the missing scope", async () => {
    await setFaults("graphql:access_denied");
    const res = await graphql(sim, "{ orders(first: 1) { nodes { id } } }", undefined, { raw: true });
    expect(res.body.errors[0]).toMatchObject({ message: "Access denied for orders field. Required access: `read_orders` access scope.", extensions: { code: "ACCESS_DENIED" }, path: ["orders"] });
  });

  it("probability rules fire about as often as configured, reproducibly", async () => {
    await setFaults("graphql:503@30%");
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await graphql(sim, SHOP_QUERY, undefined, { raw: true })).status);
    const failures = statuses.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
    const listed = (await adminCall(sim, "GET", "/_sim/faults")).body.rules;
    expect(listed[0]).toMatchObject({ kind: "graphql", fault: "503", probability: 0.3, fired: failures });
  });

  it("token endpoint faults", async () => {
    await setFaults("token:503");
    const res = await fetch(`${sim.url}/admin/oauth/access_token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: sim.clientId, client_secret: sim.clientSecret }) });
    expect(res.status).toBe(503);
  });

  it("bulk FAILED with INTERNAL_SERVER_ERROR and a partialDataUrl; TIMEOUT likewise; ACCESS_DENIED without data; EXPIRED", async () => {
    await setFaults("bulk:failed=5");
    const failed = await waitForBulk(sim, await runBulk(sim, ORDERS_BULK_QUERY("")));
    expect(failed).toMatchObject({ status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", url: null, rootObjectCount: "5" });
    const partial = await (await fetch(failed.partialDataUrl)).text();
    expect(partial.trim().split("\n").length).toBe(Number(failed.objectCount));

    await setFaults("bulk:timeout");
    const timedOut = await waitForBulk(sim, await runBulk(sim, ORDERS_BULK_QUERY("")));
    expect(timedOut).toMatchObject({ status: "FAILED", errorCode: "TIMEOUT", url: null });
    expect(timedOut.partialDataUrl).toMatch(/^http/);

    await setFaults("bulk:access_denied");
    const denied = await waitForBulk(sim, await runBulk(sim, ORDERS_BULK_QUERY("")));
    expect(denied).toMatchObject({ status: "FAILED", errorCode: "ACCESS_DENIED", url: null, partialDataUrl: null });

    await setFaults("bulk:expired");
    const expired = await waitForBulk(sim, await runBulk(sim, ORDERS_BULK_QUERY("")));
    expect(expired.status).toBe("EXPIRED");
    expect((await fetch(expired.url)).status).toBe(403);
  });

  it("download faults: connection reset mid-body, 500, 503, 403", async () => {
    const op = await waitForBulk(sim, await runBulk(sim, ORDERS_BULK_QUERY("")));
    await setFaults("download:reset=0.3");
    const res = await fetch(op.url);
    expect(res.status).toBe(200);
    let received = 0;
    const reader = res.body!.getReader();
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          received += value.length;
        }
      })(),
    ).rejects.toThrow();
    expect(received).toBeLessThan(Number(op.fileSize));
    expect(received).toBeGreaterThan(0);
    for (const status of [500, 503, 403]) {
      await setFaults(`download:${status}`);
      expect((await fetch(op.url)).status).toBe(status);
    }
    expect((await fetch(op.url)).status).toBe(200);
  });

  it("malformed JSONL lines: truncated JSON, invalid UTF-8, empty lines", async () => {
    await setFaults("jsonl:truncated=2,jsonl:invalid_utf8=1,jsonl:empty_lines=1");
    const id = await runBulk(sim, ORDERS_BULK_QUERY(""));
    const op = await waitForBulk(sim, id);
    const detail = (await adminCall(sim, "GET", `/_sim/bulk/${encodeURIComponent(id)}`)).body;
    expect(detail.injected.map((x: { fault: string }) => x.fault).sort()).toEqual(["empty_lines", "invalid_utf8", "truncated", "truncated"]);
    const bytes = Buffer.from(await (await fetch(op.url)).arrayBuffer());
    expect(String(bytes.length)).toBe(op.fileSize);
    const rawLines: Buffer[] = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) (rawLines.push(bytes.subarray(start, i)), (start = i + 1));
    for (const { line, fault } of detail.injected as { line: number; fault: string }[]) {
      const raw = rawLines[line - 1]!;
      if (fault === "empty_lines") expect(raw.length).toBe(0);
      if (fault === "truncated") expect(() => JSON.parse(raw.toString("utf8"))).toThrow();
      if (fault === "invalid_utf8") expect(() => new TextDecoder("utf-8", { fatal: true }).decode(raw)).toThrow();
    }
    const good = rawLines.filter((_, i) => !detail.injected.some((x: { line: number }) => x.line === i + 1));
    expect(good.every((raw) => JSON.parse(raw.toString("utf8")).id)).toBe(true);
  });

  it("rejects an invalid spec with a clear message", async () => {
    const res = await adminCall(sim, "POST", "/_sim/faults", { spec: "graphql:teapot" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/unknown fault "teapot" for graphql/);
    expect(() => parseFaultSpec("nope")).toThrow(/invalid fault rule/);
    expect(parseFaultSpec("download:reset=0.25@always")[0]).toMatchObject({ kind: "download", fault: "reset", param: 0.25, remaining: null, probability: null });
  });
});
