// Wire constants of the LuxPower dongle protocol (docs/lxp-protocol.md §2–§3).
export const PREFIX_0 = 0xa1;
export const PREFIX_1 = 0x1a;
export const HEADER_LENGTH = 18; // prefix .. datalog serial
export const TRANSLATED_HEADER_LENGTH = 20; // + data length field
export const SERIAL_LENGTH = 10;

/** Registers per input bank: the dongle pushes inputs 40 at a time, and topics say inputs/{bank} (lxp-protocol.md §8). */
export const BANK_SIZE = 40;
/** Banks with named input registers: 0–239 (lxp-protocol.md §8.1–§8.5). */
export const NAMED_INPUT_BANKS = 6;
/** Most registers one read or write multi carries (lxp-protocol.md §3, "Limits and reply matching"). */
export const MAX_REGISTERS = 127;

export const TcpFunction = {
  HEARTBEAT: 0xc1,
  TRANSLATED: 0xc2,
  READ_PARAM: 0xc3,
  WRITE_PARAM: 0xc4,
} as const;

export const DeviceFunction = {
  READ_HOLD: 0x03,
  READ_INPUT: 0x04,
  WRITE_SINGLE: 0x06,
  WRITE_MULTI: 0x10,
} as const;

export const EXCEPTION_BIT = 0x80;

export const EXCEPTION_CODES: Record<number, string> = {
  1: "illegal function",
  2: "illegal data address",
  3: "illegal data value",
  4: "device failure",
  5: "acknowledge",
  6: "device busy",
};

/**
 * Longest frame accepted. The largest real frame is a MAX_REGISTERS (127) reply (291 bytes); a larger
 * length field is garbage, and waiting for its bytes would hold back the frames behind it.
 */
export const DEFAULT_MAX_FRAME_LENGTH = 512;
