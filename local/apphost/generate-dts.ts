// `npx tsx local/apphost/generate-dts.ts [--check]`: (re)writes wmill.d.ts of
// every raw app from its backend/ runnables; --check only reports stale ones.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { workspaceRoot } from "../config.ts";
import { listApps, loadApp } from "./apps.ts";
import { wmillDts, wmillDtsPath } from "./wmill-dts.ts";

const check = process.argv.includes("--check");
const root = workspaceRoot();
let stale = 0;
for (const path of listApps(root)) {
  const app = loadApp(root, path);
  const file = wmillDtsPath(app);
  const text = wmillDts(app, root);
  if (existsSync(file) && readFileSync(file, "utf8") === text) continue;
  stale++;
  if (check) console.error(`${relative(root, file)} is out of date`);
  else {
    writeFileSync(file, text);
    console.log(`wrote ${relative(root, file)}`);
  }
}
process.exitCode = check && stale ? 1 : 0;
