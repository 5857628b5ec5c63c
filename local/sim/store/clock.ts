/**
 * The simulator's clock: starts at the store's "now", runs with wall time, and jumps
 * forward on time travel. Everything time-dependent (bulk timestamps, token and URL
 * expiry, mutation updatedAt) reads it, so time travel also expires tokens and URLs.
 */
export class SimClock {
  private offsetMs = 0;
  private readonly startedAtWall = Date.now();
  constructor(private readonly startMs: number) {}
  now(): number {
    return this.startMs + this.offsetMs + (Date.now() - this.startedAtWall);
  }
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error("time travel only goes forward");
    this.offsetMs += ms;
  }
}
