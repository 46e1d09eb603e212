// Cuts a byte stream fed in arbitrary chunks into `~ ... CR` frames (pylon-protocol.md §0, §8): bytes
// before `~` are dropped, a `~` inside an unfinished frame restarts it, and the buffer is capped.
import { PylonFrameError } from "./errors";
import { EOI, MAX_FRAME_CHARS, SOI } from "./frame";

/** A complete frame (its wire text, `~` to CR) or an error, in stream order. */
export type PylonStreamItem = { frame: string; error?: undefined } | { frame?: undefined; error: PylonFrameError };

export interface PylonFrameSplitterOptions {
  /** Characters held for one unfinished frame; more means garbage. Default: the longest legal frame. */
  maxFrameChars?: number;
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
    let pos = 0;
    for (;;) {
      const start = text.indexOf(SOI, pos);
      if (start < 0) {
        this.dropped += text.length - pos;
        pos = text.length;
        break;
      }
      this.dropped += start - pos;
      const end = text.indexOf(EOI, start + 1);
      const restart = text.indexOf(SOI, start + 1);
      if (restart >= 0 && (end < 0 || restart < end)) {
        items.push({ error: new PylonFrameError("framing", "frame cut off by the start of another frame", text.slice(start, restart)) });
        pos = restart;
        continue;
      }
      if (end < 0) {
        pos = start;
        break;
      }
      const frame = text.slice(start, end + 1);
      if (frame.length > this.maxFrameChars) {
        items.push({ error: this.overflow(frame) });
      } else {
        items.push({ frame });
      }
      pos = end + 1;
    }
    this.pending = text.slice(pos);
    if (this.pending.length > this.maxFrameChars) {
      items.push({ error: this.overflow(this.pending) });
      this.pending = "";
    }
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
