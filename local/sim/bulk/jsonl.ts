/**
 * Streams JSONL to a file with backpressure, in the configured line order, optionally
 * corrupting a few lines (fault injection). Nothing is held in memory beyond one
 * reordering window and one write chunk.
 */
import { once } from "node:events";
import type { WriteStream } from "node:fs";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { Fault } from "../faults.ts";
import { Rng } from "../store/random.ts";

/**
 * adjacent: parent then its children (Shopify's grouped layout);
 * shuffled: lines shuffled within bounded windows, so children may precede parents;
 * children-first: each parent's descendants, then the parent.
 */
export type LineOrdering = "adjacent" | "shuffled" | "children-first";
export const LINE_ORDERINGS: readonly LineOrdering[] = ["adjacent", "shuffled", "children-first"];

export interface JsonlWriteOptions {
  ordering: LineOrdering;
  seed: number;
  windowLines?: number;
  malformed?: Fault[];
  /** Stops early (cancel, simulated failure) between groups. */
  shouldStop?: (roots: number) => boolean;
  onProgress?: (objects: number, roots: number) => void;
}

export interface JsonlWriteResult {
  objectCount: number;
  rootObjectCount: number;
  bytes: number;
  lines: number;
  /** 1-based line numbers corrupted by fault injection, with the kind. */
  injected: { line: number; fault: string }[];
  stopped: boolean;
}

const CHUNK_BYTES = 256 * 1024;

export async function writeJsonl(groups: Iterable<string[]>, out: WriteStream, options: JsonlWriteOptions): Promise<JsonlWriteResult> {
  const rng = new Rng(options.seed);
  const windowLines = options.windowLines ?? 256;
  // Corrupted lines sit at fixed, spread positions so a test can find them.
  const targets = new Map<number, string>();
  let slot = 0;
  for (const fault of options.malformed ?? []) {
    for (let k = 0; k < (fault.param ?? 1); k++) targets.set(2 + 7 * slot++, fault.fault);
  }
  const result: JsonlWriteResult = { objectCount: 0, rootObjectCount: 0, bytes: 0, lines: 0, injected: [], stopped: false };
  let chunk = "";

  const flush = async () => {
    if (!chunk) return;
    const data = chunk;
    chunk = "";
    result.bytes += Buffer.byteLength(data);
    if (!out.write(data)) await once(out, "drain");
  };

  const emit = async (line: string) => {
    const lineNo = result.lines + 1;
    const fault = targets.get(lineNo);
    if (fault === "empty_lines") {
      chunk += "\n";
      result.lines++;
      result.injected.push({ line: lineNo, fault });
      return emit(line);
    }
    result.lines++;
    if (fault === "truncated") {
      line = line.slice(0, Math.max(1, Math.floor(line.length / 2)));
      result.injected.push({ line: lineNo, fault });
    }
    if (fault === "invalid_utf8") {
      await flush();
      const head = Buffer.from(line.slice(0, 12));
      const bytes = Buffer.concat([head, Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(line.slice(12) + "\n")]);
      result.bytes += bytes.length;
      result.injected.push({ line: lineNo, fault });
      if (!out.write(bytes)) await once(out, "drain");
      return;
    }
    chunk += line + "\n";
    if (chunk.length >= CHUNK_BYTES) await flush();
  };

  let window: string[] = [];
  const drainWindow = async () => {
    for (let i = window.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [window[i], window[j]] = [window[j]!, window[i]!];
    }
    for (const line of window) await emit(line);
    window = [];
  };

  let sinceYield = 0;
  for (const lines of groups) {
    if (options.shouldStop?.(result.rootObjectCount)) {
      result.stopped = true;
      break;
    }
    result.rootObjectCount++;
    result.objectCount += lines.length;
    if (options.ordering === "shuffled") {
      window.push(...lines);
      if (window.length >= windowLines) await drainWindow();
    } else if (options.ordering === "children-first") {
      for (let i = 1; i < lines.length; i++) await emit(lines[i]!);
      await emit(lines[0]!);
    } else {
      for (const line of lines) await emit(line);
    }
    options.onProgress?.(result.objectCount, result.rootObjectCount);
    // Generation is synchronous CPU work; let the server answer polls meanwhile.
    if ((sinceYield += lines.length) >= 2000) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  }
  await drainWindow();
  await flush();
  return result;
}
