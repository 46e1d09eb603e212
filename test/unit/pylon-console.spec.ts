// The console (RS232 text) parser against real transcripts (test/fixtures/pylon-console/README.md):
// values asserted are the ones printed in the fixtures, converted to V, A, °C, %, Ah.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { PylonError } from "../../nodes/lib/pylon/codec/errors";
import {
  PylonConsoleError,
  decodeConsole,
  parsePwr,
  splitTranscript,
  type ConsoleResult,
} from "../../nodes/lib/pylon/console";

const DIR = path.resolve(__dirname, "../fixtures/pylon-console");
const fixture = (name: string): string => fs.readFileSync(path.join(DIR, name), "utf8");

function decoded<C extends ConsoleResult["command"]>(text: string, command: C): Extract<ConsoleResult, { command: C }> {
  const result = decodeConsole(text);
  assert.equal(result.command, command);
  return result as Extract<ConsoleResult, { command: C }>;
}

function refused(text: string, code: string): void {
  assert.throws(
    () => decodeConsole(text),
    (error: unknown) => error instanceof PylonConsoleError && error instanceof PylonError && error.code === code,
  );
}

describe("pylon console parser", () => {
  describe("pwr", () => {
    it("US3000C B69.25.0.0 (MosTempr, M.T.St): pack 1 values and 15 absent addresses", () => {
      const { packs } = decoded(fixture("pwr-us3000c-b69.txt"), "pwr");
      assert.equal(packs.length, 16);
      assert.deepEqual(packs[0], {
        pack: 1,
        absent: false,
        voltage: 50.777,
        current: 0,
        temperature: 41,
        temperature_low: 25,
        temperature_high: 25.9,
        cell_voltage_low: 3.34,
        cell_voltage_high: 3.496,
        base_state: "Idle",
        voltage_state: "Normal",
        current_state: "Normal",
        temperature_state: "Normal",
        soc: 5,
        time: "2026-09-23 21:41:50",
        battery_voltage_state: "Normal",
        battery_temperature_state: "Normal",
        mos_temperature: 28.2,
        mos_temperature_state: "Normal",
      });
      assert.deepEqual(packs[15], { pack: 16, absent: true });
      assert.equal(packs.filter((pack) => pack.absent).length, 15);
    });

    it("a 6-pack stack: MosTempr printed one column left of its header still lands in MosTempr; pack 3's '-' stays absent", () => {
      const { packs } = decoded(fixture("pwr-6packs-mostempr-gap.txt"), "pwr");
      assert.equal(packs[0].mos_temperature, 27.5);
      assert.equal(packs[0].battery_temperature_state, "Normal");
      assert.equal(packs[2].voltage, 51.226);
      assert.equal(packs[2].temperature, 30);
      assert.equal(packs[2].battery_temperature_state, "Normal");
      assert.equal("mos_temperature" in packs[2], false);
      assert.equal("mos_temperature_state" in packs[2], false);
      assert.deepEqual(
        [packs[5].pack, packs[5].voltage, packs[5].cell_voltage_low, packs[5].cell_voltage_high, packs[5].mos_temperature, packs[5].time],
        [6, 51.194, 3.395, 3.416, 26.3, "2024-07-08 00:23:29"],
      );
      assert.deepEqual(packs[6], { pack: 7, absent: true });
    });

    it("23 columns (Tlow.Id … SysAlarm.St, pylon_debug> prompt): first and last present pack", () => {
      const body = fixture("pwr-23col-pylon-debug-excerpt.txt").split("\n").slice(2);
      const packs = parsePwr(body);
      assert.deepEqual(
        [packs[0].voltage, packs[0].current, packs[0].temperature_low_cell, packs[0].cell_voltage_low_cell, packs[0].soc],
        [49.124, -1.55, 8, 9, 57],
      );
      assert.equal(packs[0].system_alarm_state, "Normal");
      assert.equal(packs[0].mos_temperature, 26.2);
      assert.deepEqual(
        [packs[3].voltage, packs[3].current, packs[3].temperature, packs[3].temperature_high_cell, packs[3].cell_voltage_high_cell, packs[3].soc],
        [49.136, -3.264, 28.5, 5, 1, 60],
      );
      assert.equal(packs[3].time, "2026-09-11 06:34:36");
      assert.deepEqual(packs[5], { pack: 6, absent: true });
    });

    it("keeps an unknown column raw by its header name", () => {
      const text = fixture("pwr-us3000c-b69.txt").replace("M.T.St  ", "New.Col ");
      const { packs } = decoded(text, "pwr");
      assert.deepEqual(packs[0].other, { "New.Col": "Normal" });
      assert.equal("mos_temperature_state" in packs[0], false);
    });
  });

  describe("bat", () => {
    it("US3000C B69.25.0.0: per-cell values, SOC, coulomb and the BAL flags", () => {
      const { cells, arg } = decoded(fixture("bat-us3000c-b69.txt"), "bat");
      assert.equal(arg, 1);
      assert.equal(cells.length, 15);
      assert.deepEqual(cells[0], {
        cell: 0,
        voltage: 3.493,
        current: 0,
        temperature: 25.9,
        base_state: "Idle",
        voltage_state: "Normal",
        current_state: "Normal",
        temperature_state: "Normal",
        soc: 100,
        coulomb: 68.967,
        balancing: true,
      });
      assert.deepEqual([cells[3].soc, cells[3].coulomb], [5, 3.708]);
      assert.deepEqual([cells[12].voltage, cells[12].soc, cells[12].coulomb], [3.392, 92, 63.316]);
      assert.deepEqual([cells[14].cell, cells[14].voltage, cells[14].temperature, cells[14].balancing], [14, 3.369, 25, true]);
      assert.deepEqual(
        cells.map((cell) => (cell.balancing ? "Y" : "N")).join(""),
        "YYYYYNNNNNYYYYY",
      );
    });

    it("split DTemp./CTemp. State, Coulomb with its unit far right: first and last cell", () => {
      const { cells } = decoded(fixture("bat-dtemp-ctemp.txt"), "bat");
      assert.deepEqual(cells[0], {
        cell: 0,
        voltage: 3.455,
        current: -0.108,
        temperature: 24.6,
        base_state: "Idle",
        voltage_state: "Normal",
        current_state: "Normal",
        discharge_temperature_state: "Normal",
        charge_temperature_state: "Normal",
        soc: 99,
        coulomb: 73.1,
        balancing: false,
      });
      assert.deepEqual([cells[14].voltage, cells[14].current, cells[14].base_state, cells[14].balancing], [3.453, -0.129, "Dischg", false]);
      assert.equal(cells.some((cell) => "temperature_state" in cell), false);
    });
  });

  describe("soh, info, stat", () => {
    it("soh 1 (one SOH % per cell)", () => {
      const { soh } = decoded(fixture("soh-us3000c.txt"), "soh");
      assert.equal(soh.cells.length, 15);
      assert.deepEqual(soh.cells[0], { cell: 0, soh: 100 });
      assert.deepEqual(soh.cells[7], { cell: 7, soh: 99 });
      assert.deepEqual(soh.cells[14], { cell: 14, soh: 100 });
    });

    it("soh 1 in the SOHCount/SOHStatus layout (Pytes clone: 16 cells, status column empty)", () => {
      const { soh, arg } = decoded(fixture("soh-pytes-sohcount.txt"), "soh");
      assert.equal(arg, 1);
      assert.equal(soh.pack, 1);
      assert.equal(soh.cells.length, 16);
      assert.deepEqual(soh.cells[0], { cell: 0, voltage: 3.361, soh_count: 0 });
      assert.deepEqual(soh.cells[8], { cell: 8, voltage: 3.37, soh_count: 0 });
      assert.deepEqual(soh.cells[15], { cell: 15, voltage: 3.365, soh_count: 0 });
      assert.equal(soh.cells.some((cell) => "soh_status" in cell), false);
    });

    it("info 1: identity fields", () => {
      const { info } = decoded(fixture("info-us3000c.txt"), "info");
      assert.equal(info.device_address, 1);
      assert.equal(info.manufacturer, "Pylon");
      assert.equal(info.device_name, "US3000C");
      assert.equal(info.board_version, "PHANTOMSAV10R05");
      assert.equal(info.main_soft_version, "B76.28");
      assert.equal(info.soft_version, "V2.3");
      assert.equal(info.boot_version, "V2.4");
      assert.equal(info.release_date, "21-09-14");
      assert.equal(info.barcode, "PPTBH02212345678");
      assert.equal(info.pcba_barcode, "PPTBH02298765432");
      assert.equal(info.specification, "48V/74AH");
      assert.equal(info.cell_number, 15);
      assert.equal(info.max_discharge_current, -100);
      assert.equal(info.max_charge_current, 102);
      assert.equal(info.console_port_rate, 115200);
      assert.equal(info.fields["Soft version"], "V2.3");
    });

    it("stat 1 (B69.25.0.0): cycles, SOH and the counters as printed", () => {
      const { stat } = decoded(fixture("stat-us3000c-b69.txt"), "stat");
      assert.equal(stat.device_address, 1);
      assert.equal(stat.cycles, 686);
      assert.equal(stat.soh, 94);
      assert.equal(stat.counters["Shut Times"], 662);
      assert.equal(stat.counters["Pwr Coulomb"], 13543583);
      assert.equal(stat.counters["HT@0.5C Cnt"], 0);
      assert.equal(stat.counters["ChgCurr 0~0.2C Secs"], 826944);
      assert.equal(stat.counters["DsgOvr Curr Thd2 Sec"], 290);
      assert.equal(Object.keys(stat.counters).length, 120);
    });
  });

  describe("transcript framing", () => {
    const pwr = fixture("pwr-us3000c-b69.txt");
    for (const [name, eol] of [["\\r\\n", "\r\n"], ["\\r\\r\\n", "\r\r\n"], ["\\n\\r", "\n\r"]] as const) {
      it(`reads lines ending in ${name} the same`, () => {
        assert.deepEqual(decodeConsole(pwr.replace(/\n/g, eol)), decodeConsole(pwr));
      });
    }

    it("reads the command after a pylon_debug> prompt, and a paging line inside the output", () => {
      const lines = pwr.split("\n");
      lines[0] = "pylon_debug>pwr";
      lines.splice(10, 0, "Press [Enter] to be continued,other key to exit");
      const transcript = splitTranscript(lines.join("\r\n"));
      assert.equal(transcript.command, "pwr");
      assert.equal(transcript.prompt, "pylon_debug");
      assert.deepEqual(decodeConsole(lines.join("\r\n")), decodeConsole(pwr));
    });

    it("reads the echo after a PYTES> prompt and after a repeated echo", () => {
      const text = fixture("soh-pytes-sohcount.txt").replace("soh 1", "PYTES>\nsoh 2\nsoh 2");
      const transcript = splitTranscript(text);
      assert.deepEqual([transcript.prompt, transcript.command], [undefined, "soh 2"]);
      assert.equal(splitTranscript(fixture("soh-pytes-sohcount.txt").replace("soh 1", "PYTES>soh 1")).prompt, "PYTES");
    });

    it("--command overrides the echo", () => {
      const result = decodeConsole(fixture("bat-us3000c-b69.txt"), "bat 2");
      assert.equal(result.arg, 2);
    });
  });

  describe("partial or garbled transcripts are refused with a typed error", () => {
    it("a transcript cut before its end marker", () => {
      refused(fixture("pwr-23col-pylon-debug-excerpt.txt"), "truncated");
      const bat = fixture("bat-us3000c-b69.txt");
      refused(bat.slice(0, bat.indexOf("7        3341")), "truncated");
    });

    it("a transcript cut before '@'", () => refused("bat 1\r\n", "no_body"));

    it("a refused command", () => refused("bat 20\n@\nInvalid command or fail to excute.\n$$\npylon>", "command_refused"));

    it("an unknown command word", () => refused("log\n@\nsomething\n$$\npylon>", "unsupported_command"));

    it("a table without its header", () => refused("pwr\n@\nCommand completed successfully\n$$\npylon>", "no_table"));

    it("a non-numeric value where a number belongs", () => {
      refused(fixture("pwr-us3000c-b69.txt").replace("50777", "5O777"), "garbled");
    });

    it("every prefix of a real transcript is refused or decoded, never a crash", () => {
      for (const name of ["pwr-us3000c-b69.txt", "bat-dtemp-ctemp.txt", "info-us3000c.txt"]) {
        const text = fixture(name).replace(/\n/g, "\r\n");
        for (let end = 0; end < text.length; end += 7) {
          try {
            decodeConsole(text.slice(0, end));
          } catch (error) {
            assert.ok(error instanceof PylonConsoleError, `${name}[0..${end}]: ${String(error)}`);
          }
        }
      }
    });
  });
});
