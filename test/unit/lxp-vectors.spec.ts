// Every vector of test/fixtures/lxp-vectors.json decodes to the values given there. Each `expect`
// key is mapped to what our codec produced; an unmapped key fails the test so nothing is skipped.
import assert from "node:assert/strict";
import {
  crc16Modbus,
  decodeInverterTime,
  frameToMessage,
  LxpFrame,
  LxpFrameError,
  LxpStreamParser,
  parseFrame,
} from "../../nodes/lib/lxp/codec";
import { hexBuf, lxpVectors, LxpVector } from "../support/vectors";

type Check = (v: any, ctx: Ctx) => void;
interface Ctx {
  buf: Buffer;
  frame: LxpFrame;
  payload: Record<string, any>;
  values: number[];
  start: number;
}

const f = (ctx: Ctx): any => ctx.frame as any;
const raw = (ctx: Ctx, reg: number): number => ctx.values[reg - ctx.start];

// lxp-packet (Ruby) names in lp_read_input1 → our lxp-bridge names
const RENAMED: Record<string, string> = { e_pv_1_day: "e_pv_day_1" };

const META: Record<string, Check> = {
  tcp_function: (v, c) => assert.equal(c.frame.tcpFunction, v),
  protocol: (v, c) => assert.equal(c.frame.protocol, v),
  frame_length: (v, c) => assert.equal(c.buf.readUInt16LE(4), v),
  address_byte: (v, c) => assert.equal(c.frame.address, v),
  datalog: (v, c) => {
    assert.equal(c.frame.datalog, v);
    if ("datalog" in c.payload) assert.equal(c.payload.datalog, v);
  },
  inverter: (v, c) => {
    assert.equal(f(c).inverter, v);
    if ("inverter" in c.payload) assert.equal(c.payload.inverter, v);
  },
  byte18: (v, c) => assert.equal(f(c).trailing[0], v),
  data_length: (v, c) => assert.equal(c.buf.readUInt16LE(18), v),
  direction: (v, c) => assert.equal(f(c).direction, v),
  device_function: (v, c) => assert.equal(f(c).deviceFunction, v),
  base_function: (v, c) => assert.equal(c.payload.base_function, v),
  exception_code: (v, c) => {
    assert.equal(f(c).exceptionCode, v);
    assert.equal(c.payload.exception_code, v);
  },
  register: (v, c) => assert.equal(f(c).register, v),
  count: (v, c) => assert.equal(f(c).count, v),
  byte_count: (v, c) => assert.equal(f(c).values.length * 2, v),
  value_bytes: (v, c) => {
    if (c.frame.kind === "param") assert.deepEqual([...f(c).value], v);
    else assert.equal(c.values.length * 2, v);
  },
  values_bytes: (v, c) => {
    const bytes = c.values.flatMap((w) => [w & 0xff, w >> 8]);
    assert.deepEqual(bytes, v);
  },
  crc16_modbus: (v, c) => {
    const want = parseInt(String(v).slice(0, 6), 16);
    assert.equal(crc16Modbus(c.buf, 20, c.buf.length - 2), want);
    assert.equal(c.buf.readUInt16LE(c.buf.length - 2), want);
  },
  value: (v, c) => {
    if (c.frame.kind === "param") assert.equal(c.payload.value, v);
    else assert.equal(f(c).value, v);
  },
  param: (v, c) => assert.equal(f(c).param, v),
  value_length: (v, c) => assert.equal(f(c).value.length, v),
  trailing_bytes: (v, c) => {
    // lxp-bridge reads the write-param reply's param as one byte; we read it as u16 LE like every
    // other param frame, so its trailing bytes are the ones after that.
    const all = [...c.buf.subarray(18)];
    assert.deepEqual(all.slice(1), v);
    assert.deepEqual([...f(c).value], all.slice(2));
  },
  computed: () => undefined,
  // hold replies
  to_h: (v, c) => assert.deepEqual(c.payload.registers, v),
  computed_model_code_regs_7_8: (v, c) => assert.equal(c.payload.model_code, v),
  computed_inverter_time: (v, c) => assert.equal(c.payload.inverter_time, v),
  inverter_time: (v, c) => assert.equal(c.payload.inverter_time, v),
  computed_reg21_bits_on: (v, c) => {
    const on = Object.entries(c.payload.reg21 as Record<string, boolean>)
      .filter(([, b]) => b)
      .map(([k]) => k);
    assert.deepEqual(
      on,
      (v as string[]).map((s) => s.replace(/^bit\d+ \((.*)\)$/, "$1")),
    );
  },
  computed_ac_charge_en: (v, c) => assert.equal(c.payload.reg21.ac_charge_en, v === "ON"),
  computed_time: (v, c) => {
    const w = f(c).values;
    assert.equal(decodeInverterTime(w[0], w[1], w[2]), v);
  },
  // input replies: values the sources give under other names
  bat_current_raw: (v, c) => assert.equal(raw(c, 98), v),
  bat_current_signed_div100: (v, c) => assert.equal(c.payload.bat_current, v),
  input_113_parallel: (v, c) => assert.equal(c.payload.parallel_status, v),
  serial_regs_115_119: (v, c) => assert.equal(c.payload.inverter_serial, v),
  _unknown_i1_27: (v, c) => assert.equal(c.payload.internal_fault & 0xff, v),
  _unknown_i1_28: (v, c) => assert.equal(c.payload.internal_fault >> 8, v),
  _unknown_i1_51_52: (v, c) => {
    assert.equal(raw(c, 18), v);
    assert.equal(c.payload.i_inv_rms, v / 100);
  },
};

