// Reassembles frames from a byte stream fed in arbitrary chunks (lxp-protocol.md §7): frames split across reads,
// several frames per read, resynchronisation on the next A1 1A after garbage or a bad frame.
import { DEFAULT_MAX_FRAME_LENGTH, HEADER_LENGTH, PREFIX_0, PREFIX_1, TcpFunction, TRANSLATED_HEADER_LENGTH } from "./constants";
import { crc16Modbus } from "./crc16";
import { LxpFrameError } from "./errors";
import { crclessShapeProblem, datalogProblem, LxpFrame, parseFrame } from "./frame";

export type StreamItem = { frame: LxpFrame; error?: undefined } | { frame?: undefined; error: LxpFrameError };

export interface StreamParserOptions {
  /** Frames announcing more bytes than this are treated as garbage. */
  maxFrameLength?: number;
}

/**
 * Failed CRC checks per read (chunk or datagram) after which a C2 candidate that starts inside one
 * that failed is counted as bad without a check: overlapping false headers (one every 20 bytes,
 * each announcing 512) would otherwise cost ~25 CRC passes per byte. Checked spans then no longer
 * overlap, so the rest of the read costs at most one pass per byte.
 */
export const MAX_FAILED_CRCS = 32;

/** The CRC check of a translated (C2) frame, as parseFrame does it (lxp-protocol.md §3). */
function crcMatches(frame: Buffer): boolean {
  const crcAt = frame.length - 2;
  return crcAt > TRANSLATED_HEADER_LENGTH && frame.readUInt16LE(crcAt) === crc16Modbus(frame, TRANSLATED_HEADER_LENGTH, crcAt);
}

function findPrefix(buf: Buffer, from: number): number {
  for (let i = from; i < buf.length - 1; i++) {
    if (buf[i] === PREFIX_0 && buf[i + 1] === PREFIX_1) return i;
  }
  return -1;
}

/** A reason the header at `pos` cannot start a frame of `total` bytes, judged on the bytes present. */
function headerProblem(buf: Buffer, pos: number, total: number): string | undefined {
  const have = buf.length - pos;
  if (have <= 7) return undefined;
  const fn = buf[pos + 7];
  if (fn < TcpFunction.HEARTBEAT || fn > TcpFunction.WRITE_PARAM) return `unknown TCP function 0x${fn.toString(16)}`;
  if (fn !== TcpFunction.TRANSLATED) {
    const shape = crclessShapeProblem(buf, pos, total);
    if (shape) return shape;
  }
  if (have >= HEADER_LENGTH) {
    const datalog = datalogProblem(buf, pos + 8);
    if (datalog) return datalog;
  }
  if (fn === TcpFunction.TRANSLATED && have >= TRANSLATED_HEADER_LENGTH) {
    const dataLength = buf.readUInt16LE(pos + HEADER_LENGTH);
    if (dataLength !== total - TRANSLATED_HEADER_LENGTH) {
      return `data length field says ${dataLength}, frame length says ${total - TRANSLATED_HEADER_LENGTH}`;
    }
  }
  return undefined;
}

/**
 * The bad bytes between two good frames (or the ends of a read), reported as one error: a flood of
 * false prefixes costs one error per read, not one per prefix, and no allocation per prefix.
 */
class BadRun {
  private first: LxpFrameError | undefined;
  private start = 0;
  private count = 0;

  /** Counts a problem at `pos`; true if it opens the run, so the caller describes it (describe()). */
  add(pos: number): boolean {
    this.count++;
    if (this.count > 1) return false;
    this.start = pos;
    return true;
  }

  /** True while no problem has been counted (the next one opens the run). */
  isFirst(): boolean {
    return this.count === 0;
  }

  describe(error: LxpFrameError): void {
    this.first = error;
  }

  /** Ends the run at `end` (exclusive) and appends its error, if any. */
  close(end: number, items: StreamItem[]): void {
    const first = this.first;
    const count = this.count;
    this.first = undefined;
    this.count = 0;
    if (!first) return;
    const extent = { count, bytes: end - this.start };
    items.push({ error: new LxpFrameError(first.reason, first.raw, first.wellFormed && count === 1, extent) });
  }
}

export class LxpStreamParser {
  private pending: Buffer = Buffer.alloc(0);
  /** Set after a bad frame so the bytes skipped while resynchronising are not reported again. */
  private resyncing = false;
  private readonly maxFrameLength: number;
  private crcBytes = 0;

  constructor(options: StreamParserOptions = {}) {
    this.maxFrameLength = options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
  }

  /** Bytes held back waiting for the rest of a frame (never more than maxFrameLength). */
  get buffered(): number {
    return this.pending.length;
  }

  /** Bytes of C2 frame candidates run through the CRC check so far (each candidate counted once): the work input cost. */
  get crcCheckedBytes(): number {
    return this.crcBytes;
  }

  /** Drops any partial frame, e.g. when a new connection starts. */
  reset(): void {
    this.pending = Buffer.alloc(0);
    this.resyncing = false;
  }

