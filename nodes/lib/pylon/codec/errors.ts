// The one error shape of the package's PylonTech code (codec and link): a stable snake_case `code`,
// a one-line `message` (a CLI prints it as is) and optional `details`. It lives in the codec
// because the codec may import nothing outside its folder; the link errors extend it from here.
import type { PylonRtnReason } from "./commands";

/**
 * Base class of every PylonTech error: `instanceof PylonError` catches every codec error (and the
 * link's). `code` is stable (what code may test), `message` is for people.
 */
export class PylonError<C extends string = string, D extends object = object> extends Error {
  readonly code: C;
  /** What the error is about, when more than the message: the frame, the command, … (per class). */
  readonly details?: D;

  constructor(code: C, message: string, details?: D, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

export type PylonFrameErrorCode =
  | "framing" // no `~`, too short, or a frame cut off by the next `~`
  | "bad_hex"
  | "length_checksum"
  | "length_mismatch" // LENID differs from the INFO actually carried
  | "checksum"
  | "unsupported_variant" // CID1 is not 0x46 (clone BMS with another dialect)
  | "address_mismatch" // a late reply to an earlier request
  | "truncated" // INFO shorter than its own counts announce
  | "unsupported_layout"
  | "implausible_values" // values no PylonTech pack sends: a clone BMS with other units (pylon-protocol.md §11)
  | "buffer_overflow"
  | PylonRtnReason;

export interface PylonFrameErrorDetails {
  /** The offending frame text as received. */
  raw: string;
  /** The reply's return code when `code` comes from a non-zero RTN. */
  rtn?: number;
}

/**
 * A frame that is malformed, fails a check, or carries a non-zero return code. `code` is the
 * payload's `errors[].error` (docs/pylon-payloads.md §5); `raw` and `rtn` read the details.
 */
export class PylonFrameError extends PylonError<PylonFrameErrorCode, PylonFrameErrorDetails> {
  declare readonly details: PylonFrameErrorDetails;

  constructor(code: PylonFrameErrorCode, message: string, raw: string, rtn?: number) {
    super(code, message, rtn === undefined ? { raw } : { raw, rtn });
  }

  get raw(): string {
    return this.details.raw;
  }

  get rtn(): number | undefined {
    return this.details.rtn;
  }

  /** @deprecated The same as `code`. */
  get reason(): PylonFrameErrorCode {
    return this.code;
  }
}

export type PylonCommandErrorCode = "forbidden_command" | "unsupported_command" | "invalid_argument";

/** A request the codec refuses to build, or a command it cannot decode (`details.cid2`: the command). */
export class PylonCommandError extends PylonError<PylonCommandErrorCode, { cid2: number }> {
  constructor(code: PylonCommandErrorCode, message: string, cid2?: number) {
    super(code, message, cid2 === undefined ? undefined : { cid2 });
  }

  get cid2(): number | undefined {
    return this.details?.cid2;
  }

  /** @deprecated The same as `code`. */
  get reason(): PylonCommandErrorCode {
    return this.code;
  }
}
