// The link's counters where pylon-poll shows them (its status) and where the admin endpoint reads
// them (linkSnapshots), in the Node-RED runtime over @serialport/binding-mock with the simulated stack.
import assert from "node:assert/strict";
import helper from "node-red-node-test-helper";
import pylonPortNode from "../../nodes/pylon-port";
import pylonPollNode from "../../nodes/pylon-poll";
import { linkSnapshots } from "../../nodes/lib/pylon/link/registry";
import { clock } from "../../nodes/lib/common/status";
import { PylonStackSimulator } from "../../sim/pylon/stack";
import { corrupt, MockBattery } from "../unit/pylon-link-helpers";
import { waitFor } from "../support/net";
import { startWithBattery, stopWithBattery } from "../support/mock-battery-runtime";
import { collect, lastStatus, testFlow } from "../support/flow";

helper.init(require.resolve("node-red"));

const PATH = "/dev/ttyMOCKC";

function flow(port: Record<string, unknown> = {}) {
  const portNode = { id: "p1", name: "rack", type: "pylon-port", transport: "serial", path: PATH, gap: "10", timeout: "150", retries: "1", ...port };
  return testFlow([portNode], { id: "poll", type: "pylon-poll", port: "p1", packs: "1", interval: "0" });
}

describe("pylon-poll link counters", () => {
  let sim: PylonStackSimulator;
  let battery: MockBattery;

  beforeEach(async () => {
    sim = new PylonStackSimulator({ packs: ["US2000"], clock: "manual", seed: 9 });
    battery = new MockBattery(PATH);
    battery.respond = (request) => sim.reply(request)?.frame;
    await startWithBattery(battery);
  });

  afterEach(async () => {
    await stopWithBattery(battery);
    await sim.close();
  });

  async function cycle(out: any[]): Promise<any> {
    const n = out.length + 1;
    (helper.getNode("poll") as any).receive({});
    await waitFor(() => out.length === n, 8000, `cycle ${n}`);
    return out[n - 1];
  }

  it("a retried request shows in the status of its cycle only", async () => {
    await helper.load([pylonPortNode, pylonPollNode], flow());
    const out = collect("out");
    // The first 0x42 reply arrives corrupt: the link asks again and gets a good one.
    let corrupted = false;
    battery.respond = (request) => {
      const reply = sim.reply(request)?.frame;
      if (!reply || corrupted || request.slice(7, 9) !== "42") return reply;
      corrupted = true;
      return corrupt(reply);
    };
    const first = await cycle(out);
    assert.deepEqual(first.payload.errors, []);
    assert.match(lastStatus("poll").text, /^1 pack · 15 cells · \d+\.\d s · 1 retry · 1 bad frame$/);
    await cycle(out);
    assert.match(lastStatus("poll").text, /^1 pack · 15 cells · \d+\.\d s · 1 bad frame$/, "no retry in the next cycle");
  });

  it("a cycle no pack answered names the time of the last reply", async () => {
    await helper.load([pylonPortNode, pylonPollNode], flow({ retries: "0" }));
    const out = collect("out");
    await cycle(out);
    const link = (helper.getNode("p1") as any).link;
    const lastReplyAt = link.stats.lastReplyAt;
    assert.ok(lastReplyAt);
    sim.setFaults(2, { silent: true });
    const silent = await cycle(out);
    assert.deepEqual(silent.payload.packs, []);
    assert.match(lastStatus("poll").text, new RegExp(`^no reply \\(timeout\\) · \\d+\\.\\d s · last reply ${clock(lastReplyAt)}$`));
    assert.equal(lastStatus("poll").fill, "red");
  });

  it("linkSnapshots: the device, its holders and users, queue and counters of every live link", async () => {
    await helper.load([pylonPortNode, pylonPollNode], flow());
    const out = collect("out");
    await cycle(out);
    const link = (helper.getNode("p1") as any).link;
    const snapshot = linkSnapshots().find((s) => s.device === `serial:${PATH}`);
    assert.ok(snapshot, JSON.stringify(linkSnapshots()));
    assert.equal(snapshot.description, `${PATH} @ 115200`);
    assert.deepEqual(snapshot.holders, [{ id: "p1", name: "rack" }]);
    assert.equal(snapshot.state, "connected");
    assert.equal(snapshot.users, 1);
    assert.deepEqual([snapshot.inFlight, snapshot.queued], [false, 0]);
    // 0x42, 0x44 and the five identity reads of the first cycle.
    assert.equal(snapshot.stats.requests, battery.writes.length);
    assert.equal(snapshot.stats.replies, 7);
    assert.equal(snapshot.stats.lastReplyAt, link.stats.lastReplyAt);
    snapshot.stats.requests = -1;
    assert.notEqual(link.stats.requests, -1, "a copy");
    await helper.unload();
    assert.equal(linkSnapshots().find((s) => s.device === `serial:${PATH}`), undefined, "gone with its last pylon-port");
  });
});
