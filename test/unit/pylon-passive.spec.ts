// Passive listening on a real RS485 bus capture (test/fixtures/pylon-bus/): an inverter polls three
// packs with VER 0x25; BusPairer pairs each reply with its request and decodes it, whatever the
// chunking, junk and partial frames between them, and it has no way to write to the bus.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeFrame } from "../../nodes/lib/pylon/codec";
import { BusPairer, PassiveReply } from "../../nodes/lib/pylon/passive";
import { FIXTURES_DIR } from "../support/vectors";

/** The capture's frames as published (a C array of strings without the CR), CR restored. */
function captureFrames(): string[] {
  const text = readFileSync(join(FIXTURES_DIR, "pylon-bus", "esp32-probe-sample-data.h"), "utf8");
  return [...text.matchAll(/"(~[0-9A-F]+)"/g)].map((m) => `${m[1]}\r`);
}

const FRAMES = captureFrames();
const BUS = FRAMES.join("");

/** A seeded generator, so a failing chunking can be repeated. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function feedInChunks(pairer: BusPairer, bus: string, seed: number): PassiveReply[] {
  const next = random(seed);
  const out: PassiveReply[] = [];
  for (let pos = 0; pos < bus.length; ) {
    const size = 1 + Math.floor(next() * 40);
    out.push(...pairer.push(Buffer.from(bus.slice(pos, pos + size), "latin1"), 0));
    pos += size;
  }
  return out;
}

const analog = (replies: PassiveReply[]): PassiveReply[] => replies.filter((r) => r.request.cid2 === 0x42);

describe("BusPairer on a real passive capture (esp32-pylon-battery-mqtt-probe, 3 packs, VER 0x25)", () => {
  it("reads the 698 frames the source publishes", () => {
    assert.equal(FRAMES.length, 698);
  });

  const pairer = new BusPairer();
  const replies = pairer.push(BUS, 0);

  it("decodes every 0x42 and 0x44 reply: 72 + 73, each with the request that asked for it", () => {
    assert.equal(replies.length, 145);
    assert.equal(analog(replies).length, 72);
    assert.equal(replies.filter((r) => r.request.cid2 === 0x44).length, 73);
    for (const r of replies) {
      assert.equal(r.reply.packs.length, 1);
      assert.equal(r.reply.packs[0].address, r.request.adr);
      assert.match(r.request.raw, /^~25[0-9A-F]{2}46(42|44)E002[0-9A-F]{6}\r$/);
    }
  });

  it("counts what it cannot pair or decode: the vendor's 0x90 polls, answered by packs 2–4 only", () => {
    const c = pairer.counters;
    assert.equal(c.requests, 73 + 72 + 336);
    assert.equal(c.replies, 73 + 72 + 72);
    assert.equal(c.decoded, 145);
    assert.equal(c.unsupported, 72, "0x90 replies are paired, not decoded");
    assert.equal(c.unanswered + pairer.pendingRequests, 336 - 72, "0x90 to ADR 5–15 get no reply");
    assert.equal(c.unpaired, 0);
    assert.equal(c.rejected, 0);
    assert.equal(c.badFrames, 0);
  });

  it("the first reply: alarm info of pack 2, all normal, fully charged flag set", () => {
    const first = replies[0];
    assert.deepEqual(first.request, { cid2: 0x44, adr: 2, raw: "~25024644E00202FD2C\r" });
    assert.equal(first.reply.command, "0x44");
    const alarms = first.reply.packs[0].alarms!;
    assert.equal(alarms.cells.length, 16);
    assert.ok(alarms.cells.every((state) => state === "normal"));
    assert.equal(alarms.temperatures.length, 6);
    assert.equal(alarms.fully_charged, true);
  });

  it("the first analog reply: pack 2 at 53.11 V, −35 A, SOC 58.4 %, 16 cells 3.313–3.316 V", () => {
    const first = analog(replies)[0];
    assert.deepEqual(first.request, { cid2: 0x42, adr: 2, raw: "~25024642E00202FD2E\r" });
    const pack = first.reply.packs[0];
    assert.equal(pack.voltage, 53.11); // 0xCF76 mV
    assert.equal(pack.current, -35); // 0xFEA2 = −350 × 0.1 A
    assert.equal(pack.soc, 58.4);
    assert.equal(pack.remaining_ah, 13.388); // 0x344C
    assert.equal(pack.cycles, 17);
    assert.deepEqual(pack.cell_voltages?.slice(0, 3), [3.315, 3.315, 3.314]);
    assert.equal(pack.cell_voltages?.length, 16);
    assert.equal(pack.cell_voltages?.[15], 3.313);
    assert.deepEqual(pack.temperatures, [27, 26.7, 26.3, 27.5, 28.7, 27.6]);
  });

  it("the last analog reply: pack 4 at 53.027 V, −61.3 A, SOC 57.8 %", () => {
    const last = analog(replies).at(-1)!;
    assert.deepEqual(last.request, { cid2: 0x42, adr: 4, raw: "~25044642E00204FD2A\r" });
    const pack = last.reply.packs[0];
    assert.equal(pack.voltage, 53.027); // 0xCF23
    assert.equal(pack.current, -61.3); // 0xFD9B = −613
    assert.equal(pack.remaining_ah, 13.257); // 0x33C9
    assert.equal(pack.soc, 57.8);
    assert.deepEqual(pack.cell_voltages?.slice(0, 4), [3.314, 3.314, 3.316, 3.311]);
    assert.equal(pack.cell_voltages?.[15], 3.314);
  });

  it("the last reply is pack 2's alarm info, answering the capture's last request", () => {
    const last = replies.at(-1)!;
    assert.deepEqual(last.request, { cid2: 0x44, adr: 2, raw: "~25024644E00202FD2C\r" });
    assert.equal(last.raw, FRAMES.at(-1));
  });

  it("gives the same replies in any chunking", () => {
    for (const seed of [1, 2, 3]) {
      assert.deepEqual(feedInChunks(new BusPairer(), BUS, seed), replies, `seed ${seed}`);
    }
  });

  it("skips junk and partial frames between the frames and still pairs every reply", () => {
    const next = random(7);
    const junk = ["\n", "\x00\xff\x13", "~2502460010960002100CF3", "noise\r", "~25ZZ\r", "~"];
    let bus = "";
    for (const frame of FRAMES) bus += (next() < 0.3 ? junk[Math.floor(next() * junk.length)] : "") + frame;
    const pairer = new BusPairer();
    const got = feedInChunks(pairer, bus, 11);
    assert.deepEqual(got, replies);
    assert.ok(pairer.counters.badFrames > 0);
    assert.equal(pairer.counters.decoded, 145);
  });
});

describe("BusPairer on a short real capture (esphome-jk-bms-can discussion #27: an inverter scanning with VER 0x00)", () => {
  const lines = readFileSync(join(FIXTURES_DIR, "pylon-bus", "jk-bms-can-discussion-27.hex"), "utf8").trim().split("\n");
  const bus = Buffer.concat(lines.map((line) => Buffer.from(line.replace(/[^0-9a-fA-F]/g, ""), "hex")));

  it("pairs the one reply with the VER 0x00 0x4F request repeated before it, and counts the repeats unanswered", () => {
    assert.equal(lines.length, 14);
    const pairer = new BusPairer();
    const got = pairer.push(bus, 0);
    assert.deepEqual(got, [
      {
        request: { cid2: 0x4f, adr: 2, raw: "~0002464F0000FD9A\r" },
        reply: { command: "0x4F", packs: [{ address: 2, protocol_version: "2.0" }] },
        raw: "~20024600E00200FD3B\r",
      },
    ]);
    const c = pairer.counters;
    assert.deepEqual([c.requests, c.replies, c.decoded, c.unpaired, c.badFrames], [13, 1, 1, 0, 0]);
    assert.equal(c.unanswered, 5, "0x42 ADR 2 and 0x4F ADR 2 replaced before the reply; 0x4F ADR 2, 0x42 ADR 2 and 0x4F ADR 0x52 repeated");
    assert.equal(pairer.pendingRequests, 7);
  });
});

describe("BusPairer pairing rules", () => {
  const req2 = "~25024642E00202FD2E\r";
  const req3 = "~25034642E00203FD2C\r";
  const [rep2, rep3] = [FRAMES[24], FRAMES[26]];

  it("pairs replies that come back in the other order (interleaved ADRs)", () => {
    assert.deepEqual([rep2.slice(0, 9), rep3.slice(0, 9)], ["~25024600", "~25034600"]);
    const pairer = new BusPairer();
    const got = pairer.push(req2 + req3 + rep3 + rep2, 0);
    assert.deepEqual(got.map((r) => r.request.adr), [3, 2]);
    assert.deepEqual(got.map((r) => r.reply.packs[0].address), [3, 2]);
  });

  it("a reply with no request is counted unpaired; a request repeated before a reply counts the first unanswered", () => {
    const pairer = new BusPairer();
    assert.deepEqual(pairer.push(rep2, 0), []);
    assert.equal(pairer.push(req2 + req2 + rep2, 0).length, 1);
    assert.deepEqual(
      { unpaired: pairer.counters.unpaired, unanswered: pairer.counters.unanswered, decoded: pairer.counters.decoded },
      { unpaired: 1, unanswered: 1, decoded: 1 },
    );
  });

  it("a request expires after maxAgeFrames frames or maxAgeMs, and its late reply is unpaired", () => {
    const byFrames = new BusPairer({ maxAgeFrames: 2 });
    byFrames.push(req2 + "~250546900000FDA1\r~250646900000FDA0\r~250746900000FD9F\r", 0);
    assert.deepEqual(byFrames.push(rep2, 0), []);
    assert.equal(byFrames.counters.unpaired, 1);
    const byTime = new BusPairer({ maxAgeMs: 500 });
    byTime.push(req2, 0);
    assert.deepEqual(byTime.push(rep2, 501), []);
    assert.equal(byTime.counters.unanswered, 1);
  });

  it("holds at most maxPending requests (one per ADR)", () => {
    const pairer = new BusPairer({ maxPending: 4 });
    const polls = FRAMES.filter((f) => /^~25..46900000/.test(f)).slice(3, 14); // 0x90 to ADR 5–15, never answered
    pairer.push(polls.join(""), 0);
    assert.equal(pairer.pendingRequests, 4);
    assert.equal(pairer.counters.unanswered, polls.length - 4);
  });

  it("an error reply (RTN ≠ 0) is rejected with its code, not returned", () => {
    const pairer = new BusPairer();
    const errorReply = encodeFrame({ ver: 0x25, adr: 2, cid2: 0x04 }); // RTN 0x04: CID2 invalid
    assert.deepEqual(pairer.push(req2 + errorReply, 0), []);
    assert.equal(pairer.counters.rejected, 1);
    assert.equal(pairer.lastError?.code, "cid2_invalid");
  });
});

describe("BusPairer cannot write", () => {
  it("takes bytes and returns plain data: no method writes, sends, opens or pipes, and a port handed to it is never touched", () => {
    const names = Object.getOwnPropertyNames(BusPairer.prototype);
    assert.deepEqual(names.filter((n) => /write|send|open|pipe|emit|port|socket|stream/i.test(n)), []);
    let writes = 0;
    const port = { write: () => writes++, send: () => writes++ };
    const pairer = new BusPairer(port as never); // options are read, a port's methods never called
    const got = pairer.push(BUS, 0);
    assert.equal(writes, 0);
    assert.equal(BusPairer.length, 0, "the constructor takes options only (with defaults)");
    assert.equal(got.length, 145);
    assert.deepEqual(JSON.parse(JSON.stringify(got)), got, "only plain data comes out");
  });
});
