// Every frame of test/fixtures/real-captures/lxp-captures.json (real LuxPower/EG4 dongle frames from
// other projects' issues and tests). Valid frames decode to the values the source states (`expect`)
// and, where it is silent, to the values the corpus worked out (`computed`); an unmapped key fails
// the test, so nothing is skipped. Damaged frames are refused with a one-line reason.
import assert from "node:assert/strict";
import { classifyFrame, Expectation } from "../../nodes/lib/lxp/link/match";
import { crc16Modbus, frameToMessage, LxpFrame, LxpFrameError, LxpMessage, parseDatagram, parseFrame } from "../../nodes/lib/lxp/codec";
import { hexBuf, LxpCapture, lxpCaptures } from "../support/vectors";

interface Ctx {
  buf: Buffer;
  frame: LxpFrame;
  msg: LxpMessage;
  payload: Record<string, any>;
}

type Check = (value: any, ctx: Ctx) => void;

const captures = lxpCaptures();
const byId = new Map(captures.map((c) => [c.id, c]));
const f = (c: Ctx): any => c.frame;
/** Registers of a read reply, or the count of a read request. */
const registerCount = (c: Ctx): number => (f(c).values ? f(c).values.length : f(c).count);
const raw = (c: Ctx, reg: number): number => c.payload.registers[String(reg)];

const DEVICE_FUNCTIONS: Record<string, number> = { ReadHold: 3, ReadInput: 4, WriteSingle: 6, WriteMulti: 16 };

/** The `live_values` line of the Epilykos test ("state=20 pv1=235.8V …") in our keys. */
const LIVE_VALUE_KEYS: Record<string, string> = {
  state: "status",
  pv1: "v_pv_1",
  batt: "v_bat",
  soc: "soc",
  pv1_pwr: "p_pv_1",
  grid: "v_ac_r",
  freq: "f_ac",
};

// Keys that describe the capture rather than a value of it (the log line's lengths are checked
// through `length`).
const DESCRIPTIVE = new Set(["how", "log_line", "serial_note"]);

const META: Record<string, Check> = {
  length: (v, c) => assert.equal(c.buf.length, v),
  frame_len: (v, c) => assert.equal(c.buf.readUInt16LE(4), v),
  data_len: (v, c) => assert.equal(c.buf.readUInt16LE(18), v),
  protocol: (v, c) => {
    assert.equal(c.frame.protocol, v);
    assert.equal(c.msg.lxp.protocol, v);
  },
  tcp_function: (v, c) => {
    assert.equal(c.frame.tcpFunction, v);
    assert.equal(c.msg.lxp.tcp_function, v);
  },
  datalog: (v, c) => {
    assert.equal(c.frame.datalog, v);
    assert.equal(c.payload.datalog, v);
  },
  dongle_serial: (v, c) => assert.equal(c.payload.datalog, v),
  decoded_as: (v, c) => assert.equal(c.frame.kind, ({ Heartbeat: "heartbeat", TranslatedData: "translated" } as Record<string, string>)[v]),
  packet_error: (v) => assert.equal(v, false, "the source parsed it without error, as we do"),
  exception: (v, c) => {
    assert.equal(v, 0);
    assert.notEqual(c.frame.kind === "translated" && c.frame.role, "exception");
  },
  direction_byte: (v, c) => assert.equal(f(c).direction, v),
  action: (v, c) => assert.equal(f(c).direction, v), // Epilykos calls the direction byte "action"
  function: (v, c) => assert.equal(f(c).deviceFunction, v),
  device_function: (v, c) => {
    const fn = typeof v === "string" ? DEVICE_FUNCTIONS[v] : v;
    assert.equal(f(c).deviceFunction, fn);
    assert.equal(c.msg.lxp.device_function, fn);
  },
  inverter: (v, c) => {
    assert.equal(f(c).inverter, v);
    assert.equal(c.payload.inverter, v);
  },
  register: (v, c) => {
    assert.equal(f(c).register, v);
    assert.equal(c.msg.lxp.register, v);
  },
  register_first: (v, c) => assert.equal(f(c).register, v),
  register_last: (v, c) => assert.equal(f(c).register + registerCount(c) - 1, v),
  count: (v, c) => {
    assert.equal(f(c).role, "request");
    assert.equal(f(c).count, v);
    assert.equal(c.payload.count, v);
  },
  byte_count: (v, c) => assert.equal(f(c).values.length * 2, v),
  registers: (v, c) => {
    assert.equal(f(c).values.length, v);
    assert.equal(Object.keys(c.payload.registers).length, v, "payload.registers holds every register of the reply");
  },
  crc16_modbus: (v, c) => {
    const want = parseInt(String(v).slice(0, 6), 16);
    assert.equal(crc16Modbus(c.buf, 20, c.buf.length - 2), want);
    assert.equal(c.buf.readUInt16LE(c.buf.length - 2), want);
  },
  answers: (v, c) => {
    const request = byId.get(v);
    assert.ok(request, `capture ${v} exists`);
    const req = parseFrame(hexBuf(request.hex));
    assert.ok(req.kind === "translated" && req.role === "request", `${v} is a request`);
    assert.equal(f(c).role, "reply");
    const count = (req as { count?: number }).count;
    const expect: Expectation = { kind: "translated", datalog: req.datalog, inverter: req.inverter, deviceFunction: req.deviceFunction, register: req.register, count };
    assert.equal(classifyFrame(expect, c.frame), "reply", `lxp-request takes it as the reply to ${v}`);
  },
  hold7_8_ascii: (v, c) => assert.equal(c.payload.model_code, v),
  reg5_low_byte_soc: (v, c) => assert.equal(c.payload.soc, v),
  reg5_high_byte_soh: (v, c) => assert.equal(c.payload.soh, v),
  all_values_zero: (v, c) => assert.deepEqual(new Set(Object.values(c.payload.registers)), new Set([v ? 0 : -1])),
  values: (v, c) => {
    assert.equal(v, "all 0");
    assert.deepEqual(new Set(Object.values(c.payload.registers)), new Set([0]));
  },
  live_values: (v, c) => {
    for (const [, name, number] of String(v).matchAll(/(\w+)=([\d.]+)/g)) {
      assert.equal(c.payload[LIVE_VALUE_KEYS[name]], Number(number), name);
    }
  },
};

