// S4: replay archive objects into the raw mirror (by run, archive date range,
// resource or key), idempotently: newest updated_at wins, so an old archive
// never regresses newer data. Every object is verified against archive_objects
// (sha256, bytes, lines) before anything is merged; a mismatch fails naming the
// object. The orders the replay rewrote get their marts refreshed. Ops only.
//   npx wm-local run f/sync/replay_archive -d '{"run_ids": [42]}'
//   npx wm-local run f/sync/replay_archive -d '{"from": "2026-11-01", "to": "2026-11-08", "resources": ["orders"]}'
import { z } from "zod";
import type { S3Resource as S3 } from "../lib/archive.ts";
import { requireTeam } from "../lib/auth.ts";
import { connect, type Postgresql } from "../lib/db.ts";
import { replayArchive } from "../lib/replay/index.ts";
import { parseInputs } from "../lib/sync/inputs.ts";
import { SYNC_RESOURCES } from "../lib/sync/resources.ts";

const Instant = z.string().refine((s) => s === "" || Number.isFinite(Date.parse(s)), "must be an ISO date or datetime");
const Inputs = z
  .object({
    run_ids: z.array(z.number().int().positive()),
    from: Instant,
    to: Instant,
    resources: z.array(z.enum(SYNC_RESOURCES)),
    keys: z.array(z.string().startsWith("shopify/", "must be an archive key (shopify/<resource>/...)")),
    refresh_marts: z.boolean(),
  })
  .refine((i) => i.run_ids.length || i.from || i.to || i.resources.length || i.keys.length, { message: "select archive objects by run_ids, from/to, resources or keys", path: ["run_ids"] })
  .refine((i) => !i.from || !i.to || Date.parse(i.from) < Date.parse(i.to), { message: "must be after from", path: ["to"] });

export async function main(
  db: Postgresql,
  archive: S3,
  run_ids: number[] = [],
  from: string = "",
  to: string = "",
  resources: ("orders" | "products" | "customers" | "inventory_levels")[] = [],
  keys: string[] = [],
  refresh_marts: boolean = true,
) {
  const input = parseInputs(Inputs, { run_ids, from, to, resources, keys, refresh_marts }, "replay_archive");
  await requireTeam("ops");
  return replayArchive(connect(db), {
    s3: archive,
    selection: {
      runIds: input.run_ids,
      from: input.from ? new Date(input.from).toISOString() : null,
      to: input.to ? new Date(input.to).toISOString() : null,
      resources: input.resources,
      keys: input.keys,
    },
    jobId: process.env.WM_JOB_ID ?? null,
    refreshMarts: input.refresh_marts,
    log: (line) => console.log(line),
  });
}
