// Cuts a byte stream fed in arbitrary chunks into `~ ... CR` frames (pylon-protocol.md §0, §8): bytes
// before `~` are dropped, a `~` inside an unfinished frame restarts it, and the buffer is capped.
// Linear in the input, and a run of bad frames is one error item with its count, so a flood of
// `~` costs one scan and one error, not one per byte.
import { PylonFrameError } from "./errors";
import { EOI, MAX_FRAME_CHARS, SOI } from "./frame";

/**
 * A complete frame (its wire text, `~` to CR) or an error, in stream order. An error item stands for
 * `count` bad frames in a row (no good frame between them); `error` describes the first of them.
 */
export type PylonStreamItem = { frame: string; error?: undefined; count?: undefined } | { frame?: undefined; error: PylonFrameError; count: number };

export interface PylonFrameSplitterOptions {
  /** Characters held for one unfinished frame; more means garbage. Default: the longest legal frame. */
  maxFrameChars?: number;
}

/** The bad frames in a row since the last good one, within one push(). */
interface BadRun {
  first: PylonFrameError;
  count: number;
}

export class PylonFrameSplitter {
  private pending = "";
  private dropped = 0;
  private readonly maxFrameChars: number;

  constructor(options: PylonFrameSplitterOptions = {}) {
    this.maxFrameChars = options.maxFrameChars ?? MAX_FRAME_CHARS;
  }

  /** Characters of an unfinished frame held back. */
  get buffered(): number {
    return this.pending.length;
  }

  /** Bytes dropped outside frames since creation (line noise, LF after CR, …). */
  get droppedBytes(): number {
    return this.dropped;
  }

  /** Forgets a partial frame, e.g. before sending the next request. */
  reset(): void {
    this.pending = "";
  }

  push(chunk: string | Uint8Array): PylonStreamItem[] {
    // latin1 keeps one character per byte, so lengths and raw text stay faithful to the wire.
    const text = this.pending + (typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("latin1"));
    const items: PylonStreamItem[] = [];
    let run: BadRun | undefined;
    // Only the first error of a run is built (an Error per `~` of a flood would cost more than the scan).
    const bad = (make: () => PylonFrameError): void => {
      if (run) run.count++;
      else run = { first: make(), count: 1 };
    };
    const endRun = (): void => {
      if (run) items.push({ error: summarize(run), count: run.count });
      run = undefined;
    };
    let pos = 0;
    // The next CR at or after `pos`, remembered so a flood of `~` without CR is not rescanned per `~`.
    let end = -1;
    let noEnd = false;
    for (;;) {
      const start = text.indexOf(SOI, pos);
      if (start < 0) {
        this.dropped += text.length - pos;
        pos = text.length;
        break;
      }
      this.dropped += start - pos;
      if (!noEnd && end <= start) {
        end = text.indexOf(EOI, start + 1);
        noEnd = end < 0;
      }
      const restart = text.indexOf(SOI, start + 1);
      if (restart >= 0 && (noEnd || restart < end)) {
        bad(() => new PylonFrameError("framing", "frame cut off by the start of another frame", text.slice(start, restart)));
        pos = restart;
        continue;
      }
      if (noEnd) {
        pos = start;
        break;
      }
      if (end + 1 - start > this.maxFrameChars) {
        bad(() => this.overflow(text.slice(start, end + 1)));
      } else {
        endRun();
        items.push({ frame: text.slice(start, end + 1) });
      }
      pos = end + 1;
    }
    this.pending = text.slice(pos);
    if (this.pending.length > this.maxFrameChars) {
      const raw = this.pending;
      bad(() => this.overflow(raw));
      this.pending = "";
    }
    endRun();
    return items;
  }

  private overflow(raw: string): PylonFrameError {
    return new PylonFrameError(
      "buffer_overflow",
      `no end of frame within ${this.maxFrameChars} characters; ${raw.length} characters discarded`,
      raw,
    );
  }
}

/** One error for a run: the first one as it is, or its cause and text with the count in front. */
function summarize(run: BadRun): PylonFrameError {
  if (run.count === 1) return run.first;
  const { reason, message, raw } = run.first;
  return new PylonFrameError(reason, `${run.count} bad frames in a row, the first: ${message}`, raw);
}
