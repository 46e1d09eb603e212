// Builds frames a client sends (lxp-protocol.md §2–§6): byte-exact with lxp-bridge's requests in the vectors.
import { crc16Modbus } from "./crc16";
import { DeviceFunction, HEADER_LENGTH, PREFIX_0, PREFIX_1, SERIAL_LENGTH, TcpFunction } from "./constants";

function checkSerial(serial: string, what: string): void {
  if (!/^[\x20-\x7e]{10}$/.test(serial)) {
    throw new RangeError(`${what} serial must be 10 printable ASCII characters, got ${JSON.stringify(serial)}`);
  }
}

function checkU16(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new RangeError(`${what} must be an integer 0–65535, got ${typeof value === "number" ? value : typeof value}`);
  }
}

/**
 * 1–127 register values as u16 little-endian from `offset`. Every index is visited: forEach/map skip
 * the holes of a sparse array, which would go out as the buffer's zeros.
 */
function writeValues(values: readonly number[], body: Buffer, offset: number, what: string): void {
  if (!Array.isArray(values) || values.length < 1 || values.length > 127) {
    throw new RangeError(`${what} takes 1–127 values, got ${Array.isArray(values) ? values.length : typeof values}`);
  }
  for (let k = 0; k < values.length; k++) {
    if (!Object.hasOwn(values, k)) throw new RangeError(`value ${k} is missing (a sparse array)`);
    checkU16(values[k], `value ${k}`);
    body.writeUInt16LE(values[k], offset + 2 * k);
  }
}

/** Outer header for a frame of `total` bytes. */
function header(total: number, protocol: number, tcpFunction: number, datalog: string): Buffer {
  checkSerial(datalog, "datalog");
  const buf = Buffer.alloc(total);
  buf[0] = PREFIX_0;
  buf[1] = PREFIX_1;
  buf.writeUInt16LE(protocol, 2);
  buf.writeUInt16LE(total - 6, 4);
  buf[6] = 1;
  buf[7] = tcpFunction;
  buf.write(datalog, 8, SERIAL_LENGTH, "latin1");
  return buf;
}

/** A C2 frame around an inner frame body (direction 0 = request). */
function translated(protocol: number, datalog: string, inverter: string, inner: Buffer): Buffer {
  checkSerial(inverter, "inverter");
  const total = HEADER_LENGTH + 2 + inner.length + 2;
  const buf = header(total, protocol, TcpFunction.TRANSLATED, datalog);
  buf.writeUInt16LE(inner.length + 2, HEADER_LENGTH);
  inner.copy(buf, HEADER_LENGTH + 2);
  buf.writeUInt16LE(crc16Modbus(buf, HEADER_LENGTH + 2, total - 2), total - 2);
  return buf;
}

function inner(fn: number, inverter: string, register: number, body: Buffer, direction = 0): Buffer {
  checkU16(register, "register");
  const buf = Buffer.alloc(14 + body.length);
  buf[0] = direction;
  buf[1] = fn;
  buf.write(inverter, 2, SERIAL_LENGTH, "latin1");
  buf.writeUInt16LE(register, 12);
  body.copy(buf, 14);
  return buf;
}

const u16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};

export interface Target {
  datalog: string;
  inverter: string;
  /** Protocol number in the header; lxp-bridge sends 1 for reads and write-single, 2 for write-multi. */
  protocol?: number;
}

function readRequest(fn: number, target: Target, register: number, count: number): Buffer {
  if (!Number.isInteger(count) || count < 1 || count > 127) {
    throw new RangeError(`register count must be 1–127, got ${count}`);
  }
  return translated(target.protocol ?? 1, target.datalog, target.inverter, inner(fn, target.inverter, register, u16(count)));
}

export function encodeReadInput(target: Target, register: number, count: number): Buffer {
  return readRequest(DeviceFunction.READ_INPUT, target, register, count);
}

export function encodeReadHold(target: Target, register: number, count: number): Buffer {
  return readRequest(DeviceFunction.READ_HOLD, target, register, count);
}

