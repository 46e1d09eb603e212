// Bad-frame reports people can read: the first bad frame of a burst is reported at once, as it is;
// the ones after it (less than quietMs apart) are summed into one report when the burst ends, or
// every maxMs while it goes on. A flood from the LAN then costs a handful of reports, not thousands.
import { formatSeconds } from "../../shared/format-seconds";
import type { LxpFrameError } from "../codec";

export interface BadFrameReport {
  /** One line: the error's own message, or "N more bad frames (B bytes) in S s, first: a1 1a … (reason)". */
  message: string;
  /** Hex of the bad bytes: all of a lone error's, the first of a summary's. */
  raw: string;
  /** Bad frames (and garbage runs) the report stands for. */
  count: number;
  bytes: number;
  /** True for a summary of several errors (its message shows the first bytes already). */
  summary: boolean;
}

export interface BadFrameBurstOptions {
  /** A burst ends after this long without a bad frame. Default 1000. */
  quietMs?: number;
  /** A burst still going after this long is summed up anyway, and again after each further period. Default 10000. */
  maxMs?: number;
  now?: () => number;
  /** Tests pass a fake clock's timers here (with `now`). */
  timers?: BurstTimers;
}

interface TimerHandle {
  unref?(): void;
}

export interface BurstTimers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(timer: TimerHandle | undefined): void;
}

const realTimers: BurstTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout> | undefined),
};

interface Pending {
  first: LxpFrameError;
  errors: number;
  count: number;
  bytes: number;
  firstAt: number;
  lastAt: number;
}

/** Bytes shown in a summary. */
const SHOWN_BYTES = 16;

export function reportOf(error: LxpFrameError): BadFrameReport {
  return { message: error.message, raw: error.raw, count: error.count, bytes: error.bytes, summary: false };
}

/** "a1 1a ff … " style: the first SHOWN_BYTES of a hex string, spaced. */
function spacedHex(hex: string): string {
  const shown = hex.slice(0, SHOWN_BYTES * 2).replace(/(..)(?!$)/g, "$1 ");
  return hex.length > SHOWN_BYTES * 2 ? `${shown} …` : shown;
}

function summary(p: Pending): BadFrameReport {
  if (p.errors === 1) return reportOf(p.first);
  const frames = `${p.count} more bad frame${p.count === 1 ? "" : "s"}`;
  const seconds = formatSeconds(Math.max(p.lastAt - p.firstAt, 0) / 1000);
  const message = `${frames} (${p.bytes} bytes) in ${seconds}, first: ${spacedHex(p.first.raw)} (${p.first.reason})`;
  return { message, raw: p.first.raw.slice(0, SHOWN_BYTES * 2), count: p.count, bytes: p.bytes, summary: true };
}

export class BadFrameBursts {
  private readonly quietMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;
  /** Start of the current report period; undefined between bursts. */
  private periodStart: number | undefined;
  private pending: Pending | undefined;
  private timer: TimerHandle | undefined;
  private readonly timers: BurstTimers;

  constructor(
    private readonly report: (report: BadFrameReport) => void,
    options: BadFrameBurstOptions = {},
  ) {
    this.quietMs = options.quietMs ?? 1000;
    this.maxMs = options.maxMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
  }

  /** Bad frames waiting for the end of the burst. */
  get pendingCount(): number {
    return this.pending?.count ?? 0;
  }

  add(error: LxpFrameError): void {
    const now = this.now();
    if (this.periodStart === undefined) {
      this.periodStart = now;
      this.timer = this.timers.setTimeout(() => this.endBurst(), this.quietMs);
      this.timer.unref?.();
      this.report(reportOf(error));
      return;
    }
    this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => this.endBurst(), this.quietMs);
    this.timer.unref?.();
    const p = (this.pending ??= { first: error, errors: 0, count: 0, bytes: 0, firstAt: now, lastAt: now });
    p.errors++;
    p.count += error.count;
    p.bytes += error.bytes;
    p.lastAt = now;
    if (now - this.periodStart >= this.maxMs) {
      this.flush();
      this.periodStart = now;
    }
  }

  /** Reports what is pending now (e.g. before exiting); the burst goes on. */
  flush(): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) this.report(summary(p));
  }

  /** Stops the timer and drops what is pending. */
  close(): void {
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    this.periodStart = undefined;
  }

  private endBurst(): void {
    this.timer = undefined;
    this.periodStart = undefined;
    this.flush();
  }
}
