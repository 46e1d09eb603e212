// Every frame of test/fixtures/real-captures/pylon-captures.json through the codec: replies decode to
// the values their source states (`expect`) or, where it states none, to those worked out from the
// frame (`computed`); the damaged one and clone replies read as PylonTech are refused with one line.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeReply, encodeReply, encodeRequest, parseCid2, parseFrame, PylonFrameError, PylonPack, PylonProtocol, PylonReply } from "../../nodes/lib/pylon/codec";
import { FIXTURES_DIR } from "../support/vectors";

interface Capture {
  id: string;
  command: string;
  request: string | null;
  reply: string | null;
  damaged?: string;
  expect: Record<string, any>;
  computed?: Record<string, any>;
}

const captures: Capture[] = JSON.parse(readFileSync(join(FIXTURES_DIR, "real-captures", "pylon-captures.json"), "utf8"));
const capture = (id: string): Capture => {
  const c = captures.find((x) => x.id === id);
  assert.ok(c, `no capture ${id}`);
  return c;
};

function decode(id: string, protocol: PylonProtocol = "pylontech", withRequest = true): PylonReply {
  const c = capture(id);
  const cid2 = parseCid2(c.command);
  assert.ok(cid2 !== undefined && c.reply);
  return decodeReply(cid2, c.reply, { protocol, ...(withRequest && c.request ? { request: c.request } : {}) });
}

const onePack = (reply: PylonReply): PylonPack => {
  assert.equal(reply.packs.length, 1);
  return reply.packs[0];
};

/** Decoding throws a one-line PylonFrameError with this reason whose message matches. */
function refused(id: string, protocol: PylonProtocol, reason: string, message: RegExp): void {
  for (const withRequest of [true, false]) {
    assert.throws(
      () => decode(id, protocol, withRequest),
      (err: unknown) => {
        assert.ok(err instanceof PylonFrameError, String(err));
        assert.equal(err.reason, reason);
        assert.doesNotMatch(err.message, /\n/, "one line");
        assert.match(err.message, message);
        return true;
      },
    );
  }
}

/** A 0x42 pack against the `computed.packs[]` shape of the corpus. */
function checkComputedPack(pack: PylonPack, e: Record<string, any>): void {
  assert.equal(pack.cell_voltages?.length, e.cellCount);
  assert.deepEqual(pack.cell_voltages, e.cellVoltagesV);
  assert.equal(pack.temperatures?.length, e.tempCount);
  assert.deepEqual(pack.temperatures, e.tempsC);
  assert.equal(pack.current, e.currentA);
  assert.equal(pack.voltage, e.voltageV);
  assert.equal(pack.cycles, e.cycles);
  assert.equal(pack.remaining_ah, e.remainingAh);
  assert.equal(pack.total_ah, e.totalAh);
}

const celsius = (raw: number): number => (raw - 2731) / 10;

