// Passive listening (pylon-protocol.md §12): reads the bytes of an RS485 bus where
// another master (the inverter) polls the packs, pairs each reply with the request it answers and
// decodes it. Pure: it takes bytes and returns data; it holds no port and has nothing to write to.
import {
  decodeReply,
  isReadCommand,
  parseFrame,
  PylonError,
  PylonFrame,
  PylonFrameSplitter,
  PylonProtocol,
  PylonReply,
  PylonRequestSummary,
  RETURN_CODES,
  summarizeRequest,
  CID1_BATTERY,
} from "../codec";

/** A request the master sent, as seen on the bus. */
export interface PassiveRequest {
  cid2: number;
  adr: number;
  /** Its wire text, `~` to CR. */
  raw: string;
}

/** One decoded reply with the request it answers. */
export interface PassiveReply {
  request: PassiveRequest;
  /** In pylon-poll's shape: `{ command, packs }` (or `system` for 0x60–0x63). */
  reply: PylonReply;
  /** The reply's wire text. */
  raw: string;
}

export interface BusPairerCounters {
  /** Frames classified as requests (any command, also ones this package cannot decode). */
  requests: number;
  /** Frames classified as replies (paired or not). */
  replies: number;
  /** Replies decoded and returned by push(). */
  decoded: number;
  /** Replies with no pending request to their ADR (the request was missed, or the capture began mid-exchange). */
  unpaired: number;
  /** Requests that got no reply: replaced by a newer one to the same ADR, expired or evicted. */
  unanswered: number;
  /** Replies to commands without a decoder (e.g. a vendor's 0x90): paired, not decoded. */
  unsupported: number;
  /** Paired replies the codec refused: an error RTN, implausible values, a late reply naming another pack. */
  rejected: number;
  /** Frames cut off, with bad hex, lengths or checksums, or not from a battery (CID1 ≠ 0x46). */
  badFrames: number;
}

export interface BusPairerOptions {
  /** Whose layouts the replies use; default "pylontech". */
  protocol?: PylonProtocol;
  /** A request still unanswered after this many further frames on the bus is dropped; default 16. */
  maxAgeFrames?: number;
  /** …or after this many milliseconds (by the `now` given to push); default 10,000. */
  maxAgeMs?: number;
  /** Requests held at once (one per ADR); the oldest goes when more arrive; default 32. */
  maxPending?: number;
}

interface PendingRequest extends PassiveRequest {
  summary: PylonRequestSummary;
  frameNo: number;
  at: number;
}

/**
 * CID2 values that are both a command and a return code (0x90 ADR error, 0x91 internal error): such
 * a frame is a reply only when a different request to its ADR is pending.
 */
const AMBIGUOUS = new Set([0x90, 0x91]);

const DEFAULTS = { maxAgeFrames: 16, maxAgeMs: 10_000, maxPending: 32 };

export class BusPairer {
  private readonly splitter = new PylonFrameSplitter();
  /** The latest unanswered request per ADR, oldest first (Map keeps insertion order). */
  private readonly pending = new Map<number, PendingRequest>();
  private readonly protocol: PylonProtocol;
  private readonly maxAgeFrames: number;
  private readonly maxAgeMs: number;
  private readonly maxPending: number;
  private frameNo = 0;
  private readonly count: BusPairerCounters = {
    requests: 0,
    replies: 0,
    decoded: 0,
    unpaired: 0,
    unanswered: 0,
    unsupported: 0,
    rejected: 0,
    badFrames: 0,
  };
  private lastProblem: PylonError | undefined;

  constructor(options: BusPairerOptions = {}) {
    this.protocol = options.protocol ?? "pylontech";
    this.maxAgeFrames = positive(options.maxAgeFrames, DEFAULTS.maxAgeFrames);
    this.maxAgeMs = positive(options.maxAgeMs, DEFAULTS.maxAgeMs);
    this.maxPending = positive(options.maxPending, DEFAULTS.maxPending);
  }

