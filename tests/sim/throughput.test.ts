/**
 * A 100k-order export (orders + line items, the reference query) streams with flat
 * memory: the store is generated on the fly and the file is never held in memory.
 */
import { describe, expect, it } from "vitest";
import { startSimulator } from "../../local/sim/server.ts";
import { ORDERS_BULK_QUERY } from "../shopify/fixtures/bulk_queries.ts";
import { runBulk, TEST_NOW, waitForBulk } from "./helpers.ts";

describe("bulk export throughput", () => {
  it("exports 100k orders at tens of MB/s with flat memory", async () => {
    const sim = await startSimulator({ orders: 100_000, seed: "throughput", now: TEST_NOW, bulkDelayMs: 0 });
    try {
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const op = await waitForBulk(sim, await runBulk(sim, ORDERS_BULK_QUERY("")), 120_000);
      const exported = performance.now();
      const cpu = process.cpuUsage(cpuBefore);
      // CPU time, not wall time, decides the assertion: CI boxes are shared.
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      expect(op.status).toBe("COMPLETED");
      const response = await fetch(op.url);
      let bytes = 0;
      let lines = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
      }
      const downloaded = performance.now();
      clearInterval(sampler);
      const exportSeconds = (exported - started) / 1000;
      const figures = {
        orders: Number(op.rootObjectCount),
        lines,
        megabytes: +(bytes / 1e6).toFixed(1),
        exportLinesPerSecond: Math.round(lines / exportSeconds),
        exportMBps: +(bytes / 1e6 / exportSeconds).toFixed(1),
        exportLinesPerCpuSecond: Math.round(lines / cpuSeconds),
        exportMBPerCpuSecond: +(bytes / 1e6 / cpuSeconds).toFixed(1),
        downloadMBps: +(bytes / 1e6 / ((downloaded - exported) / 1000)).toFixed(1),
        rssGrowthMB: Math.round((rssPeak - rssBefore) / 1e6),
      };
      console.log("[sim throughput]", JSON.stringify(figures));
      expect(String(lines)).toBe(op.objectCount);
      expect(String(bytes)).toBe(op.fileSize);
      expect(figures.orders).toBe(100_000);
      expect(figures.exportMBPerCpuSecond).toBeGreaterThan(10);
      expect(figures.rssGrowthMB).toBeLessThan(200);
    } finally {
      await sim.close();
    }
  }, 120_000);
});