/** Per capture id: what its reply must decode to (or how it must be refused). */
const REPLY_CASES: Record<string, () => void> = {
  "fw-0x61-system-analog-adr2": () => {
    const c = capture("fw-0x61-system-analog-adr2").computed!;
    const reply = decode("fw-0x61-system-analog-adr2");
    assert.deepEqual(reply.packs, []);
    const a = reply.system?.analog;
    assert.ok(a);
    assert.equal(reply.system?.address, 2, "answered at ADR 0x02");
    assert.equal(a.voltage, c.avgVoltageMv / 1000);
    assert.equal(a.current, c.totalCurrentRaw);
    // The capture's current is 0 A and cannot tell a wrong scale: the same reply with the current
    // word set to 0xFB50 (−1200) must read −12.00 A, the 0.01 A of the §5.9 table.
    const info = Buffer.from(parseFrame(capture("fw-0x61-system-analog-adr2").reply!).info);
    info.writeInt16BE(-1200, 2);
    assert.equal(decodeReply(0x61, encodeReply({ adr: 2, info })).system?.analog?.current, -12);
    assert.equal(a.soc, c.socPct);
    assert.equal(a.cycles_avg, c.avgCycles);
    assert.equal(a.cycles_max, c.maxCycles);
    assert.equal(a.soh_avg, c.avgSohPct);
    assert.equal(a.soh_min, c.minSohPct);
    assert.equal(a.cell_max, c.maxCellMv / 1000);
    assert.equal(a.cell_max_address, parseInt(c.maxCellLocation, 16));
    assert.equal(a.cell_min, c.minCellMv / 1000);
    assert.equal(a.cell_min_address, parseInt(c.minCellLocation, 16));
    assert.equal(a.cell_temperature_avg, c.cellTempAvgC);
    assert.equal(a.cell_temperature_avg, celsius(c.cellTempAvgRaw));
    assert.equal(a.cell_temperature_max, celsius(c.cellTempMaxRaw));
    assert.equal(a.cell_temperature_min, celsius(c.cellTempMinRaw));
    assert.equal(a.mosfet_temperature_avg, celsius(c.mosfetTempAvgRaw));
    assert.equal(a.bms_temperature_avg, c.bmsTempAvgC);
    assert.equal(a.bms_temperature_avg, celsius(c.bmsTempAvgRaw));
    assert.equal(a.bms_temperature_max_address, 2);
  },
  "fw-0x60-system-basic-up5000": () => {
    const c = capture("fw-0x60-system-basic-up5000").computed!;
    const reply = decode("fw-0x60-system-basic-up5000");
    assert.deepEqual(reply.system, {
      address: 2,
      basic_info: {
        device_name: c.deviceName,
        manufacturer: c.manufacturer,
        software_version: c.softwareVersion.join("."),
        pack_count: c.packCount,
        barcodes: c.barcodes,
      },
    });
  },
  "la2016-0x63-status-c0": () => {
    const { expect: e, computed: c } = capture("la2016-0x63-status-c0");
    const reply = decode("la2016-0x63-status-c0");
    assert.equal(reply.system?.address, e.addr);
    const m = reply.system?.charge_management;
    assert.ok(m);
    // The source asserts the status byte only: 0xC0 = charge and discharge on, bit 5 off.
    assert.equal(parseInt(e.status, 16), c!.status);
    assert.equal(m.charge_enable, true);
    assert.equal(m.discharge_enable, true);
    assert.equal(m.charge_immediately, false, "bit 5, which the source calls balance: OFF");
    assert.equal(m.full_charge_request, false);
    // Words as sent: mV and 0.1 A. The charge voltage word (1504 mV) is what the sender put on the
    // wire; pylon-protocol.md §5.9 says why it is not plausible and is passed on as it is.
    assert.equal(m.charge_voltage_limit, c!.word1 / 1000);
    assert.equal(m.discharge_voltage_limit, c!.word2_mv / 1000);
    assert.equal(m.charge_current_limit, c!.word3 / 10);
    assert.equal(m.discharge_current_limit, c!.word4 / 10);
    // Words 380 and 1900 in the 0.1 A of the §5.9 table (pylon-protocol.md §5.9 "Current units").
    assert.deepEqual([m.charge_current_limit, m.discharge_current_limit], [38, 190]);
  },
  "la2016-0x63-bad-checksum": () => {
    const e = capture("la2016-0x63-bad-checksum").expect;
    assert.equal(e.checksum_ok, false);
    refused("la2016-0x63-bad-checksum", "pylontech", "checksum", new RegExp(`expected ${e.expected_checksum.slice(2)}`));
  },
  "tc7-us5000-adr3-42": () => checkComputedPack(onePack(decode("tc7-us5000-adr3-42")), capture("tc7-us5000-adr3-42").computed!.packs[0]),
  "tc7-us5000-adr4-42": () => checkComputedPack(onePack(decode("tc7-us5000-adr4-42")), capture("tc7-us5000-adr4-42").computed!.packs[0]),
  "tc7-us5000-adr3-92": () => checkManagement("tc7-us5000-adr3-92", 3),
  "tc7-us5000-adr4-92": () => checkManagement("tc7-us5000-adr4-92", 4),
  "tc7-us5000-adr3-44": () => checkHealthyUs5000Alarms("tc7-us5000-adr3-44", 3),
  "tc7-us5000-adr4-44": () => checkHealthyUs5000Alarms("tc7-us5000-adr4-44", 4),
  "pp2-us3000plus-us2000plus-ff": () => {
    const { expect: e, computed: c } = capture("pp2-us3000plus-us2000plus-ff");
    const reply = decode("pp2-us3000plus-us2000plus-ff");
    assert.equal(reply.packs.length, e.NumberOfModules);
    assert.equal(reply.packs[0].cell_voltages?.length, e.module1.NumberOfCells);
    assert.deepEqual(reply.packs[0].cell_voltages?.slice(0, 14), e.module1.CellVoltages_first14);
    reply.packs.forEach((pack, i) => checkComputedPack(pack, c!.packs[i]));
  },
  "pp42-us3000c-0x42-single": () => {
    const e = capture("pp42-us3000c-0x42-single").expect;
    const pack = onePack(decode("pp42-us3000c-0x42-single"));
    assert.equal(pack.address, e.NumberOfModule, "python-pylontech prints the pack address as NumberOfModule");
    assert.equal(pack.cell_voltages?.length, e.NumberOfCells);
    assert.deepEqual(pack.cell_voltages, e.CellVoltages);
    assert.equal(pack.temperatures?.length, e.NumberOfTemperatures);
    assert.equal(pack.temperatures?.[0], e.AverageBMSTemperature);
    assert.deepEqual(pack.temperatures?.slice(1), e.GroupedCellsTemperatures);
    assert.equal(pack.current, e.Current);
    assert.equal(pack.voltage, e.Voltage);
    assert.equal(pack.power, e.Power);
    assert.equal(pack.cycles, e.CycleNumber);
    assert.equal(pack.remaining_ah, e.RemainingCapacity);
    assert.equal(pack.total_ah, e.TotalCapacity);
    assert.equal(pack.soc, e.StateOfCharge * 100);
  },
  "pp42-us3000c-0x47": () => {
    const e = capture("pp42-us3000c-0x47").expect;
    const p = onePack(decode("pp42-us3000c-0x47")).system_parameters;
    assert.equal(p?.cell_high_voltage, e.CellHighVoltageLimit);
    assert.equal(p?.cell_low_voltage, e.CellLowVoltageLimit);
    assert.equal(p?.cell_under_voltage, e.CellUnderVoltageLimit);
    assert.equal(p?.charge_high_temperature, e.ChargeHighTemperatureLimit);
  },
  "seplos-0x42-readme": () => {
    const c = capture("seplos-0x42-readme").computed!;
    const pack = onePack(decode("seplos-0x42-readme", "seplos"));
    assert.equal(pack.address, 0, "reported under the ADR asked, not the command group 1 of its INFO");
    assert.equal(pack.cell_voltages?.length, c.cellCount);
    assert.equal(pack.cell_voltages?.[0], c.firstCellV);
    assert.equal(pack.current, c.currentA);
    assert.equal(pack.voltage, c.voltageV);
    assert.equal(pack.remaining_ah, c.residualAh);
    assert.equal(pack.total_ah, c.capacityAh);
    assert.equal(pack.soc, c.socPct);
    assert.equal(pack.rated_ah, c.ratedAh);
    assert.equal(pack.cycles, c.cycles);
    assert.equal(pack.soh, c.sohPct);
    assert.equal(pack.port_voltage, c.portVoltageV);
    refusedAsClone("seplos-0x42-readme", 0x42);
  },
  "seplos-0x42-with-log": () => {
    const e = capture("seplos-0x42-with-log").expect;
    const pack = onePack(decode("seplos-0x42-with-log", "seplos"));
    const cells = pack.cell_voltages ?? [];
    assert.deepEqual(cells, e.cellVoltagesV);
    assert.equal(pack.cell_min, e.minCellV);
    assert.equal(pack.cell_max, e.maxCellV);
    assert.equal(cells.indexOf(pack.cell_max!) + 1, e.maxVoltageCell);
    assert.equal(cells.indexOf(pack.cell_min!) + 1, e.minVoltageCell);
    assert.equal(pack.cell_spread_mv, Math.round(e.deltaCellV * 1000));
    assert.ok(Math.abs(cells.reduce((a, b) => a + b, 0) / cells.length - e.averageCellV) < 1e-4);
    // The README log predates the source's own fix "Fix temperature offsets (#27)" (commit dfbf7e8),
    // which reads these bytes as 0.1 K: its code comment gives (2982 − 2731) × 0.1 = 25.1 °C for
    // sensor 1 of this very frame, as the Seplos V2.0 protocol document does. The log's raw/100
    // (29.82 °C) is the old reading; the 4 cell sensors, environment and power (MOSFET) follow.
    assert.deepEqual(e.temperaturesC.map((t: number) => Math.round(t * 100)), [2982, 2976, 2967, 2982]);
    assert.deepEqual(pack.temperatures, [25.1, 24.5, 23.6, 25.1, 25, 24.7]);
    assert.equal(Math.round(e.environmentTemperatureC * 100), 2981);
    assert.equal(Math.round(e.mosfetTemperatureC * 100), 2978);
    assert.equal(pack.current, e.currentA);
    assert.equal(pack.voltage, e.totalVoltageV);
    assert.ok(Math.abs(pack.power! - e.powerW) < 1e-3, `power ${pack.power} vs ${e.powerW} (float32 in the source)`);
    assert.equal(pack.remaining_ah, e.residualCapacityAh);
    assert.equal(pack.total_ah, e.batteryCapacityAh);
    assert.equal(pack.soc, e.socPct);
    assert.equal(pack.rated_ah, e.ratedCapacityAh);
    assert.equal(pack.cycles, e.chargingCycles);
    assert.equal(pack.soh, e.sohPct);
    assert.equal(pack.port_voltage, e.portVoltageV);
    refusedAsClone("seplos-0x42-with-log", 0x42);
  },
  "seplos-0x51-sp15": () => checkManufacturer("seplos-0x51-sp15"),
  "seplos-0x51-zh26": () => checkManufacturer("seplos-0x51-zh26"),
  "seplos-0x44-alarm": () => {
    // No decode in the source; read here with the Seplos V2.0 document's 0x44 layout: 15 cells and
    // 6 sensors normal, 20 flag bytes with on-off state 0x03 (both MOSFETs on) and system state 0x02 (charging).
    const { alarms } = onePack(decode("seplos-0x44-alarm", "seplos"));
    assert.ok(alarms);
    assert.deepEqual(alarms.cells, Array(15).fill("normal"));
    assert.deepEqual(alarms.temperatures, Array(6).fill("normal"));
    assert.equal(alarms.charge_mosfet, true);
    assert.equal(alarms.discharge_mosfet, true);
    assert.equal(alarms.effective_charge_current, true);
    assert.equal(alarms.effective_discharge_current, false);
    assert.equal(alarms.using_battery_power, false);
    assert.deepEqual(alarms.cell_faults, []);
    refusedAsClone("seplos-0x44-alarm", 0x44);
  },
  "seplos-0x47-long": () => {
    // No decode in the source; read here with the parameter map of the Seplos Battery Manager
    // (60 words: cell limits in mV, pack limits in 10 mV, temperatures in 0.1 K, currents in 10 mA).
    const p = onePack(decode("seplos-0x47-long", "seplos")).system_parameters;
    assert.deepEqual(p, {
      cell_high_voltage: 3.65,
      cell_low_voltage: 2.9,
      cell_under_voltage: 2.6,
      charge_high_temperature: 60,
      charge_low_temperature: -10,
      charge_current_limit: 100,
      module_high_voltage: 54.75,
      module_low_voltage: 43.5,
      module_under_voltage: 39,
      discharge_high_temperature: 65,
      discharge_low_temperature: -15,
      discharge_current_limit: -105,
    });
    refusedAsClone("seplos-0x47-long", 0x47);
  },
  "seplos-rtn04-to-0x93": () => {
    const e = capture("seplos-rtn04-to-0x93").expect;
    for (const protocol of ["pylontech", "seplos"] as const) {
      refused("seplos-rtn04-to-0x93", protocol, "cid2_invalid", new RegExp(`RTN ${e.rtn} \\(${e.meaning}\\)`));
    }
  },
  "seplos-0x4f-empty": () => {
    for (const protocol of ["pylontech", "seplos"] as const) {
      assert.deepEqual(decode("seplos-0x4f-empty", protocol).packs, [{ address: 0, protocol_version: "2.0" }]);
    }
  },
  "seplos-15cell-0x42": () => {
    const c = capture("seplos-15cell-0x42").computed!;
    const pack = onePack(decode("seplos-15cell-0x42", "seplos"));
    assert.equal(pack.cell_voltages?.length, c.cellCount);
    assert.equal(pack.cell_voltages?.[0], c.firstCellV);
    assert.equal(pack.temperatures?.length, c.tempCount);
    assert.equal(pack.current, c.currentA);
    assert.equal(pack.voltage, c.voltageV);
    assert.equal(pack.remaining_ah, c.residualAh);
    refusedAsClone("seplos-15cell-0x42", 0x42);
  },
  "uksa27-sniff-4": () => {
    // A 1-byte INFO (00) where PylonTech sends none: the answer is still the VER byte.
    assert.deepEqual(decode("uksa27-sniff-4").packs, [{ address: 2, protocol_version: "2.0" }]);
  },
};

