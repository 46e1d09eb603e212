// Request frames for the read commands, and the two addressing schemes (pylon-protocol.md §4, §6):
// rs485 puts the pack address in ADR and repeats it in INFO (first pack = 2, group m adds 0x10·m);
// rs232 (the console port's binary protocol) always talks to ADR 1 and picks the pack by INFO.
import { formatCid2, isReadCommand, READ_COMMANDS } from "./commands";
import { PylonCommandError } from "./errors";
import { assertNotForbidden, encodeFrame } from "./frame";

export type PylonAddressMode = "rs485" | "rs232";

/**
 * Whose layouts the replies use: "pylontech", or "seplos" (a Seplos V2 BMS: packs at ADR 0, 1, …,
 * 0x42/0x44/0x47 in its own layout and units, pylon-protocol.md §11).
 */
export type PylonProtocol = "pylontech" | "seplos";

export const PYLON_PROTOCOLS: readonly PylonProtocol[] = ["pylontech", "seplos"];

/** Pack selector for "all packs" (only old firmware answers it, pylon-protocol.md §4.3). */
export const ALL_PACKS = 0xff;

export interface PylonAddressing {
  adr: number;
  /** The INFO "command value": one byte, or the raw INFO bytes; omit for no INFO. */
  info?: number | Uint8Array | readonly number[];
  ver?: number;
}

/**
 * ADR and INFO for pack `pack` (1 = first pack, or ALL_PACKS) of battery group `group` (0..7;
 * 0 for a single group, pylon-protocol.md §4.2).
 */
export function packAddressing(mode: PylonAddressMode, pack: number, group = 0): { adr: number; info: number } {
  if (!Number.isInteger(group) || group < 0 || group > 7) {
    throw new PylonCommandError("invalid_argument", `battery group must be 0..7, got ${String(group)}`);
  }
  const maxPack = mode === "rs485" && group > 0 ? 14 : 16; // group addresses are 0x10·m + 2..0x0F
  if (pack !== ALL_PACKS && (!Number.isInteger(pack) || pack < 1 || pack > maxPack)) {
    throw new PylonCommandError("invalid_argument", `pack number must be 1..${maxPack} or 0xFF, got ${String(pack)}`);
  }
  if (mode === "rs232") return { adr: 1, info: pack };
  if (mode !== "rs485") throw new PylonCommandError("invalid_argument", `unknown addressing mode ${String(mode)}`);
  const master = 0x10 * group + 2;
  if (pack === ALL_PACKS) return { adr: master, info: ALL_PACKS };
  const adr = master + pack - 1;
  return { adr, info: adr };
}

/** Seplos V2 on RS485: pack n (1..16) is its DIP address n − 1, repeated as INFO (the "command group"). */
export function seplosAddressing(pack: number): { adr: number; info: number } {
  if (!Number.isInteger(pack) || pack < 1 || pack > 16) {
    throw new PylonCommandError("invalid_argument", `Seplos pack number must be 1..16, got ${String(pack)}`);
  }
  return { adr: pack - 1, info: pack - 1 };
}

/** Encodes a request for one of the read commands (pylon-protocol.md §5), with the addressing given as is. */
export function encodeRequest(cid2: number, addressing: PylonAddressing): string {
  assertNotForbidden(cid2);
  if (!isReadCommand(cid2)) {
    throw new PylonCommandError("unsupported_command", `CID2 ${formatCid2(cid2)} is not a read command this codec sends`, cid2);
  }
  if (addressing.adr === 0xff) {
    throw new PylonCommandError("invalid_argument", "ADR 0xFF is reserved; use INFO 0xFF to ask for all packs", cid2);
  }
  const { info } = addressing;
  const bytes = info === undefined ? [] : typeof info === "number" ? [info] : Array.from(info);
  return encodeFrame({ ver: addressing.ver, adr: addressing.adr, cid2, info: bytes });
}

/** The request for `cid2` to pack `pack`: commands without a pack selector get no INFO. */
export function buildPackRequest(
  cid2: number,
  mode: PylonAddressMode,
  pack: number,
  options: { group?: number; ver?: number; protocol?: PylonProtocol } = {},
): string {
  const { adr, info } = options.protocol === "seplos" ? seplosAddressing(pack) : packAddressing(mode, pack, options.group);
  const selectsPack = isReadCommand(cid2) && READ_COMMANDS[cid2].selectsPack;
  return encodeRequest(cid2, { adr, info: selectsPack ? info : undefined, ver: options.ver });
}
