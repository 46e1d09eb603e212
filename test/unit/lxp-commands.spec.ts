// The command vocabulary (lxp-commands), the write policy and reply matching, without a network.
import assert from "node:assert/strict";
import { LxpCommandError, parseBoolean, parseCommand, PERCENT_HOLD_REGISTERS, writtenRegisters } from "../../nodes/lib/lxp/control/commands";
import { HOLD_NAMES } from "../../nodes/lib/lxp/codec/hold-registers";
import { classifyFrame, describeMismatch, Expectation } from "../../nodes/lib/lxp/link/match";
import { forbiddenRegisters, parseRegisterList } from "../../nodes/lib/lxp/link/write-policy";
import { parseRequestConfig, resolveRequest } from "../../nodes/lib/lxp/control/request-config";
import {
  DeviceFunction,
  encodeExceptionReply,
  encodeReadHold,
  encodeReadParamReply,
  encodeReadReply,
  encodeWriteMultiReply,
  encodeWriteSingle,
  encodeWriteSingleReply,
  parseFrame,
} from "../../nodes/lib/lxp/codec";
import { hexBuf, lxpVector } from "../support/vectors";

const refuses = (topic: string | undefined, payload: unknown, why: RegExp): void => {
  assert.throws(() => parseCommand(topic, payload), (err: Error) => err instanceof LxpCommandError && why.test(err.message), `${topic} ${JSON.stringify(payload)}`);
};

