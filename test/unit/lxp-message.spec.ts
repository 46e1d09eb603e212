// Messages of the payload contract (docs/lxp-payloads.md): topics, derived keys, faults, holds, writes, params.
import assert from "node:assert/strict";
import {
  crc16Modbus,
  encodeExceptionReply,
  encodeReadParamReply,
  encodeReadReply,
  encodeWriteMultiReply,
  encodeWriteSingle,
  frameToMessage,
  inputsTopicSuffix,
  parseFrame,
  LxpFrameError,
} from "../../nodes/lib/lxp/codec";
import { hexBuf, lxpVector } from "../support/vectors";

const target = { datalog: "BA19520176", inverter: "9292006063" };
const msgOf = (buf: Buffer, opts = {}) => frameToMessage(parseFrame(buf), { time: 1700000000, ...opts });
const inputs = (start: number, values: number[], opts = {}) => msgOf(encodeReadReply(target, 4, start, values), opts);
const holds = (start: number, values: number[]) => msgOf(encodeReadReply(target, 3, start, values));

describe("LXP messages", () => {
  it("names the topic by bank: inputs/{n} inside one bank, inputs/all across banks from 0, else the range", () => {
    assert.equal(inputsTopicSuffix(0, 40), "1");
    assert.equal(inputsTopicSuffix(40, 40), "2");
    assert.equal(inputsTopicSuffix(80, 40), "3");
    assert.equal(inputsTopicSuffix(120, 40), "4");
    assert.equal(inputsTopicSuffix(200, 40), "6");
    assert.equal(inputsTopicSuffix(10, 5), "1");
    assert.equal(inputsTopicSuffix(0, 127), "all");
    assert.equal(inputsTopicSuffix(240, 40), "7");
    assert.equal(inputsTopicSuffix(280, 40), "8");
    assert.equal(inputsTopicSuffix(470, 10), "12");
    assert.equal(inputsTopicSuffix(0, 80), "all");
    assert.equal(inputsTopicSuffix(30, 20), "30-49");
    assert.equal(inputsTopicSuffix(125, 125), "125-249");
    assert.equal(inputsTopicSuffix(127, 127), "127-253");
    assert.equal(inputsTopicSuffix(254, 127), "254-380");
    const { kind, msg } = msgOf(hexBuf(lxpVector("lb_parse_read_inputs_all_protocol5_reply").hex));
    assert.equal(kind, "inputs");
    assert.equal(msg.topic, "lxp/2222222222/inputs/all");
    assert.deepEqual(
      { ...msg.lxp, raw: undefined },
      {
        datalog: "2222222222",
        inverter: "5555555555",
        protocol: 5,
        tcp_function: 0xc2,
        device_function: 4,
        register: 0,
        count: 127,
        raw: undefined,
      },
    );
  });

  it("a bank-0 reply carries the derived keys, status text, time and ids", () => {
    const { msg } = msgOf(hexBuf(lxpVector("lbi_read_inputs_0_to_39").hex));
    assert.equal(msg.topic, "lxp/2222222222/inputs/1");
    const p = msg.payload;
    assert.equal(p.p_battery, -512);
    assert.equal(p.p_grid, 0);
    assert.equal(p.p_pv, 0);
    assert.equal(p.internal_fault, 12032);
    assert.equal(p.status_text, "Battery on-grid");
    assert.equal(p.time, 1700000000);
    assert.equal(p.datalog, "2222222222");
    assert.equal(p.inverter, "5555555555");
    assert.ok(!("faults" in p), "bank 0 does not cover the fault registers");
    assert.ok(!("e_pv_all" in p));
  });

  it("the protocol-5 combined reply decodes every bank's keys", () => {
    const p = msgOf(hexBuf(lxpVector("lb_parse_read_inputs_all_protocol5_reply").hex)).msg.payload;
    for (const key of ["v_bat", "e_to_user_all", "fault_code", "faults", "warnings", "max_chg_curr", "e_gen_all", "v_gen"]) {
      assert.ok(key in p, key);
    }
    assert.deepEqual(p.faults, []);
    assert.equal(p.e_pv_all, 0 + (p.e_pv_all_1 as number) + (p.e_pv_all_2 as number) + (p.e_pv_all_3 as number));
    assert.ok(!("v_eps_l1" in p), "reg 127 is not in a 0–126 reply");
  });

  it("lists every set fault and warning bit by code and name", () => {
    const values = new Array(40).fill(0);
    values[20] = 1; // reg 60, low word: E000
    values[21] = (1 << 3) | 0x8000; // reg 61, high word: bits 19 and 31

    values[22] = 1 << 0; // reg 62: W000
    values[23] = 1 << 0; // reg 63: bit 16 → W016
    const p = inputs(40, values).msg.payload;
    assert.equal(p.fault_code, 0x80080001);
    assert.deepEqual(p.faults, ["E000 internal comms 1", "E019 bus voltage high", "E031 internal comms 4"]);
    assert.deepEqual(p.warnings, ["W000 battery comms failure", "W016 grid power outage"]);
  });

  it("decodes signed values, the power factor's second range and u32 low-word-first pairs", () => {
    const bank0 = new Array(40).fill(0);
    bank0[19] = 1050; // pf (1000 − 1050) / 1000
    bank0[5] = (98 << 8) | 57;
    const p0 = inputs(0, bank0).msg.payload;
    assert.equal(p0.pf, -0.05);
    assert.equal(p0.soc, 57);
    assert.equal(p0.soh, 98);
    const bank1 = new Array(40).fill(0);
    bank1[24] = 0xfffb; // t_inner −5 °C
    bank1[29] = 0x0002; // reg 69: runtime low word
    bank1[30] = 0x0003; // reg 70: runtime high word
    const p1 = inputs(40, bank1).msg.payload;
    assert.equal(p1.t_inner, -5);
    assert.equal(p1.runtime, 2 + 3 * 65536);
    const bank2 = new Array(40).fill(0);
    bank2[18] = 65356; // bat_current −1.80 A
    bank2[24] = 0xff9c; // reg 104 min_cell_temp −10.0 °C
    bank2[1] = 6600;
    const p2 = inputs(80, bank2).msg.payload;
    assert.equal(p2.bat_current, -1.8);
    assert.equal(p2.min_cell_temp, -10);
    assert.equal(p2.max_chg_curr, 66);
    assert.equal(inputs(80, bank2, { currentDivisor: 10 }).msg.payload.max_chg_curr, 660);
  });

  it("decodes hold replies: raw registers, clock, model, reg 21 bits, windows and named values", () => {
    const { kind, msg } = msgOf(hexBuf(lxpVector("lp_read_hold_0_22").hex));
    assert.equal(kind, "holds");
    assert.equal(msg.topic, "lxp/cccccccccc/hold/0");
    assert.equal(msg.payload.inverter_serial, "XXXXXXXXXX");
    assert.equal((msg.payload.reg21 as any).ac_charge_en, false);
    const values = new Array(45).fill(0);
    values[68 - 64] = 0x1e17; // 23:30
    values[69 - 64] = 0x0005; // 05:00
    values[0] = 80;
    values[105 - 64] = 20;
    values[106 - 64] = 65336; // −20.0 °C
    values[107 - 64] = 600;
    values[108 - 64] = 0;
    const h = holds(64, values.slice(0, 45)).msg.payload;
    assert.deepEqual(h.ac_charge_1, { start: "23:30", end: "05:00" });
    assert.equal(h.charge_rate_pct, 80);
    assert.equal(h.discharge_cutoff_soc_limit_pct, 20);
    assert.ok(!("lead_acid_temperature_limits" in h), "reg 109 is outside 64–108");
    const t = holds(106, [65336, 600, 0, 450]).msg.payload;
    assert.deepEqual(t.lead_acid_temperature_limits, [-20, 60, 0, 45]);
    assert.equal((t.registers as any)["106"], 65336, "registers keep raw unsigned values");
    assert.equal(holds(119, [0xfc18]).msg.payload.ct_power_offset, -1000);
    const r110 = holds(110, [0b101]).msg.payload.reg110;
    assert.deepEqual(r110, { ub_pv_grid_off_en: true, ub_run_without_grid: false, ub_micro_grid_en: true });
  });

  it("write echoes become write/{reg} messages with register and value (or count)", () => {
    const single = msgOf(hexBuf(lxpVector("lb_parse_write_single_reply").hex));
    assert.equal(single.kind, "write");
    assert.equal(single.msg.topic, "lxp/2222222222/write/66");
    assert.equal(single.msg.payload.ac_charge_rate_pct, 100);
    assert.deepEqual(single.msg.payload.registers, { "66": 100 });
    assert.equal(single.msg.payload.register, 66);
    assert.equal(single.msg.payload.value, 100);
    const multi = msgOf(encodeWriteMultiReply(target, 12, 3));
    assert.equal(multi.msg.topic, "lxp/BA19520176/write/12");
    assert.equal(multi.msg.payload.count, 3);
    assert.equal(multi.msg.lxp.count, 3);
  });

  it("requests seen on the wire become request/{reg} messages", () => {
    const { kind, msg } = msgOf(encodeWriteSingle(target, 21, 62292));
    assert.equal(kind, "request");
    assert.equal(msg.topic, "lxp/BA19520176/request/21");
    assert.equal(msg.payload.value, 62292);
    const read = msgOf(hexBuf(lxpVector("ant136_req_input_500").hex));
    assert.equal(read.msg.topic, "lxp/BJ44700222/request/500");
    assert.equal(read.msg.payload.count, 125);
  });

  it("exceptions, heartbeats and params", () => {
    const ex = msgOf(encodeExceptionReply(target, 4, 500, 3));
    assert.equal(ex.kind, "exception");
    assert.equal(ex.msg.topic, "lxp/BA19520176/exception/500");
    assert.equal(ex.msg.payload.exception_text, "illegal data value");
    assert.equal(ex.msg.payload.device_function, 0x84);
    const hb = msgOf(hexBuf(lxpVector("pylon4_heartbeat").hex));
    assert.equal(hb.kind, "heartbeat");
    assert.equal(hb.msg.topic, "lxp/BA19520176/heartbeat");
    assert.deepEqual(hb.msg.payload, { datalog: "BA19520176", protocol: 2, time: 1700000000 });
    const param = msgOf(hexBuf(lxpVector("lb_parse_read_param_reply").hex));
    assert.equal(param.kind, "param");
    assert.equal(param.msg.topic, "lxp/2222222222/param/0");
    assert.equal(param.msg.payload.value, 300);
    const serial = msgOf(encodeReadParamReply("BA19520176", 1, Buffer.from("BA19520176")));
    assert.equal(serial.msg.payload.value, "BA19520176");
    const req = msgOf(hexBuf(lxpVector("lb_build_read_param").hex));
    assert.equal(req.kind, "request");
    assert.equal(req.msg.topic, "lxp/2222222222/request/param/7");
  });

  it("rejects a read reply that carries no registers", () => {
    const one = encodeReadReply(target, 4, 0, [7]);
    // Same frame with byte count 0 and no value: lengths and CRC made consistent again.
    const empty = Buffer.concat([one.subarray(0, 34), Buffer.from([0]), Buffer.alloc(2)]);
    empty.writeUInt16LE(empty.length - 6, 4);
    empty.writeUInt16LE(empty.length - 20, 18);
    empty.writeUInt16LE(crc16Modbus(empty, 20, empty.length - 2), empty.length - 2);
    assert.throws(() => parseFrame(empty), (err: unknown) => err instanceof LxpFrameError && /no registers/.test(err.message));
  });
});
