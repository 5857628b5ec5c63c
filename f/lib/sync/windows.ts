// Half-open updated_at windows [start, end): start = watermark - overlap (or the
// resource's first record on a first run / full refresh), end = Shopify's now
// - skew, so a record written while the export runs lands in the next window
// rather than pushing the watermark past records the export did not see.
// Times are whole seconds (Shopify's own resolution) in UTC.

export interface SyncWindow {
  /** ISO instant, inclusive; null only for unwindowed (snapshot) resources. */
  start: string | null;
  /** ISO instant, exclusive; null only for unwindowed resources. */
  end: string | null;
}

export const DEFAULT_SKEW_MS = 2 * 60_000;

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export interface WindowInput {
  now: number;
  skewMs?: number;
  overlapMs: number;
  watermark: Date | null;
  /** The resource's first createdAt (first run / full refresh); null when it has no records. */
  earliest: Date | null;
  fullRefresh?: boolean;
  since?: Date | null;
}

/** The window to export, or null when there is nothing to export (an empty resource, or start >= end). */
export function planWindow(input: WindowInput): SyncWindow | null {
  const end = Math.floor((input.now - (input.skewMs ?? DEFAULT_SKEW_MS)) / 1000) * 1000;
  let start: number | null;
  if (input.since) start = input.since.getTime();
  else if (input.fullRefresh || !input.watermark) start = input.earliest?.getTime() ?? null;
  else start = input.watermark.getTime() - input.overlapMs;
  if (start === null) return null;
  start = Math.floor(start / 1000) * 1000;
  if (start >= end) return null;
  return { start: isoSeconds(start), end: isoSeconds(end) };
}

export function updatedAtFilter(w: SyncWindow): string {
  if (!w.start || !w.end) throw new Error("a windowed export needs both window bounds");
  return `updated_at:>='${w.start}' AND updated_at:<'${w.end}'`;
}

/** The two halves of a window (TIMEOUT), or null when it is too narrow to split further. */
export function splitWindow(w: SyncWindow, minWidthMs = 60_000): [SyncWindow, SyncWindow] | null {
  if (!w.start || !w.end) return null;
  const a = Date.parse(w.start);
  const b = Date.parse(w.end);
  if (b - a < Math.max(2000, minWidthMs)) return null;
  const mid = isoSeconds(a + (b - a) / 2);
  return [
    { start: w.start, end: mid },
    { start: mid, end: w.end },
  ];
}

export function sameWindow(a: { start: string | Date | null; end: string | Date | null }, b: { start: string | Date | null; end: string | Date | null }): boolean {
  const t = (v: string | Date | null) => (v === null ? null : new Date(v).getTime());
  return t(a.start) === t(b.start) && t(a.end) === t(b.end);
}

export function describeWindow(w: SyncWindow): string {
  return w.start ? `[${w.start}, ${w.end})` : "full snapshot";
}
