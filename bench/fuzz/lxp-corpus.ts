// LuxPower frames to fuzz with: every fixture frame (test/fixtures/lxp-vectors.json and the real
// captures), frames built by the encoders with random registers and values, and their mutations, half
// of them with the CRC recomputed so they reach the decoders past the CRC check.
import {
  BATTERY_PACK_BASE,
  crc16Modbus,
  DeviceFunction,
  encodeExceptionReply,
  encodeHeartbeat,
  encodeReadHold,
  encodeReadInput,
  encodeReadParam,
  encodeReadParamReply,
  encodeReadReply,
  encodeWriteMulti,
  encodeWriteMultiReply,
  encodeWriteSingle,
  encodeWriteSingleReply,
  HEADER_LENGTH,
  MAX_REGISTERS,
  parseFrame,
  TcpFunction,
  TRANSLATED_HEADER_LENGTH,
} from "../../nodes/lib/lxp/codec";
import { hexBuf, lxpCaptures, lxpVectors } from "../../test/support/vectors";
import { extremeLength, Mutator, mutateBytes } from "./mutate";
import { Rng } from "./prng";

/** A write-param request as another client could send it (the package builds none): a read-param reply's layout under C4. */
function writeParamRequest(datalog: string, param: number, value: Buffer, protocol?: number): Buffer {
  const frame = encodeReadParamReply(datalog, param, value, protocol);
  frame[7] = TcpFunction.WRITE_PARAM;
  return frame;
}

export interface LxpSample {
  bytes: Buffer;
  /** Where the bytes came from and what was done to them. */
  origin: string;
}

interface Fixture {
  id: string;
  bytes: Buffer;
}

const fixtures: Fixture[] = [
  ...lxpVectors().map((v) => ({ id: v.id, bytes: hexBuf(v.hex) })),
  ...lxpCaptures().map((c) => ({ id: c.id, bytes: hexBuf(c.hex) })),
];

const parses = (bytes: Buffer): boolean => {
  try {
    parseFrame(bytes);
    return true;
  } catch {
    return false;
  }
};

/** The fixture frames the codec accepts: the good frames of a stream. */
export const GOOD_FIXTURES: readonly Fixture[] = fixtures.filter((f) => parses(f.bytes));

const INNER = TRANSLATED_HEADER_LENGTH; // first byte of the inner frame (direction)
const BODY = INNER + 14; // first byte after direction, function, inverter serial and register

/** Outer length (and the data length of a C2 frame) set to what the buffer holds. */
export function fixLengths(buf: Buffer): void {
  if (buf.length >= 6) buf.writeUInt16LE(Math.min(buf.length - 6, 0xffff), 4);
  if (buf.length >= INNER && buf[7] === TcpFunction.TRANSLATED) buf.writeUInt16LE(Math.min(buf.length - INNER, 0xffff), HEADER_LENGTH);
}

/** The inner byte counts of a read reply or write multi request set to the bytes present. */
function fixCounts(buf: Buffer): void {
  if (buf.length < BODY + 3 || buf[7] !== TcpFunction.TRANSLATED) return;
  const body = buf.length - 2 - BODY;
  const fn = buf[INNER + 1];
  if (fn === DeviceFunction.READ_HOLD || fn === DeviceFunction.READ_INPUT) buf[BODY] = (body - 1) & 0xff;
  if (fn === DeviceFunction.WRITE_MULTI && body >= 3) {
    buf.writeUInt16LE(Math.floor((body - 3) / 2), BODY);
    buf[BODY + 2] = (body - 3) & 0xff;
  }
}

/** The CRC of a C2 frame recomputed over its inner frame, as a sender would. */
export function fixCrc(buf: Buffer): void {
  if (buf.length < INNER + 2 || buf[7] !== TcpFunction.TRANSLATED) return;
  buf.writeUInt16LE(crc16Modbus(buf, INNER, buf.length - 2), buf.length - 2);
}

/** Length and count fields of a LuxPower frame, each [offset, size]. */
function lengthFields(buf: Buffer): Array<[number, 1 | 2]> {
  const fields: Array<[number, 1 | 2]> = [];
  if (buf.length >= 6) fields.push([4, 2]);
  if (buf.length >= INNER) fields.push([HEADER_LENGTH, 2]); // data length (C2) or param value length (C3/C4)
  if (buf.length > BODY) fields.push([BODY, 1]); // read reply byte count
  if (buf.length >= BODY + 3) fields.push([BODY, 2], [BODY + 2, 1]); // write multi count and byte count
  return fields;
}

const LXP_INTERESTING = [0xa1, 0x1a, 0xc1, 0xc2, 0xc3, 0xc4, 0x03, 0x04, 0x06, 0x10, 0x83, 0x84, 0x00, 0x01, 0x7f, 0x80, 0xff, 0x30, 0x41];

