// Requests we build are byte-equal to the ones real clients sent (shared vectors).
import assert from "node:assert/strict";
import {
  DeviceFunction,
  encodeHeartbeat,
  encodeReadHold,
  encodeReadInput,
  encodeReadParam,
  encodeReadReply,
  encodeWriteMulti,
  encodeWriteParam,
  encodeWriteSingle,
  parseFrame,
} from "../../nodes/lib/lxp/codec";
import { lxpVector } from "../support/vectors";

const bridge = { datalog: "2222222222", inverter: "5555555555" };
const hexOf = (b: Buffer): string => b.toString("hex");

describe("LXP encode", () => {
  const cases: Array<[string, () => Buffer]> = [
    ["lb_heartbeat", () => encodeHeartbeat("2222222222")],
    ["pylon4_heartbeat", () => encodeHeartbeat("BA19520176", 2)],
    ["lb_build_read_inputs", () => encodeReadInput(bridge, 0, 40)],
    ["lbi_cmd_read_input_40", () => encodeReadInput(bridge, 40, 40)],
    ["lbi_cmd_read_input_80", () => encodeReadInput(bridge, 80, 40)],
    ["lb_build_read_hold", () => encodeReadHold(bridge, 12, 3)],
    ["lbi_cmd_read_hold_12", () => encodeReadHold(bridge, 12, 1)],
    ["lp_build_read_hold_21", () => encodeReadHold({ datalog: "0987654321", inverter: "1234567890" }, 21, 1)],
    ["ant136_req_input_500", () => encodeReadInput({ datalog: "BJ44700222", inverter: "4472670345" }, 500, 125)],
    ["lb_build_write_single", () => encodeWriteSingle(bridge, 66, 100)],
    ["lb_build_write_multi", () => encodeWriteMulti(bridge, 12, [0x0616, 0x1413, 0x2117])],
    ["lp_doc_read_param_0_req", () => encodeReadParam("BA19260024", 0, 1)],
    ["lb_build_read_param", () => encodeReadParam("2222222222", 7)],
    ["lb_build_write_param", () => encodeWriteParam("2222222222", 7, Buffer.from([0, 3]))],
  ];
  for (const [id, build] of cases) {
    it(`builds ${id} byte for byte`, () => {
      assert.equal(hexOf(build()), lxpVector(id).hex);
    });
  }

  it("changing the header protocol does not change the CRC (it covers the inner frame only)", () => {
    const one = encodeReadHold({ datalog: "0987654321", inverter: "1234567890" }, 21, 1);
    const two = encodeReadHold({ datalog: "0987654321", inverter: "1234567890", protocol: 2 }, 21, 1);
    assert.equal(two[2], 2);
    assert.equal(hexOf(one.subarray(-2)), hexOf(two.subarray(-2)));
    assert.equal(parseFrame(two).protocol, 2);
  });

  it("writes register values as unsigned 16-bit (reg 21 above 32767)", () => {
    const frame = parseFrame(encodeWriteSingle(bridge, 21, 62292)) as any;
    assert.equal(frame.value, 62292);
    assert.throws(() => encodeWriteSingle(bridge, 21, -1), RangeError);
    assert.throws(() => encodeWriteSingle(bridge, 21, 65536), RangeError);
    assert.throws(() => encodeWriteSingle(bridge, 21, 1.5), RangeError);
  });

  it("rejects bad serials and counts", () => {
    assert.throws(() => encodeReadInput({ datalog: "short", inverter: "5555555555" }, 0, 40), /datalog serial/);
    assert.throws(() => encodeReadInput({ datalog: "2222222222", inverter: "55555555555" }, 0, 40), /inverter serial/);
    assert.throws(() => encodeReadInput(bridge, 0, 0), /count/);
    assert.throws(() => encodeReadInput(bridge, 0, 128), /count/);
    assert.throws(() => encodeReadInput(bridge, 70000, 1), /register/);
    assert.throws(() => encodeWriteMulti(bridge, 12, []), /1–127/);
  });

  it("refuses sparse and non-array values instead of sending the buffer's zeros", () => {
    assert.throws(() => encodeWriteMulti(bridge, 105, new Array(1)), /value 0 is missing \(a sparse array\)/);
    // eslint-disable-next-line no-sparse-arrays
    assert.throws(() => encodeWriteMulti(bridge, 64, [1, , 3] as number[]), /value 1 is missing/);
    assert.throws(() => encodeWriteMulti(bridge, 64, [1, undefined as unknown as number]), /value 1 must be an integer 0–65535, got undefined/);
    assert.throws(() => encodeWriteMulti(bridge, 64, new Array(128).fill(0)), /1–127 values, got 128/);
    assert.throws(() => encodeWriteMulti(bridge, 64, "12" as unknown as number[]), /1–127 values, got string/);
    assert.throws(() => encodeReadReply(bridge, DeviceFunction.READ_HOLD, 0, new Array(2)), /value 0 is missing/);
    const frame = parseFrame(encodeWriteMulti(bridge, 64, [1, 2, 3])) as any;
    assert.deepEqual(frame.values, [1, 2, 3]);
  });
});
