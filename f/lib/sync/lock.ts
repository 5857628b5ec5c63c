// Postgres advisory locks. A session lock lives on one connection, so the
// connection is reserved from the pool for as long as the lock is held, and
// the lock dies with it if the process does.
import type { Sql } from "postgres";

/** Runs fn while holding the lock `key`; returns { acquired: false } at once when someone else holds it. */
export async function withTryAdvisoryLock<T>(sql: Sql, key: string, fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }> {
  const conn = await sql.reserve();
  try {
    const [{ locked }] = await conn<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtextextended(${key}, 0)) as locked`;
    if (!locked) return { acquired: false };
    try {
      return { acquired: true, value: await fn() };
    } finally {
      await conn`select pg_advisory_unlock(hashtextextended(${key}, 0))`;
    }
  } finally {
    conn.release();
  }
}
