/**
 * Seeded randomness addressable by (seed, stream, index): object i of any kind is
 * computable without generating objects 0..i-1, which keeps the store O(1) in memory.
 */

/** 32-bit avalanche mix (murmur3 finaliser). */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** A small PRNG (mulberry32) with the helpers the generator needs. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Picks by relative weights given as [item, weight] pairs. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let r = this.next() * total;
    for (const [item, w] of choices) {
      r -= w;
      if (r < 0) return item;
    }
    return choices[choices.length - 1]![0];
  }
  /** Digits as a string, e.g. tracking numbers. */
  digits(count: number): string {
    let s = "";
    for (let i = 0; i < count; i++) s += Math.floor(this.next() * 10);
    return s;
  }
}

/** The generator for object `index` of kind `stream` in the store seeded with `seed`. */
export function rngFor(seed: number, stream: string | number, index: number): Rng {
  const streamHash = typeof stream === "number" ? stream : hashString(stream);
  return new Rng(mix32(mix32(seed ^ streamHash) + Math.imul(index, 0x9e3779b1)));
}

/** Interns stream names once so hot paths avoid hashing strings. */
export const STREAMS = {
  order: hashString("order"),
  orderTime: hashString("orderTime"),
  product: hashString("product"),
  customer: hashString("customer"),
  location: hashString("location"),
  inventory: hashString("inventory"),
  timeTravel: hashString("timeTravel"),
  faults: hashString("faults"),
  jsonlOrder: hashString("jsonlOrder"),
} as const;

/** Stable numeric seed from the --seed flag (which may be any string). */
export function seedFromFlag(seed: string | number): number {
  return typeof seed === "number" && Number.isInteger(seed) ? seed >>> 0 : hashString(String(seed));
}