export function encodeWriteSingle(target: Target, register: number, value: number): Buffer {
  checkU16(value, "value");
  const body = inner(DeviceFunction.WRITE_SINGLE, target.inverter, register, u16(value));
  return translated(target.protocol ?? 1, target.datalog, target.inverter, body);
}

export function encodeWriteMulti(target: Target, register: number, values: readonly number[]): Buffer {
  const count = Array.isArray(values) ? values.length : 0;
  const body = Buffer.alloc(3 + Math.min(count, 127) * 2);
  writeValues(values, body, 3, "write multi");
  body.writeUInt16LE(count, 0);
  body[2] = count * 2;
  return translated(target.protocol ?? 2, target.datalog, target.inverter, inner(DeviceFunction.WRITE_MULTI, target.inverter, register, body));
}

/** A heartbeat frame; answering a heartbeat means echoing the received bytes unchanged (lxp-protocol.md §5). */
export function encodeHeartbeat(datalog: string, protocol = 2): Buffer {
  const buf = header(HEADER_LENGTH + 1, protocol, TcpFunction.HEARTBEAT, datalog);
  buf[HEADER_LENGTH] = 0;
  return buf;
}

export function encodeReadParam(datalog: string, param: number, protocol = 2): Buffer {
  checkU16(param, "param");
  const buf = header(HEADER_LENGTH + 2, protocol, TcpFunction.READ_PARAM, datalog);
  buf.writeUInt16LE(param, HEADER_LENGTH);
  return buf;
}

/** Write param (layout unconfirmed by any capture: param, value length, value bytes). */
export function encodeWriteParam(datalog: string, param: number, value: Buffer, protocol = 2): Buffer {
  checkU16(param, "param");
  const buf = header(HEADER_LENGTH + 4 + value.length, protocol, TcpFunction.WRITE_PARAM, datalog);
  buf.writeUInt16LE(param, HEADER_LENGTH);
  buf.writeUInt16LE(value.length, HEADER_LENGTH + 2);
  value.copy(buf, HEADER_LENGTH + 4);
  return buf;
}

// Replies, as a dongle sends them (used by the simulator and tests). `direction` is 1 as most
// dongles send it; some EG4 dongles send 0 (lxp-protocol.md §3).

export function encodeReadReply(
  target: Target,
  fn: typeof DeviceFunction.READ_HOLD | typeof DeviceFunction.READ_INPUT,
  register: number,
  values: readonly number[],
  direction = 1,
): Buffer {
  const count = Array.isArray(values) ? values.length : 0;
  const body = Buffer.alloc(1 + Math.min(count, 127) * 2);
  writeValues(values, body, 1, "a read reply");
  body[0] = count * 2;
  return translated(target.protocol ?? 2, target.datalog, target.inverter, inner(fn, target.inverter, register, body, direction));
}

export function encodeWriteSingleReply(target: Target, register: number, value: number, direction = 1): Buffer {
  checkU16(value, "value");
  const body = inner(DeviceFunction.WRITE_SINGLE, target.inverter, register, u16(value), direction);
  return translated(target.protocol ?? 2, target.datalog, target.inverter, body);
}

export function encodeWriteMultiReply(target: Target, register: number, count: number, direction = 1): Buffer {
  const body = inner(DeviceFunction.WRITE_MULTI, target.inverter, register, u16(count), direction);
  return translated(target.protocol ?? 2, target.datalog, target.inverter, body);
}

/** Exception reply: function | 0x80 and, as real dongles do, direction byte 0 (lxp-protocol.md §3). */
export function encodeExceptionReply(target: Target, fn: number, register: number, code: number): Buffer {
  const body = inner((fn | 0x80) & 0xff, target.inverter, register, Buffer.from([code]), 0);
  return translated(target.protocol ?? 2, target.datalog, target.inverter, body);
}

export function encodeReadParamReply(datalog: string, param: number, value: Buffer, protocol = 2): Buffer {
  checkU16(param, "param");
  const buf = header(HEADER_LENGTH + 4 + value.length, protocol, TcpFunction.READ_PARAM, datalog);
  buf.writeUInt16LE(param, HEADER_LENGTH);
  buf.writeUInt16LE(value.length, HEADER_LENGTH + 2);
  value.copy(buf, HEADER_LENGTH + 4);
  return buf;
}
