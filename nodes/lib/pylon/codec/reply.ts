// The one place a reply frame is decoded: envelope checks, CID1, ADR, RTN, then the INFO decoder
// of the command it answers. Used by pylon-poll and by `lxp-pylon decode pylon`.
import { FORBIDDEN_COMMANDS, formatCid2, isReadCommand, isSystemCommand, READ_COMMANDS, rtnName, rtnReason } from "./commands";
import { INFO_DECODERS, PackSelection, PylonPackCommand } from "./decode";
import { PylonCommandError, PylonFrameError } from "./errors";
import { CID1_BATTERY, parseFrame, PylonFrame } from "./frame";
import { checkAlarmInfo, checkAnalogValues, checkSystemParameters } from "./plausibility";
import { ALL_PACKS, PYLON_PROTOCOLS, PylonAddressing, PylonProtocol } from "./request";
import { decodeSeplosAlarms, decodeSeplosAnalog, decodeSeplosParameters } from "./seplos";
import { SYSTEM_DECODERS } from "./system";
import { PylonPack, PylonReply } from "./types";

/** Commands a Seplos V2 BMS answers in its own layout; the others share PylonTech's. */
const SEPLOS_DECODERS: Partial<Record<PylonPackCommand, (frame: PylonFrame) => PylonPack[]>> = {
  0x42: decodeSeplosAnalog,
  0x44: decodeSeplosAlarms,
  0x47: decodeSeplosParameters,
};

/** Checks that refuse what no PylonTech pack sends (pylon-protocol.md §11). */
const PLAUSIBILITY: Partial<Record<PylonPackCommand, (frame: PylonFrame, packs: readonly PylonPack[]) => void>> = {
  0x42: checkAnalogValues,
  0x44: checkAlarmInfo,
  0x47: checkSystemParameters,
};

export interface DecodeReplyOptions {
  /**
   * The request this frame answers, as its wire text or its addressing. When given, the reply's
   * ADR must match it (a mismatch is a late reply to an earlier request), and INFO 0xFF decides
   * whether a 0x42/0x44 reply holds all packs. Without it, see PackSelection `auto`.
   */
  request?: string | Uint8Array | PylonAddressing;
  /** Whose layouts the reply uses; default "pylontech". */
  protocol?: PylonProtocol;
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
 * Decodes the reply to command `cid2` (one of the read commands) into `{ command, packs }`, or
 * `{ command, packs: [], system }` for the system commands 0x60–0x63.
 * Throws PylonFrameError for a bad, error or implausible frame, PylonCommandError for a command it cannot decode.
 */
export function decodeReply(cid2: number, frame: string | Uint8Array, options: DecodeReplyOptions = {}): PylonReply {
  if (!isReadCommand(cid2)) {
    const what = FORBIDDEN_COMMANDS[cid2] ? ` (${FORBIDDEN_COMMANDS[cid2]})` : "";
    throw new PylonCommandError("unsupported_command", `no decoder for CID2 ${formatCid2(cid2)}${what}`, cid2);
  }
  const protocol = options.protocol ?? "pylontech";
  if (!PYLON_PROTOCOLS.includes(protocol)) {
    throw new PylonCommandError("invalid_argument", `protocol must be "pylontech" or "seplos", got "${String(protocol)}"`, cid2);
  }
  const request = summariseRequest(cid2, options.request);
  const parsed = parseFrame(frame);
  checkReplyHeader(parsed, request);
  const command = formatCid2(cid2);
  if (isSystemCommand(cid2)) return { command, packs: [], system: { address: parsed.adr, ...SYSTEM_DECODERS[cid2](parsed) } };
  const seplos = protocol === "seplos" ? SEPLOS_DECODERS[cid2] : undefined;
  // A Seplos reply names command group 1 whatever pack was asked: the ADR alone tells packs apart.
  if (seplos) {
    const packs = seplos(parsed);
    if (cid2 === 0x42) checkAnalogValues(parsed, packs, "seplos");
    return { command, packs };
  }
  const selection: PackSelection =
    request?.selector === undefined ? "auto" : request.selector === ALL_PACKS ? "all" : "single";
  const packs = INFO_DECODERS[cid2](parsed, selection);
  if (protocol === "seplos") return { command, packs };
  // Before the pack check: a clone's reply is refused for what it is, not as a late reply.
  PLAUSIBILITY[cid2]?.(parsed, packs);
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
  return { command, packs };
}
