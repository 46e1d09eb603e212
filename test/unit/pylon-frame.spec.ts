// Envelope, requests, forbidden commands and decoder edge cases the captured vectors do not reach
// (every captured status byte is 0x00/0x0E/0x40/0x80/0xC0, no missing sensor, no mixed stack).
import assert from "node:assert/strict";
import {
  ALL_PACKS,
  buildPackRequest,
  decodeReply,
  encodeFrame,
  encodeRequest,
  frameChecksum,
  lengthChecksum,
  lengthField,
  MAX_INFO_CHARS,
  packAddressing,
  parseFrame,
  PylonCommandError,
  PylonError,
  PylonFrameError,
  summarizeStack,
} from "../../nodes/lib/pylon/codec";
import { vector } from "./pylon-vectors";

/** A valid reply frame (RTN 0) carrying `info`. */
const reply = (info: number[] | Buffer, adr = 2): string => encodeFrame({ adr, cid2: 0, info });
const infoOf = (id: string): Buffer => parseFrame(vector(id).reply!).info;

function assertFrameError(fn: () => unknown, reason: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PylonFrameError, `not a PylonFrameError: ${String(err)}`);
    assert.ok(err instanceof PylonError);
    assert.equal(err.reason, reason, err.message);
    assert.doesNotMatch(err.message, /[\r\n]/, "message must be one line");
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe("pylon checksums (pylon-protocol.md §2.1, §2.2)", () => {
  it("LENGTH fields of the worked examples", () => {
    assert.equal(lengthField(0), 0x0000);
    assert.equal(lengthField(2), 0xe002);
    assert.equal(lengthField(18), 0xd012);
    assert.equal(lengthField(122), 0xf07a);
    assert.equal(lengthField(476), 0x61dc);
  });

  it("LCHKSUM is 0, not 16, when the nibble sum is a multiple of 16", () => {
    for (const lenid of [0x088, 0x0f1, 0x1e1]) {
      assert.equal(lengthChecksum(lenid), 0, `LENID 0x${lenid.toString(16)}`);
      assert.equal(lengthField(lenid), lenid);
    }
    const frame = reply(Array(0x44).fill(0x11)); // LENID 0x088
    assert.match(frame, /^~20024600008811/);
    assert.equal(parseFrame(frame).info.length, 0x44);
  });

  it("CHKSUM of the worked example and of the spec's own wrong example", () => {
    assert.equal(frameChecksum("20024642E00202"), 0xfd33);
    assert.equal(frameChecksum("1203400456ABCEFE"), 0xfc71); // the PDF prints FC72
  });
});

describe("pylon frame parsing", () => {
  const good = vector("tc-us2000b-0x96").reply!; // ~20024600400C020203000605FB49\r

  it("exposes the header fields and the INFO bytes", () => {
    const f = parseFrame(good);
    assert.deepEqual(
      { ver: f.ver, adr: f.adr, cid1: f.cid1, cid2: f.cid2, info: [...f.info], raw: f.raw },
      { ver: 0x20, adr: 2, cid1: 0x46, cid2: 0, info: [2, 2, 3, 0, 6, 5], raw: good },
    );
  });

  it("accepts bytes, a missing CR and surrounding whitespace", () => {
    const expected = [...parseFrame(good).info];
    assert.deepEqual([...parseFrame(Buffer.from(good, "latin1")).info], expected);
    assert.deepEqual([...parseFrame(good.trim()).info], expected);
    assert.deepEqual([...parseFrame(`  ${good.trim()}\r\n`).info], expected);
  });

  it("accepts lower-case hex (checksum over the characters as sent)", () => {
    const body = good.slice(1, -5).toLowerCase();
    const chk = frameChecksum(body).toString(16).padStart(4, "0");
    assert.deepEqual(decodeReply(0x96, `~${body}${chk}\r`).packs, [
      { address: 2, firmware: { manufacture_version: "2.3", mainline_version: "0.6.5" } },
    ]);
  });

  it("rejects malformed frames with a reason and a one-line message", () => {
    assertFrameError(() => parseFrame(good.slice(1)), "framing", /start with '~'/);
    assertFrameError(() => parseFrame("~200246000000FDB"), "framing", /too short/);
    assertFrameError(() => parseFrame(""), "framing");
    assertFrameError(() => parseFrame(good.replace("0C02", "0CG2")), "bad_hex", /0x47/);
    assertFrameError(() => parseFrame(good.replace("~2002", "~20\r2")), "bad_hex");
    assertFrameError(() => parseFrame(good.replace("400C", "500C")), "length_checksum", /LCHKSUM 5/);
    assertFrameError(() => parseFrame(good.replace("0605FB49", "06FB49")), "length_mismatch", /12 INFO.*10/);
    assertFrameError(() => parseFrame(good.replace("FB49", "FB48")), "checksum", /FB48.*FB49/);
  });

  it("keeps the raw frame on the error", () => {
    const bad = good.replace("FB49", "0000");
    assert.throws(() => parseFrame(bad), { raw: bad });
  });
});

