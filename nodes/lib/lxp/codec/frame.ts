// Parses one complete LuxPower dongle frame (docs/lxp-protocol.md §2–§6). Validation order
// follows lxp-protocol.md §7: prefix, lengths, CRC, then the body's own counts.
import { crc16Modbus } from "./crc16";
import {
  DeviceFunction,
  EXCEPTION_BIT,
  HEADER_LENGTH,
  PREFIX_0,
  PREFIX_1,
  SERIAL_LENGTH,
  TcpFunction,
  TRANSLATED_HEADER_LENGTH,
} from "./constants";
import { LxpFrameError } from "./errors";

interface FrameBase {
  protocol: number;
  address: number;
  tcpFunction: number;
  datalog: string;
  raw: Buffer;
}

export interface HeartbeatFrame extends FrameBase {
  kind: "heartbeat";
  trailing: Buffer;
}

export interface ParamFrame extends FrameBase {
  kind: "param";
  role: "request" | "reply";
  param: number;
  /** Value bytes: of a read reply, of a write request, or the status bytes of a write reply. */
  value?: Buffer;
}

interface TranslatedBase extends FrameBase {
  kind: "translated";
  direction: number;
  /** As on the wire, exception bit included. */
  deviceFunction: number;
  inverter: string;
  register: number;
}

export interface ReadRequestFrame extends TranslatedBase {
  role: "request";
  deviceFunction: typeof DeviceFunction.READ_HOLD | typeof DeviceFunction.READ_INPUT;
  count: number;
}
export interface WriteSingleFrame extends TranslatedBase {
  role: "request" | "reply";
  deviceFunction: typeof DeviceFunction.WRITE_SINGLE;
  value: number;
}
export interface WriteMultiRequestFrame extends TranslatedBase {
  role: "request";
  deviceFunction: typeof DeviceFunction.WRITE_MULTI;
  count: number;
  values: number[];
}
export interface WriteMultiReplyFrame extends TranslatedBase {
  role: "reply";
  deviceFunction: typeof DeviceFunction.WRITE_MULTI;
  count: number;
}
export interface ReadReplyFrame extends TranslatedBase {
  role: "reply";
  deviceFunction: typeof DeviceFunction.READ_HOLD | typeof DeviceFunction.READ_INPUT;
  values: number[];
}
export interface ExceptionFrame extends TranslatedBase {
  role: "exception";
  exceptionCode: number;
}

export type TranslatedFrame =
  | ReadRequestFrame
  | ReadReplyFrame
  | WriteSingleFrame
  | WriteMultiRequestFrame
  | WriteMultiReplyFrame
  | ExceptionFrame;

export type LxpFrame = HeartbeatFrame | ParamFrame | TranslatedFrame;

/** Heartbeats are 19 bytes (lxp-protocol.md §5); up to two more are accepted if they cannot start the next frame. */
const HEARTBEAT_LENGTH = 19;
const HEARTBEAT_MAX_LENGTH = 21;
/** A param read request is the header plus the param number (lxp-protocol.md §6). */
const PARAM_REQUEST_LENGTH = HEADER_LENGTH + 2;
/** Header, param number and value length: the shortest param frame that carries a value. */
const PARAM_VALUE_OFFSET = HEADER_LENGTH + 4;

const isAlphanumeric = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/**
 * Why the 10 datalog bytes at `offset` are not a dongle serial. They are outside the CRC and end up
 * in topics (lxp/{datalog}/…), so only what dongle labels carry passes: 10 letters or digits.
 */
export function datalogProblem(buf: Buffer, offset: number): string | undefined {
  for (let i = offset; i < offset + SERIAL_LENGTH; i++) {
    if (!isAlphanumeric(buf[i])) return `bad datalog serial ${JSON.stringify(buf.toString("latin1", offset, offset + SERIAL_LENGTH))}`;
  }
  return undefined;
}

/** True if a byte in [from, to) could be the first of the next frame's prefix. */
function holdsPrefixByte(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] === PREFIX_0) return true;
  return false;
}

/**
 * Why a heartbeat or param frame announcing `total` bytes at `offset` has a shape no dongle sends,
 * judged on the bytes present (a stream checks before the whole frame is in). These frames have no
 * CRC: without this a corrupted length field would swallow the frame behind them (§5, §6).
 */
