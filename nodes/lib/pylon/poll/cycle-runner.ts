// The cycle bookkeeping every poller shares, whatever it asks on the port: one cycle at a time
// (a second caller joins it), numbered from 1, and the last good result for callers that accept one
// that recent. No Node-RED imports.
import type { PollResult, PollTicket } from "./poll-result";

export abstract class CycleRunner {
  private current: PollTicket | undefined;
  private last: { at: number; result: PollResult } | undefined;
  private cycles = 0;

  /** Runs one cycle of requests; `cycle` is its number. */
  protected abstract cycle(now: number, cycle: number): Promise<PollResult>;

  /**
   * Runs one cycle; a call while a cycle runs joins it instead of starting another, and with
   * `maxAgeMs` a result that recent is returned as it is (pollers sharing a bus).
   */
  poll(now = Date.now(), options: { maxAgeMs?: number } = {}): Promise<PollResult> {
    const recent = this.recent(now, options.maxAgeMs);
    return recent ? Promise.resolve(recent) : this.start(now).result;
  }

  /** The cycle running now, if any. */
  get running(): PollTicket | undefined {
    return this.current;
  }

  /**
   * The last completed cycle when none runs and it started at most `maxAgeMs` before `now`; a
   * port-down result is never handed on (a node sharing the poller asks for itself).
   */
  recent(now: number, maxAgeMs: number | undefined): PollResult | undefined {
    const last = this.last;
    if (this.current || !last || maxAgeMs === undefined || now - last.at > maxAgeMs) return undefined;
    return last.result;
  }

  /** Joins the running cycle, or starts one. */
  start(now = Date.now()): PollTicket {
    if (this.current) return this.current;
    const cycle = ++this.cycles;
    const result = this.cycle(now, cycle)
      .then((r) => {
        this.last = r.portDown === undefined ? { at: now, result: r } : undefined;
        return r;
      })
      .finally(() => {
        this.current = undefined;
      });
    this.current = { cycle, result };
    return this.current;
  }

  /** Forgets the last result (a reconnected port may sit on a changed stack). */
  protected forgetLast(): void {
    this.last = undefined;
  }
}