describe("pylon requests and addressing", () => {
  it("rs485: ADR = pack address starting at 2, INFO = ADR; groups add 0x10·m", () => {
    assert.deepEqual(packAddressing("rs485", 1), { adr: 2, info: 2 });
    assert.deepEqual(packAddressing("rs485", 16), { adr: 0x11, info: 0x11 });
    assert.deepEqual(packAddressing("rs485", 1, 1), { adr: 0x12, info: 0x12 });
    assert.deepEqual(packAddressing("rs485", 6, 3), { adr: 0x37, info: 0x37 });
    assert.deepEqual(packAddressing("rs485", ALL_PACKS, 2), { adr: 0x22, info: 0xff });
  });

  it("rs232: ADR 1, INFO = pack number", () => {
    assert.deepEqual(packAddressing("rs232", 3), { adr: 1, info: 3 });
    assert.equal(buildPackRequest(0x44, "rs232", 3), "~20014644E00203FD31\r");
  });

  it("commands without a pack selector get no INFO", () => {
    assert.equal(buildPackRequest(0x51, "rs485", 1), "~200246510000FDAC\r");
    assert.equal(buildPackRequest(0x47, "rs485", 2), "~200346470000FDA6\r");
    assert.equal(buildPackRequest(0x93, "rs485", 2), "~20034693E00203FD2B\r");
  });

  it("VER is 0x20 unless asked otherwise", () => {
    assert.equal(encodeRequest(0x4f, { adr: 2, ver: 0x35 }), "~3502464F0000FD92\r");
    assert.equal(buildPackRequest(0x4f, "rs485", 1, { ver: 0x35 }), "~3502464F0000FD92\r");
  });

  it("rejects bad addressing arguments", () => {
    for (const fn of [
      () => packAddressing("rs485", 0),
      () => packAddressing("rs485", 17),
      () => packAddressing("rs485", 15, 1),
      () => packAddressing("rs485", 1, 8),
      () => packAddressing("rs232", 1.5),
      () => encodeRequest(0x42, { adr: 0xff, info: 2 }),
      () => encodeRequest(0x42, { adr: 256, info: 2 }),
      () => encodeRequest(0x42, { adr: 2, info: [2, 300] }),
    ]) {
      assert.throws(fn, { name: "PylonCommandError", reason: "invalid_argument" });
    }
  });

  it("refuses commands that are not read commands", () => {
    assert.throws(() => encodeRequest(0x90, { adr: 1 }), { reason: "unsupported_command", cid2: 0x90 });
    // The V3.5 system reads are read commands now (pylon-protocol.md §5.9); their shutdown is not.
    assert.equal(encodeRequest(0x61, { adr: 0x02 }), "~200246610000FDAB\r");
    assert.throws(() => encodeRequest(0x64, { adr: 0x02 }), { reason: "forbidden_command", cid2: 0x64 });
    assert.throws(() => encodeRequest(0x91, { adr: 1, info: 1 }), { reason: "unsupported_command" });
  });
});

describe("pylon forbidden commands", () => {
  for (const [cid2, what] of [
    [0x94, "set charge/discharge management"],
    [0x95, "turn off pack"],
    [0x64, "shut down battery group"],
  ] as const) {
    it(`never encodes 0x${cid2.toString(16)} (${what})`, () => {
      const forbidden = (err: unknown): boolean =>
        err instanceof PylonCommandError &&
        err.reason === "forbidden_command" &&
        err.cid2 === cid2 &&
        err.message.includes(`0x${cid2.toString(16).toUpperCase()}`) &&
        err.message.includes(what);
      assert.throws(() => encodeFrame({ adr: 2, cid2, info: [2] }), forbidden);
      assert.throws(() => encodeFrame({ adr: 0x12, cid2 }), forbidden);
      assert.throws(() => encodeRequest(cid2, { adr: 2, info: 2 }), forbidden);
      assert.throws(() => buildPackRequest(cid2, "rs485", 1), forbidden);
      assert.throws(() => buildPackRequest(cid2, "rs232", 1), forbidden);
    });
  }
});

