// The services a local run needs: Postgres and S3, embedded unless the
// environment points at real ones (DATABASE_URL, S3_*).
import { join } from "node:path";
import { loadConfig, ARCHIVE_BUCKET, type LocalConfig, type S3Settings } from "../config.ts";
import { startEmbeddedPostgres } from "./postgres.ts";
import { startEmbeddedS3 } from "./s3.ts";

export interface Services {
  databaseUrl: string;
  s3: S3Settings;
  /** What is embedded vs external, for the start-up banner. */
  describe(): string[];
  stop(): Promise<void>;
}

export async function startServices(config: LocalConfig = loadConfig(), log: (m: string) => void = () => {}): Promise<Services> {
  const pg = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dir: join(config.dataDir, "pg"), port: config.pgPort, log });
  let s3h;
  try {
    s3h = config.s3 ? undefined : await startEmbeddedS3({ dir: join(config.dataDir, "s3"), port: config.s3Port, bucket: ARCHIVE_BUCKET });
  } catch (e) {
    await pg?.stop();
    throw e;
  }
  const databaseUrl = config.databaseUrl ?? pg!.url;
  const s3 = config.s3 ?? s3h!.settings;
  return {
    databaseUrl,
    s3,
    describe: () => [
      `postgres  ${pg ? `embedded, port ${pg.port}${pg.owned ? "" : " (shared)"}` : "DATABASE_URL"}`,
      `s3        ${s3h ? `embedded, ${s3.endpoint} bucket ${s3.bucket}${s3h.owned ? "" : " (shared)"}` : `S3_ENDPOINT ${s3.endpoint}`}`,
    ],
    async stop() {
      await s3h?.stop();
      await pg?.stop();
    },
  };
}
