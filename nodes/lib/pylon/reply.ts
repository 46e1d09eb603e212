// The one place a reply frame is decoded: envelope checks, CID1, ADR, RTN, then the INFO decoder
// of the command it answers. Used by pylon-poll and by `lxp-pylon decode pylon`.
import { FORBIDDEN_COMMANDS, formatCid2, isReadCommand, READ_COMMANDS, rtnName, rtnReason } from "./commands";
import { INFO_DECODERS, PackSelection } from "./decode";
import { PylonCommandError, PylonFrameError } from "./errors";
import { CID1_BATTERY, parseFrame, PylonFrame } from "./frame";
import { ALL_PACKS, PylonAddressing } from "./request";
import { PylonReply } from "./types";

export interface DecodeReplyOptions {
  /**
   * The request this frame answers, as its wire text or its addressing. When given, the reply's
   * ADR must match it (a mismatch is a late reply to an earlier request), and INFO 0xFF decides
   * whether a 0x42/0x44 reply holds all packs. Without it, see PackSelection `auto`.
   */
  request?: string | Uint8Array | PylonAddressing;
}

interface RequestSummary {
  adr: number;
  selector?: number;
}

function summariseRequest(cid2: number, request: DecodeReplyOptions["request"]): RequestSummary | undefined {
  if (request === undefined) return undefined;
  if (typeof request === "string" || request instanceof Uint8Array) {
    const frame = parseFrame(request);
    if (frame.cid2 !== cid2) {
      throw new PylonCommandError(
        "invalid_argument",
        `the request is for CID2 ${formatCid2(frame.cid2)}, not ${formatCid2(cid2)}`,
        cid2,
      );
    }
    return { adr: frame.adr, selector: frame.info.length ? frame.info[0] : undefined };
  }
  const { adr, info } = request;
  const selector = info === undefined ? undefined : typeof info === "number" ? info : info[0];
  return { adr, selector };
}

function checkReplyHeader(frame: PylonFrame, request: RequestSummary | undefined): void {
  if (frame.cid1 !== CID1_BATTERY) {
    throw new PylonFrameError(
      "unsupported_variant",
      `CID1 ${formatCid2(frame.cid1)} is not a PylonTech battery reply (expected 0x46)`,
      frame.raw,
    );
  }
  if (request && frame.adr !== request.adr) {
    throw new PylonFrameError(
      "address_mismatch",
      `reply from ADR ${formatCid2(frame.adr)} to a request for ADR ${formatCid2(request.adr)}`,
      frame.raw,
    );
  }
  if (frame.cid2 !== 0) {
    throw new PylonFrameError(
      rtnReason(frame.cid2),
      `battery returned RTN ${formatCid2(frame.cid2)} (${rtnName(frame.cid2)})`,
      frame.raw,
      frame.cid2,
    );
  }
}

/**
 * Decodes the reply to command `cid2` (one of the read commands) into `{ command, packs }`.
 * Throws PylonFrameError for a bad or error frame, PylonCommandError for a command it cannot decode.
 */
export function decodeReply(cid2: number, frame: string | Uint8Array, options: DecodeReplyOptions = {}): PylonReply {
  if (!isReadCommand(cid2)) {
    const what = FORBIDDEN_COMMANDS[cid2] ? ` (${FORBIDDEN_COMMANDS[cid2]})` : "";
    throw new PylonCommandError("unsupported_command", `no decoder for CID2 ${formatCid2(cid2)}${what}`, cid2);
  }
  const request = summariseRequest(cid2, options.request);
  const parsed = parseFrame(frame);
  checkReplyHeader(parsed, request);
  const selection: PackSelection =
    request?.selector === undefined ? "auto" : request.selector === ALL_PACKS ? "all" : "single";
  const packs = INFO_DECODERS[cid2](parsed, selection);
  if (selection === "single" && READ_COMMANDS[cid2].selectsPack && request?.selector !== undefined) {
    // The reply names the pack it describes: on the console port (every ADR is 1) this is the only
    // way to tell a slow pack's late reply from the answer to the request in flight.
    const other = packs.find((p) => p.address !== request.selector);
    if (other) {
      throw new PylonFrameError(
        "address_mismatch",
        `reply about pack ${formatCid2(other.address)} to a request for pack ${formatCid2(request.selector)}`,
        parsed.raw,
      );
    }
  }
  return { command: formatCid2(cid2), packs };
}