  /** A copy of the counters since creation. */
  get counters(): BusPairerCounters {
    return { ...this.count };
  }

  /** Requests waiting for their reply. */
  get pendingRequests(): number {
    return this.pending.size;
  }

  /** The last frame refused or reply rejected, for a status line. */
  get lastError(): PylonError | undefined {
    return this.lastProblem;
  }

  /** Feeds bus bytes in any chunking; returns the replies decoded from them, in bus order. Never throws a codec error. */
  push(chunk: string | Uint8Array, now: number = Date.now()): PassiveReply[] {
    const out: PassiveReply[] = [];
    for (const item of this.splitter.push(chunk)) {
      if (item.error) {
        this.count.badFrames += item.count;
        this.lastProblem = item.error;
        continue;
      }
      this.frameNo++;
      this.expire(now);
      const frame = this.parse(item.frame);
      if (frame) this.take(frame, now, out);
    }
    return out;
  }

  /** Forgets a partial frame and the pending requests (counters stay), e.g. after the port reopened. */
  reset(): void {
    this.splitter.reset();
    this.pending.clear();
  }

  private parse(text: string): PylonFrame | undefined {
    try {
      const frame = parseFrame(text);
      if (frame.cid1 === CID1_BATTERY) return frame;
      this.count.badFrames++;
      return undefined;
    } catch (err) {
      if (!(err instanceof PylonError)) throw err;
      this.count.badFrames++;
      this.lastProblem = err;
      return undefined;
    }
  }

  private take(frame: PylonFrame, now: number, out: PassiveReply[]): void {
    const waiting = this.pending.get(frame.adr);
    if (this.isRequest(frame, waiting)) {
      this.count.requests++;
      if (waiting) this.drop(frame.adr);
      this.hold(frame, now);
      return;
    }
    this.count.replies++;
    if (!waiting) {
      this.count.unpaired++;
      return;
    }
    this.pending.delete(frame.adr);
    if (!isReadCommand(waiting.cid2)) {
      this.count.unsupported++;
      return;
    }
    try {
      const reply = decodeReply(waiting.cid2, frame, { request: waiting.summary, protocol: this.protocol });
      this.count.decoded++;
      out.push({ request: { cid2: waiting.cid2, adr: waiting.adr, raw: waiting.raw }, reply, raw: frame.raw });
    } catch (err) {
      if (!(err instanceof PylonError)) throw err;
      this.count.rejected++;
      this.lastProblem = err;
    }
  }

  /** A request carries a command in CID2, a reply its RTN (pylon-protocol.md §2.3). */
  private isRequest(frame: PylonFrame, waiting: PendingRequest | undefined): boolean {
    if (isReadCommand(frame.cid2)) return true;
    if (AMBIGUOUS.has(frame.cid2)) return !waiting || waiting.raw === frame.raw;
    return !(frame.cid2 === 0 || frame.cid2 in RETURN_CODES);
  }

  private hold(frame: PylonFrame, now: number): void {
    if (this.pending.size >= this.maxPending) {
      const oldest = this.pending.keys().next().value as number;
      this.drop(oldest);
    }
    const summary = isReadCommand(frame.cid2) ? summarizeRequest(frame.cid2, { adr: frame.adr, info: frame.info }) : { adr: frame.adr };
    this.pending.set(frame.adr, { cid2: frame.cid2, adr: frame.adr, raw: frame.raw, summary, frameNo: this.frameNo, at: now });
  }

  private drop(adr: number): void {
    this.pending.delete(adr);
    this.count.unanswered++;
  }

  /** Drops requests too old to be answered (oldest first, so the scan stops at the first young one). */
  private expire(now: number): void {
    for (const [adr, request] of this.pending) {
      const tooOld = this.frameNo - request.frameNo > this.maxAgeFrames || now - request.at > this.maxAgeMs;
      if (!tooOld) break;
      this.drop(adr);
    }
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
