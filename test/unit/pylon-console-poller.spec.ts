// The console poll cycle (ConsolePoller) against a fake console answering with the real transcripts
// of test/fixtures/pylon-console/: the printed values end up in the pylon-poll payload (docs/pylon-payloads.md
// "Console mode"), absent packs are left out, failures are errors[] entries, port-down ends the cycle.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { PylonLinkError } from "../../nodes/lib/pylon/link";
import type { ConsoleExchange, ConsoleRequester } from "../../nodes/lib/pylon/link/console-types";
import { ConsolePoller } from "../../nodes/lib/pylon/poll/console-poller";
import type { ConsolePylonPack } from "../../nodes/lib/pylon/poll/console-mapping";
import { PollerPool } from "../../nodes/lib/pylon/poll/poller-pool";
import { PylonPoller, type PylonRequester } from "../../nodes/lib/pylon/poll/poller";

const DIR = path.resolve(__dirname, "../fixtures/pylon-console");
const fixture = (name: string): string => fs.readFileSync(path.join(DIR, name), "utf8");

type Answer = string | Error | ((line: string) => string | Error | Promise<string | Error>);

/** Answers console commands from a table (exact line first, then the command word); records what was asked. */
class FakeConsole implements ConsoleRequester {
  readonly asked: string[] = [];
  constructor(readonly answers: Map<string, Answer>) {}
  async command(line: string): Promise<ConsoleExchange> {
    this.asked.push(line);
    let answer = this.answers.get(line) ?? this.answers.get(line.split(" ")[0]);
    if (typeof answer === "function") answer = await answer(line);
    if (answer === undefined) throw new PylonLinkError("timeout", `no answer to ${line}`);
    if (answer instanceof Error) throw answer;
    return { text: answer, elapsedMs: 1, attempts: 1 };
  }
}

/** One US3000C on firmware B69/B76 (pwr, bat, info, stat, soh of that model). */
function us3000c(): Map<string, Answer> {
  return new Map<string, Answer>([
    ["pwr", fixture("pwr-us3000c-b69.txt")],
    ["bat", fixture("bat-us3000c-b69.txt")],
    ["info", fixture("info-us3000c.txt")],
    ["stat", fixture("stat-us3000c-b69.txt")],
    ["soh", fixture("soh-us3000c.txt")],
  ]);
}

/** The 6-pack stack's pwr; every pack answers with the split-temperature-state bat and the Pytes soh. */
function sixPacks(): Map<string, Answer> {
  return new Map<string, Answer>([
    ["pwr", fixture("pwr-6packs-mostempr-gap.txt")],
    ["bat", fixture("bat-dtemp-ctemp.txt")],
    ["info", fixture("info-us3000c.txt")],
    ["stat", fixture("stat-us3000c-b69.txt")],
    ["soh", fixture("soh-pytes-sohcount.txt")],
  ]);
}

const T0 = 1_790_000_000_000;
const HOUR = 3_600_000;

