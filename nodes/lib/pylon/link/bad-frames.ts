// Bad frames (corrupt or cut off) seen by poll cycles, reported once per burst: the first cycle
// with any raises one error with the count and the first bytes; later ones only add to the count
// (for the status) until a quiet period without any ends the burst, which is logged. No Node-RED imports.
import { formatSeconds } from "../../common/format-seconds";
import { counted, english, type Translate } from "../../common/i18n";
import type { PylonFrameError } from "../codec";

export interface BadFrameNotice {
  level: "error" | "log";
  text: string;
}

/** A burst ends after this long without a bad frame; the next one is reported again. */
export const BAD_FRAME_QUIET_MS = 600_000;

/** Characters of the first bad frame shown in the report. */
const SAMPLE_CHARS = 32;

/** The first bytes of a frame as a quoted string: `"~20024A00…"` (CR and binary bytes escaped). */
export function frameSample(raw: string): string {
  return JSON.stringify(raw.slice(0, SAMPLE_CHARS)) + (raw.length > SAMPLE_CHARS ? "…" : "");
}

export class BadFrameBursts {
  private burst: { count: number; lastAt: number } | undefined;

  constructor(
    /** The port, as the link describes it. */
    private readonly where: string,
    private readonly quietMs = BAD_FRAME_QUIET_MS,
    private readonly t: Translate = english,
  ) {}

  private get quiet(): string {
    return formatSeconds(this.quietMs / 1000);
  }

  /** Bad frames of the burst going on (0 when none): for the status. */
  get count(): number {
    return this.burst?.count ?? 0;
  }

  /** One cycle's bad frames; returns what to raise or log, if anything. */
  add(count: number, first: PylonFrameError | undefined, now: number): BadFrameNotice | undefined {
    const burst = this.burst;
    const over = burst !== undefined && now - burst.lastAt >= this.quietMs;
    if (count > 0) {
      if (burst && !over) {
        burst.count += count;
        burst.lastAt = now;
        return undefined;
      }
      this.burst = { count, lastAt: now };
      const words = { frames: counted(this.t, count, "pylon-port.badFrames.one", "pylon-port.badFrames.many"), port: this.where, quiet: this.quiet };
      const text = first
        ? this.t("pylon-port.badFrames.burstFirst", { ...words, reason: first.code, sample: frameSample(first.raw) })
        : this.t("pylon-port.badFrames.burst", words);
      return { level: "error", text };
    }
    if (!burst || !over) return undefined;
    this.burst = undefined;
    return { level: "log", text: this.t("pylon-port.badFrames.over", { port: this.where, quiet: this.quiet, count: burst.count }) };
  }
}
