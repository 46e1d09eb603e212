// A small deterministic PRNG (mulberry32). Each input is drawn from its own stream, seeded from the
// target's seed and the input's index, so one input can be replayed without running those before it.

/** splitmix32-style finaliser: spreads nearby seeds over the whole 32-bit state space. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export class Rng {
  private state = 0;

  constructor(seed = 0, index = 0) {
    this.reset(seed, index);
  }

  /** Starts the stream of input `index` of a run seeded with `seed`. */
  reset(seed: number, index: number): this {
    this.state = mix32((seed ^ mix32(index + 0x9e3779b9)) >>> 0);
    return this;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor((this.u32() / 0x100000000) * n);
  }

  /** Integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A length that is mostly small but now and then large: 1..max, log-uniform. */
  size(max: number): number {
    return Math.min(max, Math.floor(Math.exp((this.u32() / 0x100000000) * Math.log(max + 1))) || 1);
  }

  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}
