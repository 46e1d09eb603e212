// A pylon-port in mode "console" in the Node-RED runtime, through a TCP gateway to the simulated
// master pack's text console (sim/pylon/console-sim.ts): pylon-poll sends the binary modes' cycle
// message, with the values the console printed and what only the console has (balancing, SOH).
import assert from "node:assert/strict";
import helper from "node-red-node-test-helper";
import pylonPortNode from "../../nodes/pylon-port";
import pylonPollNode from "../../nodes/pylon-poll";
import { PylonConsoleSimulator } from "../../sim/pylon/console-sim";
import { cellBalancing, consoleSoh } from "../../sim/pylon/console-tables";
import { PylonStackSimulator } from "../../sim/pylon/stack";
import type { PylonTcpServer } from "../../sim/pylon/tcp-server";
import { waitFor } from "../support/net";
import { callsOf, collect, type FlowNode, lastStatus } from "../support/flow";

helper.init(require.resolve("node-red"));

function flow(port: number, poll: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: "f1", type: "tab" },
    { id: "p1", type: "pylon-port", name: "console", mode: "console", transport: "tcp", host: "127.0.0.1", port: String(port), gap: "10" },
    { id: "poll1", z: "f1", type: "pylon-poll", port: "p1", packs: "auto", interval: "0", ...poll, wires: [["out1"]] },
    { id: "out1", z: "f1", type: "helper" },
  ];
}

describe("pylon-poll on a console pylon-port (the pylon> shell)", () => {
  let stack: PylonStackSimulator;
  let consoleSim: PylonConsoleSimulator;
  let server: PylonTcpServer;

  afterEach(async () => {
    await helper.unload();
    await consoleSim.close();
    await new Promise<void>((resolve) => helper.stopServer(resolve));
  });

  async function start(firmware: "us3000c" | "us2000" | "pytes", asleep = false): Promise<void> {
    stack = new PylonStackSimulator({ packs: ["US3000", "US2000"], seed: 11, clock: "manual", current: -8.4 });
    stack.advance(900);
    consoleSim = new PylonConsoleSimulator(stack, { firmware, asleep });
    server = await consoleSim.listenTcp({ host: "127.0.0.1", port: 0 });
    await helper.startServer();
  }

  it("a cycle: pwr and bat N of both packs, values as the console printed them, balancing and SOH", async () => {
    await start("us3000c");
    await helper.load([pylonPortNode, pylonPollNode], flow(server.port));
    const out = collect("out1");
    (helper.getNode("poll1") as any).receive({ topic: "now" });
    await waitFor(() => out.length === 1, 10_000, "one cycle message");
    const { topic, payload } = out[0];
    assert.equal(topic, "pylon/console");
    assert.deepEqual(payload.errors, []);
    assert.deepEqual(payload.packs.map((p: any) => p.address), [1, 2], "packs under their console number");
    for (const [i, model] of stack.packs.entries()) {
      const pack = payload.packs[i];
      assert.equal(pack.voltage, model.voltageMv / 1000, `pack ${i + 1} voltage`);
      assert.deepEqual(pack.cell_voltages, model.cellVoltagesMv.map((mv) => mv / 1000), `pack ${i + 1} cells`);
      assert.deepEqual(pack.cell_balancing, model.cellVoltagesMv.map((_, c) => cellBalancing(model, c)), `pack ${i + 1} balancing`);
      assert.equal(pack.cycles, model.cycles);
      assert.equal(pack.soh, consoleSoh(model));
      assert.equal(typeof pack.base_state, "string");
    }
    assert.equal(payload.stack.pack_count, 2);
    assert.match(lastStatus("poll1")?.text ?? "", /^2 packs · \d+ cells · /);
    assert.equal(callsOf("poll1", "error").length, 0);
  });

  it("wakes a console that starts asleep (the wake-up frame through the gateway), then polls", async () => {
    await start("us2000", true);
    await helper.load([pylonPortNode, pylonPollNode], flow(server.port));
    const out = collect("out1");
    (helper.getNode("poll1") as any).receive({});
    await waitFor(() => out.length === 1, 15_000, "one cycle message");
    assert.equal(consoleSim.awake, true, "the simulated console was woken");
    assert.deepEqual(out[0].payload.packs.map((p: any) => p.address), [1, 2]);
    assert.equal(out[0].payload.packs[0].voltage, stack.packs[0].voltageMv / 1000);
  });
});
