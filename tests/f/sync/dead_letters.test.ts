// S6 end to end through the local runner: a simulator export with truncated
// lines (jsonl:truncated) leaves dead letters; they are listed by class with
// their runbook section; a retry from the archive merges the orphaned line
// items once a later run loaded their orders, while the truncated lines stay
// open (the archive holds the same truncated bytes) and are dismissed with a
// reason; every resolution is audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFor } from "../../../local/runtime/identity.ts";
import { expectOrdersMatchTruth } from "../lib/ingest/helpers.ts";
import { expectSucceeded, runSync, syncHarness, type SyncHarness } from "./helpers.ts";

let h: SyncHarness;

const run = (path: string, args: Record<string, unknown>, user?: string) =>
  h.runner.run(`f/sync/${path}`, { db: "$res:f/platform/db", ...(path.endsWith("retry") || path.endsWith("inspect") ? { archive: "$res:f/platform/archive" } : {}), ...args }, user ? { user: identityFor(user) } : {});

const open = () => h.db.sql<{ id: number; error_class: string; message: string }[]>`select id::int, error_class, message from ingest_failures where resolved_at is null order by id`;
const auditCount = async () => (await h.db.sql<{ n: number }[]>`select count(*)::int as n from audit_log`)[0]!.n;

beforeAll(async () => {
  h = await syncHarness({ orders: 120, seed: "dead-letters" });
  h.sim.admin.setFaults("jsonl:truncated=8");
  const summary = expectSucceeded(await runSync(h, { resources: ["orders"] }));
  expect(summary.status).toBe("partial");
});
afterAll(() => h.close());

describe("dead letters (S6)", () => {
  it("lists the malformed lines grouped by class, with the runbook section for each", async () => {
    const list = expectSucceeded(await run("dead_letters_list", {}));
    const classes = Object.fromEntries(list.groups.map((g: any) => [g.error_class, g]));
    expect(classes.json_syntax).toMatchObject({ count: 8, resources: ["orders"], runbook: "docs/runbooks/interpret-ingest-failures.md#json_syntax" });
    // Truncated order lines orphan their line items: invalid_record, flagged as orphans.
    expect(classes.invalid_record.count).toBeGreaterThan(0);
    expect(classes.invalid_record.orphans).toBe(classes.invalid_record.count);
    expect(classes.invalid_record.runbook).toBe("docs/runbooks/interpret-ingest-failures.md#invalid_record");
    expect(list.total).toBe(list.items.length);
    expect(list.items.find((i: any) => i.error_class === "json_syntax").line_number).toBeGreaterThan(0);

    const one = list.items.find((i: any) => i.error_class === "json_syntax");
    const detail = expectSucceeded(await run("dead_letters_inspect", { id: one.id }));
    expect(detail.archive_line.text).toBe(detail.raw_text);
    expect(detail.parses_now).toMatchObject({ ok: false, error_class: "json_syntax" });
    expect(detail.runbook.section).toBe("docs/runbooks/interpret-ingest-failures.md#json_syntax");
  });

  it("a retry before the orders are in changes nothing; after the next run it merges the orphans from the archive", async () => {
    const before = await open();
    const ids = before.map((r) => r.id);
    const early = expectSucceeded(await run("dead_letters_retry", { ids }));
    expect(early).toMatchObject({ merged: 0, superseded: 0, still_failing: ids.length });
    expect(early.outcomes.filter((o: any) => o.error_class === "invalid_record").every((o: any) => /is not in the mirror yet/.test(o.message))).toBe(true);
    expect(await open()).toEqual(before);
    expect(await auditCount()).toBe(0);

    // The watermark did not move, so the next run exports the window again and loads the orders.
    expect(expectSucceeded(await runSync(h, { resources: ["orders"] })).status).toBe("succeeded");
    const orphans = before.filter((r) => r.error_class === "invalid_record");
    const truncated = before.filter((r) => r.error_class === "json_syntax");
    const retried = expectSucceeded(await run("dead_letters_retry", { ids }));
    expect(retried).toMatchObject({ merged: orphans.length, still_failing: truncated.length });
    for (const o of retried.outcomes.filter((x: any) => x.outcome === "merged")) {
      expect(o).toMatchObject({ source: "archive", resolution: expect.stringMatching(/^retried: merged from shopify\/orders\/.* line \d+/) });
    }
    for (const o of retried.outcomes.filter((x: any) => x.outcome === "still_failing")) {
      expect(o).toMatchObject({ error_class: "json_syntax", message: expect.stringContaining("the archive holds the bytes as downloaded") });
    }
    expect((await open()).map((r) => r.id)).toEqual(truncated.map((r) => r.id));
    await expectOrdersMatchTruth(h.db.sql, h.sim);

    const audits = await h.db.sql<{ actor: string; action: string; entity_id: string; before: any; after: any }[]>`select actor, action, entity_id, before, after from audit_log order by id`;
    expect(audits.map((a) => Number(a.entity_id))).toEqual(orphans.map((o) => o.id));
    expect(audits[0]).toMatchObject({ actor: "admin@shop.local", action: "ingest_failure.retry", before: { resolved_at: null }, after: { resolved_by: "admin@shop.local", resolution: expect.stringMatching(/^retried: merged/) } });
  });

  it("dismiss refuses bad input and other teams without writing, then resolves with the reason, audited", async () => {
    const truncated = (await open()).map((r) => r.id);
    const audits = await auditCount();
    const short = await run("dead_letters_dismiss", { ids: truncated, reason: "no" });
    expect(short.status).toBe("failure");
    expect(short.error!.message).toMatch(/reason: say why/);
    const empty = await run("dead_letters_dismiss", { ids: [], reason: "re-exported by the next run" });
    expect(empty.error!.message).toMatch(/ids: select at least one dead letter/);
    const unknown = await run("dead_letters_dismiss", { ids: [...truncated, 999_999], reason: "re-exported by the next run" });
    expect(unknown.error!.message).toMatch(/ids: dead letter 999999 does not exist/);
    const felix = await run("dead_letters_dismiss", { ids: truncated, reason: "re-exported by the next run" }, "felix");
    expect(felix.error!.message).toMatch(/needs the ops team/);
    expect(await auditCount()).toBe(audits);
    expect((await open()).map((r) => r.id)).toEqual(truncated);

    const out = expectSucceeded(await run("dead_letters_dismiss", { ids: truncated, reason: "truncated download; the next run re-exported the orders" }, "olivia"));
    expect(out.dismissed.map((d: any) => d.id)).toEqual(truncated);
    expect(await open()).toEqual([]);
    const rows = await h.db.sql<{ action: string; actor: string; after: any }[]>`select action, actor, after from audit_log where action = 'ingest_failure.dismiss' order by id`;
    expect(rows).toHaveLength(truncated.length);
    expect(rows[0]).toMatchObject({ actor: "olivia@shop.local", after: { resolution: "dismissed: truncated download; the next run re-exported the orders", resolved_by: "olivia@shop.local" } });

    // A resolved dead letter cannot be dismissed (or retried) again.
    const again = await run("dead_letters_retry", { ids: truncated.slice(0, 1) });
    expect(again.error!.message).toMatch(/is already resolved \(dismissed: truncated download/);
    const all = expectSucceeded(await run("dead_letters_list", { include_resolved: true }));
    expect(all.items.every((i: any) => i.resolved_at)).toBe(true);
  });
});
