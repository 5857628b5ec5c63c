// Lines of an archived bulk result by line number, numbered exactly as the
// ingest numbered them (same splitter, empty lines counted). `verify` reads
// the object to its end so openArchive checks sha256/bytes/lines before any
// line is used; without it the read stops after the last wanted line.
import type { Sql } from "postgres";
import { openArchive, type S3Resource } from "../archive.ts";
import { readLines, type Line } from "../ingest/lines.ts";

export async function archiveLines(sql: Sql, s3: S3Resource, key: string, wanted: ReadonlySet<number>, opts: { verify: boolean }): Promise<Map<number, Line>> {
  const found = new Map<number, Line>();
  const last = Math.max(0, ...wanted);
  const body = await openArchive({ sql, s3, key });
  for await (const line of readLines(body)) {
    if (wanted.has(line.number)) found.set(line.number, line);
    if (!opts.verify && line.number >= last) break;
  }
  return found;
}
