// Two pylon-port config nodes naming one device in the Node-RED runtime, over @serialport/binding-mock
// with the simulated stack behind it: the same settings share one link (one open, one queue), other
// settings are refused with an error naming the node that holds the device; redeploys release it.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import helper from "node-red-node-test-helper";
import pylonPortNode from "../../nodes/pylon-port";
import pylonPollNode from "../../nodes/pylon-poll";
import { linkHolders } from "../../nodes/lib/pylon/link/registry";
import { PylonStackSimulator } from "../../sim/pylon/stack";
import { MockBattery } from "../unit/pylon-link-helpers";
import { waitFor } from "../support/net";
import { startWithBattery, stopWithBattery } from "../support/mock-battery-runtime";
import { callsOf, collect, type FlowNode, lastStatus } from "../support/flow";

helper.init(require.resolve("node-red"));

/** Two ports and a poll node on each, on tab f1; `second` overrides the second port's properties. */
function twoPorts(firstPath: string, second: Record<string, unknown>): FlowNode[] {
  const port = { type: "pylon-port", transport: "serial", gap: "10", timeout: "200", retries: "0" };
  return [
    { id: "f1", type: "tab" },
    { id: "p1", name: "rack", path: firstPath, ...port },
    { id: "p2", name: "", path: firstPath, ...port, ...second },
    { id: "poll1", z: "f1", type: "pylon-poll", port: "p1", packs: "3", interval: "0", wires: [["out1"]] },
    { id: "poll2", z: "f1", type: "pylon-poll", port: "p2", packs: "3", interval: "0", wires: [["out2"]] },
    { id: "out1", z: "f1", type: "helper" },
    { id: "out2", z: "f1", type: "helper" },
  ];
}

describe("pylon-port nodes sharing a device", () => {
  let dir: string;
  let device: string;
  let sim: PylonStackSimulator;
  let battery: MockBattery;

  beforeEach(async () => {
    // A stand-in device file and a by-id style symlink to it: both name one device.
    dir = mkdtempSync(join(tmpdir(), "pylon-port-"));
    device = join(dir, "ttyMOCK7");
    writeFileSync(device, "");
    symlinkSync(device, join(dir, "by-id-link"));
    sim = new PylonStackSimulator({ packs: ["US2000", "US3000", "US2000"], clock: "manual", seed: 5 });
    battery = new MockBattery(device);
    battery.respond = (request) => sim.reply(request)?.frame;
    await startWithBattery(battery);
  });

  afterEach(async () => {
    await stopWithBattery(battery);
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the same settings, by the device's path and by a symlink to it, share one link: one open, both poll", async () => {
    await helper.load([pylonPortNode, pylonPollNode], twoPorts(device, { path: join(dir, "by-id-link") }));
    const [p1, p2] = [helper.getNode("p1") as any, helper.getNode("p2") as any];
    assert.ok(p1.link, p1.configError);
    assert.equal(p2.link, p1.link, "one link for the device");
    assert.deepEqual(linkHolders(p1.link).map((h) => h.id), ["p1", "p2"]);
    const [out1, out2] = [collect("out1"), collect("out2")];
    (helper.getNode("poll1") as any).receive({});
    (helper.getNode("poll2") as any).receive({});
    await waitFor(() => out1.length === 1 && out2.length === 1, 8000, "a cycle on each poll node");
    for (const out of [out1, out2]) {
      assert.deepEqual(out[0].payload.errors, []);
      assert.deepEqual(out[0].payload.packs.map((p: any) => p.address), [2, 3, 4]);
    }
    assert.equal(battery.openAttempts, 1, "the device is opened once, not a second time (busy)");
    assert.equal(callsOf("p1", "error").length + callsOf("p2", "error").length, 0);
  });

  it("other settings on a device in use: refused with an error naming the pylon-port that holds it", async () => {
    await helper.load([pylonPortNode, pylonPollNode], twoPorts(device, { baud: "9600", gap: "20" }));
    const [p1, p2] = [helper.getNode("p1") as any, helper.getNode("p2") as any];
    assert.ok(p1.link);
    assert.equal(p2.link, undefined);
    const why =
      `${device} @ 115200 is in use by pylon-port "rack" (id p1) with other settings ` +
      "(baud rate 115200 there, 9600 here; gap 10 ms there, 20 ms here): use that pylon-port, or give both the same settings";
    assert.equal(p2.configError, why);
    assert.deepEqual(callsOf("p2", "error").map(([text]) => text), [`invalid configuration: ${why}`]);
    assert.deepEqual(lastStatus("poll2"), { fill: "red", shape: "ring", text: 'port in use by "rack"' });
    assert.deepEqual(callsOf("poll2", "error").map(([text]) => text), [`the pylon-port configuration is invalid: ${why}`]);
    const out1 = collect("out1");
    (helper.getNode("poll1") as any).receive({});
    await waitFor(() => out1.length === 1, 8000, "the holder still polls");
    assert.deepEqual(out1[0].payload.packs.map((p: any) => p.address), [2, 3, 4]);
    assert.equal(battery.openAttempts, 1);
  });

  it("a redeploy releases the device before the new link opens it: polls again, never busy", async () => {
    const flow = twoPorts(device, {});
    await helper.load([pylonPortNode, pylonPollNode], flow);
    const first = (helper.getNode("p1") as any).link;
    const out = collect("out1");
    (helper.getNode("poll1") as any).receive({});
    await waitFor(() => out.length === 1, 8000);
    await helper.unload();
    assert.equal(battery.port, undefined, "released on close");
    assert.deepEqual(linkHolders(first), []);

    await helper.load([pylonPortNode, pylonPollNode], flow);
    const second = (helper.getNode("p1") as any).link;
    assert.notEqual(second, first, "a new link after the old one closed");
    assert.equal((helper.getNode("p2") as any).link, second);
    const again = collect("out2");
    (helper.getNode("poll2") as any).receive({});
    await waitFor(() => again.length === 1, 8000);
    assert.deepEqual(again[0].payload.packs.map((p: any) => p.address), [2, 3, 4]);
    assert.equal(battery.openAttempts, 2, "one open per deploy");
  });
});