  /**
   * Feeds bytes; returns the frames and errors they complete, in stream order. The bad bytes between
   * two good frames of one read are one error (its `count` says how many bad frames it stands for).
   */
  push(chunk: Buffer): StreamItem[] {
    return this.parse(chunk, false);
  }

  /** Parses the last bytes there will be (a datagram): a frame they cut off is an error, not held back. */
  finish(chunk: Buffer): StreamItem[] {
    const items = this.parse(chunk, true);
    this.reset();
    return items;
  }

  /** After a bad header or frame at `at`: the garbage up to the next prefix belongs to it, not reported again. */
  private resyncFrom(at: number): number {
    this.resyncing = true;
    return at + 1;
  }

  private parse(chunk: Buffer, final: boolean): StreamItem[] {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const items: StreamItem[] = [];
    const run = new BadRun();
    // Raw bytes kept in an error: enough to see what went wrong, bounded whatever the input.
    const rawOf = (from: number, to: number): Buffer => buf.subarray(from, Math.min(to, from + this.maxFrameLength, buf.length));
    const header = (at: number, total: number): Buffer => rawOf(at, at + Math.min(total, 64));
    let pos = 0;
    let failedCrcs = 0;
    /** End of the last C2 candidate that failed its CRC. */
    let failedUpTo = 0;
    while (pos < buf.length) {
      if (buf[pos] !== PREFIX_0 || (pos + 1 < buf.length && buf[pos + 1] !== PREFIX_1)) {
        const next = findPrefix(buf, pos + 1);
        // Keep a trailing lone A1: it may be the first half of the next prefix.
        const end = next >= 0 ? next : !final && buf[buf.length - 1] === PREFIX_0 ? buf.length - 1 : buf.length;
        if (!this.resyncing && run.add(pos)) run.describe(new LxpFrameError(`skipped ${end - pos} bytes of garbage`, rawOf(pos, end)));
        this.resyncing = false;
        pos = end;
        if (next < 0) break;
        continue;
      }
      // A header or frame that fails is counted, and the scan resumes at its next byte (resyncFrom):
      // the start of the next frame may hide inside it.
      const at = pos;
      if (buf.length - at < 6) {
        if (!final) break;
        if (run.add(at)) run.describe(new LxpFrameError(`frame cut off at the end of the datagram (${buf.length - at} bytes)`, rawOf(at, buf.length)));
        pos = this.resyncFrom(at);
        continue;
      }
      const total = buf.readUInt16LE(at + 4) + 6;
      if (total < HEADER_LENGTH || total > this.maxFrameLength) {
        if (run.add(at)) run.describe(new LxpFrameError(`implausible frame length ${total}`, header(at, total)));
        pos = this.resyncFrom(at);
        continue;
      }
      // Check what the header already tells before waiting for `total` bytes: a false A1 1A in
      // garbage must not hold back (or swallow) the real frames behind it.
      const early = headerProblem(buf, at, total);
      if (early) {
        if (run.add(at)) run.describe(new LxpFrameError(early, header(at, total)));
        pos = this.resyncFrom(at);
        continue;
      }
      if (buf.length - at < total) {
        if (!final) break;
        const have = buf.length - at;
        if (run.add(at)) run.describe(new LxpFrameError(`frame cut off at the end of the datagram: ${have} of ${total} bytes`, rawOf(at, buf.length)));
        pos = this.resyncFrom(at);
        continue;
      }
      const candidate = buf.subarray(at, at + total);
      if (buf[at + 7] === TcpFunction.TRANSLATED) {
        if (failedCrcs >= MAX_FAILED_CRCS && at < failedUpTo) {
          if (run.add(at)) run.describe(new LxpFrameError(`not CRC-checked: inside a frame that failed (${MAX_FAILED_CRCS} failed in this read)`, header(at, total)));
          pos = this.resyncFrom(at);
          continue;
        }
        this.crcBytes += total - TRANSLATED_HEADER_LENGTH - 2;
        const crcOk = crcMatches(candidate);
        if (!crcOk) {
          failedCrcs++;
          failedUpTo = at + total;
        }
        // Within a run only the count matters: skip the cost of an error object per bad CRC.
        if (!crcOk && !run.isFirst()) {
          run.add(at);
          pos = this.resyncFrom(at);
          continue;
        }
      }
      let frame: LxpFrame;
      try {
        frame = parseFrame(candidate);
      } catch (err) {
        const error = err instanceof LxpFrameError ? err : new LxpFrameError(String(err), candidate);
        if (run.add(at)) run.describe(error);
        // A sound envelope with unsupported content is skipped whole.
        if (error.wellFormed) {
          this.resyncing = false;
          pos = at + total;
        } else {
          pos = this.resyncFrom(at);
        }
        continue;
      }
      run.close(at, items);
      items.push({ frame });
      this.resyncing = false;
      pos = at + total;
    }
    run.close(pos, items);
    this.pending = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
    return items;
  }
}

/** Parses one UDP datagram on its own: whole frames only, a cut-off tail is an error (lxp-protocol.md §7). */
export function parseDatagram(datagram: Buffer, options: StreamParserOptions = {}): StreamItem[] {
  return new LxpStreamParser(options).finish(datagram);
}
