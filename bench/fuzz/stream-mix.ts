// Shared by the stream targets: a stream of good frames, mutated frames and garbage, cut into random
// chunks, and the count of good frames the parser never returned.
import { Rng } from "./prng";

export interface Segment<T> {
  kind: "good" | "bad" | "garbage";
  data: T;
  origin: string;
}

/** Where to cut a stream of `total` bytes: single bytes, small or large chunks, or all at once. */
export function chunkSizes(rng: Rng, total: number): number[] {
  const style = rng.int(20);
  if (style < 2) return [total];
  const sizes: number[] = [];
  for (let left = total; left > 0; ) {
    const size = Math.min(left, style === 2 ? rng.range(1, 3) : style < 12 ? rng.range(1, 32) : rng.size(600));
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

/**
 * Good frames missing from what the parser returned: `goods` minus the longest common subsequence
 * of the two lists (the parser keeps stream order; mutated frames that still decode are extras).
 */
export function countLosses<G, E>(goods: readonly G[], emitted: readonly E[], equal: (good: G, out: E) => boolean): number {
  const n = goods.length;
  const m = emitted.length;
  let prev = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    const row = new Array<number>(m + 1).fill(0);
    for (let j = 1; j <= m; j++) {
      row[j] = equal(goods[i - 1], emitted[j - 1]) ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    }
    prev = row;
  }
  return n - prev[m];
}

/** A segment list for a failure report: kind, origin and hex of each, then the chunk sizes. */
export function describeStream<T>(segments: readonly Segment<T>[], sizes: readonly number[], hex: (data: T) => string): string {
  const parts = segments.map((s, k) => `\n    [${k}] ${s.kind} (${s.origin}): ${hex(s.data)}`);
  return `stream of ${segments.length} segments:${parts.join("")}\n    chunks: ${sizes.join(",")}`;
}