export const LXP_MUTATOR: Mutator = {
  donors: fixtures.map((f) => f.bytes),
  interesting: LXP_INTERESTING,
  lengthExtremes(rng, buf) {
    const fields = lengthFields(buf);
    if (fields.length === 0) return undefined;
    const [at, size] = rng.pick(fields);
    const out = Buffer.from(buf);
    if (size === 1) out[at] = rng.pick([0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, (out[at] + 1) & 0xff, (out[at] - 1) & 0xff]);
    else out.writeUInt16LE(extremeLength(rng, out.readUInt16LE(at)), at);
    return out;
  },
};

const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const serial = (rng: Rng): string => Array.from({ length: 10 }, () => ALNUM[rng.int(ALNUM.length)]).join("");

/** Registers where the decoders have something to say: bank starts, the battery pack block, anywhere. */
function register(rng: Rng): number {
  if (rng.chance(0.4)) return rng.pick([0, 40, 80, 120, 127, 160, 200, 240, 254, 380, BATTERY_PACK_BASE - 1, BATTERY_PACK_BASE]);
  return rng.chance(0.6) ? rng.int(400) : rng.int(0x10000);
}

function word(rng: Rng): number {
  return rng.chance(0.3) ? rng.pick([0, 1, 0x7fff, 0x8000, 0xffff, 0x2020, 0x3030]) : rng.int(0x10000);
}

/** A well-formed frame from the encoders with random serials, registers and values. */
export function synthesize(rng: Rng): LxpSample {
  const target = { datalog: serial(rng), inverter: serial(rng), protocol: rng.pick([1, 2, 5]) };
  const direction = rng.int(2);
  const reg = register(rng);
  const count = rng.size(MAX_REGISTERS);
  const values = (): number[] => Array.from({ length: count }, () => word(rng));
  const kind = rng.int(12);
  const build = (): Buffer => {
    switch (kind) {
      case 0:
      case 1:
      case 2:
        return encodeReadReply(target, rng.chance(0.7) ? DeviceFunction.READ_INPUT : DeviceFunction.READ_HOLD, reg, values(), direction);
      case 3:
        return encodeWriteSingleReply(target, reg, word(rng), direction);
      case 4:
        return encodeWriteMultiReply(target, reg, rng.int(0x10000), direction);
      case 5:
        return encodeExceptionReply(target, rng.pick([3, 4, 6, 0x10, rng.int(256)]), reg, rng.int(256));
      case 6:
        return encodeHeartbeat(target.datalog, target.protocol);
      case 7:
        return encodeReadParamReply(target.datalog, rng.int(0x10000), rng.bytes(rng.size(16)), target.protocol);
      case 8:
        return writeParamRequest(target.datalog, rng.int(0x10000), rng.bytes(rng.size(16)), target.protocol);
      case 9:
        return encodeReadParam(target.datalog, rng.int(0x10000), target.protocol);
      case 10:
        return rng.chance(0.5) ? encodeReadInput(target, reg, count) : encodeReadHold(target, reg, count);
      default:
        return rng.chance(0.5) ? encodeWriteSingle(target, reg, word(rng)) : encodeWriteMulti(target, reg, values());
    }
  };
  return { bytes: build(), origin: `encoder kind ${kind}` };
}

/**
 * A fixture frame (70 %) or an encoded one, unchanged: one the codec accepts on its own (an encoded
 * param frame may hold bytes that look like the next frame's prefix, which the codec refuses).
 */
export function goodFrame(rng: Rng): LxpSample {
  if (rng.chance(0.3)) {
    for (let attempt = 0; attempt < 8; attempt++) {
      const sample = synthesize(rng);
      if (parses(sample.bytes)) return sample;
    }
  }
  const f = rng.pick(GOOD_FIXTURES);
  return { bytes: f.bytes, origin: f.id };
}

/** A mutation of any fixture frame (damaged ones included) or an encoded frame, lengths and CRC often made consistent again. */
export function mutatedFrame(rng: Rng): LxpSample {
  const base = rng.chance(0.25) ? synthesize(rng) : (({ id, bytes }) => ({ origin: id, bytes }))(rng.pick(fixtures));
  const { bytes, ops } = mutateBytes(rng, base.bytes, LXP_MUTATOR);
  const out = bytes === base.bytes ? Buffer.from(bytes) : bytes;
  const fixes: string[] = [];
  if (!ops.includes("extremes") && rng.chance(0.6)) {
    fixLengths(out);
    fixes.push("lengths");
    if (rng.chance(0.5)) {
      fixCounts(out);
      fixes.push("counts");
    }
  }
  if (rng.chance(0.5)) {
    fixCrc(out);
    fixes.push("crc");
  }
  return { bytes: out, origin: `${base.origin} by ${ops.join("+") || "nothing"}${fixes.length ? `, fixed ${fixes.join("+")}` : ""}` };
}
