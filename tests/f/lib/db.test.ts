// f/lib/db.ts: the pool every script uses. Its sockets have Nagle's algorithm
// off: with it on, each COPY waits ~40-90 ms for the server's delayed ACK.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, connect, type Postgresql } from "../../../f/lib/db.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/db.ts";

let db: TestDatabase;
let resource: Postgresql;

beforeAll(async () => {
  db = await freshDatabase();
  const u = new URL(db.url);
  resource = { host: u.hostname, port: Number(u.port), user: u.username, password: u.password, dbname: u.pathname.slice(1) };
});
afterAll(async () => {
  await closeAll();
  await db?.drop();
});

describe("connect", () => {
  it("gives one pool per database and runs queries", async () => {
    const sql = connect(resource);
    expect(connect(resource)).toBe(sql);
    const [row] = await sql<{ db: string }[]>`select current_database() as db`;
    expect(row!.db).toBe(resource.dbname);
  });

  it("a small COPY round-trips without waiting for a delayed ACK (Nagle off)", async () => {
    const sql = connect(resource);
    await sql`create table copy_latency (a text)`;
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      await pipeline(Readable.from([`row ${i}\n`]), await sql`copy copy_latency from stdin`.writable());
      times.push(performance.now() - t);
    }
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from copy_latency`;
    expect(n).toBe(15);
    const median = times.sort((a, b) => a - b)[7]!;
    // With Nagle on, Linux's delayed ACK (40 ms minimum) puts every COPY at 40-90 ms.
    expect(median).toBeLessThan(25);
  });

  it("fails with the address when nothing listens", async () => {
    const sql = connect({ ...resource, port: 1, dbname: "nowhere" });
    await expect(sql`select 1`).rejects.toThrow(/ECONNREFUSED|127\.0\.0\.1:1/);
  });
});
