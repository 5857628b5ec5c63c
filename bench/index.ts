export {};
// `npm run bench`: every benchmark, each printing its figures and ratios.
// Run one with `npm run bench -- <name>`.
const benches: Record<string, () => Promise<void>> = {
  startup: async () => (await import("./startup.ts")).default(),
  marts: async () => (await import("./marts.ts")).default(),
  ingest: async () => (await import("./ingest.ts")).default(),
};

const only = process.argv.slice(2).filter((a) => /^[a-z]/.test(a)); // names only: flags like --orders N belong to the benches
for (const name of only) if (!benches[name]) throw new Error(`unknown bench "${name}" (have: ${Object.keys(benches).join(", ")})`);
for (const [name, run] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n== ${name}`);
  await run();
}
process.exit(0);