describe("lxp command vocabulary", () => {
  it("reads: inputs banks, input/hold ranges with a count, params", () => {
    assert.deepEqual(parseCommand("read/inputs/1", undefined), { kind: "read-input", register: 0, count: 40 });
    assert.deepEqual(parseCommand("read/inputs/6", 5), { kind: "read-input", register: 200, count: 40 });
    assert.deepEqual(parseCommand("read/input/120", "40"), { kind: "read-input", register: 120, count: 40 });
    assert.deepEqual(parseCommand("read/hold/12", 3), { kind: "read-hold", register: 12, count: 3 });
    assert.deepEqual(parseCommand(" /read/hold/21/ ", ""), { kind: "read-hold", register: 21, count: 1 });
    assert.deepEqual(parseCommand("read/param/0", undefined), { kind: "read-param", param: 0 });
    // Banks beyond 6 (topics inputs/7, inputs/8, … exist), up to the last that ends within 0–65535.
    assert.deepEqual(parseCommand("read/inputs/7", undefined), { kind: "read-input", register: 240, count: 40 });
    assert.deepEqual(parseCommand("read/inputs/1638", undefined), { kind: "read-input", register: 65480, count: 40 });
    refuses("read/inputs/1639", undefined, /bank must be a whole number from 1 to 1638/);
    refuses("read/inputs/0", undefined, /bank must be a whole number from 1 to 1638/);
    refuses("read/hold/12", 0, /count must be a whole number from 1 to 127/);
    refuses("read/hold/12", 1.5, /count/);
    refuses("read/hold/x", undefined, /register must be a whole number/);
    refuses("read/hold/65535", 2, /beyond 65535/);
  });

  it("reads of named settings and windows", () => {
    assert.deepEqual(parseCommand("read/ac_charge", undefined), { kind: "read-hold", register: 21, count: 1 });
    assert.deepEqual(parseCommand("read/discharge_cutoff_soc_limit_pct", undefined), { kind: "read-hold", register: 105, count: 1 });
    assert.deepEqual(parseCommand("read/ac_first/3", undefined), { kind: "read-hold", register: 156, count: 2 });
    assert.deepEqual(parseCommand("read/charge_priority/2", undefined), { kind: "read-hold", register: 78, count: 2 });
    refuses("read/ac_charge/4", undefined, /window number must be a whole number from 1 to 3/);
    refuses("read/toString", undefined, /unknown command/);
  });

  it("set/hold: one value is a write single, an array a write multi; u16 and per-register ranges", () => {
    assert.deepEqual(parseCommand("set/hold/21", 62292), { kind: "write", register: 21, values: [62292], multi: false });
    assert.deepEqual(parseCommand("set/hold/12", [1, "2", 3]), { kind: "write", register: 12, values: [1, 2, 3], multi: true });
    refuses("set/hold/21", -1, /from 0 to 65535/);
    refuses("set/hold/21", 65536, /from 0 to 65535/);
    refuses("set/hold/21", "0x10", /whole number/);
    refuses("set/hold/21", undefined, /whole number/);
    refuses("set/hold/64", 101, /charge_rate_pct.*from 0 to 100/);
    refuses("set/hold/104", [0, 9], /register 105 \(discharge_cutoff_soc_limit_pct\) must be a whole number from 10 to 90/);
    refuses("set/hold/68", 24, /time window/);
    refuses("set/hold/83", 500, /forced_discharge_soc_limit_pct\) must be a whole number from 0 to 100/);
    refuses("set/hold/75", 1000, /charge_priority_soc_limit_pct/);
    refuses("set/hold/160", [20, 101], /register 161 \(ac_charge_end_soc_pct\)/);
    assert.deepEqual(parseCommand("set/hold/103", 100), { kind: "write", register: 103, values: [100], multi: false });
    refuses("set/hold/1", [], /1–127 values/);
  });

  it("set/hold range-checks the reviewed list of percentage registers, not every key named …_pct", () => {
    // The registers the document gives a range inside 0–100 (lxp-protocol.md §9).
    for (const reg of [164, 165, 167, 196, 197, 207, 215, 216, 220]) {
      assert.deepEqual(parseCommand(`set/hold/${reg}`, 100), { kind: "write", register: reg, values: [100], multi: false });
      refuses(`set/hold/${reg}`, 101, new RegExp(`register ${reg} \\(${HOLD_NAMES[reg].key}\\) must be a whole number from 0 to 100`));
    }
    // Percentages whose documented range goes beyond 100 keep the u16 check, whatever their key is called.
    assert.equal(HOLD_NAMES[221].key, "ac_couple_end_soc_pct");
    assert.equal(HOLD_NAMES[227].key, "battery_stop_charge_soc_pct");
    assert.deepEqual(parseCommand("set/hold/221", 255), { kind: "write", register: 221, values: [255], multi: false });
    assert.deepEqual(parseCommand("set/hold/227", 101), { kind: "write", register: 227, values: [101], multi: false });
    // Every checked register is a named percentage.
    for (const reg of PERCENT_HOLD_REGISTERS) assert.match(HOLD_NAMES[reg].key, /_pct$/, `register ${reg}`);
  });

  it("named percentages and the cut-off SOC", () => {
    assert.deepEqual(parseCommand("set/charge_rate_pct", 0), { kind: "write", register: 64, values: [0], multi: false });
    assert.deepEqual(parseCommand("set/discharge_rate_pct", "100"), { kind: "write", register: 65, values: [100], multi: false });
    assert.deepEqual(parseCommand("set/ac_charge_rate_pct", 50), { kind: "write", register: 66, values: [50], multi: false });
    assert.deepEqual(parseCommand("set/ac_charge_soc_limit_pct", 90), { kind: "write", register: 67, values: [90], multi: false });
    assert.deepEqual(parseCommand("set/discharge_cutoff_soc_limit_pct", 10), { kind: "write", register: 105, values: [10], multi: false });
    refuses("set/discharge_cutoff_soc_limit_pct", 91, /from 10 to 90/);
    refuses("set/discharge_cutoff_soc_limit_pct", 9, /from 10 to 90/);
    refuses("set/charge_rate_pct", 100.5, /from 0 to 100/);
    refuses("set/charge_rate_pct", true, /from 0 to 100/);
  });

  it("booleans: 1 t true on y yes (any case) and their opposites; nothing else", () => {
    for (const v of ["1", "t", "TRUE", "On", "y", "Yes", 1, true, " on "]) assert.equal(parseBoolean(v, "x"), true, String(v));
    for (const v of ["0", "f", "False", "OFF", "n", "no", 0, false]) assert.equal(parseBoolean(v, "x"), false, String(v));
    for (const v of ["maybe", "", undefined, 2, "enable"]) assert.throws(() => parseBoolean(v, "x"), /needs on or off/);
    assert.deepEqual(parseCommand("set/ac_charge", "yes"), { kind: "bit", register: 21, bit: 7, on: true });
    assert.deepEqual(parseCommand("set/forced_discharge", "off"), { kind: "bit", register: 21, bit: 10, on: false });
    assert.deepEqual(parseCommand("set/charge_priority", true), { kind: "bit", register: 21, bit: 11, on: true });
  });

  it("time windows: {start, end} as HH:MM, object or JSON text", () => {
    assert.deepEqual(parseCommand("set/ac_charge/1", { start: "01:30", end: "5:00" }), { kind: "window", register: 68, values: [1 | (30 << 8), 5] });
    assert.deepEqual(parseCommand("set/ac_first/2", '{"start":"23:59","end":"00:00"}'), { kind: "window", register: 154, values: [23 | (59 << 8), 0] });
    assert.equal((parseCommand("set/forced_discharge/3", { start: "00:00", end: "00:01" }) as any).register, 88);
    refuses("set/ac_charge/1", { start: "24:00", end: "01:00" }, /start must be a time HH:MM/);
    refuses("set/ac_charge/1", { start: "01:60", end: "01:00" }, /start must be a time/);
    refuses("set/ac_charge/1", { start: "01:00" }, /end must be a time/);
    refuses("set/ac_charge/1", "01:00-02:00", /needs \{"start":"HH:MM","end":"HH:MM"\}/);
    refuses("set/ac_charge/0", { start: "01:00", end: "02:00" }, /window number/);
  });

  it("sync_time and unknown commands", () => {
    assert.deepEqual(parseCommand("sync_time", undefined), { kind: "sync-time" });
    refuses("", undefined, /no command/);
    refuses(undefined, undefined, /no command/);
    refuses("set/param/0", 1, /unknown command "set\/param\/0"; known: read\/inputs/);
    refuses("set/ac_charge/1/2", {}, /unknown command/);
    refuses("get/hold/1", undefined, /unknown command/);
  });

  it("names the registers each command writes", () => {
    assert.deepEqual(writtenRegisters(parseCommand("read/hold/21", 1)), []);
    assert.deepEqual(writtenRegisters(parseCommand("set/hold/12", [1, 1, 1])), [12, 13, 14]);
    assert.deepEqual(writtenRegisters(parseCommand("set/ac_charge", "on")), [21]);
    assert.deepEqual(writtenRegisters(parseCommand("set/charge_priority/2", { start: "01:00", end: "02:00" })), [78, 79]);
    assert.deepEqual(writtenRegisters(parseCommand("sync_time", undefined)), [12, 13, 14]);
  });
});