describe("ConsolePoller", () => {
  it("maps one US3000C's pwr, bat, info, stat and soh to the payload", async () => {
    const bus = new FakeConsole(us3000c());
    const poller = new ConsolePoller(bus, { packs: "auto" });
    const { payload, cycle, portDown } = await poller.poll(T0);
    assert.equal(cycle, 1);
    assert.equal(portDown, undefined);
    assert.deepEqual(bus.asked, ["pwr", "bat 1", "info 1", "stat 1", "soh 1"]);
    assert.deepEqual(payload.errors, []);
    assert.deepEqual(poller.packs, [1], "15 absent rows left out");
    assert.equal(payload.packs.length, 1);
    const pack = payload.packs[0] as ConsolePylonPack;
    // pwr row 1
    assert.equal(pack.address, 1);
    assert.equal(pack.voltage, 50.777);
    assert.equal(pack.current, 0);
    assert.equal(pack.power, 0);
    assert.equal(pack.soc, 5);
    assert.equal(pack.temperature, 41);
    assert.equal(pack.temperature_low, 25);
    assert.equal(pack.temperature_high, 25.9);
    assert.equal(pack.mos_temperature, 28.2);
    assert.equal(pack.base_state, "Idle");
    assert.equal(pack.voltage_state, "Normal");
    assert.equal(pack.mos_temperature_state, "Normal");
    assert.equal(pack.pack_time, "2026-09-23 21:41:50");
    // bat 1: first and last cells, balancing flags, the odd per-cell SOC
    assert.equal(pack.cell_voltages?.length, 15);
    assert.equal(pack.cell_voltages?.[0], 3.493);
    assert.equal(pack.cell_voltages?.[14], 3.369);
    assert.equal(pack.cell_min, 3.34);
    assert.equal(pack.cell_max, 3.495);
    assert.equal(pack.cell_spread_mv, 155);
    assert.deepEqual(pack.cell_balancing, [true, true, true, true, true, false, false, false, false, false, true, true, true, true, true]);
    assert.deepEqual(pack.cell_soc, [100, 100, 100, 5, 5, 5, 5, 5, 5, 5, 5, 5, 92, 5, 5]);
    assert.equal(pack.cell_remaining_ah?.[0], 68.967);
    assert.equal(pack.cell_remaining_ah?.[14], 3.708);
    assert.equal(pack.cell_temperatures?.[0], 25.9);
    assert.equal(pack.cell_temperatures?.[14], 25);
    assert.deepEqual(pack.temperatures?.slice(0, 2), [41, 25.9], "pwr Tempr first, then the cells");
    assert.equal(pack.cell_base_state?.[0], "Idle");
    assert.equal(pack.cell_temperature_state?.[14], "Normal");
    assert.equal(pack.cell_discharge_temperature_state, undefined, "a column this firmware does not print is absent");
    assert.equal(pack.remaining_ah, 3.708, "the emptiest cell");
    assert.equal(pack.total_ah, 74, "Specification 48V/74AH");
    // info 1
    assert.equal(pack.serial, "PPTBH02212345678");
    assert.equal(pack.manufacturer, "Pylon");
    assert.equal(pack.device_name, "US3000C");
    assert.equal(pack.main_soft_version, "B76.28");
    assert.equal(pack.soft_version, "V2.3");
    assert.equal(pack.release_date, "21-09-14");
    assert.equal(pack.pcba_barcode, "PPTBH02298765432");
    assert.equal(pack.cell_count, 15);
    assert.equal(pack.max_charge_current, 102);
    assert.equal(pack.max_discharge_current, -100);
    // stat 1
    assert.equal(pack.cycles, 686);
    assert.equal(pack.soh, 94);
    assert.deepEqual(pack.stat_counters?.find((c) => c.name === "Shut Times"), { name: "Shut Times", value: 662 });
    assert.deepEqual(pack.stat_counters?.[0], { name: "Device address", value: 1 });
    // soh 1 (one percentage per cell)
    assert.equal(pack.cell_soh?.length, 15);
    assert.equal(pack.cell_soh?.[7], 99);
    assert.equal(pack.cell_soh?.[14], 100);
    // stack
    assert.equal(payload.stack.pack_count, 1);
    assert.equal(payload.stack.voltage, 50.777);
    assert.equal(payload.stack.soc, 5);
    assert.equal(payload.stack.cell_spread_mv, 155);
    assert.equal(payload.stack.temperature_max, 41);
    assert.equal(payload.stack.time, T0 / 1000);
  });

  it("reads every present pack of a 6-pack stack; SOH counts from the Pytes layout; pack 3's missing MosTempr stays absent", async () => {
    const bus = new FakeConsole(sixPacks());
    const poller = new ConsolePoller(bus, { packs: "auto" });
    const { payload } = await poller.poll(T0);
    assert.deepEqual(payload.errors, []);
    assert.deepEqual(payload.packs.map((p) => p.address), [1, 2, 3, 4, 5, 6]);
    const packs = payload.packs as ConsolePylonPack[];
    assert.equal(packs[0].voltage, 51.208);
    assert.equal(packs[5].voltage, 51.194);
    assert.equal(packs[5].temperature, 27.8);
    assert.equal(packs[0].mos_temperature, 27.5);
    assert.equal(packs[2].mos_temperature, undefined);
    assert.equal(packs[2].mos_temperature_state, undefined);
    assert.equal(packs[1].cell_currents?.[0], -0.108);
    assert.equal(packs[1].cell_base_state?.[4], "Dischg");
    assert.equal(packs[1].cell_discharge_temperature_state?.[0], "Normal");
    assert.equal(packs[1].cell_charge_temperature_state?.[14], "Normal");
    assert.equal(packs[1].cell_temperature_state, undefined);
    assert.deepEqual(packs[1].cell_balancing, Array(15).fill(false));
    assert.equal(packs[1].cell_remaining_ah?.[0], 73.1);
    assert.deepEqual(packs[3].cell_soh_count, Array(16).fill(0), "00000000 per cell");
    assert.equal(packs[3].cell_soh_status, undefined, "the clone prints no status");
    assert.equal(payload.stack.pack_count, 6);
    assert.equal(payload.stack.temperature_max, 30, "pack 3's Tempr");
    assert.equal(bus.asked.filter((line) => line.startsWith("bat ")).length, 6);
  });

  it("a pack count reads packs 1..N only, and absent rows within N are left out without an error", async () => {
    const three = new FakeConsole(sixPacks());
    const { payload } = await new ConsolePoller(three, { packs: 3 }).poll(T0);
    assert.deepEqual(payload.packs.map((p) => p.address), [1, 2, 3]);
    assert.ok(!three.asked.includes("bat 4"));
    const one = new FakeConsole(us3000c());
    const poller = new ConsolePoller(one, { packs: 4 });
    const result = await poller.poll(T0);
    assert.deepEqual(result.payload.packs.map((p) => p.address), [1]);
    assert.deepEqual(result.payload.errors, []);
    assert.ok(!one.asked.includes("bat 2"), "pack 2 is absent in pwr: not asked");
  });

  it("a refused command is an errors[] entry; the pack stays, from pwr, with the capacity from its SOC", async () => {
    const answers = us3000c();
    answers.set("bat 1", "bat 1\r\n@\r\nUnknown command 'bat'\r\n$$\r\npylon>");
    const { payload } = await new ConsolePoller(new FakeConsole(answers), { packs: "auto" }).poll(T0);
    assert.deepEqual(payload.errors, [{ address: 1, command: "bat 1", error: "command_refused" }]);
    const pack = payload.packs[0] as ConsolePylonPack;
    assert.equal(pack.voltage, 50.777);
    assert.equal(pack.cell_voltages, undefined);
    assert.equal(pack.cell_balancing, undefined);
    assert.equal(pack.cell_min, 3.34, "pwr Vlow");
    assert.equal(pack.cell_max, 3.496, "pwr Vhigh");
    assert.equal(pack.remaining_ah, 3.7, "5 % of 74 Ah");
    assert.equal(payload.stack.pack_count, 1);
  });

  it("a timeout is an errors[] entry and the next cycle works", async () => {
    const answers = us3000c();
    let timeouts = 1;
    answers.set("bat 1", () => (timeouts-- > 0 ? new PylonLinkError("timeout", "no answer") : fixture("bat-us3000c-b69.txt")));
    const poller = new ConsolePoller(new FakeConsole(answers), { packs: "auto" });
    const first = await poller.poll(T0);
    assert.deepEqual(first.payload.errors, [{ address: 1, command: "bat 1", error: "timeout" }]);
    assert.equal(first.payload.packs.length, 1);
    const second = await poller.poll(T0 + 10_000);
    assert.equal(second.cycle, 2);
    assert.deepEqual(second.payload.errors, []);
    assert.equal(second.payload.packs[0].cell_voltages?.[0], 3.493);
  });

  it("a cut-off pwr (the 23-column excerpt without its end) is an error, no pack is reported", async () => {
    const answers = us3000c();
    answers.set("pwr", fixture("pwr-23col-pylon-debug-excerpt.txt"));
    const bus = new FakeConsole(answers);
    const { payload, portDown } = await new ConsolePoller(bus, { packs: "auto" }).poll(T0);
    assert.deepEqual(payload.errors, [{ address: 1, command: "pwr", error: "truncated" }]);
    assert.deepEqual(payload.packs, []);
    assert.equal(portDown, undefined);
    assert.deepEqual(bus.asked, ["pwr"]);
  });

  it("port down at pwr ends the cycle with one entry and is never reused", async () => {
    const answers = us3000c();
    answers.set("pwr", new PylonLinkError("not_connected", "the serial port is not open"));
    const bus = new FakeConsole(answers);
    const poller = new ConsolePoller(bus, { packs: "auto" });
    const result = await poller.poll(T0);
    assert.deepEqual(result.payload.errors, [{ address: 1, command: "pwr", error: "not_connected" }]);
    assert.deepEqual(result.payload.packs, []);
    assert.equal(result.portDown, "the serial port is not open");
    assert.deepEqual(bus.asked, ["pwr"]);
    assert.equal(poller.recent(T0 + 1, 60_000), undefined);
  });

  it("port down in the middle keeps the packs read before it and asks nothing after it", async () => {
    const answers = sixPacks();
    answers.set("bat 3", new PylonLinkError("closed", "the link was closed"));
    const bus = new FakeConsole(answers);
    const result = await new ConsolePoller(bus, { packs: "auto" }).poll(T0);
    assert.deepEqual(result.payload.packs.map((p) => p.address), [1, 2]);
    assert.deepEqual(result.payload.errors, [{ address: 3, command: "bat 3", error: "closed" }]);
    assert.equal(result.portDown, "the link was closed");
    assert.equal(bus.asked[bus.asked.length - 1], "bat 3");
  });

  it("stop() mid-cycle: the next command is not sent", async () => {
    const answers = us3000c();
    const bus = new FakeConsole(answers);
    const poller = new ConsolePoller(bus, { packs: "auto" });
    answers.set("bat 1", () => {
      poller.stop();
      return fixture("bat-us3000c-b69.txt");
    });
    const result = await poller.poll(T0);
    assert.deepEqual(bus.asked, ["pwr", "bat 1"]);
    assert.deepEqual(result.payload.errors, [{ address: 1, command: "info 1", error: "closed" }]);
    assert.deepEqual(result.payload.packs, []);
    assert.equal(result.portDown, "the poller was stopped");
  });

  it("identity (info, stat, soh) at start, then after the refresh interval; repeated in between", async () => {
    const bus = new FakeConsole(us3000c());
    const poller = new ConsolePoller(bus, { packs: "auto", identityIntervalMs: HOUR });
    await poller.poll(T0);
    bus.asked.length = 0;
    const between = await poller.poll(T0 + HOUR - 1);
    assert.deepEqual(bus.asked, ["pwr", "bat 1"]);
    assert.equal(between.payload.packs[0].serial, "PPTBH02212345678");
    assert.equal(between.payload.packs[0].cycles, 686);
    bus.asked.length = 0;
    await poller.poll(T0 + HOUR);
    assert.deepEqual(bus.asked, ["pwr", "bat 1", "info 1", "stat 1", "soh 1"]);
  });

  it("an identity read that timed out is tried again a minute later, not every cycle; reset() reads it at once", async () => {
    const answers = us3000c();
    let silent = true;
    answers.set("stat 1", () => (silent ? new PylonLinkError("timeout", "no answer") : fixture("stat-us3000c-b69.txt")));
    const bus = new FakeConsole(answers);
    const poller = new ConsolePoller(bus, { packs: "auto", identityIntervalMs: HOUR });
    const first = await poller.poll(T0);
    assert.deepEqual(first.payload.errors, [{ address: 1, command: "stat 1", error: "timeout" }]);
    assert.equal(first.payload.packs[0].serial, "PPTBH02212345678", "info is used although stat failed");
    bus.asked.length = 0;
    await poller.poll(T0 + 59_999);
    assert.deepEqual(bus.asked, ["pwr", "bat 1"]);
    silent = false;
    bus.asked.length = 0;
    const retried = await poller.poll(T0 + 60_000);
    assert.deepEqual(bus.asked, ["pwr", "bat 1", "info 1", "stat 1", "soh 1"]);
    assert.equal(retried.payload.packs[0].cycles, 686);
    poller.reset();
    bus.asked.length = 0;
    await poller.poll(T0 + 60_001);
    assert.ok(bus.asked.includes("info 1"));
  });

  it("joins a running cycle, hands a recent result on, and says which options console mode cannot serve", async () => {
    const bus = new FakeConsole(us3000c());
    const poller = new ConsolePoller(bus, { packs: "auto", chargeManagement: true, system: true });
    assert.equal(poller.unavailableOptions.length, 2);
    const a = poller.start(T0);
    assert.equal(poller.running, a);
    assert.equal(poller.start(T0).cycle, a.cycle);
    const result = await a.result;
    assert.equal(poller.running, undefined);
    assert.equal(await poller.poll(T0 + 1000, { maxAgeMs: 5000 }), result);
    assert.deepEqual(new ConsolePoller(bus, { packs: 1 }).unavailableOptions, []);
    assert.throws(() => new ConsolePoller(bus, { packs: 0 }), /packs must be/);
  });
});

describe("PollerPool by port mode", () => {
  it('builds a ConsolePoller for mode "console" and a PylonPoller otherwise', async () => {
    const consoleBus = new FakeConsole(us3000c());
    const pool = new PollerPool(consoleBus, { mode: "console" });
    const poller = pool.acquire({ packs: "auto", identityIntervalMs: HOUR });
    assert.ok(poller instanceof ConsolePoller);
    assert.equal((await poller.poll(T0)).payload.packs[0].address, 1);
    pool.release(poller);
    assert.equal(pool.size, 0);
    const binaryBus: PylonRequester = { request: async () => Promise.reject(new PylonLinkError("timeout", "x")) };
    assert.ok(new PollerPool(binaryBus, { mode: "rs485" }).acquire({ packs: 1 }) instanceof PylonPoller);
    assert.throws(() => new PollerPool(binaryBus, { mode: "console" }).acquire({ packs: 1 }), /console link/);
    assert.throws(() => new PollerPool(consoleBus, { mode: "rs232" }).acquire({ packs: 1 }), /binary link/);
  });
});
