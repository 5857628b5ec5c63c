// The scheduler on a real database with the fixture workspace's
// f/schedules/*.schedule.yaml; `tick(now)` stands in for the clock except in
// the one test that lets a real every-second cron run.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../local/config.ts";
import type { Runner } from "../../../local/runtime/runner.ts";
import { loadSchedules, type Schedule } from "../../../local/scheduler/load.ts";
import { Scheduler, type FireResult } from "../../../local/scheduler/scheduler.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { testRunner } from "../../helpers/runner.ts";

const fixtures = join(repoRoot, "tests/fixtures/workspace");
let db: TestDatabase;
let runner: Runner;
let all: Schedule[];

beforeAll(async () => {
  db = await freshDatabase();
  runner = testRunner(db, { root: fixtures }); // retry delays x0.01
  all = loadSchedules(fixtures);
});
afterAll(() => db.drop());

const only = (...names: string[]) => {
  const logs: string[] = [];
  const scheduler = new Scheduler({ runner, schedules: all.filter((s) => names.includes(s.path.split("/").pop()!)), log: (l) => logs.push(l) });
  return { scheduler, logs };
};
const ran = (r: FireResult) => {
  if (r.status === "skipped") throw new Error(`skipped: ${r.reason}`);
  return r;
};
const jobsOf = async (schedule: string) =>
  db.sql`select * from wm_local.jobs where trigger_kind = 'schedule' and trigger_path = ${schedule} order by created_at`;

it("loads every fixture schedule", () => {
  expect(all.map((s) => s.path.split("/").pop()).sort()).toEqual(
    ["disabled", "doomed", "every_other_failure", "every_second", "flaky_retry", "nightly_ny", "overlap", "overlap_allowed", "paused"],
  );
});

describe("tick", () => {
  it("fires a schedule at its cron time in its timezone, as a schedule job with scheduledFor", async () => {
    const { scheduler } = only("nightly_ny");
    expect(await scheduler.tick(new Date("2026-03-08T08:00:00Z"))).toEqual([]); // 04:00 EDT
    const [r] = await scheduler.tick(new Date("2026-03-08T07:00:00.400Z")); // 03:00 EDT
    const { attempts } = ran(r);
    expect(r.scheduledFor.toISOString()).toBe("2026-03-08T07:00:00.000Z");
    expect(attempts[0].result).toEqual({ label: "nightly", db_host: null, schedule_path: "f/schedules/nightly_ny", scheduled_for: "2026-03-08T07:00:00.000Z" });
    const [job] = await jobsOf("f/schedules/nightly_ny");
    expect(job.scheduled_for.toISOString()).toBe("2026-03-08T07:00:00.000Z");
  });

  it("resolves $res: args at run time and records the reference", async () => {
    const { scheduler } = only("every_second");
    const [r] = await scheduler.tick(new Date("2026-01-01T00:00:00Z"));
    expect(ran(r).attempts[0].result).toMatchObject({ db_host: "fixture-host" });
    expect(ran(r).attempts[0].job.args).toEqual({ label: "every-second", db: "$res:f/test/pg" });
  });

  it("never runs a disabled schedule, and skips ticks before paused_until", async () => {
    const { scheduler } = only("disabled", "paused");
    const results = await scheduler.tick(new Date("2026-01-01T00:00:00Z"));
    expect(results).toEqual([expect.objectContaining({ schedule: "f/schedules/paused", status: "skipped", reason: "paused until 2100-01-01T00:00:00.000Z" })]);
    expect(await jobsOf("f/schedules/disabled")).toHaveLength(0);
    expect(await jobsOf("f/schedules/paused")).toHaveLength(0);
  });
});

