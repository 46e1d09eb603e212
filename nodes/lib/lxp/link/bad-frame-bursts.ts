// Bad-frame reports people can read: the first bad frame is reported at once, as it is; the ones
// after it are summed into one report when their burst ends (quietMs without any), or every maxMs
// while it goes on. At most one report per immediateMs comes at once, and every later summary waits
// until maxMs have passed since the last report: bad frames paced just past the burst gap cannot
// raise one report each, whatever their rhythm.
import { formatSeconds } from "../../common/format-seconds";
import { counted, english, type Translate } from "../../common/i18n";
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
  /** A burst ends after this long without a bad frame; its summary is due then. Default 1000. */
  quietMs?: number;
  /** A burst still going is summed up this often; a summary other than the first after a report made at once waits this long after the last report. Default 10000. */
  maxMs?: number;
  /** Least time between two reports made at once (bad frames in between wait for a summary). Default 60000. */
  immediateMs?: number;
  now?: () => number;
  /** Tests pass a fake clock's timers here (with `now`). */
  timers?: BurstTimers;
  /** The summaries' words (default: en-US). */
  t?: Translate;
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

function summary(p: Pending, t: Translate): BadFrameReport {
  if (p.errors === 1) return reportOf(p.first);
  const frames = counted(t, p.count, "lxp-dongle.badFrames.more", "lxp-dongle.badFrames.moreMany");
  const duration = formatSeconds(Math.max(p.lastAt - p.firstAt, 0) / 1000);
  const message = t("lxp-dongle.badFrames.summary", { frames, bytes: p.bytes, duration, first: spacedHex(p.first.raw), reason: p.first.details.problem });
  return { message, raw: p.first.raw.slice(0, SHOWN_BYTES * 2), count: p.count, bytes: p.bytes, summary: true };
}

export class BadFrameBursts {
  private readonly quietMs: number;
  private readonly maxMs: number;
  private readonly immediateMs: number;
  private readonly now: () => number;
  private readonly timers: BurstTimers;
  private readonly t: Translate;
  private pending: Pending | undefined;
  private lastReportAt: number | undefined;
  private lastImmediateAt: number | undefined;
  /** The next summary follows a report made at once: it comes when its burst ends, without waiting maxMs. */
  private quick = false;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly report: (report: BadFrameReport) => void,
    options: BadFrameBurstOptions = {},
  ) {
    this.quietMs = options.quietMs ?? 1000;
    this.maxMs = options.maxMs ?? 10_000;
    this.immediateMs = options.immediateMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.t = options.t ?? english;
  }

  /** Bad frames waiting for their summary. */
  get pendingCount(): number {
    return this.pending?.count ?? 0;
  }

  add(error: LxpFrameError): void {
    const now = this.now();
    if (!this.pending && this.since(this.lastImmediateAt, now) >= this.immediateMs && this.since(this.lastReportAt, now) >= this.maxMs) {
      this.lastImmediateAt = now;
      this.lastReportAt = now;
      this.quick = true;
      this.report(reportOf(error));
      return;
    }
    const p = (this.pending ??= { first: error, errors: 0, count: 0, bytes: 0, firstAt: now, lastAt: now });
    p.errors++;
    p.count += error.count;
    p.bytes += error.bytes;
    p.lastAt = now;
    // Checked here too: timers wait while a flood keeps the event loop busy.
    if (now >= this.dueAt(p)) this.flush();
    else if (!this.timer) this.schedule(this.dueAt(p) - now);
  }

  /** Reports what is pending now (e.g. before exiting). */
  flush(): void {
    const p = this.pending;
    this.pending = undefined;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (!p) return;
    this.lastReportAt = this.now();
    this.quick = false;
    this.report(summary(p, this.t));
  }

  /** Stops the timer and drops what is pending. */
  close(): void {
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private since(at: number | undefined, now: number): number {
    return at === undefined ? Infinity : now - at;
  }

  /** When the summary is due: at the end of its burst, or maxMs after its first error; unless quick, not before maxMs after the last report. */
  private dueAt(p: Pending): number {
    const burstDue = Math.min(p.lastAt + this.quietMs, p.firstAt + this.maxMs);
    return this.quick ? burstDue : Math.max(burstDue, (this.lastReportAt ?? -Infinity) + this.maxMs);
  }

  private schedule(ms: number): void {
    this.timer = this.timers.setTimeout(() => this.onTimer(), ms);
    this.timer.unref?.();
  }

  /** The due time moves on while the burst goes on: report if it has come, else wait for it. */
  private onTimer(): void {
    this.timer = undefined;
    const p = this.pending;
    if (!p) return;
    const wait = this.dueAt(p) - this.now();
    if (wait > 0) this.schedule(wait);
    else this.flush();
  }
}
