// A pylon-port in mode "passive" in the Node-RED runtime, fed a real RS485 bus capture (an inverter
// polling three packs, test/fixtures/pylon-bus/esp32-probe-sample-data.h) over
// @serialport/binding-mock and over a TCP gateway: pylon-poll sends one message per decoded reply,
// with the request that drew it, answers an input with the latest values, and not one byte reaches
// the bus.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import helper from "node-red-node-test-helper";
import pylonPortNode from "../../nodes/pylon-port";
import pylonPollNode from "../../nodes/pylon-poll";
import { FakeGateway, MockBattery } from "../unit/pylon-link-helpers";
import { waitFor } from "../support/net";
import { startWithBattery, stopWithBattery } from "../support/mock-battery-runtime";
import { callsOf, collect, type FlowNode, lastStatus } from "../support/flow";
import { FIXTURES_DIR } from "../support/vectors";
import { startBusSim } from "../../sim/pylon/bus-sim";
import { PylonStackSimulator } from "../../sim/pylon/stack";

helper.init(require.resolve("node-red"));

/** The capture as the bus carried it: the published strings with their CR restored. */
const BUS = [...readFileSync(join(FIXTURES_DIR, "pylon-bus", "esp32-probe-sample-data.h"), "utf8").matchAll(/"(~[0-9A-F]+)"/g)]
  .map((m) => `${m[1]}\r`)
  .join("");

/** Replies the capture holds that this package decodes: 24 cycles of 0x44 and 0x42 to 3 packs, and one more 0x44. */
const DECODED_REPLIES = 24 * 6 + 1;

function flow(port: Record<string, unknown>, poll: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: "f1", type: "tab" },
    { id: "p1", type: "pylon-port", name: "bus", mode: "passive", ...port },
    { id: "poll1", z: "f1", type: "pylon-poll", port: "p1", packs: "auto", interval: "10", ...poll, wires: [["out1"]] },
    { id: "out1", z: "f1", type: "helper" },
  ];
}

/** Sends the capture in uneven chunks, as a serial driver delivers it. */
function feed(send: (chunk: string) => void): void {
  for (let pos = 0, size = 7; pos < BUS.length; pos += size, size = 7 + ((size * 13) % 61)) send(BUS.slice(pos, pos + size));
}