function checkManagement(id: string, address: number): void {
  const c = capture(id).computed!;
  const pack = onePack(decode(id));
  assert.equal(pack.address, c.info_byte0_adr);
  assert.equal(pack.address, address);
  const m = pack.charge_management;
  assert.equal(m?.charge_voltage_limit, c.chargeVoltageLimitV);
  assert.equal(m?.discharge_voltage_limit, c.dischargeVoltageLimitV);
  assert.equal(m?.charge_current_limit, c.chargeCurrentLimitA);
  assert.equal(m?.discharge_current_limit, c.dischargeCurrentLimitA);
  assert.equal(parseInt(c.status, 16), 0xc0);
  assert.equal(m?.charge_enable, true);
  assert.equal(m?.discharge_enable, true);
}

function checkHealthyUs5000Alarms(id: string, address: number): void {
  // No values stated by the source: read here, all states 00, Status2 0x0E (MOSFETs on), Status3
  // 0x80 (charging, as the 0x42 of the same pack shows +19 A), one trailing byte (newer firmware).
  const pack = onePack(decode(id));
  assert.equal(pack.address, address);
  const a = pack.alarms;
  assert.ok(a);
  assert.deepEqual(a.cells, Array(15).fill("normal"));
  assert.deepEqual(a.temperatures, Array(5).fill("normal"));
  assert.equal(a.charge_mosfet && a.discharge_mosfet, true);
  assert.equal(a.effective_charge_current, true);
  assert.equal(a.effective_discharge_current, false);
  assert.deepEqual(a.cell_faults, []);
}

