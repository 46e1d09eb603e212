// Wire constants of the LuxPower dongle protocol (docs/lxp-protocol.md §2–§3).
export const PREFIX_0 = 0xa1;
export const PREFIX_1 = 0x1a;
export const HEADER_LENGTH = 18; // prefix .. datalog serial
export const TRANSLATED_HEADER_LENGTH = 20; // + data length field
export const SERIAL_LENGTH = 10;

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
 * Longest frame accepted. The largest real frame is a 127-register reply (291 bytes); a larger
 * length field is garbage, and waiting for its bytes would hold back the frames behind it.
 */
export const DEFAULT_MAX_FRAME_LENGTH = 512;
