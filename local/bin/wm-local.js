#!/usr/bin/env node
// `npx wm-local ...`: load TypeScript through tsx, then run the CLI.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../cli.ts");
runCli(process.argv.slice(2));
