// Command codes (CID2), the read commands this package sends, the ones it never sends, and the
// return codes of replies (pylon-protocol.md §2.3, §5).

export const PylonCommand = {
  ANALOG_VALUES: 0x42,
  ALARM_INFO: 0x44,
  SYSTEM_PARAMETERS: 0x47,
  PROTOCOL_VERSION: 0x4f,
  MANUFACTURER_INFO: 0x51,
  CHARGE_MANAGEMENT: 0x92,
  SERIAL_NUMBER: 0x93,
  FIRMWARE_VERSION: 0x96,
  SYSTEM_BASIC_INFO: 0x60,
  SYSTEM_ANALOG: 0x61,
  SYSTEM_ALARMS: 0x62,
  SYSTEM_CHARGE_MANAGEMENT: 0x63,
} as const;

export type PylonReadCommand = (typeof PylonCommand)[keyof typeof PylonCommand];

interface ReadCommandInfo {
  name: string;
  /** Whether the request carries the pack selector (ADR on RS485, pack number on RS232) as INFO. */
  selectsPack: boolean;
  /** V3.5 system command: asked at the group master, answered for the whole group (pylon-protocol.md §5.9). */
  system?: true;
}

export const READ_COMMANDS: Readonly<Record<PylonReadCommand, ReadCommandInfo>> = {
  0x42: { name: "get analog values", selectsPack: true },
  0x44: { name: "get alarm info", selectsPack: true },
  0x47: { name: "get system parameters", selectsPack: false },
  0x4f: { name: "get protocol version", selectsPack: false },
  0x51: { name: "get manufacturer info", selectsPack: false },
  0x92: { name: "get charge/discharge management", selectsPack: true },
  0x93: { name: "get serial number", selectsPack: true },
  0x96: { name: "get firmware version", selectsPack: true },
  0x60: { name: "get system basic info", selectsPack: false, system: true },
  0x61: { name: "get system analog values", selectsPack: false, system: true },
  0x62: { name: "get system alarms", selectsPack: false, system: true },
  0x63: { name: "get system charge/discharge management", selectsPack: false, system: true },
};

export type PylonSystemCommand = 0x60 | 0x61 | 0x62 | 0x63;

export function isSystemCommand(cid2: number): cid2 is PylonSystemCommand {
  return isReadCommand(cid2) && READ_COMMANDS[cid2].system === true;
}

/** Commands that change battery state; the encoder refuses them whatever the caller asks. */
export const FORBIDDEN_COMMANDS: Readonly<Record<number, string>> = {
  0x94: "set charge/discharge management",
  0x95: "turn off pack",
  0x64: "shut down battery group",
};

export function isReadCommand(cid2: number): cid2 is PylonReadCommand {
  return Object.prototype.hasOwnProperty.call(READ_COMMANDS, cid2);
}

export function isForbiddenCommand(cid2: number): boolean {
  return Object.prototype.hasOwnProperty.call(FORBIDDEN_COMMANDS, cid2);
}

/** `0x42` style, upper-case digits, as in the payload's `command` field. */
export function formatCid2(cid2: number): string {
  return `0x${cid2.toString(16).toUpperCase().padStart(2, "0")}`;
}

/** Parses a command code typed as `0x42` or `42` (always hex); undefined for anything else. */
export function parseCid2(text: string): number | undefined {
  const m = /^(?:0x)?([0-9a-f]{1,2})$/i.exec(text.trim());
  return m ? parseInt(m[1], 16) : undefined;
}

/** Reply return codes (reply CID2 = RTN) and the snake_case names used in `errors[].error`. */
export const RETURN_CODES: Readonly<Record<number, { name: string; reason: PylonRtnReason }>> = {
  0x01: { name: "VER error", reason: "ver_error" },
  0x02: { name: "CHKSUM error", reason: "chksum_error" },
  0x03: { name: "LCHKSUM error", reason: "lchksum_error" },
  0x04: { name: "CID2 invalid", reason: "cid2_invalid" },
  0x05: { name: "command format error", reason: "command_format_error" },
  0x06: { name: "invalid data", reason: "invalid_data" },
  0x90: { name: "ADR error", reason: "adr_error" },
  0x91: { name: "internal communication error", reason: "internal_communication_error" },
};

export type PylonRtnReason =
  | "ver_error"
  | "chksum_error"
  | "lchksum_error"
  | "cid2_invalid"
  | "command_format_error"
  | "invalid_data"
  | "adr_error"
  | "internal_communication_error"
  | "unknown_rtn";

export function rtnName(rtn: number): string {
  return RETURN_CODES[rtn]?.name ?? "unknown RTN";
}

export function rtnReason(rtn: number): PylonRtnReason {
  return RETURN_CODES[rtn]?.reason ?? "unknown_rtn";
}
