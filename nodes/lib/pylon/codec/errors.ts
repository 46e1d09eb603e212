// Error classes of the codec. Messages are one line so a CLI can print `err.message` as is.
import type { PylonRtnReason } from "./commands";

/** Base class: `instanceof PylonError` catches every codec error. */
export class PylonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export type PylonFrameErrorReason =
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

/** A frame that is malformed, fails a check, or carries a non-zero return code. */
export class PylonFrameError extends PylonError {
  /** snake_case cause, usable as `errors[].error` of the payload (docs/pylon-payloads.md). */
  readonly reason: PylonFrameErrorReason;
  /** The offending frame text as received. */
  readonly raw: string;
  /** The reply's return code when `reason` comes from a non-zero RTN. */
  readonly rtn?: number;

  constructor(reason: PylonFrameErrorReason, message: string, raw: string, rtn?: number) {
    super(message);
    this.reason = reason;
    this.raw = raw;
    if (rtn !== undefined) this.rtn = rtn;
  }
}

export type PylonCommandErrorReason = "forbidden_command" | "unsupported_command" | "invalid_argument";

/** A request the codec refuses to build, or a command it cannot decode. */
export class PylonCommandError extends PylonError {
  readonly reason: PylonCommandErrorReason;
  readonly cid2?: number;

  constructor(reason: PylonCommandErrorReason, message: string, cid2?: number) {
    super(message);
    this.reason = reason;
    if (cid2 !== undefined) this.cid2 = cid2;
  }
}
