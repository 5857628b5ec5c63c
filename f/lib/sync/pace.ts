// Waits in library code (poll intervals, slot backoff, client retries). The
// local runtime compresses time with WM_LOCAL_TIME_SCALE (tests run at 0.01);
// in Windmill it is unset and waits are real.

export function timeScale(): number {
  const scale = Number(process.env.WM_LOCAL_TIME_SCALE);
  return Number.isFinite(scale) && scale > 0 ? scale : 1;
}

export function scaledSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms * timeScale())));
}
