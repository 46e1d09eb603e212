// Stream reassembly: split and merged reads, garbage, bad frames, long frames, UDP datagrams.
import assert from "node:assert/strict";
import {
  encodeReadInput,
  encodeReadReply,
  LxpStreamParser,
  parseDatagram,
  StreamItem,
} from "../../nodes/lib/lxp";
import { hexBuf, lxpVector } from "../support/vectors";

const heartbeat = hexBuf(lxpVector("lb_heartbeat").hex);
const bank0 = hexBuf(lxpVector("lbi_read_inputs_0_to_39").hex);
const combined = hexBuf(lxpVector("lb_parse_read_inputs_all_protocol5_reply").hex);
const malformed = hexBuf(lxpVector("ivan_input287_malformed").hex);

const kinds = (items: StreamItem[]): string[] =>
  items.map((i) => (i.frame ? `${i.frame.kind}:${i.frame.raw.length}` : `error:${i.error!.message}`));

describe("LXP stream parser", () => {
  it("reassembles a 291-byte frame fed one byte at a time (16-bit length)", () => {
    const parser = new LxpStreamParser();
    const items: StreamItem[] = [];
    for (const byte of combined) items.push(...parser.push(Buffer.from([byte])));
    assert.deepEqual(kinds(items), ["translated:291"]);
    assert.equal(parser.buffered, 0);
  });

  it("splits several frames delivered in one read, in order", () => {
    const parser = new LxpStreamParser();
    const items = parser.push(Buffer.concat([heartbeat, bank0, combined, heartbeat]));
    assert.deepEqual(kinds(items), ["heartbeat:19", "translated:117", "translated:291", "heartbeat:19"]);
  });

  it("handles a frame split across reads at every possible point", () => {
    const stream = Buffer.concat([bank0, heartbeat]);
    for (let cut = 1; cut < stream.length; cut++) {
      const parser = new LxpStreamParser();
      const items = [...parser.push(stream.subarray(0, cut)), ...parser.push(stream.subarray(cut))];
      assert.deepEqual(kinds(items), ["translated:117", "heartbeat:19"], `cut at ${cut}`);
    }
  });

  it("reports garbage once and resynchronises on the next A1 1A", () => {
    const parser = new LxpStreamParser();
    const garbage = Buffer.from("hello\r\n\x00\xa1", "latin1");
    const items = parser.push(Buffer.concat([garbage, bank0, Buffer.from([0xff, 0xfe]), heartbeat]));
    assert.deepEqual(kinds(items), [
      "error:skipped 9 bytes of garbage",
      "translated:117",
      "error:skipped 2 bytes of garbage",
      "heartbeat:19",
    ]);
    assert.equal(items[0].error!.raw, garbage.toString("hex"));
  });

  it("keeps a trailing lone A1 for the next read", () => {
    const parser = new LxpStreamParser();
    assert.deepEqual(kinds(parser.push(Buffer.from([0x00, 0xa1]))), ["error:skipped 1 bytes of garbage"]);
    assert.equal(parser.buffered, 1);
    assert.deepEqual(kinds(parser.push(heartbeat.subarray(1))), ["heartbeat:19"]);
  });

  it("after a corrupt frame, recovers the good frame that follows it", () => {
    const parser = new LxpStreamParser();
    // The malformed frame announces one byte more than it has, so it swallows the next frame's first byte.
    const items = parser.push(Buffer.concat([malformed, heartbeat, bank0]));
    assert.deepEqual(kinds(items).map((k) => k.replace(/: stored.*/, "")), [
      "error:CRC mismatch",
      "heartbeat:19",
      "translated:117",
    ]);
  });

  it("rejects a frame with a flipped bit by CRC and decodes the next one", () => {
    const bad = Buffer.from(bank0);
    bad[40] ^= 0x01;
    const parser = new LxpStreamParser();
    const items = parser.push(Buffer.concat([bad, bank0]));
    assert.equal(items.length, 2);
    assert.match(items[0].error!.message, /^CRC mismatch: stored 0x9024, computed 0x[0-9a-f]{4}$/);
    assert.equal(items[0].error!.raw, bad.toString("hex"));
    assert.equal(items[1].frame!.raw.length, 117);
  });

  it("treats an implausible length as garbage and never buffers more than one frame's worth", () => {
    const parser = new LxpStreamParser();
    const huge = Buffer.from([0xa1, 0x1a, 0x02, 0x00, 0xff, 0xff, 0x01, 0xc2]);
    const items = parser.push(Buffer.concat([huge, heartbeat]));
    assert.deepEqual(kinds(items), ["error:implausible frame length 65541", "heartbeat:19"]);
    const justOver = Buffer.from([0xa1, 0x1a, 0x02, 0x00, 0xfb, 0x01, 0x01, 0xc2]); // 513 bytes: over the default cap
    assert.deepEqual(kinds(parser.push(justOver)), ["error:implausible frame length 513"]);
    // A plausible but unfinished frame is held back, and only that.
    parser.push(bank0.subarray(0, 100));
    assert.equal(parser.buffered, 100);
  });

  it("resynchronises after a header with an unknown TCP function, without waiting for its length", () => {
    const unknown = Buffer.from(heartbeat);
    unknown[7] = 0xc5;
    const items = new LxpStreamParser().push(Buffer.concat([unknown, heartbeat]));
    assert.deepEqual(kinds(items), ["error:unknown TCP function 0xc5", "heartbeat:19"]);
    // A false A1 1A in garbage announcing 4000 bytes must not swallow or delay the frames after it.
    const parser = new LxpStreamParser();
    const fake = Buffer.from([0xa1, 0x1a, 0x02, 0x00, 0xa0, 0x0f, 0x01, 0x1a]);
    const got = parser.push(Buffer.concat([fake, combined, combined]));
    assert.deepEqual(kinds(got).filter((k) => k.startsWith("translated")), ["translated:291", "translated:291"]);
    assert.equal(parser.buffered, 0);
  });

  it("rejects a C2 header whose data length disagrees with its frame length at once", () => {
    const bad = Buffer.from(bank0);
    bad.writeUInt16LE(0x50, 18);
    const items = new LxpStreamParser().push(Buffer.concat([bad.subarray(0, 30), heartbeat]));
    assert.deepEqual(kinds(items), ["error:data length field says 80, frame length says 97", "heartbeat:19"]);
  });

  it("rejects a datalog serial that would break the topic", () => {
    const bad = Buffer.from(heartbeat);
    bad.write("AB/+#12345", 8, "latin1");
    const items = new LxpStreamParser().push(Buffer.concat([bad, heartbeat]));
    assert.match(items[0].error!.message, /^bad datalog serial "AB\/\+#12345"$/);
    assert.equal(items[1].frame!.datalog, "2222222222");
  });

  it("reset() drops a partial frame", () => {
    const parser = new LxpStreamParser();
    parser.push(bank0.subarray(0, 50));
    parser.reset();
    assert.equal(parser.buffered, 0);
    assert.deepEqual(kinds(parser.push(heartbeat)), ["heartbeat:19"]);
  });

  it("decodes 1000 generated frames split at random points", () => {
    const target = { datalog: "AB12345678", inverter: "9876543210" };
    const frames: Buffer[] = [];
    for (let k = 0; k < 1000; k++) {
      const count = 1 + (k % 127);
      frames.push(
        k % 3 === 0
          ? encodeReadInput(target, k, count)
          : encodeReadReply(target, 4, k % 200, Array.from({ length: count }, (_, j) => (j * 257 + k) & 0xffff)),
      );
    }
    const stream = Buffer.concat(frames);
    const parser = new LxpStreamParser();
    const items: StreamItem[] = [];
    let seed = 7;
    for (let pos = 0; pos < stream.length; ) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const n = 1 + (seed % 400);
      items.push(...parser.push(stream.subarray(pos, pos + n)));
      pos += n;
    }
    assert.equal(items.length, 1000);
    assert.ok(items.every((i, k) => i.frame && i.frame.raw.equals(frames[k])));
  });
});

describe("LXP datagrams", () => {
  it("parses every whole frame of a datagram", () => {
    assert.deepEqual(kinds(parseDatagram(Buffer.concat([heartbeat, bank0]))), ["heartbeat:19", "translated:117"]);
  });

  it("reports a frame cut off at the end of a datagram and keeps the frames before it", () => {
    const items = parseDatagram(Buffer.concat([heartbeat, bank0.subarray(0, 60)]));
    assert.deepEqual(kinds(items), ["heartbeat:19", "error:frame cut off at the end of the datagram: 60 of 117 bytes"]);
  });

  it("parses each datagram on its own (no carry-over)", () => {
    assert.equal(parseDatagram(bank0.subarray(0, 60)).length, 1);
    assert.deepEqual(kinds(parseDatagram(bank0.subarray(60))), ["error:skipped 57 bytes of garbage"]);
  });
});
