// The OpenFlow shapes the local interpreter reads (the subset of
// openflow.schema.json in SPEC section 4). Anything outside it is refused by
// support.ts before a flow runs.

export type InputTransform = { type: "static"; value?: unknown } | { type: "javascript"; expr: string };

/** `parallelism`, `sleep` and `timeout` may be an InputTransform or a plain number. */
export type NumberOrTransform = number | InputTransform;

export interface RetrySpec {
  constant?: { attempts?: number; seconds?: number };
  exponential?: { attempts?: number; multiplier?: number; seconds?: number; random_factor?: number };
}

export interface StopAfterIf {
  expr: string;
  skip_if_stopped?: boolean;
  error_message?: string | null;
}

export interface SuspendSpec {
  required_events?: number;
  timeout?: number;
  resume_form?: unknown;
  continue_on_disapprove_timeout?: boolean;
  hide_cancel?: boolean;
  skin?: string;
}

export interface FlowModule {
  id: string;
  summary?: string;
  value: ModuleValue;
  retry?: RetrySpec;
  stop_after_if?: StopAfterIf;
  skip_if?: { expr: string };
  continue_on_error?: boolean;
  sleep?: NumberOrTransform;
  timeout?: NumberOrTransform;
  suspend?: SuspendSpec;
}

export type Transforms = Record<string, InputTransform>;

export type ModuleValue =
  | { type: "script"; path: string; input_transforms?: Transforms }
  | { type: "rawscript"; language: string; content: string; input_transforms?: Transforms; lock?: string; path?: string }
  | { type: "flow"; path: string; input_transforms?: Transforms }
  | {
      type: "forloopflow";
      iterator: InputTransform;
      modules: FlowModule[];
      skip_failures?: boolean;
      parallel?: boolean;
      parallelism?: NumberOrTransform;
      squash?: boolean;
    }
  | { type: "branchone"; branches: { summary?: string; expr: string; modules: FlowModule[] }[]; default: FlowModule[] }
  | { type: "branchall"; branches: { summary?: string; skip_failure?: boolean; modules: FlowModule[] }[]; parallel?: boolean }
  | { type: "identity"; flow?: boolean };

export interface FlowValue {
  modules: FlowModule[];
  failure_module?: FlowModule;
}

/** Languages a rawscript step may use locally: TypeScript runtimes only. */
export const LOCAL_RAWSCRIPT_LANGUAGES = ["bun", "deno", "nativets"] as const;
