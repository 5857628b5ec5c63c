// Reads an archive object end to end through openArchive, which checks its
// sha256, byte count and line count against archive_objects; a mismatch
// throws ArchiveIntegrityError naming the object. Done for every selected
// object before anything is merged, so a tampered object stops the replay
// before it writes a row.
import type { Sql } from "postgres";
import { ArchiveIntegrityError, openArchive, type S3Resource } from "../archive.ts";

export async function verifyArchiveObject(sql: Sql, s3: S3Resource, key: string): Promise<void> {
  let body: ReadableStream<Uint8Array>;
  try {
    body = await openArchive({ sql, s3, key });
  } catch (e) {
    throw new ArchiveIntegrityError(`archive object ${key} cannot be read: ${(e as Error).message}`);
  }
  const reader = body.getReader();
  try {
    for (;;) {
      const { done } = await reader.read();
      if (done) return;
    }
  } catch (e) {
    if (e instanceof ArchiveIntegrityError) throw e;
    // A gzip stream that does not decode is tampering (or corruption) too.
    throw new ArchiveIntegrityError(`archive object ${key} is corrupt: ${(e as Error).message}`);
  } finally {
    reader.releaseLock();
  }
}
