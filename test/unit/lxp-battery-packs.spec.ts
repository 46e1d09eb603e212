// The per-battery registers 5002–5121 (docs/lxp-protocol.md §8.9) decode into `battery_packs`,
// checked against published register dumps of real EG4 packs.
import assert from "node:assert/strict";
import { DeviceFunction, encodeReadReply, frameToMessage, parseFrame } from "../../nodes/lib/lxp/codec";
import { DOUBLEDOC_5000, fourSlots } from "../support/battery-pack-sample";

const target = { datalog: "BA32401949", inverter: "3352670252", protocol: 5 };
const decode = (start: number, values: number[]) =>
  frameToMessage(parseFrame(encodeReadReply(target, DeviceFunction.READ_INPUT, start, values)), { time: 1 }).msg;

describe("LXP battery packs (input registers 5002–5121)", () => {
  it("decodes the occupied slots of a four-slot reply with the values the sources print", () => {
    const msg = decode(5002, fourSlots());
    assert.equal(msg.topic, "lxp/BA32401949/inputs/5002-5121");
    const packs = msg.payload.battery_packs as Array<Record<string, unknown>>;
    assert.equal(packs.length, 2, "slots 3 and 4 are empty");
    const [first, second] = packs;
    // Registers 5004 and 5008 (charge_volt_ref, v_bat): the dump's hex and decimal columns disagree.
    const { charge_volt_ref, v_bat, ...printed } = first;
    assert.deepEqual([typeof charge_volt_ref, typeof v_bat], ["number", "number"]);
    assert.deepEqual(printed, {
      slot: 1, capacity: 280, max_chg_curr: 200, max_dischg_curr: 200, dischg_cut_volt: 45, bat_current: -3.5,
      soc: 86, soh: 100, cycle_count: 325, max_cell_temp: 12, min_cell_temp: 11, max_cell_voltage: 3.313,
      min_cell_voltage: 3.311, firmware: "2.17", serial: "Battery_ID_01",
    });
    assert.deepEqual([second.slot, second.v_bat, second.soc, second.soh, second.serial], [2, 53.27, 72, 100, "Battery_ID_02"]);
    assert.equal(Object.keys(msg.payload.registers as object).length, 120);
  });

  it("leaves the cell numbers of offsets 14-15 out (the sources disagree which is which); they stay in registers", () => {
    const msg = decode(5002, fourSlots());
    const [first] = msg.payload.battery_packs as Array<Record<string, unknown>>;
    for (const key of ["max_cell_temp_num", "min_cell_temp_num", "max_cell_voltage_num", "min_cell_voltage_num"]) {
      assert.equal(key in first, false, key);
    }
    const registers = msg.payload.registers as Record<string, number>;
    assert.deepEqual([registers["5016"], registers["5017"]], [0x0103, 0x0303]);
  });

  it("the serial is offsets 17-23: a 14-character serial does not take the battery index of offset 24", () => {
    const slot = new Array<number>(30).fill(0);
    slot[0] = 0xc003;
    slot[6] = 5300;
    const serial = "ABCDEFGHIJKLMN";
    for (let k = 0; k < 7; k++) slot[17 + k] = serial.charCodeAt(2 * k) | (serial.charCodeAt(2 * k + 1) << 8);
    slot[24] = 0x0100; // high byte 1: the second battery (DoubleDoc's "battery index")
    const [pack] = decode(5002, slot).payload.battery_packs as Array<Record<string, unknown>>;
    assert.equal(pack.serial, serial);
    // A read that ends at offset 23 has the whole serial.
    const [cut] = decode(5002, slot.slice(0, 24)).payload.battery_packs as Array<Record<string, unknown>>;
    assert.equal(cut.serial, serial);
  });

  it("a reply covering part of a slot carries only the values it holds completely", () => {
    // ant0nkr/luxpower-ha-integration reads from 5000; a 40-register read ends inside slot 2.
    const values = [...DOUBLEDOC_5000, 0, 0, 0xc002, 280, 561, 2000, 2000, 450, 5300, 12];
    const packs = decode(5000, values).payload.battery_packs as Array<Record<string, unknown>>;
    assert.deepEqual(packs.map((p) => p.slot), [1, 2]);
    assert.equal(packs[0].serial, "Battery_ID_01");
    assert.deepEqual(packs[1], { slot: 2, capacity: 280, charge_volt_ref: 56.1, max_chg_curr: 200, max_dischg_curr: 200, dischg_cut_volt: 45, v_bat: 53, bat_current: 1.2 });
  });

  it("no battery: an empty list; a reply elsewhere has no battery_packs key", () => {
    assert.deepEqual(decode(5002, new Array(40).fill(0)).payload.battery_packs, []);
    assert.equal("battery_packs" in decode(4960, new Array(40).fill(1)).payload, false);
    assert.equal("battery_packs" in decode(5122, new Array(40).fill(1)).payload, false);
  });
});
