// `wmill lint` (windmill-cli, offline) passes on this repository, and the same
// command fails on a copy of the workspace with broken items, naming them.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { getValidationTargetFromFilename } from "windmill-yaml-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../local/config.ts";
import { listWorkspaceFiles } from "../../local/runtime/workspace.ts";

const WMILL = join(repoRoot, "node_modules", ".bin", "wmill");

interface LintReport {
  scannedFiles: number;
  validatedFiles: number;
  validFiles: number;
  invalidFiles: number;
  issues: { path: string; target: string; errors: string[] }[];
  success: boolean;
}

function wmill(cwd: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // HOME in the temp dir: lint must not depend on a logged-in workspace.
    const child = spawn(WMILL, args, { cwd, env: { ...process.env, NO_COLOR: "1", HOME: tmpdir() }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

describe("wmill lint on the repository", () => {
  it("passes and validates every flow, schedule and trigger file under f/", async () => {
    const expected = listWorkspaceFiles(repoRoot).filter((f) => getValidationTargetFromFilename(f) !== null);
    const human = await wmill(repoRoot, "lint");
    expect(human.code, plain(human.stdout + human.stderr)).toBe(0);
    expect(plain(human.stdout + human.stderr)).toContain(`Lint passed (${expected.length} file(s) validated, ${expected.length} valid)`);
    const json = await wmill(repoRoot, "lint", "--json");
    const report = JSON.parse(json.stdout) as LintReport;
    console.log(`wmill lint: ${report.scannedFiles} files scanned, ${report.validatedFiles} validated (${expected.join(", ") || "no flow/schedule/trigger files yet"})`);
    expect(report).toMatchObject({ success: true, invalidFiles: 0, issues: [], validatedFiles: expected.length, validFiles: expected.length });
    expect(report.scannedFiles).toBeGreaterThan(expected.length);
  });
});

describe("wmill lint on a broken copy of the workspace", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "wm-lint-"));
    copyFileSync(join(repoRoot, "wmill.yaml"), join(dir, "wmill.yaml"));
    const put = (rel: string, text: string) => {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    };
    put("f/demo/folder.meta.yaml", "summary: demo\ndisplay_name: demo\nowners: []\nextra_perms: {}\n");
    put("f/demo/good__flow/flow.yaml", "summary: ok\nvalue:\n  modules:\n    - id: a\n      value:\n        type: identity\nschema:\n  type: object\n  properties: {}\n  required: []\n");
    put("f/demo/broken__flow/flow.yaml", "summary: broken\nvalue:\n  modules:\n    - id: a\n      value:\n        type: rawscript\n        language: cobol\n        content: x\n        input_transforms: {}\n");
    put("f/demo/nightly.schedule.yaml", "schedule: '0 0 3 * * *'\nscript_path: f/demo/good\nis_flow: true\nargs: {}\nenabled: true\n");
    put("f/demo/orphan.script.yaml", "summary: metadata without a script\ndescription: ''\nlock: ''\nkind: script\nschema:\n  type: object\n  properties: {}\n  required: []\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("fails (exit 1) and names each broken file and its problem", async () => {
    const human = await wmill(dir, "lint");
    const text = plain(human.stdout + human.stderr);
    expect(human.code, text).toBe(1);
    expect(text).toContain("f/demo/broken__flow/flow.yaml (flow)");
    expect(text).toMatch(/language must be one of/);
    expect(text).toContain("f/demo/nightly.schedule.yaml (schedule)");
    expect(text).toMatch(/missing required property 'timezone'/);
    expect(text).toContain("f/demo/orphan.script.yaml (script)");
    expect(text).toMatch(/Lint failed \(3 invalid file\(s\)/);
    const report = JSON.parse((await wmill(dir, "lint", "--json")).stdout) as LintReport;
    expect(report.success).toBe(false);
    expect(report.issues.map((i) => i.path).sort()).toEqual(["f/demo/broken__flow/flow.yaml", "f/demo/nightly.schedule.yaml", "f/demo/orphan.script.yaml"]);
    expect(report.validFiles).toBe(1); // the good flow
  });
});