describe("hostile command input", () => {
  it("commands that take no value ignore msg.payload (an Inject node's timestamp): nothing of it is encoded", () => {
    const stamp = 1765152000000;
    assert.deepEqual(parseCommand("read/inputs/2", stamp), { kind: "read-input", register: 40, count: 40 });
    assert.deepEqual(parseCommand("read/param/0", { x: 1 }), parseCommand("read/param/0", undefined));
    assert.deepEqual(parseCommand("sync_time", [1, 2]), { kind: "sync-time" });
    assert.deepEqual(parseCommand("read/ac_charge/1", stamp), parseCommand("read/ac_charge/1", undefined));
  });

  /** The reason parseCommand refuses with; fails the test if it accepts or throws anything else. */
  const reason = (topic: unknown, payload: unknown): string => {
    try {
      parseCommand(topic, payload);
    } catch (err) {
      assert.ok(err instanceof LxpCommandError, `${String(err)} is not an LxpCommandError`);
      assert.ok(err.message.length < 400, `a short message, not the input echoed: ${err.message.length} characters`);
      return err.message;
    }
    return assert.fail(`${String(topic)} was accepted`);
  };

  it("refuses sparse arrays: a hole never becomes a 0 on the wire", () => {
    assert.match(reason("set/hold/105", new Array(1)), /set\/hold\/105: value 0 of the array is missing \(a sparse array/);
    // eslint-disable-next-line no-sparse-arrays
    assert.match(reason("set/hold/64", [1, , 3]), /value 1 of the array is missing/);
    // eslint-disable-next-line no-sparse-arrays
    const holeAndKey: unknown[] & { x?: number } = [1, , 3];
    holeAndKey.x = 1; // as many keys as values: the hole is still found
    assert.match(reason("set/hold/64", holeAndKey), /value 1 of the array is missing/);
    assert.match(reason("set/hold/64", Object.assign([1, 2], { x: 1 })), /the array has properties besides its 2 values/);
    assert.match(reason("set/hold/0", new Array(1e7)), /takes 1–127 values, got 10000000/);
  });

  it("array values are whole numbers (or their text) in range, nothing else", () => {
    assert.deepEqual(parseCommand("set/hold/12", [0, "7", " 8 ", 65535]), { kind: "write", register: 12, values: [0, 7, 8, 65535], multi: true });
    for (const bad of [1.5, "abc", "1e3", "0x10", null, undefined, true, [1], {}, NaN, Infinity, -1, 65536, "9".repeat(40), 10n, Symbol("x")]) {
      assert.match(reason("set/hold/12", [bad]), /value for register 12 must be a whole number from 0 to 65535, got /, String(bad));
    }
  });

  it("single values: numbers or short numeric text; long text is described, not echoed", () => {
    assert.match(reason("set/charge_rate_pct", "50%"), /got "50%"/);
    assert.match(reason("set/charge_rate_pct", [50]), /got \[50\]/);
    assert.match(reason("set/charge_rate_pct", ""), /got ""/);
    assert.match(reason("set/hold/21", "1".repeat(1_000_000)), /got "1{40}"… \(1000000 characters\)/);
    assert.match(reason("set/hold/21", Buffer.from([1, 2])), /got a Buffer of 2 bytes/);
    assert.match(reason("read/hold/12", [3]), /count must be a whole number from 1 to 127, got \[3\]/);
    assert.match(reason("read/hold/12", "3".repeat(100)), /count must be/);
  });

  it("on/off: a boolean, 0/1 or one of the words; no arrays, objects or long text", () => {
    for (const bad of [[1], ["on"], {}, 2, -1, "on".padEnd(100), null]) {
      assert.match(reason("set/ac_charge", bad), /set\/ac_charge needs on or off/, JSON.stringify(bad));
    }
  });

  it("time windows: a plain object (or its JSON) with exactly start and end", () => {
    assert.match(reason("set/ac_charge/1", { start: "01:00", end: "02:00", extra: 1 }), /takes only "start" and "end", got also "extra"/);
    assert.match(reason("set/ac_charge/1", ["01:00", "02:00"]), /needs \{"start":"HH:MM","end":"HH:MM"\}/);
    assert.match(reason("set/ac_charge/1", new Date()), /needs \{"start".*got an object that is not a plain object/);
    const inherited = Object.create({ start: "01:00", end: "02:00" }) as object;
    assert.match(reason("set/ac_charge/1", inherited), /needs \{"start"/);
    assert.match(reason("set/ac_charge/1", `{"start":"01:00","end":"02:00"${" ".repeat(300)}}`), /needs \{"start"/);
    assert.match(reason("set/ac_charge/1", { start: " ".repeat(100) + "01:00", end: "02:00" }), /start must be a time HH:MM/);
    const circular: Record<string, unknown> = { start: "01:00" };
    circular.end = circular;
    assert.match(reason("set/ac_charge/1", circular), /end must be a time HH:MM from 00:00 to 23:59, got a value that cannot be shown/);
    // A key inherited from a polluted Object.prototype is no value.
    const proto = Object.prototype as Record<string, unknown>;
    proto.end = "02:00";
    try {
      assert.match(reason("set/ac_charge/1", { start: "01:00" }), /end must be a time/);
    } finally {
      delete proto.end;
    }
  });

  it("topics: bounded length, slashes trimmed in one pass", () => {
    assert.match(reason("/".repeat(65_536), undefined), /the command has 65536 characters, at most 128 are read/);
    assert.match(reason(`a${"/".repeat(65_536)}a`, undefined), /at most 128/);
    assert.match(reason(`read/hold/21${" ".repeat(200)}`, undefined), /at most 128/);
    assert.deepEqual(parseCommand(`${"/".repeat(50)}read/hold/21${"/".repeat(50)}`, undefined), { kind: "read-hold", register: 21, count: 1 });
    assert.match(reason("/".repeat(20), undefined), /no command/);
    for (const topic of [5, ["read/hold/1"], { toString: () => "read/hold/1" }, null]) assert.match(reason(topic, undefined), /no command/);
  });

  it("the registers a command writes: every index of its values, so a hole cannot hide a register", () => {
    const sparse = { kind: "write", register: 105, values: new Array<number>(1), multi: true } as const;
    assert.deepEqual(writtenRegisters(sparse), [105]);
    assert.deepEqual(forbiddenRegisters({ allowed: true, registers: [[64, 67]] }, writtenRegisters(sparse)), [105]);
    // eslint-disable-next-line no-sparse-arrays
    const holes = [, 65] as number[];
    assert.equal(forbiddenRegisters({ allowed: true, registers: [[64, 67]] }, holes).length, 1, "the hole is forbidden");
    assert.equal(forbiddenRegisters({ allowed: true }, holes).length, 1, "even with every register allowed");
    assert.deepEqual(forbiddenRegisters({ allowed: true }, [0, 65535, 65536, -1, 1.5]), [NaN, NaN, NaN]);
  });
});

describe("write policy", () => {
  it("parses register lists", () => {
    assert.deepEqual(parseRegisterList("21, 64-67, 68-89, 105"), [[21, 21], [64, 67], [68, 89], [105, 105]]);
    assert.deepEqual(parseRegisterList(" 1;2 3 "), [[1, 1], [2, 2], [3, 3]]);
    assert.equal(parseRegisterList("  "), undefined);
    assert.throws(() => parseRegisterList("5-"), /"5-" is not a register number or a range/);
    assert.throws(() => parseRegisterList("67-64"), /runs backwards/);
    assert.throws(() => parseRegisterList("65536"), /beyond register 65535/);
    assert.throws(() => parseRegisterList("a"), /not a register number/);
  });

  it("forbids everything when writes are off, and what the list leaves out when on", () => {
    assert.deepEqual(forbiddenRegisters({ allowed: false }, [21]), [21]);
    assert.deepEqual(forbiddenRegisters({ allowed: true }, [21, 999]), []);
    assert.deepEqual(forbiddenRegisters({ allowed: true, registers: [[64, 67], [21, 21]] }, [21, 66, 68]), [68]);
  });
});

describe("lxp-request settings", () => {
  it("parses the node configuration with defaults", () => {
    assert.deepEqual(parseRequestConfig({}), { command: undefined, value: undefined, timeoutMs: 10000, retries: 1, autoSyncHours: 0 });
    const s = parseRequestConfig({ command: " set/ac_charge/1 ", value: '{"start":"01:00","end":"02:00"}', timeout: "2.5", retries: "3", autoSync: "24" });
    assert.deepEqual(s, { command: "set/ac_charge/1", value: { start: "01:00", end: "02:00" }, timeoutMs: 2500, retries: 3, autoSyncHours: 24 });
    assert.equal(parseRequestConfig({ value: "on" }).value, "on");
    assert.equal(parseRequestConfig({ value: "50" }).value, 50);
    assert.throws(() => parseRequestConfig({ timeout: "0" }), /timeout \(s\) must be a number from 0.5 to 300, got "0"/);
    assert.throws(() => parseRequestConfig({ retries: "1.5" }), /retries must be a whole number/);
    assert.throws(() => parseRequestConfig({ autoSync: "169" }), /automatic time sync \(hours\) must be 0 \(off\) or a number from 1 to 168/);
  });

  it("raises a timing value below its minimum, with one warning each, instead of refusing to start", () => {
    const warnings: string[] = [];
    const s = parseRequestConfig({ timeout: "0.2", autoSync: "0.0001" }, (m) => warnings.push(m));
    assert.equal(s.timeoutMs, 500);
    assert.equal(s.autoSyncHours, 1);
    assert.deepEqual(warnings, [
      "timeout (s) 0.2 is below the minimum of 0.5: using 0.5",
      "automatic time sync (hours) 0.0001 is below the minimum of 1: using 1 (0 turns it off)",
    ]);
    assert.equal(parseRequestConfig({ autoSync: "0" }, () => assert.fail("0 is off, not too small")).autoSyncHours, 0);
  });

  it("a configured command and value win over msg.topic and msg.payload", () => {
    const msg = { topic: "read/hold/1", payload: 2 };
    assert.deepEqual(resolveRequest(parseRequestConfig({}), msg), { topic: "read/hold/1", payload: 2 });
    assert.deepEqual(resolveRequest(parseRequestConfig({ command: "sync_time" }), msg), { topic: "sync_time", payload: 2 });
    assert.deepEqual(resolveRequest(parseRequestConfig({ command: "set/ac_charge", value: "on" }), msg), { topic: "set/ac_charge", payload: "on" });
    assert.deepEqual(resolveRequest(parseRequestConfig({}), { payload: 1 }), { topic: "", payload: 1 });
  });
});

describe("reply matching", () => {
  const us = { datalog: "2222222222", inverter: "5555555555" };
  const read21: Expectation = { kind: "translated", ...us, deviceFunction: DeviceFunction.READ_HOLD, register: 21, count: 1 };
  const verdict = (e: Expectation, buf: Buffer) => classifyFrame(e, parseFrame(buf));

  it("takes the reply with our datalog, inverter, function, register and count", () => {
    assert.equal(verdict(read21, encodeReadReply(us, DeviceFunction.READ_HOLD, 21, [1])), "reply");
    assert.equal(verdict(read21, encodeReadReply({ ...us, datalog: "9999999999" }, DeviceFunction.READ_HOLD, 21, [1])), "other");
    assert.equal(verdict(read21, encodeReadReply({ ...us, inverter: "1111111111" }, DeviceFunction.READ_HOLD, 21, [1])), "other");
    assert.equal(verdict(read21, encodeReadReply(us, DeviceFunction.READ_INPUT, 21, [1])), "other");
    assert.equal(verdict(read21, encodeReadReply(us, DeviceFunction.READ_HOLD, 22, [1])), "other");
    assert.equal(verdict(read21, encodeReadReply(us, DeviceFunction.READ_HOLD, 21, [1, 2])), "mismatch");
  });

  it("never takes a request (another client's, or our own on a shared medium)", () => {
    const write: Expectation = { kind: "translated", ...us, deviceFunction: DeviceFunction.WRITE_SINGLE, register: 66 };
    assert.equal(verdict(write, encodeWriteSingle(us, 66, 100)), "other");
    assert.equal(verdict(write, encodeWriteSingleReply(us, 66, 100)), "reply");
    assert.equal(verdict(write, hexBuf(lxpVector("lb_parse_write_single_reply").hex)), "reply");
  });

  it("a request-shaped write single (direction 00) is the echo only from a dongle whose replies carry 00", () => {
    const write50: Expectation = { kind: "translated", ...us, deviceFunction: DeviceFunction.WRITE_SINGLE, register: 64, value: 50 };
    const eg4 = (buf: Buffer) => classifyFrame(write50, parseFrame(buf), true);
    assert.equal(verdict(write50, encodeWriteSingle(us, 64, 50)), "other", "a normal dongle: a request, never our echo");
    assert.equal(eg4(encodeWriteSingle(us, 64, 50)), "reply");
    assert.equal(eg4(encodeWriteSingleReply(us, 64, 50, 0)), "reply");
    assert.equal(eg4(encodeWriteSingleReply(us, 64, 51, 0)), "mismatch", "a clamped write fails verification");
    assert.equal(describeMismatch(write50, parseFrame(encodeWriteSingleReply(us, 64, 51, 0))), "the inverter echoed 51");
    assert.equal(eg4(encodeWriteSingle(us, 65, 50)), "other", "another register");
    assert.equal(classifyFrame(read21, parseFrame(encodeReadHold(us, 21, 1)), true), "other", "a read request is never a reply");
  });

  it("an exception for our function (without 0x80) and register fails the request", () => {
    assert.equal(verdict(read21, encodeExceptionReply(us, DeviceFunction.READ_HOLD, 21, 3)), "exception");
    assert.equal(verdict(read21, encodeExceptionReply(us, DeviceFunction.WRITE_SINGLE, 21, 3)), "other");
    assert.equal(verdict(read21, encodeExceptionReply(us, DeviceFunction.READ_HOLD, 22, 3)), "other");
    const real: Expectation = { kind: "translated", datalog: "BJ44700222", inverter: "4472670345", deviceFunction: 4, register: 500, count: 125 };
    assert.equal(verdict(real, hexBuf("a11a05001f0001c2424a34343730303232321100008434343732363730333435f40103c879")), "exception");
  });

  it("write multi replies and param replies", () => {
    const multi: Expectation = { kind: "translated", ...us, deviceFunction: DeviceFunction.WRITE_MULTI, register: 12 };
    assert.equal(verdict(multi, hexBuf(lxpVector("lb_parse_write_multi_reply").hex)), "reply");
    assert.equal(verdict(multi, encodeWriteMultiReply(us, 13, 3)), "other");
    const param: Expectation = { kind: "param", datalog: "2222222222", param: 0 };
    assert.equal(verdict(param, hexBuf(lxpVector("lb_parse_read_param_reply").hex)), "reply");
    assert.equal(verdict(param, encodeReadParamReply("2222222222", 1, Buffer.from([1, 0]))), "other");
    assert.equal(verdict(param, hexBuf(lxpVector("lb_build_read_param").hex)), "other");
  });
});
