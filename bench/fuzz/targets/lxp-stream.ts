// Target lxp-stream: LxpStreamParser fed good frames, mutated frames and garbage in random chunks (or
// the whole stream as one datagram). Every good frame must come out: after garbage or a corrupt
// frame the parser has to find the next good frame, not swallow it.
import {
  crc16Modbus,
  DEFAULT_MAX_FRAME_LENGTH,
  LxpFrame,
  LxpStreamParser,
  parseDatagram,
  PREFIX_0,
  PREFIX_1,
  StreamItem,
  TcpFunction,
  TRANSLATED_HEADER_LENGTH,
} from "../../../nodes/lib/lxp/codec";
import { goodFrame, mutatedFrame } from "../lxp-corpus";
import { Rng } from "../prng";
import { Target } from "../runner";
import { chunkSizes, countLosses, describeStream, Segment } from "../stream-mix";
import { check } from "../invariants";

interface Input {
  segments: Segment<Buffer>[];
  sizes: number[];
  datagram: boolean;
}

const PREFIX = Buffer.from([PREFIX_0, PREFIX_1]);

/** Line noise, floods of false prefixes, and false headers that announce a frame. */
function garbage(rng: Rng): Segment<Buffer> {
  const kind = rng.int(7);
  const build = (): Buffer => {
    switch (kind) {
      case 0:
        return rng.bytes(rng.size(200));
      case 1:
        return Buffer.concat(Array.from({ length: rng.size(300) }, () => PREFIX));
      case 2: {
        // A false header: prefix, protocol, a length, address, a TCP function, maybe a datalog.
        const head = Buffer.concat([PREFIX, rng.bytes(2), rng.bytes(2), Buffer.from([1, rng.pick([0xc1, 0xc2, 0xc3, 0xc4])])]);
        return Buffer.concat([head, rng.chance(0.5) ? Buffer.from("AB12345678") : Buffer.alloc(0), rng.bytes(rng.int(24))]);
      }
      case 3:
        return Buffer.alloc(rng.size(100), rng.pick([0x00, 0xff, PREFIX_0, PREFIX_1]));
      case 4:
        return Buffer.from([PREFIX_0]);
      case 5:
        return Buffer.from("0123456789".repeat(rng.size(8)));
      default: {
        // Plausible C2 headers (sound datalog, matching data length) announcing frames that run over
        // the ones behind them: every one needs a CRC check to be refused.
        const total = rng.range(60, DEFAULT_MAX_FRAME_LENGTH);
        const head = Buffer.alloc(TRANSLATED_HEADER_LENGTH);
        PREFIX.copy(head);
        head.writeUInt16LE(2, 2);
        head.writeUInt16LE(total - 6, 4);
        head[6] = 1;
        head[7] = TcpFunction.TRANSLATED;
        head.write("AB12345678", 8, "latin1");
        head.writeUInt16LE(total - TRANSLATED_HEADER_LENGTH, 18);
        return Buffer.concat(Array.from({ length: rng.size(64) }, () => head));
      }
    }
  };
  return { kind: "garbage", data: build(), origin: `garbage kind ${kind}` };
}

/**
 * Good frames whose first byte lies inside a C2 frame starting before them whose CRC matches: a
 * corrupt frame that passed the CRC by chance (1 in 65,536) and rightly took the bytes behind it.
 */
function coveredByCrcMatch(segments: readonly Segment<Buffer>[], stream: Buffer): number {
  let covered = 0;
  let start = 0;
  for (const segment of segments) {
    const s = start;
    start += segment.data.length;
    if (segment.kind !== "good") continue;
    for (let q = Math.max(0, s - DEFAULT_MAX_FRAME_LENGTH); q < s; q++) {
      if (stream[q] !== PREFIX_0 || stream[q + 1] !== PREFIX_1 || stream[q + 7] !== TcpFunction.TRANSLATED || q + 24 > stream.length) continue;
      const end = q + stream.readUInt16LE(q + 4) + 6;
      if (end <= s || end > stream.length || end - q < TRANSLATED_HEADER_LENGTH + 2) continue;
      if (stream.readUInt16LE(end - 2) === crc16Modbus(stream, q + TRANSLATED_HEADER_LENGTH, end - 2)) {
        covered++;
        break;
      }
    }
  }
  return covered;
}

export const lxpStreamTarget: Target<Input> = {
  name: "lxp-stream",
  errors: ["LxpFrameError"],
  generate(rng) {
    const segments: Segment<Buffer>[] = [];
    for (let k = rng.range(2, 10); k > 0; k--) {
      const r = rng.int(20);
      if (r < 9) {
        const s = goodFrame(rng);
        segments.push({ kind: "good", data: s.bytes, origin: s.origin });
      } else if (r < 15) {
        const s = mutatedFrame(rng);
        segments.push({ kind: "bad", data: s.bytes, origin: s.origin });
      } else {
        segments.push(garbage(rng));
      }
    }
    const total = segments.reduce((n, s) => n + s.data.length, 0);
    return { segments, sizes: chunkSizes(rng, total), datagram: rng.chance(0.1) };
  },
  run(input, tally) {
    const stream = Buffer.concat(input.segments.map((s) => s.data));
    let items: StreamItem[];
    if (input.datagram) {
      items = parseDatagram(stream);
    } else {
      const parser = new LxpStreamParser();
      items = [];
      let at = 0;
      for (const size of input.sizes) {
        for (const item of parser.push(stream.subarray(at, at + size))) items.push(item);
        at += size;
        check(parser.buffered < DEFAULT_MAX_FRAME_LENGTH, () => `${parser.buffered} bytes held back`);
      }
      // The end of the stream: a frame still waiting for its bytes is cut off, and the scan goes on behind it.
      for (const item of parser.finish(Buffer.alloc(0))) items.push(item);
    }
    const frames: LxpFrame[] = [];
    for (const item of items) {
      if (item.error) {
        tally.typed(item.error, item.error.count);
        check(item.error.count >= 1 && item.error.bytes >= 1, () => `error for ${item.error.count} frames in ${item.error.bytes} bytes`);
        continue;
      }
      check(item.frame.raw.length <= DEFAULT_MAX_FRAME_LENGTH && stream.includes(item.frame.raw), () => "a frame that is not in the stream");
      frames.push(item.frame);
    }
    tally.ok(frames.length);
    const goods = input.segments.filter((s) => s.kind === "good").map((s) => s.data);
    const lost = countLosses(goods, frames, (good, frame) => good.equals(frame.raw));
    const excused = lost > 0 ? Math.min(lost, coveredByCrcMatch(input.segments, stream)) : 0;
    tally.loss(lost - excused);
    tally.excused(excused);
  },
  describe: (input) => `${input.datagram ? "datagram " : ""}${describeStream(input.segments, input.sizes, (b) => b.toString("hex"))}`,
};
