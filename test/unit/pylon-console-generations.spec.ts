// The console parser against more real transcripts: a US5000 (B69.16), a US3000A (B65.6), two Pytes
// generations (E-BOX-4850P, E-BOX-48100V-D) and the Force H2 family (test/fixtures/pylon-console/README.md).
// Values asserted are the ones printed in the files, converted to V, A, °C, %, Ah.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { PylonConsoleError, decodeConsole, type ConsoleResult } from "../../nodes/lib/pylon/console";

const DIR = path.resolve(__dirname, "../fixtures/pylon-console");
const fixture = (name: string): string => fs.readFileSync(path.join(DIR, name), "utf8");

function decoded<C extends ConsoleResult["command"]>(name: string, command: C): Extract<ConsoleResult, { command: C }> {
  const result = decodeConsole(fixture(name));
  assert.equal(result.command, command);
  return result as Extract<ConsoleResult, { command: C }>;
}

function refusedWith(text: string, code: string): void {
  assert.throws(
    () => decodeConsole(text),
    (error: unknown) => error instanceof PylonConsoleError && error.code === code,
  );
}

describe("pylon console parser: more firmware generations", () => {
  describe("US5000, Main Soft B69.16.0.0 (blank line between every line)", () => {
    it("pwr: 4 packs, MosTempr printed for packs 1-2 only, 12 absent", () => {
      const { packs } = decoded("pwr-us5000-b69.16.txt", "pwr");
      assert.equal(packs.length, 16);
      assert.deepEqual(packs[0], {
        pack: 1,
        absent: false,
        voltage: 49.905,
        current: 11.867,
        temperature: 27.9,
        temperature_low: 26.6,
        temperature_high: 26.8,
        cell_voltage_low: 3.327,
        cell_voltage_high: 3.327,
        base_state: "Charge",
        voltage_state: "Normal",
        current_state: "Normal",
        temperature_state: "Normal",
        soc: 39,
        time: "2023-09-16 11:50:32",
        battery_voltage_state: "Normal",
        battery_temperature_state: "Normal",
        mos_temperature: 27.5,
        mos_temperature_state: "Normal",
      });
      const last = packs[3];
      assert.deepEqual(
        [last.pack, last.voltage, last.current, last.temperature, last.temperature_high, last.cell_voltage_high, last.soc, last.time],
        [4, 49.916, 5.25, 33, 31, 3.329, 40, "2023-09-16 11:50:30"],
      );
      assert.equal("mos_temperature" in last, false);
      assert.equal("mos_temperature_state" in last, false);
      assert.deepEqual(packs[4], { pack: 5, absent: true });
      assert.equal(packs.filter((pack) => pack.absent).length, 12);
    });

    it("bat 1: 15 cells with SOC, Coulomb and BAL", () => {
      const { cells } = decoded("bat-us5000-b69.16.txt", "bat");
      assert.equal(cells.length, 15);
      assert.deepEqual(cells[0], {
        cell: 0,
        voltage: 3.331,
        current: 16.02,
        temperature: 27.5,
        base_state: "Charge",
        voltage_state: "Normal",
        current_state: "Normal",
        temperature_state: "Normal",
        soc: 45,
        coulomb: 44.231,
        balancing: false,
      });
      assert.deepEqual([cells[14].cell, cells[14].voltage, cells[14].temperature, cells[14].balancing], [14, 3.33, 27.5, false]);
    });

    it("soh 1: SOHCount and SOHStatus per cell", () => {
      const { soh } = decoded("soh-us5000-b69.16.txt", "soh");
      assert.equal(soh.pack, 1);
      assert.equal(soh.cells.length, 15);
      assert.deepEqual(soh.cells[0], { cell: 0, voltage: 3.331, soh_count: 0, soh_status: "Normal" });
      assert.deepEqual(soh.cells[14], { cell: 14, voltage: 3.33, soh_count: 0, soh_status: "Normal" });
    });

    it("info 1: identity of a US5000", () => {
      const { info } = decoded("info-us5000-b69.16.txt", "info");
      assert.equal(info.device_name, "US5000");
      assert.equal(info.manufacturer, "Pylon");
      assert.equal(info.main_soft_version, "B69.16.0.0");
      assert.equal(info.board_version, "V10R04");
      assert.equal(info.barcode, "Yxxxxxxxxxxxxxx7");
      assert.equal(info.specification, "48V/100AH");
      assert.equal(info.cell_number, 15);
      assert.equal(info.max_discharge_current, -100);
      assert.equal(info.max_charge_current, 100);
      assert.equal(info.console_port_rate, 115200);
      assert.equal(info.fields.Board, "NF4.E3");
    });

    it("stat 1: cycles, SOH and counters", () => {
      const { stat } = decoded("stat-us5000-b69.16.txt", "stat");
      assert.equal(stat.device_address, 1);
      assert.equal(stat.cycles, 108);
      assert.equal(stat.soh, 100);
      assert.equal(stat.counters["Charge Times"], 11345);
      assert.equal(stat.counters["Reset Times"], 13);
      assert.equal(stat.counters["Pwr Coulomb"], 190936600);
      assert.equal(stat.counters["LifeAlarm Times"], 0);
    });
  });

  describe("Pytes E-BOX-4850P (SPBMS15SPH2111V1.3.19, PYTES> prompt)", () => {
    it("pwr: 16 columns (no MosTempr), 8 addresses", () => {
      const { packs } = decoded("pwr-pytes-ebox-16col.txt", "pwr");
      assert.equal(packs.length, 8);
      assert.deepEqual(
        [packs[0].voltage, packs[0].current, packs[0].temperature, packs[0].cell_voltage_low, packs[0].soc, packs[0].battery_temperature_state],
        [48.314, 0, 26, 3.214, 77, "Normal"],
      );
      assert.deepEqual(
        [packs[1].pack, packs[1].voltage, packs[1].cell_voltage_low, packs[1].cell_voltage_high, packs[1].soc, packs[1].time],
        [2, 48.322, 3.213, 3.227, 74, "2023-11-01 16:49:17"],
      );
      assert.equal("mos_temperature" in packs[0], false);
      assert.deepEqual(packs[7], { pack: 8, absent: true });
    });

    it("bat 1 in the old layout: SOC and capacity both under 'Coulomb', no SOC/BAL headers", () => {
      const { cells } = decoded("bat-pytes-ebox-no-soc.txt", "bat");
      assert.equal(cells.length, 15);
      assert.deepEqual(cells[0], {
        cell: 0,
        voltage: 3.217,
        current: 0,
        temperature: 25,
        base_state: "Idle",
        voltage_state: "Normal",
        current_state: "Normal",
        temperature_state: "Normal",
        soc: 77,
        coulomb: 38.286,
      });
      assert.deepEqual([cells[14].voltage, cells[14].soc, cells[14].coulomb], [3.222, 79, 39.449]);
      assert.equal(cells.some((cell) => "balancing" in cell), false);
    });

    it("soh 1, info 1, stat 1", () => {
      const { soh } = decoded("soh-pytes-ebox.txt", "soh");
      assert.deepEqual(soh.cells[14], { cell: 14, voltage: 3.223, soh_count: 0, soh_status: "Normal" });
      const { info } = decoded("info-pytes-ebox.txt", "info");
      assert.deepEqual(
        [info.manufacturer, info.device_name, info.main_soft_version, info.cell_number, info.max_charge_current],
        ["PYTES", "E-BOX-4850P", "SPBMS15SPH2111V1.3.19", 15, 102],
      );
      const { stat } = decoded("stat-pytes-ebox.txt", "stat");
      assert.equal(stat.cycles, 62);
      assert.equal("soh" in stat, false);
      assert.equal(stat.counters["MiscData Items"], 249);
      assert.equal(stat.counters["LV Cnt"], 4184);
    });
  });

  describe("Pytes E-BOX-48100V-D (SPBMS16SRP2304V1.10.7.1C)", () => {
    it("pwr: extra Barcode and DevType columns kept raw; a row broken by a stray CR/LF", () => {
      const { packs } = decoded("pwr-pytes-v5-barcode.txt", "pwr");
      assert.equal(packs.length, 16);
      assert.deepEqual(
        [packs[0].voltage, packs[0].current, packs[0].cell_voltage_high, packs[0].base_state, packs[0].soc],
        [53.07, -5.962, 3.319, "Dischg", 80],
      );
      assert.deepEqual(packs[0].other, { Barcode: "Exxxxxxxxxxxxx43", DevType: "E-BOX-48100V-D" });
      assert.deepEqual(packs[15], { pack: 16, absent: true });
    });

    it("bat 1 without a Curr column: current stays absent, never shifted", () => {
      const { cells } = decoded("bat-pytes-v5-no-curr.txt", "bat");
      assert.equal(cells.length, 16);
      assert.deepEqual(cells[0], {
        cell: 0,
        voltage: 3.304,
        temperature: 19,
        base_state: "Dischg",
        voltage_state: "Normal",
        current_state: "Normal",
        temperature_state: "Normal",
        soc: 34,
        coulomb: 34.682,
      });
      assert.deepEqual([cells[15].voltage, cells[15].soc, cells[15].coulomb], [3.304, 34, 34.69]);
    });

    it("soh 1 with 'SOHStatus  M-H$' header: the hex status as printed, no count", () => {
      const { soh } = decoded("soh-pytes-v5-mh.txt", "soh");
      assert.equal(soh.cells.length, 16);
      assert.deepEqual(soh.cells[0], { cell: 0, voltage: 3.327, soh_status: "00000000" });
      assert.deepEqual(soh.cells[15], { cell: 15, voltage: 3.326, soh_status: "00000000" });
    });

    it("stat 1 refused by the pack", () => refusedWith(fixture("stat-pytes-v5-refused.txt"), "command_refused"));
  });

  describe("Force H2 / high-voltage CMU (B52.34.0)", () => {
    it("soh (whole tower): 75 cells with SOH counts", () => {
      const { soh } = decoded("soh-force-h2-75cells.txt", "soh");
      assert.equal(soh.cells.length, 75);
      assert.deepEqual(soh.cells[0], { cell: 0, voltage: 3.161, soh_count: 85, soh_status: "Normal" });
      assert.deepEqual(soh.cells[7], { cell: 7, voltage: 3.145, soh_count: 1082, soh_status: "Normal" });
      assert.deepEqual(soh.cells[74], { cell: 74, voltage: 3.131, soh_count: 49, soh_status: "Normal" });
    });

    it("pwr (a system summary without a 'Power' column) is refused, not misread", () => {
      refusedWith(fixture("pwr-force-h2.txt"), "no_table");
    });

    it("bat as published without its '@' line is refused", () => refusedWith(fixture("bat-force-h2.txt"), "no_body"));
  });

  describe("US3000A, Main Soft B65.6 (PHANTOMSAV10R03 board, pylon_debug> prompt): the old generation", () => {
    it("bat 2 in the old layout: SOC and capacity under 'Coulomb', no SOC/BAL columns", () => {
      const { arg, cells } = decoded("bat-us3000a-b65.6.txt", "bat");
      assert.equal(arg, 2);
      assert.equal(cells.length, 15);
      assert.deepEqual(cells[0], {
        cell: 0,
        voltage: 3.258,
        current: -0.032,
        temperature: 26,
        base_state: "Dischg",
        voltage_state: "Normal",
        current_state: "Normal",
        temperature_state: "Normal",
        soc: 39,
        coulomb: 29.329,
      });
      assert.deepEqual([cells[14].cell, cells[14].voltage, cells[14].current, cells[14].soc], [14, 3.259, -0.06, 39]);
    });

    it("info 2: a US3000A on B65.6", () => {
      const { info } = decoded("info-us3000a-b65.6.txt", "info");
      assert.deepEqual(
        [info.device_address, info.device_name, info.board_version, info.main_soft_version, info.release_date, info.specification],
        [2, "US3000A", "PHANTOMSAV10R03", "B65.6", "18-09-12", "48V/74AH"],
      );
      assert.deepEqual([info.max_discharge_current, info.max_charge_current, info.epon_port_rate], [-100, 102, 1200]);
    });

    it("stat 1: no SOH line on this firmware, CYCLE Times 0", () => {
      const { stat } = decoded("stat-us3000a-b65.6.txt", "stat");
      assert.equal(stat.cycles, 0);
      assert.equal("soh" in stat, false);
      assert.equal(stat.counters["Pwr Coulomb"], 107794280);
      assert.equal(stat.counters["Dsg Cap"], 43);
    });
  });

  describe("a mixed stack behind a US5000 master: pack 2 a US2000C (B68.2), packs 3-4 US2000 (US2KBPL, B67.9)", () => {
    it("bat 2 (US2000C): the master prints SOC, Coulomb and BAL", () => {
      const { arg, cells } = decoded("bat-us2000c-b68.2.txt", "bat");
      assert.equal(arg, 2);
      assert.equal(cells.length, 15);
      assert.deepEqual(
        [cells[0].voltage, cells[0].current, cells[0].temperature, cells[0].soc, cells[0].coulomb, cells[0].balancing],
        [3.329, 6.968, 30.7, 43, 21.044, false],
      );
      assert.deepEqual([cells[14].temperature, cells[14].coulomb], [30.2, 21.043]);
    });

    it("bat 3 (US2000 B67.9): same layout through the master; per-cell SOC differs", () => {
      const { cells } = decoded("bat-us2kbpl-b67.9.txt", "bat");
      assert.deepEqual([cells[2].cell, cells[2].soc, cells[2].coulomb], [2, 35, 16.51]);
      assert.deepEqual([cells[14].voltage, cells[14].current, cells[14].soc, cells[14].coulomb, cells[14].balancing], [3.327, 5.024, 42, 19.994, false]);
    });

    it("soh 3 (US2000): non-zero SOHCount on a PylonTech pack", () => {
      const { soh } = decoded("soh-us2kbpl-b67.9.txt", "soh");
      assert.equal(soh.pack, 3);
      assert.deepEqual(soh.cells[0], { cell: 0, voltage: 3.327, soh_count: 1, soh_status: "Normal" });
      assert.deepEqual(soh.cells[2], { cell: 2, voltage: 3.327, soh_count: 3, soh_status: "Normal" });
      assert.deepEqual(soh.cells[14], { cell: 14, voltage: 3.327, soh_count: 0, soh_status: "Normal" });
    });

    it("info 2 and info 3: identities of the slaves", () => {
      const c = decoded("info-us2000c-b68.2.txt", "info").info;
      assert.deepEqual(
        [c.device_address, c.device_name, c.main_soft_version, c.release_date, c.max_discharge_current, c.max_charge_current],
        [2, "US2000C", "B68.2.0.0", "21-09-26", -90, 90],
      );
      const b = decoded("info-us2kbpl-b67.9.txt", "info").info;
      assert.deepEqual(
        [b.device_address, b.device_name, b.board_version, b.main_soft_version, b.release_date, b.specification],
        [3, "US2KBPL", "PHANTOMSAV10R03", "B67.9.0", "21-04-29", "48V/50AH"],
      );
    });

    it("stat 3 (US2000): 685 cycles, no SOH line", () => {
      const { stat } = decoded("stat-us2kbpl-b67.9.txt", "stat");
      assert.deepEqual([stat.device_address, stat.cycles, "soh" in stat], [3, 685, false]);
      assert.equal(stat.counters["SOH Times"], 14);
      assert.equal(stat.counters["Charge Times"], 43670);
    });

    it("pwr 3 (US2000): the detail view of a slave", () => {
      const [pack] = decoded("pwr3-detail-us2kbpl-b67.9.txt", "pwr").packs;
      assert.deepEqual(
        [pack.pack, pack.voltage, pack.current, pack.temperature, pack.soc, pack.full_capacity, pack.charge_times, pack.charge_seconds],
        [3, 49.905, 5.024, 33, 35, 50, 0, 0],
      );
    });
  });

  describe("pwr N: the one-pack detail view", () => {
    it("US3000A: read into one pack, with what only this view prints", () => {
      const { arg, packs } = decoded("pwr1-detail-us3000a.txt", "pwr");
      assert.equal(arg, 1);
      assert.equal(packs.length, 1);
      const pack = packs[0];
      assert.deepEqual(
        [pack.pack, pack.absent, pack.voltage, pack.current, pack.temperature, pack.soc, pack.full_capacity, pack.max_voltage],
        [1, false, 48.882, 0, 29, 40, 74, 54],
      );
      assert.deepEqual(
        [pack.charge_times, pack.base_state, pack.coulomb_state, pack.soh_state, pack.heater_state],
        [10, "Idle", "Normal", "Normal", "OFF"],
      );
      assert.equal(pack.protections_enabled?.length, 28);
      assert.deepEqual([pack.protections_enabled?.[0], pack.protections_enabled?.[27]], ["BOV", "LCOUL"]);
      assert.deepEqual([pack.battery_events, pack.power_events, pack.system_fault], [0, 0, 0]);
      assert.equal("charge_seconds" in pack, false);
    });

    it("US5000 B69.16: charging, with 'Charge Sec.'", () => {
      const [pack] = decoded("pwr1-detail-us5000-b69.16.txt", "pwr").packs;
      assert.deepEqual(
        [pack.voltage, pack.current, pack.temperature, pack.soc, pack.full_capacity, pack.charge_times, pack.charge_seconds, pack.base_state],
        [49.959, 15.939, 28.2, 45, 100, 11344, 1764, "Charge"],
      );
      assert.equal(pack.protections_enabled?.includes("PLT"), false);
    });
  });

  describe("pwrsys: the stack summary", () => {
    it("two US3000A packs, idle", () => {
      const { system } = decoded("pwrsys-us3000a.txt", "pwrsys");
      assert.deepEqual(
        [system.status, system.total_packs, system.present_packs, system.sleeping_packs, system.voltage, system.current],
        ["System is idle", 2, 2, 0, 48.872, -0.197],
      );
      assert.deepEqual(
        [system.remaining_capacity, system.full_capacity, system.soc, system.soh],
        [59.279, 148, 40, 100],
      );
      assert.deepEqual(
        [system.cell_voltage_high, system.cell_voltage_average, system.cell_voltage_low, system.temperature_average],
        [3.263, 3.258, 3.249, 25.5],
      );
      assert.deepEqual(
        [system.recommended_charge_voltage, system.recommended_discharge_voltage, system.recommended_charge_current, system.recommended_discharge_current],
        [53.25, 47, 74, -74],
      );
    });
  });

  describe("cut-off copies of these transcripts", () => {
    const names = [
      "pwr-us5000-b69.16.txt",
      "bat-us5000-b69.16.txt",
      "soh-us5000-b69.16.txt",
      "stat-us5000-b69.16.txt",
      "pwr-pytes-ebox-16col.txt",
      "bat-pytes-ebox-no-soc.txt",
      "pwr-pytes-v5-barcode.txt",
      "bat-pytes-v5-no-curr.txt",
      "soh-force-h2-75cells.txt",
      "bat-us3000a-b65.6.txt",
      "pwr1-detail-us3000a.txt",
      "pwr1-detail-us5000-b69.16.txt",
      "pwrsys-us3000a.txt",
      "bat-us2kbpl-b67.9.txt",
      "soh-us2kbpl-b67.9.txt",
      "pwr3-detail-us2kbpl-b67.9.txt",
    ];

    it("a pwr header without rows is refused, never read as a stack without packs", () => {
      const text = fixture("pwr-pytes-ebox-16col.txt").replace(/\r?\n1 {5}48314[^\n]*\n[\s\S]*?(?=\r\n\rCommand completed)/, "");
      assert.ok(!text.includes("48314") && text.includes("Power Volt"));
      refusedWith(text, "no_table");
    });

    it("cut inside the table: refused as truncated", () => {
      for (const name of names) {
        const text = fixture(name);
        const cut = text.slice(0, Math.floor(text.indexOf("Command completed") * 0.7));
        assert.throws(
          () => decodeConsole(cut),
          (error: unknown) => error instanceof PylonConsoleError && error.code === "truncated",
          name,
        );
      }
    });

    it("every prefix is refused with PylonConsoleError or decodes to the same values as the whole", () => {
      for (const name of names) {
        const text = fixture(name);
        const full = JSON.stringify(decodeConsole(text));
        for (let end = 0; end < text.length; end += 5) {
          let partial: ConsoleResult;
          try {
            partial = decodeConsole(text.slice(0, end));
          } catch (error) {
            assert.ok(error instanceof PylonConsoleError, `${name}[0..${end}]: ${String(error)}`);
            continue;
          }
          // Only a cut after the end marker may decode, and then to the same values.
          assert.equal(JSON.stringify(partial), full, `${name}[0..${end}] decoded to other values`);
        }
      }
    });
  });
});
