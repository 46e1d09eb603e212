// pylon-port + pylon-poll in the Node-RED runtime, over @serialport/binding-mock with the simulated
// stack answering behind it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MockBinding } from "@serialport/binding-mock";
import helper from "node-red-node-test-helper";
import pylonPortNode from "../../nodes/pylon-port";
import pylonPollNode from "../../nodes/pylon-poll";
import { PylonStackSimulator } from "../../sim/pylon/stack";
import { corrupt, FakeGateway, MockBattery } from "../unit/pylon-link-helpers";
import { waitFor } from "../support/net";
import { callsOf, collect, FlowNode, lastStatus, testFlow } from "../support/flow";
import { FIXTURES_DIR } from "../support/vectors";

helper.init(require.resolve("node-red"));

function flow(port: Record<string, unknown>, poll: Record<string, unknown> = {}): FlowNode[] {
  const portNode = { id: "p1", type: "pylon-port", transport: "serial", path: "/dev/ttyMOCK0", gap: "10", timeout: "100", retries: "0", ...port };
  return testFlow([portNode], { id: "poll", type: "pylon-poll", port: "p1", packs: "auto", interval: "0", ...poll });
}

describe("pylon-poll node", () => {
  let sim: PylonStackSimulator;
  let battery: MockBattery;

  beforeEach(async () => {
    sim = new PylonStackSimulator({ packs: ["US2000", "US3000", "US2000"], clock: "manual", seed: 3 });
    battery = new MockBattery("/dev/ttyMOCK0");
    battery.respond = (request) => sim.reply(request)?.frame;
    helper.settings({ pylonPortSerialBinding: battery.binding } as any);
    await helper.startServer();
  });

  afterEach(async () => {
    await helper.unload();
    battery.stop();
    MockBinding.reset();
    helper.settings({}); // later spec files must get the real serial binding again
    await sim.close();
    await new Promise<void>((resolve) => helper.stopServer(resolve));
  });

  it("discovers the stack and emits one docs/pylon-payloads.md message per cycle, keeping the input's properties", async () => {
    await helper.load([pylonPortNode, pylonPollNode], flow({}));
    const out = collect("out");
    (helper.getNode("poll") as any).receive({ topic: "ignored", correlation: 42 });
    await waitFor(() => out.length === 1, 5000);
    const msg = out[0];
    assert.equal(msg.topic, "pylon/ttyMOCK0");
    assert.equal(msg.correlation, 42);
    assert.deepEqual(msg.payload.errors, []);
    assert.deepEqual(msg.payload.packs.map((p: any) => p.address), [2, 3, 4]);
    assert.deepEqual(msg.payload.packs[1].cell_voltages, sim.pack(3).cellVoltages);
    assert.equal(msg.payload.packs[1].total_ah, sim.pack(3).totalAh);
    assert.equal(msg.payload.stack.pack_count, 3);
    assert.match(lastStatus("poll").text, /^3 packs · 45 cells · \d+\.\d s$/);
    assert.equal(battery.setCalls, 0, "never calls set() (fails on PTYs)");
  });

  it("polls on its interval and can add one message per pack", async () => {
    await helper.load([pylonPortNode, pylonPollNode], flow({ name: "rack" }, { interval: "1", packs: "2", perPack: true }));
    const out = collect("out");
    await waitFor(() => out.length >= 6, 5000, "two cycles");
    assert.deepEqual(
      out.slice(0, 3).map((m) => m.topic),
      ["pylon/rack", "pylon/rack/2", "pylon/rack/3"],
    );
    assert.equal(out[1].payload.address, 2);
    assert.deepEqual(out[1].payload.cell_voltages, out[0].payload.packs[0].cell_voltages);
  });

  it("pylon-poll nodes with the same settings on one port share the bus: one cycle serves them all", async () => {
    await helper.load([pylonPortNode, pylonPollNode], [
      ...flow({}, { interval: "1", packs: "2" }),
      { id: "poll2", z: "f1", type: "pylon-poll", port: "p1", packs: "2", interval: "1", wires: [["out2"]] },
      { id: "out2", z: "f1", type: "helper" },
    ]);
    const out = collect("out");
    const out2 = collect("out2");
    await waitFor(() => out.length >= 2 && out2.length >= 2, 10000, "two cycles on each node");
    const analogRequests = battery.writes.filter((w) => w.text.slice(7, 9) === "42").length;
    const cycles = analogRequests / 2;
    const messages = out.length + out2.length;
    assert.ok(cycles <= Math.max(out.length, out2.length) + 1, `${cycles} cycles for ${messages} messages`);
    assert.equal((helper.getNode("p1") as any).pollers.size, 1);
    // Same data, separate objects: one flow changing its message cannot touch the other's.
    out[0].payload.packs[0].soc = -1;
    assert.notEqual(out2.find((m) => m.payload.stack.time === out[0].payload.stack.time)?.payload.packs[0].soc, -1);
  });

  it("a silent pack goes into errors; the status counts it", async () => {
    await helper.load([pylonPortNode, pylonPollNode], flow({}, { packs: "3" }));
    const out = collect("out");
    sim.setFaults(3, { silent: true });
    (helper.getNode("poll") as any).receive({});
    await waitFor(() => out.length === 1, 5000);
    assert.deepEqual(out[0].payload.packs.map((p: any) => p.address), [2, 4]);
    assert.deepEqual(out[0].payload.errors, [{ address: 3, command: "0x42", error: "timeout" }]);
    assert.match(lastStatus("poll").text, /^2 packs · 30 cells · .* · 1 error$/);
    assert.equal(lastStatus("poll").fill, "yellow");
  });

  it("a cycle where no pack answers still sends its message and raises a catchable error", async () => {
    await helper.load([pylonPortNode, pylonPollNode], flow({}, { packs: "1" }));
    const out = collect("out");
    const caught = collect("caught");
    sim.setFaults(2, { silent: true });
    (helper.getNode("poll") as any).receive({});
    await waitFor(() => out.length === 1 && caught.length === 1, 5000);
    assert.deepEqual(out[0].payload.packs, []);
    assert.match(caught[0].error.message, /no pack answered on \/dev\/ttyMOCK0 @ 115200: 0x42 to 2: timeout/);
    assert.equal(lastStatus("poll").fill, "red");
  });

  it("with system values: reads 0x60-0x63 at the master into payload.system, never 0x64; off by default", async () => {
    await helper.load([pylonPortNode, pylonPollNode], [
      ...flow({}, { packs: "3", system: true }),
      { id: "plain", z: "f1", type: "pylon-poll", port: "p1", packs: "3", interval: "0", wires: [["plainOut"]] },
      { id: "plainOut", z: "f1", type: "helper" },
    ]);
    const out = collect("out");
    (helper.getNode("poll") as any).receive({});
    await waitFor(() => out.length === 1, 5000);
    const { system, packs, errors } = out[0].payload;
    assert.deepEqual(errors, []);
    assert.equal(system.address, 2);
    assert.deepEqual(system.basic_info, {
      device_name: sim.packs[0].layout.deviceName,
      manufacturer: "Pylon",
      software_version: sim.packs[0].layout.softwareVersion.join("."),
      pack_count: 3,
      barcodes: sim.packs.map((p) => p.serial),
    });
    const cells = packs.flatMap((p: any) => p.cell_voltages);
    assert.equal(system.analog.cell_max, Math.max(...cells));
    assert.equal(system.analog.cell_min, Math.min(...cells));
    const holder = packs.find((p: any) => p.cell_voltages.includes(system.analog.cell_max));
    assert.equal(system.analog.cell_max_address, holder.address, "the location names the pack");
    assert.equal(system.analog.voltage, Math.round((packs.reduce((a: number, p: any) => a + p.voltage, 0) / 3) * 1000) / 1000);
    assert.equal(system.analog.current, out[0].payload.stack.current);
    assert.equal(system.analog.soc, Math.round(out[0].payload.stack.soc));
    assert.equal(system.alarms.system_fault_protection, false);
    assert.equal(system.charge_management.charge_enable, true);
    assert.equal(system.charge_management.charge_voltage_limit, 53.25);
    const sent = battery.writes.map((w) => w.text.slice(1, 9));
    for (const cid2 of ["60", "61", "62", "63"]) assert.ok(sent.includes(`200246${cid2}`), `0x${cid2} sent to ADR 2`);
    assert.ok(!sent.some((t) => t.slice(6, 8) === "64"), "0x64 is never sent");
    assert.ok(sent.filter((t) => /^....46(6[0-3])$/.test(t)).every((t) => t.slice(2, 4) === "02"), "only the master is asked");

    const plain = collect("plainOut");
    const before = battery.writes.length;
    (helper.getNode("plain") as any).receive({});
    await waitFor(() => plain.length === 1, 5000);
    assert.equal("system" in plain[0].payload, false, "no system key without the option");
    assert.ok(!battery.writes.slice(before).some((w) => /^6[0-4]$/.test(w.text.slice(7, 9))), "no system request without the option");
  });

  it("with protocol seplos: a Seplos V2 BMS at ADR 0 decodes in its units, without the commands it refuses", async () => {
    const captures: any[] = JSON.parse(readFileSync(join(FIXTURES_DIR, "real-captures", "pylon-captures.json"), "utf8"));
    const seplos = ["seplos-0x42-with-log", "seplos-0x44-alarm", "seplos-0x47-long", "seplos-0x51-sp15", "seplos-0x4f-empty"].map((id) => captures.find((c) => c.id === id));
    battery.respond = (request) => seplos.find((c) => c.request === request)?.reply;
    await helper.load([pylonPortNode, pylonPollNode], flow({ protocol: "seplos" }, { packs: "auto" }));
    const out = collect("out");
    (helper.getNode("poll") as any).receive({});
    await waitFor(() => out.length === 1, 5000);
    const { packs, errors } = out[0].payload;
    assert.deepEqual(errors, []);
    assert.equal(packs.length, 1, "discovery stops at the silent ADR 1");
    const pack = packs[0];
    assert.equal(pack.address, 0);
    assert.deepEqual([pack.voltage, pack.current, pack.remaining_ah, pack.total_ah, pack.soc, pack.soh, pack.cycles], [52.8, -6.54, 133.86, 170, 78.7, 100, 70]);
    assert.equal(pack.device_name, "1101-SP15");
    assert.equal(pack.alarms.charge_mosfet, true);
    assert.equal(pack.system_parameters.cell_high_voltage, 3.65);
    assert.equal(out[0].payload.stack.voltage, 52.8);
    assert.ok(!battery.writes.some((w) => /^9[236]$/.test(w.text.slice(7, 9))), "no 0x92/0x93/0x96, which Seplos refuses");
  });

  describe("one message per cycle", () => {
    it("cycles that outlast the interval: each node sends each cycle once, skips the ticks meanwhile and warns once", async () => {
      battery.replyDelayMs = 400; // the first cycle (0x42, 0x44 and five identity reads) takes about 3 s
      await helper.load([pylonPortNode, pylonPollNode], [
        ...flow({ timeout: "1000" }, { interval: "1", packs: "1" }),
        { id: "poll2", z: "f1", type: "pylon-poll", port: "p1", packs: "1", interval: "1", wires: [["out2"]] },
        { id: "out2", z: "f1", type: "helper" },
      ]);
      const out = collect("out");
      const out2 = collect("out2");
      await waitFor(() => out.length >= 2 && out2.length >= 2, 14000, "two cycles on each node");
      const cycles = battery.writes.filter((w) => w.text.slice(7, 9) === "42").length;
      for (const [id, got] of [["poll", out], ["poll2", out2]] as const) {
        assert.ok(got.length <= cycles, `${id}: ${got.length} messages for ${cycles} cycles`);
        const warnings = callsOf(id, "warn").map(([text]) => text);
        assert.equal(warnings.length, 1, warnings.join("\n"));
        assert.match(warnings[0], /^a poll cycle is still running at the next tick of the 1 s interval: ticks are skipped/);
        assert.match(lastStatus(id).text, /^1 pack · 15 cells · \d+\.\d s · \d+ skipped$/);
      }
      assert.equal(callsOf("poll", "error").length, 0);
    });

    it("an input while the cycle it started runs is skipped: no second message, one catchable error with that input", async () => {
      battery.replyDelayMs = 100;
      await helper.load([pylonPortNode, pylonPollNode], flow({ timeout: "1000" }, { packs: "1" }));
      const out = collect("out");
      const caught = collect("caught");
      const node = helper.getNode("poll") as any;
      node.receive({ n: 1 });
      node.receive({ n: 2 });
      await waitFor(() => caught.length === 1, 5000, "the skipped input at the Catch node");
      assert.equal(caught[0].n, 2, "the Catch node gets the skipped message (an HTTP request can be answered)");
      assert.equal(caught[0].error.message, "skipped: this node's running poll cycle already answers an earlier message; send it again once that cycle's message is out");
      await waitFor(() => out.length === 1, 5000);
      assert.equal(out[0].n, 1, "the cycle answers the first message");
      await waitFor(() => / · 1 skipped$/.test(lastStatus("poll")?.text ?? ""), 5000, "the skip in the status");
      node.receive({ n: 3 });
      await waitFor(() => out.length === 2, 5000);
      assert.equal(out[1].n, 3, "the next message gets the next cycle");
      assert.equal(battery.writes.filter((w) => w.text.slice(7, 9) === "42").length, 2, "two cycles for two messages");
    });
  });

  it("junk and a corrupt frame before every reply: every cycle completes, one error for the burst, the count in the status", async () => {
    battery.respond = (request) => {
      const reply = sim.reply(request)?.frame;
      return reply && `\x00\xffnoise~AB${corrupt(reply)}${reply}`;
    };
    await helper.load([pylonPortNode, pylonPollNode], flow({}, { packs: "3" }));
    const out = collect("out");
    const node = helper.getNode("poll") as any;
    for (let cycle = 1; cycle <= 4; cycle++) {
      node.receive({});
      await waitFor(() => out.length === cycle, 5000, `cycle ${cycle}`);
      assert.deepEqual(out[cycle - 1].payload.packs.map((p: any) => p.address), [2, 3, 4], `cycle ${cycle}`);
      assert.deepEqual(out[cycle - 1].payload.errors, [], `cycle ${cycle}`);
    }
    const link = (helper.getNode("p1") as any).link;
    assert.equal(link.stats.badFrames, 2 * link.stats.requests, "a cut-off and a corrupt frame per request");
    const errors = callsOf("poll", "error").map(([text]) => text);
    assert.equal(errors.length, 1, errors.join("\n"));
    assert.match(errors[0], /^\d+ bad frames from \/dev\/ttyMOCK0 @ 115200 in one poll cycle, the first \(framing\): "~AB"; more are only counted/);
    assert.match(lastStatus("poll").text, new RegExp(`^3 packs · 45 cells · \\d+\\.\\d s · ${link.stats.badFrames} bad frames$`));
  });

  it("a flow saved with timings below the minimums runs with the minimums and says so once per node", async () => {
    await helper.load([pylonPortNode, pylonPollNode], flow({ gap: "0", timeout: "50" }, { interval: "0.001", identityMinutes: "0", packs: "1" }));
    const out = collect("out");
    await waitFor(() => out.length >= 1, 5000, "the first cycle");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(out.length, 1, "no second cycle within 0.3 s: the interval is 1 s, not 1 ms");
    const link = (helper.getNode("p1") as any).link;
    assert.deepEqual([link.timeoutMs, link.gapMs], [100, 10]);
    assert.deepEqual(callsOf("poll", "warn").map(([text]) => text), [
      'interval (s) must be at least 1, got "0.001": using 1; identity refresh (min) must be at least 1, got "0": using 1 (raise it in the editor to silence this warning)',
    ]);
    assert.deepEqual(callsOf("p1", "warn").map(([text]) => text), [
      'reply timeout (ms) must be at least 100, got "50": using 100; gap between requests (ms) must be at least 10, got "0": using 10 (raise it in the editor to silence this warning)',
    ]);
  });

  describe("with the device missing", () => {
    const WHERE = "/dev/ttyMOCK0 @ 115200";
    const DOWN = "/dev/ttyMOCK0 not found (unplugged?), retrying every 0.1 s";

    it("shows one steady status and raises one readable error over many cycles, then polls once the device appears", async () => {
      battery.unplug();
      await helper.load([pylonPortNode, pylonPollNode], flow({ reconnect: "0.1" }, { interval: "1" }));
      const out = collect("out");
      const caught = collect("caught");
      const link = (helper.getNode("p1") as any).link;
      await waitFor(() => battery.openAttempts >= 6 && out.length >= 3, 10000, "six reopen attempts and three poll cycles");

      assert.deepEqual(
        callsOf("poll", "status").map(([s]) => s.text),
        [`connecting to ${WHERE}`, DOWN],
        "no flicker between the port's state and per-cycle errors",
      );
      assert.deepEqual(lastStatus("poll"), { fill: "red", shape: "ring", text: DOWN });
      const errors = callsOf("poll", "error");
      assert.equal(errors.length, 1, "one error, not one per cycle or per reopen");
      assert.equal(errors[0][0], DOWN, "text, readable in the debug sidebar (not an Error object)");
      assert.deepEqual(errors[0][1], { topic: "pylon/ttyMOCK0", payload: DOWN });
      await waitFor(() => caught.length === 1, 5000, "the Catch node");
      assert.equal(caught[0].error.message, DOWN);
      assert.equal(caught[0].error.source.id, "poll");
      // Each interval cycle still sends its message, saying the port is not connected.
      for (const msg of out) {
        assert.equal(msg.topic, "pylon/ttyMOCK0");
        assert.deepEqual(msg.payload.packs, []);
        assert.deepEqual(msg.payload.errors, [{ address: 2, command: "0x4F", error: "not_connected" }]);
      }
      assert.equal(caught.length, 1, "no error per cycle");
      assert.equal(link.stats.replies, 0);

      battery.plug();
      await waitFor(() => out.some((m) => m.payload.packs.length > 0), 10000, "a cycle once the device is there");
      const data = out.find((m) => m.payload.packs.length > 0);
      assert.deepEqual(data.payload.packs.map((p: any) => p.address), [2, 3, 4]);
      assert.deepEqual(data.payload.errors, []);
      const texts = callsOf("poll", "status").map(([s]) => s.text);
      assert.deepEqual(texts.slice(0, 3), [`connecting to ${WHERE}`, DOWN, `connected to ${WHERE}`]);
      await waitFor(() => /^3 packs · 45 cells/.test(lastStatus("poll").text), 5000, "the cycle's status");
      assert.equal(callsOf("poll", "error").length, 1, "the recovery raises no error");
      const logs = callsOf("poll", "log").map(([text]) => text);
      assert.equal(logs.length, 1);
      assert.match(logs[0], /^\/dev\/ttyMOCK0 @ 115200 is open again \(was down \d+ s\)$/);
    });

    it("a message arriving while the port is down is answered with not_connected and a catchable error", async () => {
      battery.unplug();
      await helper.load([pylonPortNode, pylonPollNode], flow({ reconnect: "0.1" }, { packs: "2" }));
      const out = collect("out");
      const caught = collect("caught");
      await waitFor(() => lastStatus("poll")?.text === DOWN, 5000, "the port-down status");
      await waitFor(() => caught.length === 1, 5000, "the port-down error");
      (helper.getNode("poll") as any).receive({ topic: "now", correlation: 7 });
      await waitFor(() => out.length === 1 && caught.length === 2, 5000);
      assert.deepEqual(out[0].payload.packs, []);
      assert.deepEqual(out[0].payload.errors, [{ address: 2, command: "0x42", error: "not_connected" }]);
      assert.equal(caught[1].error.message, `cannot poll: ${DOWN}`);
      assert.equal(caught[1].correlation, 7, "the error carries the input message");
      assert.equal(lastStatus("poll").text, DOWN, "the status still names the port's problem");
    });
  });

  describe("with a gateway that drops every connection at once", () => {
    it("one error and no 'open again' until a connection lasts, one steady status meanwhile", async () => {
      const gateway = new FakeGateway();
      await gateway.start();
      gateway.dropOnConnect = true;
      gateway.respond = (request) => sim.reply(request)?.frame;
      try {
        const port = { transport: "tcp", host: "127.0.0.1", port: String(gateway.port), reconnect: "0.1" };
        await helper.load([pylonPortNode, pylonPollNode], flow(port, { interval: "1" }));
        const out = collect("out");
        const caught = collect("caught");
        await waitFor(() => gateway.connections >= 6 && out.length >= 3, 10000, "six connections and three poll cycles");
        const where = `127.0.0.1:${gateway.port}`;
        const texts = callsOf("poll", "status").map(([s]) => s.text);
        assert.equal(texts.length, 3, texts.join("\n"));
        assert.deepEqual(texts.slice(0, 2), [`connecting to ${where}`, `connected to ${where}`]);
        assert.ok(texts[2].startsWith(`gateway ${where} lost: `) && texts[2].endsWith(", retrying every 0.1 s"), texts[2]);
        assert.deepEqual(callsOf("poll", "error").map(([text]) => text), [texts[2]], "one error for the whole loop");
        assert.deepEqual(callsOf("poll", "log"), [], "no 'open again' for connections that did not last");
        assert.equal(caught.length, 1);
        assert.ok(out.every((m) => m.payload.packs.length === 0));

        gateway.dropOnConnect = false;
        await waitFor(() => out.some((m) => m.payload.packs.length > 0), 10000, "data once a connection lasts");
        assert.equal(callsOf("poll", "error").length, 1, "the recovery raises no error");
        const logs = callsOf("poll", "log").map(([text]) => text);
        assert.equal(logs.length, 1, logs.join("\n"));
        assert.match(logs[0], /^127\.0\.0\.1:\d+ is open again \(was down \d+ s\)$/);
      } finally {
        await helper.unload();
        await gateway.stop();
      }
    });
  });

  it("lists serial ports for the editor, degrading to an error text", async () => {
    await helper.load([pylonPortNode, pylonPollNode], flow({}));
    const res = await (helper.request() as any).get("/pylon-port/ports").expect(200);
    assert.ok(Array.isArray(res.body.ports));
    assert.ok(res.body.error === undefined || typeof res.body.error === "string");
  });

  it("an invalid port configuration gives a red status, not a crash", async () => {
    await helper.load([pylonPortNode, pylonPollNode], flow({ path: "", transport: "serial" }));
    assert.match((helper.getNode("p1") as any).configError, /serial port path is required/);
    assert.deepEqual(lastStatus("poll"), { fill: "red", shape: "ring", text: "port config invalid" });
  });
});
