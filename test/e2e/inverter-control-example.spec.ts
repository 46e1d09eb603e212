// examples/dashboard/inverter control.json in the real runtime against the loopback stand-in
// dongle: it deploys cleanly, serves its page, and reads the settings it shows (writes need a click).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pointAtDevices } from "../../sim/demo-flows";
import { DeviceFunction, encodeReadReply } from "../../nodes/lib/lxp/codec";
import { FakeInverter } from "../support/fake-inverter";
import { waitFor } from "../support/net";
import { NodeRedRuntime } from "../support/runtime";

const FILE = join(__dirname, "..", "..", "examples", "dashboard", "inverter control.json");

describe("inverter control example", function () {
  this.timeout(60000);
  const red = new NodeRedRuntime();
  const fake = new FakeInverter();
  const flow = JSON.parse(readFileSync(FILE, "utf8")) as any[];

  before(async () => {
    await fake.listen();
    await red.start();
  });
  after(async () => {
    await red.stop();
    await fake.close();
  });

  it("allows writes only in its own dongle config, limited to the registers it writes, and warns first", () => {
    const dongles = flow.filter((n) => n.type === "lxp-dongle");
    assert.equal(dongles.length, 1);
    assert.equal(dongles[0].allowWrites, true);
    assert.equal(dongles[0].writableRegisters, "12-14, 21, 64, 68-69");
    assert.notEqual(dongles[0].id, "lxp-pylon-example-dongle", "not the dongle config the other examples share");
    assert.equal(flow[0].type, "comment");
    assert.match(flow[0].name, /WRITES/);
    const topics = flow.filter((n) => n.type.startsWith("ui-") && n.topicType === "str").map((n) => n.topic);
    assert.deepEqual(topics.sort(), ["apply", "end", "set/ac_charge", "set/charge_rate_pct", "start", "sync_time"]);
  });

  it("wires left to right: every wire ends further right, the read-back returns through a link", () => {
    const byId = new Map(flow.map((n) => [n.id, n]));
    for (const n of flow) {
      for (const target of (n.wires ?? []).flat()) {
        assert.ok(byId.get(target).x > n.x, `${n.id} (x ${n.x}) → ${target} (x ${byId.get(target).x}) runs backwards`);
      }
    }
    const out = flow.find((n) => n.type === "link out");
    const back = flow.find((n) => n.type === "link in");
    assert.deepEqual(flow.find((n) => n.type === "lxp-request").wires, [[out.id]]);
    assert.deepEqual([out.links, back.links, back.wires], [[back.id], [out.id], [["lxp-pylon-control-to-widgets"]]]);
  });

  it("shows the charge rate on the slider always and writes it once the slider rests, by drag or keys", () => {
    const slider = flow.find((n) => n.type === "ui-slider");
    assert.deepEqual([slider.thumbLabel, slider.showTicks, slider.outs, slider.passthru], ["always", "always", "all", false]);
    const [[settleId]] = slider.wires;
    const settle = flow.find((n) => n.id === settleId);
    // A trigger that sends nothing at first and the latest message once 1 s passed without another.
    assert.deepEqual(
      [settle.type, settle.op1type, settle.op2type, settle.extend, settle.duration, settle.units, settle.wires],
      ["trigger", "nul", "payl", true, "1", "s", [["lxp-pylon-control-request"]]],
    );
  });

  it("shows 'waiting for data' on the switch and the slider until the first read-back", () => {
    const style = flow.find((n) => n.type === "ui-template");
    assert.equal(style.templateScope, "page:style");
    assert.equal(style.page, "lxp-pylon-control-page");
    assert.match(style.format, /\.lxp-needs-data:not\(\.lxp-live\)::after \{[^}]*content: "waiting for data"/);
    for (const type of ["ui-switch", "ui-slider"]) assert.match(flow.find((n) => n.type === type).className, /\blxp-needs-data\b/, type);
    const toWidgets = flow.find((n) => n.id === "lxp-pylon-control-to-widgets").func as string;
    assert.equal(toWidgets.match(/class: "lxp-live"/g)?.length, 2, "the switch's and the slider's values end the waiting state");
  });

  it("deploys, serves /dashboard/control and reads the settings it shows", async () => {
    fake.setHolds(21, [62292]);
    fake.setHolds(64, [80]);
    fake.setHolds(68, [0x1e01, 0x0005]);
    const logBefore = red.log.length;
    await red.deploy(pointAtDevices(flow, { lxp: { transport: "tcp", host: "127.0.0.1", port: fake.dongle.port } }));
    await fake.dongle.waitForConnection(1, 10000);
    // Serials are learned from the dongle's broadcasts (the example leaves them empty).
    fake.push(encodeReadReply(fake.target, DeviceFunction.READ_INPUT, 0, new Array(40).fill(0)));
    await waitFor(() => fake.received.length >= 3, 15000, "the three reads after deploy");
    const reads = fake.received.map((f: any) => [f.deviceFunction, f.register, f.count]);
    assert.deepEqual(reads, [[3, 21, 1], [3, 64, 1], [3, 68, 2]]);
    const page = await red.get("/dashboard/control", "text/html");
    assert.equal(page.status, 200);
    // (Replacing the flows `npm start` deploys stops their MQTT client, which logs its own error.)
    assert.doesNotMatch(red.log.slice(logBefore), /\[error\] \[(lxp-|ui-|function|inject|catch)/);
  });
});