describe("pylon reply decoding: 0x42 layouts", () => {
  // Pack blocks cut out of real FF replies: a US3000 block (user-defined 4) and a US2000 one (2).
  const us3000Block = infoOf("pp-us3000-4packs-ff").subarray(2, 2 + 59);
  const us2000Block = infoOf("pp-us2000-3packs-ff").subarray(2, 2 + 53);
  const us3000 = decodeReply(0x42, vector("pp-us3000-4packs-ff").reply!).packs[0];
  const us2000 = decodeReply(0x42, vector("pp-us2000-3packs-ff").reply!).packs[0];

  it("the cut blocks are what the test thinks they are", () => {
    assert.equal(us3000Block[0], 15);
    assert.equal(us3000Block[1 + 30 + 1 + 10 + 6], 4);
    assert.equal(us2000Block[1 + 30 + 1 + 10 + 6], 2);
  });

  it("decodes a mixed stack (both capacity layouts in one FF reply), in either order", () => {
    const mixed = reply([0x11, 2, ...us3000Block, ...us2000Block]);
    const packs = decodeReply(0x42, mixed, { request: { adr: 2, info: ALL_PACKS } }).packs;
    assert.deepEqual(packs, [{ ...us3000, address: 1 }, { ...us2000, address: 2 }]);
    assert.deepEqual(decodeReply(0x42, mixed).packs, packs, "auto detection agrees");
    assert.equal(packs[0].total_ah, 74);
    assert.equal(packs[1].total_ah, 50);

    const reversed = decodeReply(0x42, reply([0x11, 2, ...us2000Block, ...us3000Block])).packs;
    assert.deepEqual(reversed, [{ ...us2000, address: 1 }, { ...us3000, address: 2 }]);
  });

  it("power = voltage × current with no binary-fraction noise", () => {
    assert.equal(us2000.power, -128.817);
    assert.equal(us3000.power, 0);
    assert.equal(decodeReply(0x42, vector("issue9-us5000-adr2-0x42").reply!).packs[0].power, 1009.9647);
  });

  it("derives cell_min, cell_max and cell_spread_mv", () => {
    assert.deepEqual([us2000.cell_min, us2000.cell_max, us2000.cell_spread_mv], [3.301, 3.306, 5]);
  });

  it("reads a missing sensor (raw 1731 = −100.0 °C) as null", () => {
    const block = Buffer.from(us2000Block);
    block.writeUInt16BE(1731, 1 + 30 + 1 + 2 * 4); // fifth temperature
    const pack = decodeReply(0x42, reply([0x11, 2, ...block])).packs[0];
    assert.deepEqual(pack.temperatures, [23, 22, 22, 22, null]);
    assert.equal(summarizeStack([pack], 0).temperature_max, 23);
  });

  it("parses by the counts: 8 cells and 6 temperatures", () => {
    const info = [0x10, 3, 8, ...Array(8).fill([0x0d, 0x02]).flat(), 6, ...Array(6).fill([0x0b, 0x87]).flat()];
    info.push(0xff, 0xf6, 0x68, 0x0e, 0x9e, 0x98, 2, 0xc3, 0x50, 0x00, 0x05);
    const [pack] = decodeReply(0x42, reply(info, 3)).packs;
    assert.equal(pack.address, 3);
    assert.deepEqual(pack.cell_voltages, Array(8).fill(3.33));
    assert.deepEqual(pack.temperatures, Array(6).fill(22));
    assert.deepEqual([pack.current, pack.voltage, pack.remaining_ah, pack.total_ah, pack.cycles, pack.soc], [-1, 26.638, 40.6, 50, 5, 81.2]);
  });

  it("ignores trailing bytes after the last pack", () => {
    const v = vector("tc-us2000b-0x42");
    const info = [...parseFrame(v.reply!).info, 0x00, 0x7f, 0x12];
    assert.deepEqual(decodeReply(0x42, reply(info)), decodeReply(0x42, v.reply!));
  });

  it("rejects INFO that ends before its counts say", () => {
    const info = parseFrame(vector("tc-us2000b-0x42").reply!).info;
    assertFrameError(() => decodeReply(0x42, reply(info.subarray(0, info.length - 1))), "truncated", /cycle count/);
    assertFrameError(() => decodeReply(0x42, reply([0x11, 2, 15, 0x0d])), "truncated", /cell 1 voltage/);
    const ud4 = infoOf("robske-us3000-0x42-a");
    assertFrameError(() => decodeReply(0x42, reply(ud4.subarray(0, ud4.length - 3))), "truncated", /total capacity 2/);
  });

  it("rejects a user-defined count below 2", () => {
    const block = Buffer.from(us2000Block);
    block[1 + 30 + 1 + 10 + 6] = 1;
    assertFrameError(() => decodeReply(0x42, reply([0x11, 2, ...block])), "unsupported_layout");
  });

  it("reads the byte after INFOFLAG by what was asked", () => {
    const single = vector("tc-us2000b-0x42").reply!; // ADR 2, one pack: the byte is 2
    assert.equal(decodeReply(0x42, single).packs.length, 1);
    assert.equal(decodeReply(0x42, single, { request: { adr: 2, info: 2 } }).packs[0].address, 2);
    // Asked for all packs, the same byte means "2 packs", which the INFO does not hold.
    assertFrameError(() => decodeReply(0x42, single, { request: { adr: 2, info: ALL_PACKS } }), "truncated");
    // An FF reply read as the answer to a single-pack request names "pack 3", not the pack asked
    // for (2): it is not the answer (the same check catches a slow pack's late reply).
    const ff = vector("pp-us2000-3packs-ff").reply!;
    assertFrameError(() => decodeReply(0x42, ff, { request: { adr: 2, info: 2 } }), "address_mismatch");
    assert.deepEqual(decodeReply(0x42, ff, { request: { adr: 2, info: 3 } }).packs, [{ ...us2000, address: 3 }]);
  });
});