/**
 * lpu4_read_input1's `expect` is lxp-pylon-utils' 2020 decode, made with an older register map.
 * Its notes explain the differences; each is checked against the raw quantity that decoder read.
 */
const OLD_DECODER: Record<string, Check> = {
  p_pv: (v, c) => assert.equal(c.payload.p_pv_1, v), // PV string 1 only
  e_pv_day: (v, c) => assert.equal(c.payload.e_pv_day_1, v),
  p_to_grid: (v, c) => {
    assert.equal(raw(c, 26) & 0xff, v); // the two bytes of reg 26, read as two values
    assert.equal(c.payload.p_to_grid, raw(c, 26));
  },
  p_to_user: (v, c) => {
    assert.equal(raw(c, 26) & 0xff00, v);
    assert.equal(c.payload.p_to_user, raw(c, 27));
  },
  v_acr: (v, c) => assert.equal(c.payload.v_ac_r, v),
  v_eps: (v, c) => assert.equal(c.payload.v_eps_r, v),
};

function check(capture: LxpCapture, key: string, value: unknown, ctx: Ctx): void {
  if (DESCRIPTIVE.has(key)) return;
  const reg = /^reg(\d+)$/.exec(key);
  if (reg) return assert.equal(raw(ctx, Number(reg[1])), value, key);
  const special = capture.id === "lpu4_read_input1" ? OLD_DECODER[key] : undefined;
  const fn = special ?? META[key];
  if (fn) return fn(value, ctx);
  // Anything else is a payload key of the same name.
  assert.ok(key in ctx.payload, `${capture.id}: no mapping for "${key}" and no payload key of that name`);
  assert.equal(ctx.payload[key], value, key);
}

/** The topic each valid reply gets (docs/lxp-payloads.md §3). */
const TOPICS: Record<string, string> = {
  ant136_input_0_124_dir0: "inputs/all",
  ant136_hold_push_0_79_dir0: "hold/0",
  ant52_hold_7_8_dir0: "hold/7",
  eg4a_hold_200_239_dir0: "hold/200",
  ant154_input_240_279: "inputs/7",
  ant154_input_280_319: "inputs/8",
  ant154_input_400_439: "inputs/11",
  ant154_input_440_479: "inputs/12",
  eg4b7_input_254_380_zero: "inputs/254-380",
  lpu4_read_input1: "inputs/1",
  epi_input_80_119: "inputs/3",
};

/** Why each damaged capture is refused. */
const REFUSALS: Record<string, RegExp> = {
  ant52_hold_push_truncated_117: /^length field says 197 bytes, frame has 117$/,
  ivan_hold287_redacted: /^length field says 287 bytes, frame has 296$/,
  eg4a_input_120_damaged: /^length field says 117 bytes, frame has 123$/,
  eg4a_input_0_damaged: /^length field says 117 bytes, frame has 114$/,
  eg4a_input_80_truncated: /^length field says 117 bytes, frame has 100$/,
};