describe("pylon-poll on a passive pylon-port (listening to an inverter's polls)", () => {
  let dir: string;
  let device: string;
  let battery: MockBattery;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "pylon-passive-"));
    device = join(dir, "ttyMOCK9");
    writeFileSync(device, "");
    battery = new MockBattery(device);
    battery.respond = () => undefined; // the packs answer the inverter, never us
    await startWithBattery(battery);
  });

  afterEach(async () => {
    await stopWithBattery(battery);
    rmSync(dir, { recursive: true, force: true });
  });

  it("serial: one message per decoded reply, first and last values right, nothing written to the bus", async () => {
    await helper.load([pylonPortNode, pylonPollNode], flow({ transport: "serial", path: device }));
    const port = helper.getNode("p1") as any;
    assert.ok(port.link, port.configError);
    await waitFor(() => battery.port !== undefined, 4000, "the port opens");
    assert.equal(battery.port?.openOptions.baudRate, 9600, "an inverter's polls run at 9600 by default");
    const out = collect("out1");
    feed((chunk) => battery.send(chunk));
    await waitFor(() => out.length === DECODED_REPLIES, 8000, `${DECODED_REPLIES} messages`);

    const analog = out.filter((m) => m.payload.request.command === "0x42");
    assert.equal(analog.length, 72);
    const first = analog[0].payload;
    assert.equal(analog[0].topic, "pylon/bus");
    assert.deepEqual(first.request, { command: "0x42", address: 2, raw: "~25024642E00202FD2E\r" });
    assert.equal(first.packs.length, 1);
    assert.equal(first.packs[0].address, 2);
    assert.equal(first.packs[0].voltage, 53.11);
    assert.equal(first.packs[0].current, -35);
    assert.equal(first.packs[0].cell_voltages.length, 16);
    assert.equal(first.stack.voltage, 53.11);
    assert.deepEqual(first.errors, []);
    const last = analog[analog.length - 1].payload.packs[0];
    assert.deepEqual([last.address, last.voltage, last.current, last.soc], [4, 53.027, -61.3, 57.8]);
    const final = out[out.length - 1].payload;
    assert.deepEqual([final.request.command, final.request.address], ["0x44", 2]);
    assert.ok(final.packs[0].alarms, "the last reply is pack 2's alarms");

    assert.deepEqual(battery.writes, [], "not one byte written");
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the status is redrawn at most once a second
    assert.match(lastStatus("poll1")?.text ?? "", /^listening · 3 packs · 145 replies · \d\d:\d\d:\d\d$/);
    assert.equal(callsOf("poll1", "error").length, 0);
  });

  it("an input message gets the latest values of every pack, merged over 0x42 and 0x44", async () => {
    await helper.load([pylonPortNode, pylonPollNode], flow({ transport: "serial", path: device }));
    await waitFor(() => battery.port !== undefined, 4000, "the port opens");
    const out = collect("out1");
    feed((chunk) => battery.send(chunk));
    await waitFor(() => out.length === DECODED_REPLIES, 8000, "every reply");
    (helper.getNode("poll1") as any).receive({ topic: "now", extra: 1 });
    await waitFor(() => out.length === DECODED_REPLIES + 1, 4000, "the snapshot");
    const snapshot = out[out.length - 1];
    assert.equal(snapshot.extra, 1, "the input's properties are kept");
    assert.equal(snapshot.topic, "pylon/bus");
    assert.equal(snapshot.payload.request, undefined);
    assert.deepEqual(snapshot.payload.packs.map((p: any) => p.address), [2, 3, 4]);
    assert.deepEqual(Object.keys(snapshot.payload.updated), ["2", "3", "4"]);
    const pack4 = snapshot.payload.packs[2];
    assert.deepEqual([pack4.voltage, pack4.current, pack4.soc], [53.027, -61.3, 57.8]);
    assert.ok(pack4.alarms, "0x44's alarms merged with 0x42's values");
    assert.equal(snapshot.payload.stack.pack_count, 3);
    assert.deepEqual(battery.writes, []);
  });

  it("a second real capture (an Infinisolar inverter: 0x4F with VER 0x00, then 0x61 and 0x63): three messages, nothing written", async () => {
    const infinisolar = [...readFileSync(join(FIXTURES_DIR, "pylon-bus", "powerforum-12901-infinisolar.log"), "utf8").matchAll(/(~[0-9A-F]+)/g)]
      .map((m) => `${m[1]}\r`)
      .join("");
    await helper.load([pylonPortNode, pylonPollNode], flow({ transport: "serial", path: device }));
    await waitFor(() => battery.port !== undefined, 4000, "the port opens");
    const out = collect("out1");
    for (let pos = 0; pos < infinisolar.length; pos += 5) battery.send(infinisolar.slice(pos, pos + 5));
    await waitFor(() => out.length === 3, 8000, "three messages");
    assert.deepEqual(out.map((m) => m.payload.request.command), ["0x4F", "0x61", "0x63"]);
    assert.deepEqual(out[0].payload.packs, [{ address: 2, protocol_version: "2.0" }], "first reply: protocol 2.0 from ADR 2");
    assert.equal(out[0].payload.request.raw, "~0002464F0000FD9A\r", "asked with VER 0x00");
    const analog = out[1].payload.system.analog;
    assert.deepEqual([analog.voltage, analog.current, analog.soc], [53.197, -1.14, 81]);
    const limits = out[2].payload.system.charge_management;
    assert.deepEqual([limits.charge_voltage_limit, limits.discharge_voltage_limit, limits.charge_current_limit], [57.6, 44.8, 95], "last reply");
    assert.deepEqual(battery.writes, [], "not one byte written");
  });

  it("two passive pylon-ports on one device share its link, whatever their hidden timeout, gap and retries", async () => {
    const nodes = flow({ transport: "serial", path: device, timeout: "1000", gap: "50", retries: "1" });
    nodes.push({ id: "p2", type: "pylon-port", mode: "passive", transport: "serial", path: device, timeout: "3000", gap: "250", retries: "3" });
    await helper.load([pylonPortNode, pylonPollNode], nodes);
    const [p1, p2] = [helper.getNode("p1") as any, helper.getNode("p2") as any];
    assert.ok(p2.link, p2.configError);
    assert.equal(p2.link, p1.link);
  });

  it("a polling pylon-port on the device a passive one listens on is refused, naming it", async () => {
    const nodes = flow({ transport: "serial", path: device });
    nodes.push({ id: "p2", type: "pylon-port", mode: "rs485", transport: "serial", path: device, baud: "9600" });
    nodes.push({ id: "poll2", z: "f1", type: "pylon-poll", port: "p2", packs: "1", interval: "0", wires: [[]] });
    await helper.load([pylonPortNode, pylonPollNode], nodes);
    const refused = helper.getNode("p2") as any;
    assert.equal(refused.link, undefined);
    assert.match(refused.configError, /in use by pylon-port "bus" \(id p1\) with other settings \(use listening \(pylontech\) there, polling here/);
    assert.deepEqual(battery.writes, []);
  });

  describe("through a TCP gateway", () => {
    let gateway: FakeGateway;

    beforeEach(async () => {
      gateway = new FakeGateway();
      gateway.respond = () => undefined;
      await gateway.start();
    });

    afterEach(() => gateway.stop());

    it("decodes the capture the gateway passes on and sends the gateway nothing", async () => {
      await helper.load([pylonPortNode, pylonPollNode], flow({ transport: "tcp", host: "127.0.0.1", port: String(gateway.port) }));
      await waitFor(() => gateway.sockets.size === 1, 4000, "the gateway connection");
      const out = collect("out1");
      const [socket] = gateway.sockets;
      let received = 0;
      socket.on("data", (chunk: Buffer) => (received += chunk.length));
      feed((chunk) => socket.write(Buffer.from(chunk, "latin1")));
      await waitFor(() => out.length === DECODED_REPLIES, 8000, `${DECODED_REPLIES} messages`);
      const analog = out.filter((m) => m.payload.request.command === "0x42");
      assert.equal(analog[0].payload.packs[0].voltage, 53.11);
      assert.equal(analog[analog.length - 1].payload.packs[0].current, -61.3);
      assert.equal(received, 0, "the gateway received 0 bytes");
      assert.deepEqual(gateway.writes, []);
    });
  });

  describe("on the simulated inverter's bus tap (sim pylon --master)", () => {
    it("sends each pack's replies as the simulated inverter polls, and the tap receives 0 bytes", async () => {
      const stack = new PylonStackSimulator({ packs: ["US3000", "US2000"], seed: 5, ver: 0x25 });
      const bus = await startBusSim(stack, { tcp: { host: "127.0.0.1", port: 0 }, intervalS: 0.2, gapMs: 0 });
      try {
        await helper.load([pylonPortNode, pylonPollNode], flow({ transport: "tcp", host: "127.0.0.1", port: String(bus.tcp!.port) }));
        const out = collect("out1");
        await waitFor(() => out.filter((m) => m.payload.request.command === "0x42").length >= 4, 8000, "two cycles of 0x42");
        const analog = out.filter((m) => m.payload.request.command === "0x42");
        assert.deepEqual(new Set(analog.map((m) => m.payload.packs[0].address)), new Set([2, 3]));
        for (const m of analog) {
          const [pack] = m.payload.packs;
          assert.equal(m.payload.request.address, pack.address);
          assert.equal(pack.cell_voltages.length, 15);
          const cells = pack.cell_voltages.reduce((a: number, b: number) => a + b, 0);
          assert.ok(Math.abs(pack.voltage - cells) < 0.05, `module ${pack.voltage} V vs cells ${cells} V`);
        }
        assert.equal(bus.tap.clientCount, 1);
        assert.equal(bus.tap.bytesReceived, 0, "the node sent the bus nothing");
      } finally {
        await helper.unload();
        await bus.close();
        await stack.close();
      }
    });
  });
});
