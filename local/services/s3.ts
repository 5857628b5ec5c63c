// Embedded S3-protocol server (s3rver) with the archive bucket created. Files
// live under the data dir, so archives survive restarts. If another local
// process already serves the same port (e.g. `npm start` while you run
// `wm-local run` in a second terminal), we share it instead of failing.
import S3rver from "s3rver";
import { mkdirSync } from "node:fs";
import { connect } from "node:net";
import type { S3Settings } from "../config.ts";

export interface EmbeddedS3Handle {
  settings: S3Settings;
  owned: boolean;
  stop(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export async function startEmbeddedS3(opts: { dir: string; port: number; bucket: string }): Promise<EmbeddedS3Handle> {
  mkdirSync(opts.dir, { recursive: true });
  const settingsFor = (port: number): S3Settings => ({
    endpoint: `http://127.0.0.1:${port}`, bucket: opts.bucket, region: "us-east-1", pathStyle: true, ...CREDENTIALS,
  });
  for (let attempt = 0; ; attempt++) {
    if (opts.port !== 0 && (await portOpen(opts.port))) {
      return { settings: settingsFor(opts.port), owned: false, async stop() {} };
    }
    const server = new S3rver({
      port: opts.port, address: "127.0.0.1", silent: true, directory: opts.dir,
      configureBuckets: [{ name: opts.bucket, configs: [] }],
    });
    try {
      const { port } = (await server.run()) as { port: number };
      return { settings: settingsFor(port), owned: true, stop: () => server.close() };
    } catch (e) {
      // Another process took the port between our check and our listen: share it.
      if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}