describe("LXP real captures (test/fixtures/real-captures/lxp-captures.json)", () => {
  it("holds 35 frames, 5 of them damaged", () => {
    assert.equal(captures.length, 35);
    assert.deepEqual(captures.filter((c) => c.damaged).map((c) => c.id).sort(), Object.keys(REFUSALS).sort());
  });

  for (const capture of captures) {
    const buf = hexBuf(capture.hex);
    if (capture.damaged) {
      it(`${capture.id}: refused (${capture.damaged.split(/[:;]/)[0]})`, () => {
        assert.throws(
          () => parseFrame(buf),
          (err: unknown) => err instanceof LxpFrameError && REFUSALS[capture.id].test(err.reason) && !err.message.includes("\n"),
        );
        // Fed as a datagram (or a stream) it yields no frame either, only errors.
        const items = parseDatagram(buf);
        assert.ok(items.length > 0 && items.every((item) => item.error && !item.error.message.includes("\n")));
      });
      continue;
    }
    it(`${capture.id}: ${capture.kind}`, () => {
      const frame = parseFrame(buf);
      const { msg } = frameToMessage(frame, { time: 1_700_000_000 });
      const ctx: Ctx = { buf, frame, msg, payload: msg.payload as Record<string, any> };
      for (const [key, value] of Object.entries(capture.expect)) check(capture, key, value, ctx);
      for (const [key, value] of Object.entries(capture.computed ?? {})) {
        if (!(key in capture.expect)) check(capture, key, value, ctx);
      }
      if (TOPICS[capture.id]) assert.equal(msg.topic, `lxp/${frame.datalog}/${TOPICS[capture.id]}`);
      if (frame.kind === "translated" && frame.role === "reply" && "values" in frame) {
        const expected = Object.fromEntries(frame.values.map((v, k) => [String(frame.register + k), v]));
        assert.deepEqual(ctx.payload.registers, expected, "every register the inverter sent is in the payload");
      }
    });
  }

  it("the EG4 replies with direction 00 are replies; a reply to another request is not taken for ours", () => {
    for (const id of ["ant136_input_0_124_dir0", "ant136_hold_push_0_79_dir0", "ant52_hold_7_8_dir0", "eg4a_hold_200_239_dir0"]) {
      const frame = parseFrame(hexBuf(byId.get(id)!.hex));
      assert.ok(frame.kind === "translated" && frame.direction === 0 && frame.role === "reply", id);
    }
    // ant52: waiting for input 0–124, the dongle passed on a hold 7–8 reply meant for the app.
    const request = parseFrame(hexBuf(byId.get("ant52_req_input_0_124")!.hex));
    assert.ok(request.kind === "translated" && request.role === "request");
    const expect: Expectation = { kind: "translated", datalog: request.datalog, inverter: request.inverter, deviceFunction: 4, register: 0, count: 125 };
    assert.equal(classifyFrame(expect, parseFrame(hexBuf(byId.get("ant52_hold_7_8_dir0")!.hex))), "other");
  });

  it("named settings of the EG4 18kPV hold reply 200–239 read as the register document describes", () => {
    const p = frameToMessage(parseFrame(hexBuf(byId.get("eg4a_hold_200_239_dir0")!.hex))).msg.payload as Record<string, unknown>;
    const named = Object.fromEntries(Object.entries(p).filter(([k]) => !["registers", "datalog", "inverter", "time"].includes(k)));
    assert.deepEqual(named, {
      charge_priority_end_voltage: 56.4,
      forced_discharge_end_voltage: 50,
      peak_shaving_soc_pct: 21,
      peak_shaving_voltage: 52,
      smart_load_on_voltage: 54,
      smart_load_off_voltage: 48,
      smart_load_on_soc_pct: 90,
      smart_load_off_soc_pct: 60,
      ac_couple_start_soc_pct: 98,
      ac_couple_end_soc_pct: 100,
      ac_couple_start_voltage: 59.5,
      ac_couple_end_voltage: 80,
      battery_stop_charge_soc_pct: 100,
      battery_stop_charge_voltage: 59.5,
      quick_charge_minutes: 0,
      peak_shaving_1: { start: "05:00", end: "10:00" },
      peak_shaving_2: { start: "13:00", end: "21:00" },
    });
    // The GETA 24 V system's lead-acid voltages (hold 80–119).
    const geta = frameToMessage(parseFrame(hexBuf(byId.get("epi_hold_80_119")!.hex))).msg.payload;
    assert.deepEqual([geta.lead_acid_charge_voltage, geta.lead_acid_discharge_cutoff_voltage], [28.4, 21]);
  });

  it("known values of the EG4 input reply 0–124 (12K class, 60 Hz)", () => {
    const payload = frameToMessage(parseFrame(hexBuf(byId.get("ant136_input_0_124_dir0")!.hex))).msg.payload;
    assert.equal(payload.soc, 100);
    assert.equal(payload.soh, 100);
    assert.equal(payload.v_bat, 55.9);
    assert.equal(payload.f_ac, 60.02);
    assert.equal(payload.inverter_serial, "4472670345");
    assert.equal(payload.status_text, "PV on-grid");
    assert.deepEqual([payload.t1, payload.t2, payload.t5], [43, 0, 0]);
    assert.equal(payload.max_dischg_curr, 14, "÷100 by default; this FAAB's 280 Ah pack allows 140 A (÷10, lxp-protocol.md §8.3)");
  });
});
