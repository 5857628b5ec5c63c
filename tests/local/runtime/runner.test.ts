import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { repoRoot } from "../../../local/config.ts";
import { ArgsError } from "../../../local/runtime/args.ts";
import { identityFor } from "../../../local/runtime/identity.ts";
import type { Runner } from "../../../local/runtime/runner.ts";
import { UnknownPathError } from "../../../local/runtime/workspace.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";
import { testRunner } from "../../helpers/runner.ts";

const fixtures = join(repoRoot, "tests/fixtures/workspace");
let db: TestDatabase;
let runner: Runner;

beforeAll(async () => {
  db = await freshDatabase();
  runner = testRunner(db, { root: fixtures });
});
afterAll(() => db.drop());

const jobCount = async () => (await db.sql`select count(*)::int as n from wm_local.jobs`)[0].n as number;

describe("argument checks", () => {
  it.each([
    [{ count: 1 }, 'missing required argument "name"'],
    [{ name: "a", count: "1" }, 'argument "count" must be a number, got the string "1"'],
    [{ name: "a", count: 1, flag: "yes" }, 'argument "flag" must be a boolean'],
    [{ name: "a", count: 1, tags: [1] }, 'argument "tags" [0] must be a string'],
    [{ name: "a", count: 1, extra: 1 }, 'unknown argument "extra" (expected name, count, flag, tags)'],
  ])("%j is refused before any job is written", async (args, message) => {
    const before = await jobCount();
    const err = await runner.run("f/test/echo_args", args).catch((e) => e);
    expect(err).toBeInstanceOf(ArgsError);
    expect(err.message).toContain(message);
    expect(err.message).not.toContain("\n");
    expect(await jobCount()).toBe(before);
  });

  it("an unknown path names the path", async () => {
    await expect(runner.run("f/test/nope", {})).rejects.toBeInstanceOf(UnknownPathError);
    await expect(runner.run("../etc/passwd", {})).rejects.toThrow(/invalid path/);
  });

  it("valid args reach main in signature order", async () => {
    const out = await runner.run("f/test/echo_args", { tags: ["x"], count: 2, name: "n" });
    expect(out.status).toBe("success");
    expect(out.result).toEqual({ name: "n", count: 2, flag: false, tags: ["x"] });
    expect(out.job.args).toEqual({ tags: ["x"], count: 2, name: "n" });
  });
});

describe("resources, variables and the WM_* environment", () => {
  it("resolves $res: (with nested $var:) and $var: arguments", async () => {
    const out = await runner.run("f/test/whoami", { db: "$res:f/test/pg", greeting: "$var:f/test/greeting" });
    const result = out.result as { db: unknown; greeting: string };
    expect(result.db).toEqual({ host: "fixture-host", port: 5433, dbname: "fixture", password: "hello from a variable" });
    expect(result.greeting).toBe("hello from a variable");
    // the recorded args keep the references, never the secret values
    expect(out.job.args).toEqual({ db: "$res:f/test/pg", greeting: "$var:f/test/greeting" });
  });

  it("fails clearly on a missing resource", async () => {
    const out = await runner.run("f/test/whoami", { db: "$res:f/test/missing", greeting: "x" });
    expect(out.status).toBe("failure");
    expect(out.error?.message).toBe("resource not found: $res:f/test/missing");
  });

  it("sets WM_* like a Windmill worker, per job", async () => {
    const user = identityFor("felix");
    const out = await runner.run("f/test/whoami", { db: { host: "h", port: 1, dbname: "d" }, greeting: "hi" }, { user, endUserEmail: "dana@shop.local" });
    const env = (out.result as { env: Record<string, string> }).env;
    expect(env.WM_JOB_ID).toBe(out.job.id);
    expect(env.WM_JOB_PATH).toBe("f/test/whoami");
    expect(env.WM_USERNAME).toBe("felix");
    expect(env.WM_EMAIL).toBe("felix@shop.local");
    expect(env.WM_PERMISSIONED_AS).toBe("u/felix");
    expect(env.WM_END_USER_EMAIL).toBe("dana@shop.local");
    expect(env.WM_WORKSPACE).toBe("local");
    expect(env.WM_ROOT_JOB_ID).toBe(out.job.id);
    // not leaked into the process
    expect(process.env.WM_JOB_ID).toBeUndefined();
  });
});

describe("jobs and logs", () => {
  it("captures logs per job when two jobs run at once", async () => {
    const [a, b] = await Promise.all([
      runner.run("f/test/chatty", { tag: "AAA", lines: 5, delay_ms: 7 }),
      runner.run("f/test/chatty", { tag: "BBB", lines: 5, delay_ms: 5 }),
    ]);
    for (const [out, tag, other] of [[a, "AAA", "BBB"], [b, "BBB", "AAA"]] as const) {
      const lines = (await runner.jobs.logs(out.job.id)).map((l) => l.line);
      expect(lines).toEqual([0, 1, 2, 3, 4].map((i) => `${tag} line ${i}`).concat(`${tag} done`));
      expect(lines.join("\n")).not.toContain(other);
    }
  });

  it("records a failure with its error and logs", async () => {
    const out = await runner.run("f/test/boom", { message: "kaput" });
    expect(out.status).toBe("failure");
    expect(out.error).toMatchObject({ name: "Error", message: "kaput" });
    const [row] = await db.sql`select status, error, finished_at from wm_local.jobs where id = ${out.job.id}`;
    expect(row.status).toBe("failure");
    expect(row.error.message).toBe("kaput");
    expect(row.finished_at).not.toBeNull();
    const lines = (await runner.jobs.logs(out.job.id)).map((l) => l.line);
    expect(lines[0]).toBe("about to fail");
    expect(lines.at(-1)).toBe("ERROR Error: kaput");
  });

  it("rerun reproduces the args of the original job", async () => {
    const first = await runner.run("f/test/echo_args", { name: "again", count: 7 });
    const second = await runner.rerun(first.job.id.slice(0, 8));
    expect(second.job.id).not.toBe(first.job.id);
    expect(second.job.rerun_of).toBe(first.job.id);
    expect(second.job.args).toEqual(first.job.args);
    expect(second.result).toEqual(first.result);
  });

  it("lists recent jobs, failed ones on request", async () => {
    const failed = await runner.jobs.list({ failed: true });
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((j) => j.status === "failure" || j.status === "canceled")).toBe(true);
    const all = await runner.jobs.list({ limit: 3 });
    expect(all).toHaveLength(3);
    expect(all[0].created_at.getTime()).toBeGreaterThanOrEqual(all[1].created_at.getTime());
  });
});