describe("pylon reply decoding: 0x44, 0x92 bits", () => {
  const alarmInfo = (s: number[]): number[] => [0, 2, 4, 0, 1, 2, 0xf0, 2, 0x00, 0x03, 1, 2, 0xf0, ...s];

  it("maps state codes: 0 normal, 1 low, 2 high, 0xF0 and unknown codes fault", () => {
    const { alarms } = decodeReply(0x44, reply(alarmInfo([0, 0, 0, 0, 0]))).packs[0];
    assert.ok(alarms);
    assert.deepEqual(alarms.cells, ["normal", "low", "high", "fault"]);
    assert.deepEqual(alarms.temperatures, ["normal", "fault"]);
    assert.deepEqual([alarms.charge_current, alarms.voltage, alarms.discharge_current], ["low", "high", "fault"]);
  });

  const statusBits: [number, number, string][] = [
    [0, 7, "module_under_voltage"],
    [0, 6, "charge_over_temperature"],
    [0, 5, "discharge_over_temperature"],
    [0, 4, "discharge_over_current"],
    [0, 2, "charge_over_current"],
    [0, 1, "cell_under_voltage"],
    [0, 0, "module_over_voltage"],
    [1, 3, "using_battery_power"],
    [1, 2, "discharge_mosfet"],
    [1, 1, "charge_mosfet"],
    [2, 7, "effective_charge_current"],
    [2, 6, "effective_discharge_current"],
    [2, 5, "heater"],
    [2, 3, "fully_charged"],
    [2, 0, "buzzer"],
  ];
  const booleanKeys = statusBits.map(([, , key]) => key);

  it("maps each Status1-3 bit to its own key and nothing else", () => {
    for (const [byte, n, key] of statusBits) {
      const s = [0, 0, 0, 0, 0];
      s[byte] = 1 << n;
      const alarms = decodeReply(0x44, reply(alarmInfo(s))).packs[0].alarms as unknown as Record<string, unknown>;
      for (const k of booleanKeys) assert.equal(alarms[k], k === key, `Status${byte + 1} bit ${n}: ${k}`);
    }
  });

  it("lists 1-based cell numbers from Status4/Status5", () => {
    const { alarms } = decodeReply(0x44, reply(alarmInfo([0, 0, 0, 0b10000001, 0b10000010]))).packs[0];
    assert.deepEqual(alarms?.cell_faults, [1, 8, 10, 16]);
  });

  it("maps each 0x92 status bit", () => {
    const keys = ["charge_enable", "discharge_enable", "charge_immediately_1", "charge_immediately_2", "full_charge_request"];
    keys.forEach((key, i) => {
      const status = 0x80 >> i;
      const m = decodeReply(0x92, reply([2, 0xd0, 0x02, 0xaf, 0xc8, 0x00, 0xc8, 0xfe, 0x0c, status])).packs[0]
        .charge_management as unknown as Record<string, unknown>;
      for (const k of keys) assert.equal(m[k], k === key, `status 0x${status.toString(16)}: ${k}`);
    });
  });
});

