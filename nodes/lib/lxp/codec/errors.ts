// The one error shape of the package's LuxPower code (codec, link, control): a stable snake_case
// `code`, a one-line `message` and optional `details`. It lives in the codec because the codec may
// import nothing outside its folder; the link and control errors extend it from here.

/** Base class of every LuxPower error: `code` is stable (what code may test), `message` is for people. */
export class LxpError<C extends string = string, D extends object = object> extends Error {
  readonly code: C;
  /** What the error is about, when more than the message: the bytes, the reply, … (per class). */
  readonly details?: D;

  constructor(code: C, message: string, details?: D, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** Why bytes are not a frame (lxp-protocol.md §3–§7). */
export type LxpFrameErrorCode =
  | "too_short" // shorter than a header, or a translated frame shorter than its fixed part
  | "bad_prefix" // does not start with A1 1A
  | "length_mismatch" // a length field disagrees with the bytes the frame carries
  | "implausible_length" // a header announces a length no frame has (stream)
  | "bad_datalog" // the datalog serial is not 10 letters or digits
  | "bad_shape" // a heartbeat or param frame of a length no dongle sends, or running into the next frame
  | "unknown_tcp_function"
  | "unknown_device_function" // a sound frame whose content is unsupported (wellFormed)
  | "crc_mismatch"
  | "bad_body" // a translated frame's body does not fit its function
  | "garbage" // bytes between frames that start none (stream)
  | "cut_off" // a datagram ends inside a frame (stream)
  | "not_checked" // a candidate inside a frame that failed, counted without a CRC check (stream)
  | "undecodable" // a sound frame that cannot be turned into a message
  | "internal" // the parser itself failed; reported as a bad frame instead of thrown
  | "bad_frame"; // a problem given only as text

/** One problem: its code and, in words, what is wrong with the bytes. */
export interface LxpFrameProblem {
  code: LxpFrameErrorCode;
  text: string;
}

export const frameProblem = (code: LxpFrameErrorCode, text: string): LxpFrameProblem => ({ code, text });

/** What a stream error stands for: a run of bad frames and garbage between two good frames is one error. */
export interface LxpErrorExtent {
  /** Bad frames (and garbage runs) the error stands for. */
  count: number;
  /** Bytes they covered. */
  bytes: number;
}

export interface LxpFrameErrorDetails extends LxpErrorExtent {
  /** The offending bytes as lowercase hex (the first problem's for a merged run). */
  raw: string;
  /** What is wrong with the (first) bad bytes, in words. */
  problem: string;
  /** True when the frame's envelope was sound (so a stream may skip it whole) but its content is unsupported. */
  wellFormed: boolean;
}

/**
 * A frame that fails a check. For a merged run the message counts the problems and `code` and the
 * details describe the first. `raw`, `wellFormed`, `count` and `bytes` read the details.
 */
export class LxpFrameError extends LxpError<LxpFrameErrorCode, LxpFrameErrorDetails> {
  declare readonly details: LxpFrameErrorDetails;

  /** `problem` as text alone gets the code "bad_frame". */
  constructor(problem: LxpFrameProblem | string, raw: Uint8Array | string, wellFormed = false, extent?: LxpErrorExtent) {
    const { code, text } = typeof problem === "string" ? { code: "bad_frame" as const, text: problem } : problem;
    const hex = typeof raw === "string" ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("hex");
    const message = extent && extent.count > 1 ? `${extent.count} bad frames in ${extent.bytes} bytes, first: ${text}` : text;
    super(code, message, { raw: hex, problem: text, wellFormed, count: extent?.count ?? 1, bytes: extent?.bytes ?? hex.length / 2 });
  }

  get raw(): string {
    return this.details.raw;
  }

  get wellFormed(): boolean {
    return this.details.wellFormed;
  }

  /** 1 unless a stream parser merged a run of problems into this error. */
  get count(): number {
    return this.details.count;
  }

  /** Bytes skipped because of this error (raw's length unless a stream parser says otherwise). */
  get bytes(): number {
    return this.details.bytes;
  }

  /** @deprecated The problem in words: use `details.problem` (or `code`). */
  get reason(): string {
    return this.details.problem;
  }
}
