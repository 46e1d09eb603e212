// The console simulator's transcripts decode with decodeConsole to the model's own values, in
// every firmware variant, with paging answered and the wake-up frame required when asleep.
import assert from "node:assert/strict";
import { decodeConsole, type ConsoleResult } from "../../nodes/lib/pylon/console";
import { ConsoleShell, SIM_WAKE_FRAME } from "../../sim/pylon/console-shell";
import { CONSOLE_FIRMWARES, type ConsoleFirmwareName } from "../../sim/pylon/console-firmware";
import { PylonStackSimulator } from "../../sim/pylon/stack";
import { cellBalancing, cellTemperature, consoleSoc, consoleSoh } from "../../sim/pylon/console-tables";

interface Console {
  shell: ConsoleShell;
  out: () => string;
  stack: PylonStackSimulator;
  host: { awake: boolean };
}

function consoleOf(firmware: ConsoleFirmwareName, awake = true): Console {
  const stack = new PylonStackSimulator({ packs: ["US3000", "US2000"], seed: 7, clock: "manual", current: -12.3 });
  stack.advance(600);
  let text = "";
  const host = { firmware: CONSOLE_FIRMWARES[firmware], awake, packs: () => stack.packs };
  const shell = new ConsoleShell(host, (t) => (text += t));
  return {
    shell,
    stack,
    host,
    out: () => {
      const t = text;
      text = "";
      return t;
    },
  };
}

/** Runs one command, answering every paging prompt with Enter; returns the transcript up to the prompt. */
function run(c: Console, line: string): { text: string; pages: number } {
  c.out();
  c.shell.input(`${line}\r`);
  let text = c.out();
  let pages = 0;
  while (text.endsWith("to be continued,other key to exit")) {
    pages++;
    c.shell.input("\r");
    text += c.out();
  }
  return { text, pages };
}

function decoded<C extends ConsoleResult["command"]>(text: string, command: C): Extract<ConsoleResult, { command: C }> {
  const result = decodeConsole(text);
  assert.equal(result.command, command);
  return result as Extract<ConsoleResult, { command: C }>;
}

describe("console simulator (sim pylon --console)", () => {
  for (const firmware of ["us3000c", "us2000", "pytes"] as const) {
    describe(firmware, () => {
      it("pwr: each pack's voltage, current, temperature and SOC as the model holds them; absent rows", () => {
        const c = consoleOf(firmware);
        const { text } = run(c, "pwr");
        assert.ok(text.endsWith(CONSOLE_FIRMWARES[firmware].prompt));
        assert.ok(text.includes(`$$${CONSOLE_FIRMWARES[firmware].eol}`), "the firmware's line end");
        const { packs } = decoded(text, "pwr");
        assert.equal(packs.length, 16);
        c.stack.packs.forEach((model, i) => {
          const pack = packs[i];
          assert.deepEqual(
            [pack.pack, pack.voltage, pack.current, pack.temperature, pack.soc, pack.cell_voltage_low, pack.base_state],
            [i + 1, model.voltage, model.current, model.temperatures[0], consoleSoc(model), Math.min(...model.cellVoltages), "Dischg"],
          );
          assert.equal(pack.mos_temperature, CONSOLE_FIRMWARES[firmware].pwrMosColumns ? model.temperatures[0] : undefined);
        });
        assert.equal(packs[2].absent, true);
      });

      it("bat 2: every cell's voltage, temperature, SOC, coulomb and balancing, over a paging prompt", () => {
        const c = consoleOf(firmware);
        const { text, pages } = run(c, "bat 2");
        assert.equal(pages, 1);
        const { cells } = decoded(text, "bat");
        const model = c.stack.packs[1];
        assert.equal(cells.length, model.cellVoltages.length);
        cells.forEach((cell, i) => {
          assert.deepEqual(
            [cell.cell, cell.voltage, cell.current, cell.temperature, cell.soc, cell.coulomb],
            [i, model.cellVoltages[i], model.current, cellTemperature(model, i), consoleSoc(model), model.remainingAh],
          );
          assert.equal(cell.balancing, CONSOLE_FIRMWARES[firmware].batLayout === "soc" ? cellBalancing(model, i) : undefined);
        });
        if (CONSOLE_FIRMWARES[firmware].batLayout === "soc") {
          assert.deepEqual([...new Set(cells.map((cell) => cell.balancing))].sort(), [false, true], "some cells balance, some do not");
        }
        if (CONSOLE_FIRMWARES[firmware].batSplitTemperatureStates) assert.equal(cells[0].charge_temperature_state, "Normal");
      });

      it("soh 1, info 1 and stat 1 decode to the model's cells, identity and cycles", () => {
        const c = consoleOf(firmware);
        const model = c.stack.packs[0];
        const { soh } = decoded(run(c, "soh 1").text, "soh");
        assert.equal(soh.cells.length, model.cellVoltages.length);
        if (CONSOLE_FIRMWARES[firmware].sohLayout === "percent") assert.equal(soh.cells[3].soh, consoleSoh(model));
        else assert.deepEqual([soh.pack, soh.cells[3].voltage, soh.cells[3].soh_count], [1, model.cellVoltages[3], 0]);
        const { info } = decoded(run(c, "info 1").text, "info");
        assert.deepEqual([info.device_address, info.barcode, info.cell_number, info.console_port_rate], [1, model.serial, 15, 115200]);
        const { stat } = decoded(run(c, "stat 1").text, "stat");
        assert.deepEqual([stat.device_address, stat.cycles], [1, model.cycles]);
        assert.equal(stat.soh, CONSOLE_FIRMWARES[firmware].statSoh ? consoleSoh(model) : undefined);
      });
    });
  }

  it("answers other commands with Unknown command, which the parser refuses", () => {
    const c = consoleOf("us3000c");
    const { text } = run(c, "pwrsys");
    assert.equal(text, "pwrsys\r\nUnknown command 'pwrsys'\r\npylon>");
  });

  it("asleep (--wake): ignores text until the wake-up frame, then prompts on CR", () => {
    const c = consoleOf("us2000", false);
    c.shell.input("\rpwr\r");
    assert.equal(c.out(), "");
    c.shell.input(SIM_WAKE_FRAME);
    assert.equal(c.host.awake, true);
    c.shell.input("\r\n");
    assert.equal(c.out(), "\n\rpylon>\n\rpylon>");
  });
});
