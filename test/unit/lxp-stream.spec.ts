// Stream reassembly: split and merged reads, garbage, bad frames, long frames, UDP datagrams.
import assert from "node:assert/strict";
import {
  encodeReadInput,
  encodeReadParam,
  encodeReadParamReply,
  encodeReadReply,
  LxpStreamParser,
  parseDatagram,
  StreamItem,
} from "../../nodes/lib/lxp/codec";
import { hexBuf, lxpVector } from "../support/vectors";

const heartbeat = hexBuf(lxpVector("lb_heartbeat").hex);
const bank0 = hexBuf(lxpVector("lbi_read_inputs_0_to_39").hex);
const combined = hexBuf(lxpVector("lb_parse_read_inputs_all_protocol5_reply").hex);
const malformed = hexBuf(lxpVector("ivan_input287_malformed").hex);
const mine = "BA12345678";

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

/** `n` bytes of A1 1A A1 1A …: every other byte starts a false prefix announcing 6823 bytes. */
function prefixFlood(n: number): Buffer {
  const flood = Buffer.alloc(n);
  for (let i = 0; i + 1 < n; i += 2) {
    flood[i] = 0xa1;
    flood[i + 1] = 0x1a;
  }
  return flood;
}

describe("LXP stream parser: adversarial input", () => {
  it("reports a run of bad bytes between two good frames as one error, with its count and bytes", () => {
    const flood = prefixFlood(60000);
    const items = new LxpStreamParser().push(Buffer.concat([heartbeat, flood, bank0]));
    assert.deepEqual(kinds(items), [
      "heartbeat:19",
      "error:30000 bad frames in 60000 bytes, first: implausible frame length 6823",
      "translated:117",
    ]);
    const error = items[1].error!;
    assert.equal(error.count, 30000);
    assert.equal(error.bytes, 60000);
    assert.equal(error.reason, "implausible frame length 6823");
    assert.equal(error.raw, flood.subarray(0, 64).toString("hex"), "the first bad bytes, bounded");
  });

  it("a 60 kB datagram of A1 1A is one error; a 64 kB TCP stream of it one error per read", () => {
    const items = parseDatagram(prefixFlood(60000));
    assert.equal(items.length, 1);
    assert.equal(items[0].error!.count, 30000);
    assert.equal(items[0].error!.bytes, 60000);

    const parser = new LxpStreamParser();
    const stream = Buffer.concat([prefixFlood(65536), bank0]);
    const got: StreamItem[] = [];
    let reads = 0;
    for (let off = 0; off < stream.length; off += 1460, reads++) got.push(...parser.push(stream.subarray(off, off + 1460)));
    const errors = got.filter((i) => i.error).map((i) => i.error!);
    assert.ok(errors.length <= reads, `${errors.length} errors for ${reads} reads`);
    assert.equal(errors.reduce((n, e) => n + e.count, 0), 32768, "every false prefix counted once");
    assert.equal(errors.reduce((n, e) => n + e.bytes, 0), 65536, "every byte counted once");
    assert.deepEqual(kinds(got.filter((i) => i.frame)), ["translated:117"]);
  });

  it("counts a flood of complete frames with bad CRCs without losing the good frame behind it", () => {
    const fake = Buffer.from(bank0);
    fake[60] ^= 0xff;
    const items = parseDatagram(Buffer.concat([...Array.from({ length: 400 }, () => fake), bank0]));
    assert.equal(items.length, 2);
    assert.match(items[0].error!.message, /^400 bad frames in 46800 bytes, first: CRC mismatch: stored 0x9024, computed 0x[0-9a-f]{4}$/);
    assert.equal(items[0].error!.raw, fake.toString("hex"));
    assert.equal(items[1].frame!.raw.length, 117);
  });

  it("caps the CRC work of overlapping plausible C2 headers, counts them all, and decodes the good frames after them", () => {
    // A plausible C2 header every 20 bytes, each announcing 512 bytes: every byte lies in ~25 candidates.
    const header = Buffer.from("a11a0200fa0101c2" + Buffer.from(mine).toString("hex") + "ec01", "hex");
    const junk = Buffer.concat(Array.from({ length: 3200 }, () => header));
    const parser = new LxpStreamParser();
    const items = parser.finish(junk);
    assert.equal(items.length, 1);
    assert.equal(items[0].error!.count, 3200, "every candidate counted once");
    assert.equal(items[0].error!.bytes, junk.length);
    // Uncapped this checks 3,175 candidates of 490 bytes (1.5 MB); capped, 32 overlapping ones plus
    // non-overlapping ones at most once per byte.
    assert.ok(parser.crcCheckedBytes <= 32 * 512 + junk.length, `${parser.crcCheckedBytes} bytes CRC-checked`);
    // TCP: the real frames behind such junk still decode (the next read checks its candidates again).
    const stream = new LxpStreamParser();
    const got = [...stream.push(junk), ...stream.push(Buffer.concat([bank0, bank0, bank0, bank0, bank0, heartbeat]))];
    assert.deepEqual(kinds(got.filter((i) => i.frame)), [...Array(5).fill("translated:117"), "heartbeat:19"]);
    assert.equal(got.filter((i) => i.error).reduce((n, i) => n + i.error!.count, 0), 3200);
    // UDP: the next datagram decodes; so does a good frame that no failed candidate's span covers.
    assert.deepEqual(kinds(parseDatagram(bank0)), ["translated:117"]);
    const spaced = parseDatagram(Buffer.concat([junk, Buffer.alloc(512), bank0]));
    assert.deepEqual(kinds(spaced.filter((i) => i.frame)), ["translated:117"]);
    assert.equal(spaced[0].error!.count, 3200);
  });

  it("keeps the errors of bad frames that good frames separate", () => {
    const bad = Buffer.from(bank0);
    bad[40] ^= 0x01;
    const items = new LxpStreamParser().push(Buffer.concat([bad, heartbeat, bad, heartbeat]));
    assert.deepEqual(
      items.map((i) => (i.frame ? i.frame.kind : `${i.error!.count}:${i.error!.reason.slice(0, 12)}`)),
      ["1:CRC mismatch", "heartbeat", "1:CRC mismatch", "heartbeat"],
    );
  });

  it("a frame with a corrupted length before a good one: a UDP datagram recovers the good one", () => {
    const liar = Buffer.from(bank0.subarray(0, 20));
    liar.writeUInt16LE(300, 4); // announces 306 bytes: plausible, but the datagram ends first
    liar.writeUInt16LE(286, 18);
    const items = parseDatagram(Buffer.concat([liar, bank0]));
    assert.deepEqual(kinds(items), ["error:frame cut off at the end of the datagram: 137 of 306 bytes", "translated:117"]);
  });
});

