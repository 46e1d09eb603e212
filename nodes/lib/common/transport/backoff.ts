/** Exponential retry delay: initial, doubling up to max; reset() after a success. */
export class Backoff {
  private nextMs: number;
  private count = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {
    this.nextMs = initialMs;
  }

  /** Retries scheduled since the last reset. */
  get attempts(): number {
    return this.count;
  }

  /** Delay for the next attempt; each call doubles the following one. */
  next(): number {
    const delay = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, this.maxMs);
    this.count++;
    return delay;
  }

  reset(): void {
    this.nextMs = this.initialMs;
    this.count = 0;
  }
}
