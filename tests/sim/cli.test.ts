/** `wm-local sim` entry: one JSON line on start, SIGTERM stops it, bad flags fail with one line. */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../../local/sim/cli.ts", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));

function run(args: string[]) {
  return spawn(tsx, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
}

describe("sim CLI", () => {
  it("prints its URL and token as one JSON line, serves, and stops on SIGTERM", async () => {
    const child = run(["--orders", "50", "--seed", "cli", "--port", "0", "--faults", "graphql:503@1", "--bulk-delay-ms", "10"]);
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`exited ${code}`)));
    });
    const info = JSON.parse(firstLine) as { url: string; token: string; apiVersion: string; shop: string };
    expect(info.apiVersion).toBe("2026-10");
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.shop).toMatch(/\.myshopify\.com$/);
    const call = () => fetch(`${info.url}/admin/api/2026-10/graphql.json`, { method: "POST", headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": info.token }, body: JSON.stringify({ query: "{ ordersCount { count } }" }) });
    expect((await call()).status).toBe(503); // --faults applied
    expect(await (await call()).json()).toMatchObject({ data: { ordersCount: { count: 50 } } });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("rejects bad flags with one line and a non-zero exit", async () => {
    const cases = [["--orders", "many"], ["--faults", "graphql:teapot"], ["--bogus"]];
    await Promise.all(
      cases.map(async (args) => {
        const child = run(args);
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += d));
        const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
        expect(code, args.join(" ")).not.toBe(0);
        expect(stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
        expect(stderr).toMatch(/^wm-local sim: /);
      }),
    );
  });
});
