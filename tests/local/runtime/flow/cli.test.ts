// A flow end to end through the CLI as real processes: `wm-local run` leaves
// an approval flow suspended and exits; a later `wm-local resume` process
// finishes it (or cancels it with --reject); `wm-local logs` shows every step.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../../local/config.ts";
import { cliSandbox, type CliSandbox } from "../../../helpers/cli.ts";
import { freshDatabase, type TestDatabase } from "../../../helpers/db.ts";

let db: TestDatabase;
let cli: CliSandbox;

beforeAll(async () => {
  db = await freshDatabase();
  cli = cliSandbox(db, { WM_LOCAL_ROOT: join(repoRoot, "tests/fixtures/workspace"), WM_LOCAL_TIME_SCALE: "0.01" });
});
afterAll(async () => {
  await db?.drop();
  cli?.cleanup();
});

const wmLocal = (...args: string[]) => cli.run(...args);

describe("wm-local run / resume / logs on a flow", () => {
  it("suspends at the approval, resumes in a new process with the payload, and shows all step logs", async () => {
    const run = await wmLocal("run", "f/flows/approval", "-d", JSON.stringify({ amount: 12 }));
    expect(run.code).toBe(0);
    const id = /waiting for approval: wm-local resume ([0-9a-f]{8})/.exec(run.stderr)?.[1];
    expect(id, run.stderr).toBeDefined();
    expect(run.stderr).toMatch(/\[prepare\]|\[ask\]|suspended/);
    const [row] = await db.sql`select id, status, flow_status from wm_local.jobs where id::text like ${id + "%"}`;
    expect(row.status).toBe("suspended");

    const resumed = await wmLocal("resume", id!, "-d", JSON.stringify({ note: "from the cli" }), "--as", "felix", "--json");
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ resume: { note: "from the cli" }, approvers: ["felix"], prepared: { amount: 12 } });

    const logs = await wmLocal("logs", id!);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain("approved by felix");
    expect(logs.stderr).toContain(`-- job ${row.id} f/flows/approval: success`);
    const steps = await db.sql`select flow_step_id, status from wm_local.jobs where parent_job = ${row.id} order by created_at`;
    expect(steps.map((s) => `${s.flow_step_id}:${s.status}`)).toEqual(["prepare:success", "ask:success", "after:success"]);
  });

  // Two flows at once (processes are slow to start): one rejected, one answered too late.
  it("resume --reject cancels the flow (exit 1); an answer after the (scaled) timeout fails it as timed out", async () => {
    const [toReject, toTimeOut] = await Promise.all([
      wmLocal("run", "f/flows/approval", "-d", JSON.stringify({ amount: 1 })),
      wmLocal("run", "f/flows/approval_timeout"),
    ]);
    const rejectId = /wm-local resume ([0-9a-f]{8})/.exec(toReject.stderr)![1];
    const lateId = /wm-local resume ([0-9a-f]{8})/.exec(toTimeOut.stderr)![1];
    // approval_timeout waits 1 s x 0.01, and the process that would have timed it out has exited
    const [rejected, late] = await Promise.all([wmLocal("resume", rejectId, "--reject", "--as", "olivia"), wmLocal("resume", lateId, "--json")]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/canceled: Job canceled: disapproved by olivia/);
    const [row] = await db.sql`select status from wm_local.jobs where id::text like ${rejectId + "%"}`;
    expect(row.status).toBe("canceled");
    expect(late.code).toBe(1);
    expect(JSON.parse(late.stdout)).toMatchObject({ status: "failure", error: { name: "SuspendedTimedOut", step_id: "ask" } });
  });
});
