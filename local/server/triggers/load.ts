// Loads the workspace's HTTP triggers (`f/**\/*.http_trigger.yaml`) and refuses,
// at start-up and by name, anything Windmill would serve that we do not.
// Other trigger kinds (websocket, kafka, ...) need brokers we do not run.
import { readFileSync } from "node:fs";
import { findItem, listWorkspaceFiles } from "../../runtime/workspace.ts";
import { parseSignature } from "../../runtime/signature.ts";
import { findYamlItems, readValidated, WorkspaceYamlError } from "../workspace-yaml.ts";

export type HttpMethod = "get" | "post" | "put" | "delete" | "patch";
export type AuthMethod = "none" | "windmill" | "api_key" | "basic_http" | "custom_script" | "signature";

/** The fields of an http_trigger.yaml (skill text `triggers`). */
export interface HttpTriggerDoc {
  script_path: string;
  is_flow: boolean;
  route_path: string;
  http_method: HttpMethod;
  request_type: "sync" | "async" | "sync_sse";
  authentication_method: AuthMethod;
  authentication_resource_path?: string;
  is_static_website: boolean;
  static_asset_config?: unknown;
  workspaced_route: boolean;
  wrap_body: boolean;
  raw_string: boolean;
  allowed_origins?: string[] | null;
  error_handler_path?: string;
  retry?: unknown;
  summary?: string;
  description?: string;
}

export interface HttpTrigger extends HttpTriggerDoc {
  /** The trigger's own path (file name minus `.http_trigger.yaml`). */
  path: string;
  file: string;
  /** The URL path Windmill matches, without the /api/r prefix. */
  fullRoute: string;
  /** The runnable reads the whole request through `preprocessor(event)`. */
  hasPreprocessor: boolean;
}

export class TriggerConfigError extends WorkspaceYamlError {
  override name = "TriggerConfigError";
}

// Windmill's VALID_ROUTE_PATH_RE: segments of [-\w], each optionally a :param.
const VALID_ROUTE = /^:?[-\w]+(\/:?[-\w]+)*$/;

export function loadHttpTriggers(root: string, workspace: string): HttpTrigger[] {
  refuseOtherTriggerKinds(root);
  const triggers = findYamlItems(root, ".http_trigger.yaml").map((item) => {
    const { doc } = readValidated<HttpTriggerDoc>(root, item, { type: "trigger", triggerKind: "http" });
    return checkTrigger(root, workspace, item.path, item.file, doc);
  });
  const seen = new Map<string, string>();
  for (const t of triggers) {
    // Windmill's route key: params are wildcards, so a/:x and a/:y collide.
    const key = `${t.http_method} ${t.fullRoute.replace(/:[-\w]+/g, ":")}`;
    const other = seen.get(key);
    if (other) throw new TriggerConfigError(`${t.file}: route ${t.http_method.toUpperCase()} ${t.fullRoute} is already served by ${other}`);
    seen.set(key, t.file);
  }
  return triggers;
}

function refuseOtherTriggerKinds(root: string): void {
  for (const file of listWorkspaceFiles(root)) {
    const kind = /\.([a-z]+)_trigger\.yaml$/.exec(file)?.[1];
    if (kind && kind !== "http") {
      throw new TriggerConfigError(`${file}: ${kind} triggers are not supported locally (wm-local serve runs HTTP triggers and schedules only)`);
    }
  }
}

function checkTrigger(root: string, workspace: string, path: string, file: string, doc: HttpTriggerDoc): HttpTrigger {
  const fail = (why: string): never => {
    throw new TriggerConfigError(`${file}: ${why}`);
  };
  if (!VALID_ROUTE.test(doc.route_path)) fail(`invalid route_path "${doc.route_path}" (segments of letters, digits, _ or -, optionally :param; no leading /)`);
  if (doc.request_type === "sync_sse") fail("request_type sync_sse is not supported locally (use sync or async)");
  if (doc.is_static_website || doc.static_asset_config) fail("static websites and static assets are not supported locally");
  if (doc.error_handler_path) fail("error_handler_path on an HTTP trigger is not supported locally");
  if (doc.retry) fail("retry on an HTTP trigger is not supported locally");
  if (doc.allowed_origins?.length && !(doc.allowed_origins.length === 1 && doc.allowed_origins[0] === "*")) {
    fail("allowed_origins other than ['*'] is not supported locally");
  }
  // Windmill's own rule (validate_authentication_method).
  if (doc.authentication_method === "custom_script" && !doc.raw_string) {
    fail("To use custom script authentication, please enable the raw body option (raw_string: true).");
  }
  if (["api_key", "basic_http", "signature"].includes(doc.authentication_method) && !doc.authentication_resource_path) {
    fail(`authentication_method ${doc.authentication_method} needs authentication_resource_path`);
  }

  let item;
  try {
    item = findItem(doc.script_path, root);
  } catch (e) {
    return fail(`script_path: ${(e as Error).message}`);
  }
  if ((item.kind === "flow") !== doc.is_flow) {
    fail(`script_path ${doc.script_path} is a ${item.kind} but is_flow is ${doc.is_flow}`);
  }
  let hasPreprocessor = false;
  if (item.kind === "flow") {
    if (item.flow.value.preprocessor_module) fail(`flow ${doc.script_path}: preprocessor_module is not supported locally`);
  } else {
    const code = readFileSync(item.file, "utf8");
    hasPreprocessor = parseSignature(code).has_preprocessor;
    if (hasPreprocessor) checkPreprocessorFormat(code, item.path, fail);
  }
  const fullRoute = doc.workspaced_route ? `${workspace}/${doc.route_path}` : doc.route_path;
  return { ...doc, path, file, fullRoute, hasPreprocessor };
}

/**
 * Windmill calls `preprocessor(event)` (format v2) unless the preprocessor takes
 * other named parameters or `wm_trigger` (the older v1 format), which we do not
 * reproduce.
 */
function checkPreprocessorFormat(code: string, path: string, fail: (why: string) => never): void {
  const args = parseSignature(code, "preprocessor").args.map((a) => a.name);
  if (args.includes("wm_trigger") || (args.length > 0 && !args.includes("event"))) {
    fail(`${path}: preprocessor(${args.join(", ")}) uses Windmill's v1 trigger format, not supported locally; declare preprocessor(event)`);
  }
}

