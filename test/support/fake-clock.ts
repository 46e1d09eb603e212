// A clock the test moves by hand: now() and one-shot timers that fire, in order, while advance() passes their time.
export interface FakeTimer {
  unref(): void;
}

export class FakeClock {
  private time: number;
  private nextId = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 0) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  readonly setTimeout = (fn: () => void, ms: number): FakeTimer & { id: number } => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return { id, unref: () => undefined };
  };

  readonly clearTimeout = (timer: { id: number } | undefined): void => {
    if (timer) this.timers.delete(timer.id);
  };

  /** Timers waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves the clock forward by `ms`, firing every timer due on the way at its own time. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }
}
