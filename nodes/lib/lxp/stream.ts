// Reassembles frames from a byte stream fed in arbitrary chunks (lxp-protocol.md §7): frames split across reads,
// several frames per read, resynchronisation on the next A1 1A after garbage or a bad frame.
import { DEFAULT_MAX_FRAME_LENGTH, HEADER_LENGTH, PREFIX_0, PREFIX_1, TcpFunction, TRANSLATED_HEADER_LENGTH } from "./constants";
import { LxpFrameError } from "./errors";
import { LxpFrame, parseFrame } from "./frame";

export type StreamItem = { frame: LxpFrame; error?: undefined } | { frame?: undefined; error: LxpFrameError };

export interface StreamParserOptions {
  /** Frames announcing more bytes than this are treated as garbage. */
  maxFrameLength?: number;
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
  if (fn === TcpFunction.TRANSLATED && have >= TRANSLATED_HEADER_LENGTH) {
    const dataLength = buf.readUInt16LE(pos + HEADER_LENGTH);
    if (dataLength !== total - TRANSLATED_HEADER_LENGTH) {
      return `data length field says ${dataLength}, frame length says ${total - TRANSLATED_HEADER_LENGTH}`;
    }
  }
  return undefined;
}

export class LxpStreamParser {
  private pending: Buffer = Buffer.alloc(0);
  /** Set after a bad frame so the bytes skipped while resynchronising are not reported twice. */
  private resyncing = false;
  private readonly maxFrameLength: number;

  constructor(options: StreamParserOptions = {}) {
    this.maxFrameLength = options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
  }

  /** Bytes held back waiting for the rest of a frame (never more than maxFrameLength). */
  get buffered(): number {
    return this.pending.length;
  }

  /** Drops any partial frame, e.g. when a new connection starts. */
  reset(): void {
    this.pending = Buffer.alloc(0);
    this.resyncing = false;
  }

  /** Feeds bytes; returns the frames and errors they complete, in stream order. */
  push(chunk: Buffer): StreamItem[] {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const items: StreamItem[] = [];
    let pos = 0;
    while (pos < buf.length) {
      if (buf[pos] !== PREFIX_0 || (pos + 1 < buf.length && buf[pos + 1] !== PREFIX_1)) {
        const next = findPrefix(buf, pos + 1);
        // Keep a trailing lone A1: it may be the first half of the next prefix.
        const end = next >= 0 ? next : buf[buf.length - 1] === PREFIX_0 ? buf.length - 1 : buf.length;
        if (!this.resyncing) {
          items.push({ error: new LxpFrameError(`skipped ${end - pos} bytes of garbage`, buf.subarray(pos, end)) });
        }
        this.resyncing = false;
        pos = end;
        if (next < 0) break;
        continue;
      }
      if (buf.length - pos < 6) break;
      const total = buf.readUInt16LE(pos + 4) + 6;
      if (total < HEADER_LENGTH || total > this.maxFrameLength) {
        items.push({
          error: new LxpFrameError(`implausible frame length ${total}`, buf.subarray(pos, pos + Math.min(total, 64))),
        });
        this.resyncing = true;
        pos += 1;
        continue;
      }
      // Check what the header already tells before waiting for `total` bytes: a false A1 1A in
      // garbage must not hold back (or swallow) the real frames behind it.
      const early = headerProblem(buf, pos, total);
      if (early) {
        items.push({ error: new LxpFrameError(early, buf.subarray(pos, pos + Math.min(total, buf.length - pos, 64))) });
        this.resyncing = true;
        pos += 1;
        continue;
      }
      if (buf.length - pos < total) break;
      const candidate = buf.subarray(pos, pos + total);
      try {
        items.push({ frame: parseFrame(candidate) });
        this.resyncing = false;
        pos += total;
      } catch (err) {
        const error = err instanceof LxpFrameError ? err : new LxpFrameError(String(err), candidate);
        items.push({ error });
        // A sound envelope with unsupported content is skipped whole; anything else may hide the
        // start of the next frame inside it, so rescan from the next byte.
        this.resyncing = !error.wellFormed;
        pos += error.wellFormed ? total : 1;
      }
    }
    this.pending = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
    return items;
  }
}

/** Parses one UDP datagram on its own: whole frames only, a cut-off tail is an error (lxp-protocol.md §7). */
export function parseDatagram(datagram: Buffer, options: StreamParserOptions = {}): StreamItem[] {
  const parser = new LxpStreamParser(options);
  const items = parser.push(datagram);
  if (parser.buffered > 0) {
    const tail = datagram.subarray(datagram.length - parser.buffered);
    const total = tail.length >= 6 ? tail.readUInt16LE(4) + 6 : undefined;
    const reason =
      total === undefined
        ? `frame cut off at the end of the datagram (${tail.length} bytes)`
        : `frame cut off at the end of the datagram: ${tail.length} of ${total} bytes`;
    items.push({ error: new LxpFrameError(reason, tail) });
  }
  return items;
}