describe("pylon reply checks", () => {
  it("rejects a reply from another address than asked (late reply)", () => {
    const v = vector("ardiehl-0x4f-adr3");
    assertFrameError(
      () => decodeReply(0x4f, v.reply!, { request: vector("ardiehl-0x4f-adr2").request! }),
      "address_mismatch",
      /ADR 0x03.*ADR 0x02/,
    );
    assert.equal(decodeReply(0x4f, v.reply!, { request: { adr: 3 } }).packs[0].address, 3);
  });

  it("rejects a CID1 other than 0x46 as an unsupported variant", () => {
    assertFrameError(() => decodeReply(0x4f, encodeFrame({ adr: 2, cid1: 0x4a, cid2: 0 })), "unsupported_variant", /0x4A/);
  });

  it("does not fail on a VER other than 0x20", () => {
    const info = parseFrame(vector("ziv-us3000c-0x93").reply!).info;
    assert.equal(decodeReply(0x93, encodeFrame({ ver: 0x26, adr: 2, cid2: 0, info })).packs[0].serial, "H222003C32220459");
  });

  it("names unknown return codes", () => {
    assertFrameError(() => decodeReply(0x42, encodeFrame({ adr: 2, cid2: 0x91 })), "internal_communication_error");
    assertFrameError(() => decodeReply(0x42, encodeFrame({ adr: 2, cid2: 0x90 })), "adr_error");
    assertFrameError(() => decodeReply(0x42, encodeFrame({ adr: 2, cid2: 0x77 })), "unknown_rtn", /RTN 0x77 \(unknown RTN\)/);
  });

  it("refuses a request for another command", () => {
    assert.throws(() => decodeReply(0x44, vector("tc-us2000b-0x42").reply!, { request: vector("tc-us2000b-0x42").request! }), {
      name: "PylonCommandError",
      reason: "invalid_argument",
    });
  });

  it("refuses to decode commands it has no decoder for", () => {
    assert.throws(() => decodeReply(0x94, vector("tc-us2000b-0x4f").reply!), {
      reason: "unsupported_command",
      message: "no decoder for CID2 0x94 (set charge/discharge management)",
    });
  });

  it("never throws anything but codec errors on random INFO (deterministic fuzz)", () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let decoded = 0;
    for (let i = 0; i < 3000; i++) {
      const info = Array.from({ length: rand(80) }, () => (rand(4) === 0 ? rand(256) : rand(20)));
      const frame = reply(info);
      for (const cid2 of [0x42, 0x44, 0x47, 0x4f, 0x51, 0x92, 0x93, 0x96]) {
        try {
          decodeReply(cid2, frame);
          decoded++;
        } catch (err) {
          assert.ok(err instanceof PylonFrameError, `0x${cid2.toString(16)} threw ${String(err)}`);
        }
      }
    }
    assert.ok(decoded > 0);
  });

  it("MAX_INFO_CHARS bounds the encoder", () => {
    assert.equal(parseFrame(reply(Array(MAX_INFO_CHARS >> 1).fill(0))).info.length, 2047);
    assert.throws(() => reply(Array(2048).fill(0)), { reason: "invalid_argument" });
  });
});

describe("pylon stack summary (docs/pylon-payloads.md stack)", () => {
  it("sums and averages the packs with analog values", () => {
    const packs = decodeReply(0x42, vector("pp-us3000-4packs-ff").reply!).packs;
    const serialOnly = { address: 9, serial: "X" };
    assert.deepEqual(summarizeStack([...packs, serialOnly], 1_700_000_000), {
      pack_count: 4,
      voltage: 49.657,
      current: -21,
      power: -1041.3981,
      remaining_ah: 243.46,
      total_ah: 296,
      soc: 82.3,
      cell_min: 3.302,
      cell_max: 3.326,
      cell_spread_mv: 24,
      temperature_max: 31,
      time: 1_700_000_000,
    });
  });

  it("is all null without analog values", () => {
    const s = summarizeStack([{ address: 2, serial: "X" }], 5);
    assert.deepEqual(s, {
      pack_count: 0,
      voltage: null,
      current: null,
      power: null,
      remaining_ah: null,
      total_ah: null,
      soc: null,
      cell_min: null,
      cell_max: null,
      cell_spread_mv: null,
      temperature_max: null,
      time: 5,
    });
  });
});