function check(vec: LxpVector, key: string, value: unknown, ctx: Ctx): void {
  const rawMatch = /^(?:raw_input|hold)_(\d+)$/.exec(key);
  if (rawMatch) {
    assert.equal(raw(ctx, Number(rawMatch[1])), value, key);
    if (key.startsWith("hold_")) assert.equal(ctx.payload.registers[rawMatch[1]], value);
    return;
  }
  const meta = META[key];
  if (meta) {
    meta(value, ctx);
    return;
  }
  const name = RENAMED[key] ?? key;
  assert.ok(name in ctx.payload, `${vec.id}: payload lacks ${name}`);
  assert.deepEqual(ctx.payload[name], value, `${vec.id}: ${name}`);
}

describe("LXP vectors (test/fixtures/lxp-vectors.json)", () => {
  const vectors = lxpVectors();

  it("holds the expected number of vectors", () => {
    assert.ok(vectors.length >= 27, `only ${vectors.length} vectors found`);
  });

  for (const vec of vectors) {
    const valid = vec.expect.valid !== false;
    if (!valid) {
      it(`${vec.id}: rejected (${vec.kind})`, () => {
        const buf = hexBuf(vec.hex);
        assert.throws(() => parseFrame(buf), LxpFrameError);
        // As a stream: the parser waits for the one missing byte, then rejects the frame on CRC.
        const parser = new LxpStreamParser();
        assert.deepEqual(parser.push(buf), []);
        assert.equal(parser.buffered, buf.length);
        const items = parser.push(Buffer.from([0]));
        assert.equal(items.length, 1);
        assert.match(items[0].error!.message, /^CRC mismatch/);
        assert.equal(vec.expect.actual_total, buf.length);
        assert.equal(vec.expect.expected_total, buf.readUInt16LE(4) + 6);
      });
      continue;
    }
    it(`${vec.id}: ${vec.kind}`, () => {
      const buf = hexBuf(vec.hex);
      const frame = parseFrame(buf);
      const { msg } = frameToMessage(frame, { time: 1700000000 });
      const values: number[] = (frame as any).values ?? ((frame as any).value !== undefined ? [(frame as any).value] : []);
      const ctx: Ctx = { buf, frame, payload: msg.payload, values, start: (frame as any).register ?? 0 };
      assert.equal(msg.lxp.raw, vec.hex);
      for (const [key, value] of Object.entries(vec.expect)) check(vec, key, value, ctx);
    });
  }
});
