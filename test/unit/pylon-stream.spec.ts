// The frame splitter: arbitrary chunks in, whole `~ ... CR` frames out (pylon-protocol.md §0, §8).
import assert from "node:assert/strict";
import {
  decodeReply,
  encodeFrame,
  MAX_FRAME_CHARS,
  parseFrame,
  PylonFrameError,
  PylonFrameSplitter,
  PylonStreamItem,
} from "../../nodes/lib/pylon/codec";
import { vector } from "./pylon-vectors";

const analog = vector("tc-us2000b-0x42").reply!;
const version = vector("ardiehl-0x4f-adr2").reply!;
const serial = vector("ziv-us3000c-0x93").reply!;

const framesOf = (items: PylonStreamItem[]): string[] => items.map((i) => i.frame ?? `ERROR:${i.error?.reason}`);

describe("pylon frame splitter", () => {
  it("emits a frame fed in one chunk, including its CR", () => {
    const s = new PylonFrameSplitter();
    assert.deepEqual(framesOf(s.push(analog)), [analog]);
    assert.equal(s.buffered, 0);
  });

  it("reassembles a frame split at every possible point, and byte by byte", () => {
    for (let cut = 1; cut < analog.length; cut++) {
      const s = new PylonFrameSplitter();
      assert.deepEqual(s.push(analog.slice(0, cut)), [], `cut at ${cut}`);
      assert.equal(s.buffered, cut);
      assert.deepEqual(framesOf(s.push(analog.slice(cut))), [analog], `cut at ${cut}`);
    }
    const s = new PylonFrameSplitter();
    const out: PylonStreamItem[] = [];
    for (const byte of Buffer.from(analog, "latin1")) out.push(...s.push(Buffer.from([byte])));
    assert.deepEqual(framesOf(out), [analog]);
  });

  it("emits several frames from one chunk, in order", () => {
    const s = new PylonFrameSplitter();
    assert.deepEqual(framesOf(s.push(Buffer.from(version + analog + serial, "latin1"))), [version, analog, serial]);
  });

  it("keeps the unfinished tail for the next chunk", () => {
    const s = new PylonFrameSplitter();
    assert.deepEqual(framesOf(s.push(version + serial.slice(0, 10))), [version]);
    assert.equal(s.buffered, 10);
    assert.deepEqual(framesOf(s.push(serial.slice(10))), [serial]);
  });

  it("drops bytes before '~' and counts them", () => {
    const s = new PylonFrameSplitter();
    const noise = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x41, 0x7f]);
    const out = [
      ...s.push(noise),
      ...s.push(Buffer.concat([Buffer.from(version), Buffer.from("\n"), noise, Buffer.from(serial)])),
    ];
    assert.deepEqual(framesOf(out), [version, serial]);
    assert.equal(s.droppedBytes, 6 + 1 + 6);
    assert.equal(s.buffered, 0);
  });

  it("reports a frame cut off by the next '~' and resynchronises on it", () => {
    const s = new PylonFrameSplitter();
    const out = s.push(analog.slice(0, 40));
    assert.deepEqual(out, []);
    const more = s.push(version);
    assert.deepEqual(framesOf(more), ["ERROR:framing", version]);
    const err = more[0].error;
    assert.ok(err instanceof PylonFrameError);
    assert.equal(err.raw, analog.slice(0, 40));
    assert.match(err.message, /cut off/);
  });

  it("caps the buffer: an endless frame is discarded with an error, then the stream recovers", () => {
    const s = new PylonFrameSplitter({ maxFrameChars: 64 });
    assert.deepEqual(s.push(`~${"0".repeat(50)}`), []);
    const out = s.push("0".repeat(50));
    assert.deepEqual(framesOf(out), ["ERROR:buffer_overflow"]);
    assert.equal(out[0].error?.raw.length, 101);
    assert.match(out[0].error?.message ?? "", /no end of frame within 64 characters/);
    assert.equal(s.buffered, 0);
    assert.deepEqual(framesOf(s.push(`${"0".repeat(30)}\r${version}`)), [version]);
  });

  it("caps a complete frame longer than the limit too", () => {
    const s = new PylonFrameSplitter({ maxFrameChars: 20 });
    assert.deepEqual(framesOf(s.push(analog + version)), ["ERROR:buffer_overflow", version]);
  });

  it("by default holds exactly the longest legal frame", () => {
    const longest = encodeFrame({ adr: 2, cid2: 0, info: Array(2047).fill(0x20) });
    assert.equal(longest.length, MAX_FRAME_CHARS - 1); // LENID is even, so one below the 4095-char bound
    const s = new PylonFrameSplitter();
    assert.deepEqual(framesOf(s.push(longest)), [longest]);
    assert.deepEqual(s.push(`~${"0".repeat(MAX_FRAME_CHARS - 1)}`), []);
    assert.deepEqual(framesOf(s.push("0")), ["ERROR:buffer_overflow"]);
  });

  it("reset() forgets a partial frame", () => {
    const s = new PylonFrameSplitter();
    s.push(analog.slice(0, 30));
    s.reset();
    assert.equal(s.buffered, 0);
    assert.deepEqual(framesOf(s.push(analog.slice(30) + version)), [version]);
  });

  it("feeds decodeReply: a reply split across chunks decodes as a whole", () => {
    const s = new PylonFrameSplitter();
    const items = [...s.push("\n" + serial.slice(0, 17)), ...s.push(serial.slice(17))];
    assert.equal(items.length, 1);
    assert.deepEqual(decodeReply(0x93, items[0].frame!, { request: { adr: 2, info: 2 } }).packs, [
      { address: 2, serial: "H222003C32220459" },
    ]);
  });

  it("a run of bad frames is one error item with its count; a good frame ends the run", () => {
    const s = new PylonFrameSplitter();
    const items = s.push(`~A~B~C${version}~D~E${analog}`);
    assert.deepEqual(
      items.map((i) => (i.frame !== undefined ? "frame" : `${i.error.reason}×${i.count}`)),
      ["framing×3", "frame", "framing×2", "frame"],
    );
    const first = items[0].error!;
    assert.equal(first.raw, "~A", "the first bad frame's text");
    assert.match(first.message, /^3 bad frames in a row, the first: frame cut off by the start of another frame$/);
    assert.equal(items[2].error!.raw, "~D");
  });

  it("a flood of '~' without CR is one error for the whole chunk and leaves one '~' pending", () => {
    const s = new PylonFrameSplitter();
    const flood = "~".repeat(60_000);
    const items = s.push(flood);
    assert.equal(items.length, 1);
    assert.equal(items[0].count, 59_999, "each '~' but the last starts a frame the next one cuts off");
    assert.equal(items[0].error?.reason, "framing");
    assert.equal(s.buffered, 1);
    assert.deepEqual(framesOf(s.push(version.slice(1))), [version], "the last '~' starts the next good frame");
  });

  it("a flood mixing cut-off and over-long frames is one error per run, in stream order", () => {
    const s = new PylonFrameSplitter({ maxFrameChars: 20 });
    const junk = `~${"0".repeat(30)}\r`.repeat(100) + "~~~~";
    const items = s.push(junk + version + junk);
    assert.deepEqual(framesOf(items), ["ERROR:buffer_overflow", version, "ERROR:buffer_overflow"]);
    // The first run's last '~' is cut off by the good frame; the second run's last '~' waits for more.
    assert.deepEqual(items.map((i) => i.count), [104, undefined, 103]);
    assert.equal(s.buffered, 1);
  });

  it("never throws on random bytes in random chunks (deterministic fuzz)", () => {
    let seed = 99;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = Buffer.from("~\r0123456789ABCDEF\n\x00\xff", "latin1");
    const s = new PylonFrameSplitter({ maxFrameChars: 200 });
    let frames = 0;
    let errors = 0;
    for (let i = 0; i < 2000; i++) {
      const chunk = Buffer.from(Array.from({ length: rand(40) }, () => alphabet[rand(alphabet.length)]));
      if (rand(10) === 0) chunk.write(version);
      for (const item of s.push(chunk)) {
        if (item.frame !== undefined) {
          frames++;
          assert.ok(item.frame.startsWith("~") && item.frame.endsWith("\r") && item.frame.length <= 200);
          assert.equal(item.frame.indexOf("~", 1), -1);
          try {
            parseFrame(item.frame);
          } catch (err) {
            assert.ok(err instanceof PylonFrameError, String(err));
          }
        } else {
          errors++;
          assert.ok(item.error instanceof PylonFrameError);
        }
      }
      assert.ok(s.buffered <= 200);
    }
    assert.ok(frames > 0 && errors > 0, `frames ${frames}, errors ${errors}`);
  });
});