describe("LXP frames without CRC: exact shapes", () => {
  const withLength = (frame: Buffer, total: number): Buffer => {
    const copy = Buffer.from(frame);
    copy.writeUInt16LE(total - 6, 4);
    return copy;
  };

  it("a heartbeat whose length was corrupted does not swallow the good frame behind it", () => {
    for (const total of [18, 20, 21, 22, 60, 136, 512]) {
      for (const feed of ["stream", "datagram"]) {
        const stream = Buffer.concat([withLength(heartbeat, total), bank0, heartbeat]);
        const items = feed === "stream" ? new LxpStreamParser().push(stream) : parseDatagram(stream);
        const got = kinds(items);
        assert.equal(got.length, 3, `${feed}, heartbeat announcing ${total} bytes: ${got.join(", ")}`);
        assert.match(got[0], /^error:/, `${feed}, ${total}`);
        assert.deepEqual(got.slice(1), ["translated:117", "heartbeat:19"], `${feed}, ${total}`);
      }
    }
  });

  it("TCP: a heartbeat announcing too many bytes is refused before they arrive", () => {
    const parser = new LxpStreamParser();
    const items = parser.push(Buffer.concat([withLength(heartbeat, 200), bank0]));
    assert.deepEqual(kinds(items), ["error:heartbeat of 200 bytes (heartbeats have 19 to 21)", "translated:117"]);
    assert.equal(parser.buffered, 0);
  });

  it("accepts the heartbeats dongles send (19 bytes, any last byte; up to 21 when no prefix byte follows)", () => {
    const trailing05 = Buffer.from(heartbeat);
    trailing05[18] = 0x05;
    const long = Buffer.concat([withLength(heartbeat, 21), Buffer.from([0x00, 0x00])]);
    const items = new LxpStreamParser().push(Buffer.concat([trailing05, long, heartbeat]));
    assert.deepEqual(kinds(items), ["heartbeat:19", "heartbeat:21", "heartbeat:19"]);
    const intoPrefix = Buffer.concat([withLength(heartbeat, 20), Buffer.from([0xa1])]);
    assert.match(kinds(parseDatagram(intoPrefix))[0], /^error:heartbeat of 20 bytes runs into the next frame's prefix$/);
  });

  it("param frames: request, reply and write reply shapes pass; a corrupted length does not swallow the next frame", () => {
    const request = encodeReadParam("2222222222", 0);
    const reply = encodeReadParamReply("2222222222", 0, Buffer.from([0x2c, 0x01]));
    const writeReply = hexBuf(lxpVector("lb_parse_write_param_reply").hex);
    const writeRequest = hexBuf(lxpVector("lb_build_write_param").hex);
    const good = [request, reply, writeReply, writeRequest];
    assert.deepEqual(kinds(new LxpStreamParser().push(Buffer.concat(good))), ["param:20", "param:24", "param:21", "param:24"]);
    for (const frame of good) {
      for (const total of [frame.length + 1, frame.length + 2, frame.length + 4, frame.length + 40]) {
        const items = parseDatagram(Buffer.concat([withLength(frame, total), bank0]));
        assert.deepEqual(kinds(items).slice(-1), ["translated:117"], `${frame.toString("hex")} announcing ${total} bytes`);
        assert.equal(items.length, 2, `${frame.toString("hex")} announcing ${total}: ${kinds(items).join(", ")}`);
      }
    }
  });

  it("refuses param frames of shapes no dongle sends", () => {
    const request = encodeReadParam("2222222222", 0);
    const refused = (frame: Buffer): string => {
      const [item] = parseDatagram(frame);
      assert.ok(item.error, frame.toString("hex"));
      return item.error.message;
    };
    assert.equal(refused(Buffer.concat([withLength(request, 21), Buffer.from([0])])), "read param frame of 21 bytes (a request has 20, a reply at least 22)");
    assert.equal(refused(Buffer.concat([withLength(request, 24), Buffer.from([5, 0, 1, 2])])), "param value length 5 does not match the 2 bytes present");
    assert.equal(refused(withLength(request, 19).subarray(0, 19)), "param frame has no param number");
  });

  it("takes the datalog serial strictly: 10 letters or digits, no padding", () => {
    for (const serial of ["AB1234567\0", "ab-1234567", "AB 1234567", "AB12345\xe978"]) {
      const bad = Buffer.from(heartbeat);
      bad.write(serial, 8, "latin1");
      const items = new LxpStreamParser().push(Buffer.concat([bad, heartbeat]));
      assert.match(items[0].error?.message ?? "", /^bad datalog serial /, serial);
      assert.deepEqual(kinds(items.slice(1)), ["heartbeat:19"], serial);
    }
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