function checkManufacturer(id: string): void {
  const c = capture(id).computed!;
  for (const protocol of ["pylontech", "seplos"] as const) {
    const pack = onePack(decode(id, protocol));
    assert.equal(pack.device_name, c.deviceName.trim());
    assert.equal(pack.software_version, c.softwareVersion.join("."));
    assert.equal(pack.manufacturer, c.manufacturer === "(20 spaces)" ? "" : c.manufacturer.trim());
  }
}

/** A Seplos reply read as PylonTech is refused, naming the likely cause. */
function refusedAsClone(id: string, cid2: number): void {
  refused(id, "pylontech", "implausible_values", new RegExp(`^0x${cid2.toString(16).toUpperCase()} reply.* cannot come from a PylonTech pack: .*Seplos.*protocol to "seplos"`));
}

describe("pylon codec against real-captures/pylon-captures.json", () => {
  it("has a case for every reply and covers the corpus", () => {
    const withReply = captures.filter((c) => c.reply !== null).map((c) => c.id);
    assert.ok(withReply.length >= 23, `${withReply.length} replies`);
    assert.deepEqual(withReply.filter((id) => !REPLY_CASES[id]), [], "replies without a test case");
    assert.deepEqual(Object.keys(REPLY_CASES).filter((id) => !withReply.includes(id)), [], "cases without a reply");
  });

  for (const c of captures) {
    describe(c.id, () => {
      if (c.request) {
        it("request: envelope verifies and re-encodes byte-exact (VER kept, even 0x00)", () => {
          const f = parseFrame(c.request!);
          const cid2 = parseCid2(c.command);
          assert.equal(f.cid2, cid2);
          assert.equal(encodeRequest(f.cid2, { adr: f.adr, info: f.info, ver: f.ver }), c.request);
        });
      }
      if (c.reply) it(c.damaged ? `reply is refused: ${c.damaged}` : "reply decodes to the stated values", REPLY_CASES[c.id]);
    });
  }
});