export function crclessShapeProblem(buf: Buffer, offset: number, total: number): string | undefined {
  const fn = buf[offset + 7];
  const end = offset + Math.min(total, buf.length - offset);
  if (fn === TcpFunction.HEARTBEAT) {
    if (total < HEARTBEAT_LENGTH || total > HEARTBEAT_MAX_LENGTH) {
      return `heartbeat of ${total} bytes (heartbeats have ${HEARTBEAT_LENGTH} to ${HEARTBEAT_MAX_LENGTH})`;
    }
    if (holdsPrefixByte(buf, offset + HEARTBEAT_LENGTH, end)) return `heartbeat of ${total} bytes runs into the next frame's prefix`;
    return undefined;
  }
  if (fn !== TcpFunction.READ_PARAM && fn !== TcpFunction.WRITE_PARAM) return undefined;
  const name = fn === TcpFunction.READ_PARAM ? "read param" : "write param";
  if (total < PARAM_REQUEST_LENGTH) return "param frame has no param number";
  if (total === PARAM_REQUEST_LENGTH) return undefined;
  // A write reply: the param number and one or two status bytes (lxp-protocol.md §6).
  const statusReply = fn === TcpFunction.WRITE_PARAM && total <= PARAM_VALUE_OFFSET;
  if (total < PARAM_VALUE_OFFSET && !statusReply) {
    return `${name} frame of ${total} bytes (a request has ${PARAM_REQUEST_LENGTH}, a reply at least ${PARAM_VALUE_OFFSET})`;
  }
  if (end < offset + PARAM_VALUE_OFFSET) {
    return statusReply && holdsPrefixByte(buf, offset + PARAM_REQUEST_LENGTH, end) ? `${name} reply runs into the next frame's prefix` : undefined;
  }
  const declared = buf.readUInt16LE(offset + HEADER_LENGTH + 2);
  if (declared === total - PARAM_VALUE_OFFSET) return undefined;
  if (statusReply) {
    return holdsPrefixByte(buf, offset + PARAM_REQUEST_LENGTH, end) ? `${name} reply runs into the next frame's prefix` : undefined;
  }
  return `param value length ${declared} does not match the ${total - PARAM_VALUE_OFFSET} bytes present`;
}

/** Reads an ASCII serial, dropping NUL padding. */
function ascii(buf: Buffer, start: number, length: number): string {
  let end = start + length;
  while (end > start && buf[end - 1] === 0) end--;
  return buf.toString("latin1", start, end);
}

/** Total frame length announced by a header, or undefined if fewer than 6 bytes are given. */
export function announcedLength(buf: Buffer, offset = 0): number | undefined {
  if (buf.length - offset < 6) return undefined;
  return buf.readUInt16LE(offset + 4) + 6;
}

/** Parses exactly one frame; `buf` must hold that frame and nothing else. Throws LxpFrameError. */
export function parseFrame(buf: Buffer): LxpFrame {
  if (buf.length < HEADER_LENGTH) {
    throw new LxpFrameError(`frame too short: ${buf.length} bytes, a header needs ${HEADER_LENGTH}`, buf);
  }
  if (buf[0] !== PREFIX_0 || buf[1] !== PREFIX_1) {
    throw new LxpFrameError(`bad prefix ${buf.toString("hex", 0, 2)}, expected a11a`, buf);
  }
  const total = announcedLength(buf) as number;
  if (total !== buf.length) {
    throw new LxpFrameError(`length field says ${total} bytes, frame has ${buf.length}`, buf);
  }
  const badDatalog = datalogProblem(buf, 8);
  if (badDatalog) throw new LxpFrameError(badDatalog, buf);
  const badShape = crclessShapeProblem(buf, 0, total);
  if (badShape) throw new LxpFrameError(badShape, buf);
  const datalog = buf.toString("latin1", 8, 8 + SERIAL_LENGTH);
  const base: FrameBase = {
    protocol: buf.readUInt16LE(2),
    address: buf[6],
    tcpFunction: buf[7],
    datalog,
    raw: buf,
  };
  switch (base.tcpFunction) {
    case TcpFunction.HEARTBEAT:
      return with_(base, { kind: "heartbeat", trailing: buf.subarray(HEADER_LENGTH) });
    case TcpFunction.READ_PARAM:
    case TcpFunction.WRITE_PARAM:
      return parseParam(buf, base);
    case TcpFunction.TRANSLATED:
      return parseTranslated(buf, base);
    default: {
      throw new LxpFrameError(`unknown TCP function 0x${base.tcpFunction.toString(16)}`, buf);
    }
  }
}

/** Tells the four param frames apart; crclessShapeProblem has vetted the lengths. */
function parseParam(buf: Buffer, base: FrameBase): ParamFrame {
  const rest = buf.length - HEADER_LENGTH;
  const param = buf.readUInt16LE(HEADER_LENGTH);
  if (rest === 2) return with_(base, { kind: "param", role: "request", param });
  const declared = rest >= 4 ? buf.readUInt16LE(HEADER_LENGTH + 2) : undefined;
  const withLength = declared === rest - 4;
  if (base.tcpFunction === TcpFunction.READ_PARAM) {
    if (!withLength) {
      throw new LxpFrameError(`param value length ${declared} does not match the ${rest - 4} bytes present`, buf);
    }
    return with_(base, { kind: "param", role: "reply", param, value: buf.subarray(HEADER_LENGTH + 4) });
  }
  // Write param: a request carries length + value; the reply carries status bytes only.
  if (withLength) return with_(base, { kind: "param", role: "request", param, value: buf.subarray(HEADER_LENGTH + 4) });
  return with_(base, { kind: "param", role: "reply", param, value: buf.subarray(HEADER_LENGTH + 2) });
}

