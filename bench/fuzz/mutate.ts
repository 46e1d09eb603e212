// Byte-level mutations shared by every codec target: bit flips, byte and word sets, inserted,
// deleted and duplicated runs, splices with another frame, truncation, and the codec's own
// length fields set to extremes. Returns the names of the operations applied, for failure reports.
import { Rng } from "./prng";

export interface Mutator {
  /** Frames to splice with. */
  donors: readonly Buffer[];
  /** Bytes that mean something to the codec (prefixes, terminators, hex digits). */
  interesting: readonly number[];
  /** Sets one of the codec's length or count fields to an extreme; undefined when the input has none. */
  lengthExtremes(rng: Rng, buf: Buffer): Buffer | undefined;
}

export interface Mutation {
  bytes: Buffer;
  ops: string[];
}

const EXTREME_WORDS = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff];

function byteOf(rng: Rng, m: Mutator): number {
  return rng.chance(0.5) ? rng.pick(m.interesting) : rng.int(256);
}

function insertAt(buf: Buffer, at: number, run: Buffer): Buffer {
  return Buffer.concat([buf.subarray(0, at), run, buf.subarray(at)]);
}

type Op = (rng: Rng, buf: Buffer, m: Mutator) => Buffer | undefined;

const OPS: Record<string, Op> = {
  flip(rng, buf) {
    if (buf.length === 0) return undefined;
    const out = Buffer.from(buf);
    for (let k = rng.range(1, 4); k > 0; k--) out[rng.int(out.length)] ^= 1 << rng.int(8);
    return out;
  },
  set(rng, buf, m) {
    if (buf.length === 0) return undefined;
    const out = Buffer.from(buf);
    for (let k = rng.range(1, 4); k > 0; k--) out[rng.int(out.length)] = byteOf(rng, m);
    return out;
  },
  word(rng, buf) {
    if (buf.length < 2) return undefined;
    const out = Buffer.from(buf);
    const at = rng.int(out.length - 1);
    const value = rng.pick(EXTREME_WORDS);
    if (rng.chance(0.5)) out.writeUInt16LE(value, at);
    else out.writeUInt16BE(value, at);
    return out;
  },
  insert(rng, buf, m) {
    const length = rng.chance(0.02) ? rng.range(256, 1200) : rng.size(32);
    const run = rng.chance(0.5) ? Buffer.alloc(length, byteOf(rng, m)) : rng.bytes(length);
    return insertAt(buf, rng.int(buf.length + 1), run);
  },
  delete(rng, buf) {
    if (buf.length === 0) return undefined;
    const at = rng.int(buf.length);
    const length = Math.min(rng.size(32), buf.length - at);
    return Buffer.concat([buf.subarray(0, at), buf.subarray(at + length)]);
  },
  duplicate(rng, buf) {
    if (buf.length === 0) return undefined;
    const from = rng.int(buf.length);
    const span = buf.subarray(from, from + rng.size(64));
    return insertAt(buf, rng.int(buf.length + 1), Buffer.from(span));
  },
  splice(rng, buf, m) {
    const donor = rng.pick(m.donors);
    return Buffer.concat([buf.subarray(0, rng.int(buf.length + 1)), donor.subarray(rng.int(donor.length + 1))]);
  },
  truncate(rng, buf) {
    return buf.length === 0 ? undefined : Buffer.from(buf.subarray(0, rng.int(buf.length)));
  },
  extremes(rng, buf, m) {
    return m.lengthExtremes(rng, buf);
  },
};

const OP_NAMES = Object.keys(OPS);

/** 1 to 4 stacked mutations of `input` (which is left as it is). */
export function mutateBytes(rng: Rng, input: Buffer, m: Mutator): Mutation {
  let bytes = input;
  const ops: string[] = [];
  const count = rng.chance(0.7) ? 1 : rng.range(2, 4);
  for (let k = 0; k < count; k++) {
    const name = rng.pick(OP_NAMES);
    const out = OPS[name](rng, bytes, m);
    if (out) {
      bytes = out;
      ops.push(name);
    }
  }
  return { bytes, ops };
}

/** A 16-bit value for a length field: 0, 1, the largest, or off by one from `actual`. */
export function extremeLength(rng: Rng, actual: number): number {
  return rng.pick([0, 1, 0xffff, 0x7fff, 0x8000, Math.max(0, actual - 1), actual + 1, rng.int(0x10000)]) & 0xffff;
}
