// A clock the test moves by hand: now() and one-shot timers that fire, in order, while advance() passes their time.
export interface FakeTimer {
  unref(): void;
}

export class FakeClock {
  private time: number;
  private readonly timers = new Map<FakeTimer, { at: number; fn: () => void }>();

  constructor(start = 0) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  readonly setTimeout = (fn: () => void, ms: number): FakeTimer => {
    const timer: FakeTimer = { unref: () => undefined };
    this.timers.set(timer, { at: this.time + Math.max(0, ms), fn });
    return timer;
  };

  readonly clearTimeout = (timer: unknown): void => {
    this.timers.delete(timer as FakeTimer);
  };

  /** Timers waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves the clock forward by `ms`, firing every timer due on the way at its own time (ties in the order set). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [FakeTimer, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }
}