describe("no_flow_overlap", () => {
  it("skips a tick while the previous run still runs, and logs it", async () => {
    const { scheduler, logs } = only("overlap");
    const first = scheduler.tick(new Date("2026-01-01T00:00:00Z"));
    const [second] = await scheduler.tick(new Date("2026-01-01T00:00:01Z"));
    expect(second).toMatchObject({ status: "skipped", reason: "previous run still running (no_flow_overlap)" });
    expect(logs.join("\n")).toContain("skipping 2026-01-01T00:00:01.000Z, the previous run is still running");
    expect((await first).map((r) => r.status)).toEqual(["success"]);
    // once it is done, the next tick runs
    expect((await scheduler.tick(new Date("2026-01-01T00:00:02Z"))).map((r) => r.status)).toEqual(["success"]);
  });

  it("without it, runs overlap", async () => {
    const { scheduler } = only("overlap_allowed");
    const first = scheduler.tick(new Date("2026-01-01T00:00:00Z"));
    const second = await scheduler.tick(new Date("2026-01-01T00:00:01Z"));
    expect([...(await first), ...second].map((r) => r.status)).toEqual(["success", "success"]);
  });
});

describe("retry and on_failure", () => {
  it("retries a failing scheduled job (constant delay, scaled) until it succeeds", async () => {
    const { scheduler, logs } = only("flaky_retry");
    const t0 = Date.now();
    const [r] = await scheduler.tick(new Date("2026-01-01T10:30:00Z"));
    expect(ran(r).attempts.map((a) => a.status)).toEqual(["failure", "failure", "success"]);
    expect(r.status).toBe("success");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2 * 10 * 1000 * 0.01 - 5); // two 10 s waits x0.01
    expect(logs.filter((l) => /: retry \d in 10 s$/.test(l))).toHaveLength(2);
    // each attempt is its own job of the schedule
    expect((await jobsOf("f/schedules/flaky_retry")).map((j) => j.status)).toEqual(["failure", "failure", "success"]);
  });

  it("runs on_failure with Windmill's error-handler args once retries are spent", async () => {
    const { scheduler } = only("doomed");
    const [r] = await scheduler.tick(new Date("2026-01-01T10:45:00Z"));
    const { attempts, handler } = ran(r);
    expect(r.status).toBe("failure");
    expect(attempts).toHaveLength(2); // 1 + one exponential retry
    expect(handler?.status).toBe("success");
    expect(handler?.job.path).toBe("f/schedules/report_failure");
    expect(handler?.result).toEqual({
      error: expect.objectContaining({ name: "Error", message: "doomed: attempt 2 fails" }),
      path: "f/schedules/flaky",
      schedule_path: "f/schedules/doomed",
      job_id: attempts[1].job.id,
      is_flow: false,
      email: attempts[1].job.email,
      failed_times: 1,
      started_at: attempts[1].job.started_at!.toISOString(),
      channel: "ops",
    });
  });

  it("on_failure_times + on_failure_exact: only the 2nd consecutive failure calls the handler", async () => {
    const { scheduler } = only("every_other_failure");
    const handlerRuns: (number | undefined)[] = [];
    for (const minute of ["10:50", "11:50", "12:50"]) {
      const [r] = await scheduler.tick(new Date(`2026-01-01T${minute}:00Z`));
      handlerRuns.push((ran(r).handler?.result as { failed_times: number } | undefined)?.failed_times);
    }
    expect(handlerRuns).toEqual([undefined, 2, undefined]);
  });
});

it("runs a real */1 seconds cron on the wall clock, then stops cleanly", async () => {
  const { scheduler } = only("every_second", "disabled");
  const since = Date.now();
  scheduler.start();
  await new Promise((r) => setTimeout(r, 2500));
  await scheduler.stop();
  const jobs = await jobsOf("f/schedules/every_second");
  const live = jobs.filter((j) => j.scheduled_for.getTime() >= since); // not the earlier tick() runs
  expect(live.length).toBeGreaterThanOrEqual(2);
  expect(live.length).toBeLessThanOrEqual(3);
  for (const j of live) {
    expect(j.status).toBe("success");
    expect(j.scheduled_for.getMilliseconds()).toBe(0);
  }
  expect(new Set(live.map((j) => j.scheduled_for.getTime())).size).toBe(live.length);
  // stopped: nothing more starts
  await new Promise((r) => setTimeout(r, 1200));
  expect((await jobsOf("f/schedules/every_second")).length).toBe(jobs.length);
  expect(await jobsOf("f/schedules/disabled")).toHaveLength(0);
});
