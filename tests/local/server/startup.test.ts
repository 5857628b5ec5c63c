// `startServer` refuses, at start-up and naming the file, trigger and schedule
// files that are invalid or use what wm-local does not run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeServed, startServer } from "../../../local/serve.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { testRunner } from "../../helpers/runner.ts";

let db: TestDatabase;
const roots: string[] = [];
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  await db.drop();
});

const SCRIPT = "export async function main(x: string) { return x; }\n";
const TRIGGER = {
  route_path: "hook",
  http_method: "post",
  script_path: "f/app/run",
  is_flow: false,
  request_type: "sync",
  authentication_method: "none",
  is_static_website: false,
  workspaced_route: false,
  wrap_body: false,
  raw_string: false,
};
const yaml = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join("\n") + "\n";

/** A throwaway workspace with f/app/run.ts plus the given files. */
function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "wm-serve-"));
  roots.push(root);
  for (const [rel, text] of Object.entries({ "f/app/run.ts": SCRIPT, ...files })) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const start = (files: Record<string, string>, schedules = false) =>
  startServer({ runner: testRunner(db, { root: workspace(files) }), port: 0, schedules }).then(async (s) => {
    await s.close();
    return s;
  });

describe("HTTP trigger files", () => {
  it("a valid one starts", async () => {
    const s = await start({ "f/app/hook.http_trigger.yaml": yaml(TRIGGER) });
    expect(s.triggers.map((t) => t.path)).toEqual(["f/app/hook"]);
  });

  it.each([
    ["a missing required field", { ...TRIGGER, raw_string: undefined }, /f\/app\/hook\.http_trigger\.yaml: invalid trigger file: .*raw_string/],
    ["a bad enum value", { ...TRIGGER, http_method: "fetch" }, /http_trigger\.yaml: invalid trigger file: \/http_method must be equal to one of the allowed values/],
    ["a leading slash in route_path", { ...TRIGGER, route_path: "/hook" }, /invalid route_path "\/hook"/],
    ["an unknown runnable", { ...TRIGGER, script_path: "f/app/nope" }, /script_path: no script or flow at "f\/app\/nope"/],
    ["is_flow that does not match", { ...TRIGGER, is_flow: true }, /f\/app\/run is a script but is_flow is true/],
    ["sync_sse", { ...TRIGGER, request_type: "sync_sse" }, /request_type sync_sse is not supported locally/],
    ["a static website", { ...TRIGGER, is_static_website: true }, /static websites and static assets are not supported locally/],
    ["custom_script without raw_string", { ...TRIGGER, authentication_method: "custom_script" }, /please enable the raw body option/],
    ["api_key without its resource", { ...TRIGGER, authentication_method: "api_key" }, /api_key needs authentication_resource_path/],
    ["retry", { ...TRIGGER, retry: { constant: { attempts: 1, seconds: 1 } } }, /retry on an HTTP trigger is not supported locally/],
  ])("%s is refused", async (_what, doc, message) => {
    const clean = Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));
    await expect(start({ "f/app/hook.http_trigger.yaml": yaml(clean) })).rejects.toThrow(message);
  });

  it("two triggers on the same method and route are refused", async () => {
    const files = { "f/app/a.http_trigger.yaml": yaml(TRIGGER), "f/app/b.http_trigger.yaml": yaml({ ...TRIGGER, route_path: "hook" }) };
    await expect(start(files)).rejects.toThrow(/route POST hook is already served by f\/app\/a\.http_trigger\.yaml/);
  });

  it("other trigger kinds are refused by name", async () => {
    await expect(start({ "f/app/feed.websocket_trigger.yaml": "url: wss://x\n" })).rejects.toThrow(/f\/app\/feed\.websocket_trigger\.yaml: websocket triggers are not supported locally/);
  });

  it("a v1 preprocessor (not `event`) is refused", async () => {
    const files = {
      "f/app/run.ts": "export async function preprocessor(wm_trigger: object, a: string) { return { x: a }; }\n" + SCRIPT,
      "f/app/hook.http_trigger.yaml": yaml(TRIGGER),
    };
    await expect(start(files)).rejects.toThrow(/preprocessor\(wm_trigger, a\) uses Windmill's v1 trigger format/);
  });
});

describe("schedule files (with schedules: true)", () => {
  const SCHEDULE = { schedule: "0 0 3 * * *", timezone: "UTC", enabled: true, script_path: "f/app/run", is_flow: false, args: { x: "a" } };

  it("a valid one starts and is listed with the routes and the login URL", async () => {
    const s = await start({ "f/app/nightly.schedule.yaml": yaml(SCHEDULE), "f/app/hook.http_trigger.yaml": yaml(TRIGGER) }, true);
    expect(s.scheduler?.schedules.map((x) => x.path)).toEqual(["f/app/nightly"]);
    const lines = describeServed(s, new Date("2026-06-01T12:00:00Z"));
    expect(lines[0]).toBe(`console: ${s.url}/?token=${s.token}`);
    expect(lines).toContain(`  POST   ${s.url}/api/r/hook  -> script f/app/run (sync, auth none)`);
    expect(lines).toContain('  f/app/nightly  "0 0 3 * * *" UTC -> f/app/run  next: 2026-06-02T03:00:00.000Z');
  });

  it.each([
    ["a 5-field cron", { ...SCHEDULE, schedule: "0 3 * * *" }, /cron "0 3 \* \* \*" has 5 fields; Windmill schedules need 6 \(seconds first\), e\.g\. "0 0 3 \* \* \*"/],
    ["a missing timezone", { ...SCHEDULE, timezone: undefined }, /invalid schedule file: \/ must have required property 'timezone'/],
    ["an unknown timezone", { ...SCHEDULE, timezone: "Mars/Olympus" }, /timezone "Mars\/Olympus" is not an IANA timezone/],
    ["a bare on_failure path", { ...SCHEDULE, on_failure: "f/app/run" }, /on_failure "f\/app\/run" must start with script\/ or flow\//],
    ["on_recovery", { ...SCHEDULE, on_recovery: "script/f/app/run" }, /on_recovery is not supported locally/],
    ["retry_if", { ...SCHEDULE, retry: { constant: { attempts: 1, seconds: 1 }, retry_if: { expr: "true" } } }, /retry\.retry_if is not supported locally/],
  ])("%s is refused", async (_what, doc, message) => {
    const clean = Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));
    await expect(start({ "f/app/nightly.schedule.yaml": yaml(clean) }, true)).rejects.toThrow(message);
  });
});