const INNER_FIXED = 14; // direction, function, inverter serial, start register

function parseTranslated(buf: Buffer, base: FrameBase): TranslatedFrame {
  if (buf.length < TRANSLATED_HEADER_LENGTH + INNER_FIXED + 2) {
    throw new LxpFrameError(`translated frame too short: ${buf.length} bytes`, buf);
  }
  const dataLength = buf.readUInt16LE(HEADER_LENGTH);
  if (dataLength !== buf.length - TRANSLATED_HEADER_LENGTH) {
    throw new LxpFrameError(
      `data length field says ${dataLength}, frame carries ${buf.length - TRANSLATED_HEADER_LENGTH}`,
      buf,
    );
  }
  const crcAt = buf.length - 2;
  const stored = buf.readUInt16LE(crcAt);
  const computed = crc16Modbus(buf, TRANSLATED_HEADER_LENGTH, crcAt);
  if (stored !== computed) {
    throw new LxpFrameError(`CRC mismatch: stored 0x${hex4(stored)}, computed 0x${hex4(computed)}`, buf);
  }
  const i = TRANSLATED_HEADER_LENGTH;
  const direction = buf[i];
  const deviceFunction = buf[i + 1];
  const head = with_(base, {
    kind: "translated" as const,
    direction,
    deviceFunction,
    inverter: ascii(buf, i + 2, SERIAL_LENGTH),
    register: buf.readUInt16LE(i + 12),
  });
  const body = i + INNER_FIXED;
  const bodyLength = crcAt - body;

  if (deviceFunction & EXCEPTION_BIT) {
    if (bodyLength < 1) throw new LxpFrameError("exception reply without an exception code", buf);
    return with_(head, { role: "exception", exceptionCode: buf[body] });
  }
  const need = (n: number, what: string): void => {
    if (bodyLength !== n) throw new LxpFrameError(`${what}: expected ${n} body bytes, got ${bodyLength}`, buf);
  };

  // Request or reply is decided by the body, not the direction byte: exception replies and every
  // reply of some EG4 dongles carry direction 00 (lxp-protocol.md §3). Only a write single is the
  // same both ways, so there the direction byte is all there is.
  switch (deviceFunction) {
    case DeviceFunction.READ_HOLD:
    case DeviceFunction.READ_INPUT: {
      if (bodyLength === 2) return with_(head, { deviceFunction, role: "request", count: buf.readUInt16LE(body) });
      if (bodyLength < 1) throw new LxpFrameError("read frame without a body", buf);
      const byteCount = buf[body];
      if (byteCount === 0) throw new LxpFrameError("read reply carries no registers", buf);
      if (byteCount !== bodyLength - 1 || byteCount % 2 !== 0) {
        throw new LxpFrameError(
          `read reply: byte count ${byteCount} does not match the ${bodyLength - 1} value bytes (a request has a 2-byte body)`,
          buf,
        );
      }
      return with_(head, { deviceFunction, role: "reply", values: readWords(buf, body + 1, byteCount / 2) });
    }
    case DeviceFunction.WRITE_SINGLE:
      need(2, "write single");
      return with_(head, { deviceFunction, role: direction === 0 ? "request" : "reply", value: buf.readUInt16LE(body) });
    case DeviceFunction.WRITE_MULTI: {
      if (bodyLength === 2) return with_(head, { deviceFunction, role: "reply", count: buf.readUInt16LE(body) });
      if (bodyLength < 3) throw new LxpFrameError(`write multi: ${bodyLength} body bytes, a reply has 2 and a request at least 5`, buf);
      const count = buf.readUInt16LE(body);
      const byteCount = buf[body + 2];
      if (byteCount !== count * 2 || bodyLength !== 3 + byteCount) {
        throw new LxpFrameError(
          `write multi of ${count} registers declares ${byteCount} bytes and carries ${bodyLength - 3}`,
          buf,
        );
      }
      return with_(head, { deviceFunction, role: "request", count, values: readWords(buf, body + 3, count) });
    }
    default:
      throw new LxpFrameError(`unknown device function 0x${deviceFunction.toString(16)}`, buf, true);
  }
}

/**
 * Adds b's fields to a (which each parse path uses once). Object spread costs several µs per
 * frame on Node 20; Object.assign does not.
 */
function with_<A extends object, const B extends object>(a: A, b: B): A & B {
  return Object.assign(a, b);
}

function readWords(buf: Buffer, offset: number, count: number): number[] {
  const out = new Array<number>(count);
  for (let k = 0; k < count; k++) out[k] = buf[offset + 2 * k] | (buf[offset + 2 * k + 1] << 8);
  return out;
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, "0");
}
