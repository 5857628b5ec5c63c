// The run ledger on a real Postgres: one running run at a time (advisory lock
// plus unique index), a retried plan keeps its run, stale runs are abandoned,
// steps are upserted, watermarks only move forward, alerts deduplicate.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { raiseAlert } from "../../../../f/lib/sync/alerts.ts";
import { withTryAdvisoryLock } from "../../../../f/lib/sync/lock.ts";
import { closeRun, openRun, requireRunning, SYNC_LOCK_KEY } from "../../../../f/lib/sync/runs.ts";
import { stepFinished, stepStarted, stepsOf } from "../../../../f/lib/sync/steps.ts";
import { advanceWatermark, readWatermarks } from "../../../../f/lib/sync/watermarks.ts";
import { freshDatabase, type TestDatabase } from "../../../helpers/db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());
beforeEach(async () => {
  await db.sql`truncate sync_runs, sync_watermarks, alerts restart identity cascade`;
});

const open = (jobId: string | null = null) => openRun(db.sql, { trigger: "test", jobId, options: { resources: ["orders"] } });

describe("sync runs", () => {
  it("of many concurrent openers exactly one opens a run; the others are refused with the reason", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => open(`job-${i}`)));
    const opened = results.filter((r) => r.opened);
    expect(opened).toHaveLength(1);
    for (const r of results.filter((r) => !r.opened)) expect(r.opened === false && r.reason).toMatch(/already running|being planned/);
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from sync_runs`;
    expect(n).toBe(1);
  });

  it("refuses while the advisory lock is held elsewhere, even with no run open", async () => {
    const inner = await withTryAdvisoryLock(db.sql, SYNC_LOCK_KEY, () => open());
    expect(inner.acquired && !inner.value.opened && inner.value.reason).toMatch(/advisory lock shopify-sync is held/);
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from sync_runs`;
    expect(n).toBe(0);
    expect((await open()).opened).toBe(true);
  });

  it("the unique index keeps a second running row out even without the lock", async () => {
    await open();
    await expect(db.sql`insert into sync_runs (trigger, status) values ('test', 'running')`).rejects.toThrow(/sync_runs_one_running_idx/);
  });

  it("a retried plan of the same flow job carries on with its run", async () => {
    const first = await open("flow-1");
    const again = await open("flow-1");
    expect(first.opened && again.opened && again.resumed).toBe(true);
    expect(first.opened && again.opened && again.run.id === first.run.id).toBe(true);
  });

  it("a stale run is abandoned; a closed run refuses further steps", async () => {
    const [stale] = await db.sql<{ id: number }[]>`insert into sync_runs (trigger, status, heartbeat_at) values ('test', 'running', now() - interval '11 minutes') returning id::int`;
    const next = await open();
    expect(next.opened && next.abandoned.map((r) => r.id)).toEqual([stale!.id]);
    await expect(requireRunning(db.sql, stale!.id)).rejects.toThrow(/is failed \(abandoned: no heartbeat since .*\), not running/);
    if (!next.opened) throw new Error("not opened");
    await closeRun(db.sql, next.run.id, { status: "succeeded" });
    await expect(requireRunning(db.sql, next.run.id)).rejects.toThrow(/is succeeded/);
  });
});

describe("steps, watermarks, alerts", () => {
  it("a retried step updates its one row: status back to running, counts replaced, not added", async () => {
    const run = await open();
    if (!run.opened) throw new Error("not opened");
    await stepStarted(db.sql, run.run.id, "orders", "load");
    await stepFinished(db.sql, run.run.id, "orders", "load", { status: "failed", counts: { objects: 5 }, error: "boom" });
    expect((await stepStarted(db.sql, run.run.id, "orders", "load")).error).toBeNull();
    await stepFinished(db.sql, run.run.id, "orders", "load", { status: "succeeded", counts: { objects: 7 } });
    expect((await stepsOf(db.sql, run.run.id)).map((s) => [s.resource, s.status, s.counts, s.error])).toEqual([["orders", "succeeded", { objects: 7 }, null]]);
  });

  it("watermarks only move forward", async () => {
    const run = await open();
    if (!run.opened) throw new Error("not opened");
    await advanceWatermark(db.sql, "orders", new Date("2026-11-20T00:00:00Z"), run.run.id);
    expect(await advanceWatermark(db.sql, "orders", new Date("2026-11-01T00:00:00Z"), run.run.id)).toEqual(new Date("2026-11-20T00:00:00Z"));
    await advanceWatermark(db.sql, "orders", new Date("2026-11-21T00:00:00Z"), run.run.id);
    expect((await readWatermarks(db.sql)).get("orders")).toEqual(new Date("2026-11-21T00:00:00Z"));
  });

  it("an open alert with the same key counts occurrences instead of piling up", async () => {
    const a = await raiseAlert(db.sql, { severity: "critical", source: "test", dedupeKey: "k", title: "one" });
    const b = await raiseAlert(db.sql, { severity: "critical", source: "test", dedupeKey: "k", title: "two" });
    expect(b).toEqual({ id: a.id, occurrences: 2 });
    await db.sql`update alerts set resolved_at = now()`;
    expect((await raiseAlert(db.sql, { severity: "warning", source: "test", dedupeKey: "k", title: "three" })).occurrences).toBe(1);
  });
});
