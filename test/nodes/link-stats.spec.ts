// GET /lxp-pylon/stats/:id: the counters of a config node's link for the edit dialog, in the
// Node-RED runtime (node-red-node-test-helper) against loopback devices; the route's permission
// check with a stand-in RED.
import assert from "node:assert/strict";
import helper from "node-red-node-test-helper";
import lxpDongleNode from "../../nodes/lxp-dongle";
import lxpInNode from "../../nodes/lxp-in";
import lxpRequestNode from "../../nodes/lxp-request";
import pylonPortNode from "../../nodes/pylon-port";
import { STATS_ROUTE } from "../../nodes/lib/common/admin-stats";
import { FakeInverter } from "../support/fake-inverter";
import { collect, FlowNode } from "../support/flow";
import { freeUdpPort, sendUdp, waitFor } from "../support/net";
import { hexBuf, lxpVector } from "../support/vectors";

helper.init(require.resolve("node-red"));

const bank0 = hexBuf(lxpVector("lbi_read_inputs_0_to_39").hex);
const SERIALS = { datalog: "2222222222", inverter: "5555555555" };

async function stats(id: string, status = 200): Promise<any> {
  const res = await helper.request().get(`/lxp-pylon/stats/${id}`).expect(status);
  return res.body;
}

describe("link stats endpoint (GET /lxp-pylon/stats/:id)", function () {
  let fake: FakeInverter | undefined;

  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await fake?.close();
    fake = undefined;
    await new Promise<void>((resolve) => helper.stopServer(resolve));
  });

  it("answers an lxp-dongle's frames, bad frames, last frame and pinned address (udp)", async () => {
    const port = await freeUdpPort();
    const flow: FlowNode[] = [
      { id: "f1", type: "tab" },
      { id: "d1", type: "lxp-dongle", name: "garage", transport: "udp", port: String(port), bind: "127.0.0.1", reconnect: "1" },
      { id: "in1", z: "f1", type: "lxp-in", dongle: "d1", wires: [["out"]] },
      { id: "out", z: "f1", type: "helper" },
    ];
    await helper.load([lxpDongleNode, lxpInNode], flow);
    const out = collect("out");
    await waitFor(() => (helper.getNode("d1") as any).link.state.state === "listening");
    const before = Date.now();
    await sendUdp(port, bank0, Buffer.from("not a frame at all, just noise"));
    await waitFor(() => out.length === 1 && (helper.getNode("d1") as any).link.stats.badFrames > 0);
    const body = await stats("d1");
    assert.deepEqual(
      { id: body.id, type: body.type, name: body.name, description: body.link.description, transport: body.link.transport, state: body.link.state },
      { id: "d1", type: "lxp-dongle", name: "garage", description: `udp 127.0.0.1:${port}`, transport: "udp", state: "listening" },
    );
    assert.equal(body.link.users, 1, "the lxp-in node");
    assert.equal(body.link.datalog, "2222222222", "learned from the frame");
    assert.equal(body.link.stats.frames, 1);
    assert.equal(body.link.stats.badFrames, 1);
    assert.equal(body.link.stats.badBytes, "not a frame at all, just noise".length);
    assert.equal(body.link.stats.bytes, bank0.length + "not a frame at all, just noise".length);
    assert.equal(body.link.stats.dongleAddress, "127.0.0.1", "the sender pinned as the dongle");
    assert.ok(body.link.stats.lastFrameAt >= before && body.link.stats.lastFrameAt <= Date.now(), "the last frame's time");
    assert.equal(body.link.requests, undefined, "no request yet: no queue");
  });

  it("answers the request queue's counters once lxp-request used it: queued, replies, queue depth and limit", async () => {
    fake = new FakeInverter();
    const port = await fake.listen();
    const flow: FlowNode[] = [
      { id: "f1", type: "tab" },
      { id: "d1", type: "lxp-dongle", transport: "tcp", host: "127.0.0.1", port: String(port), reconnect: "0.1", watchdog: "0", queueLimit: "7", ...SERIALS },
      { id: "r1", z: "f1", type: "lxp-request", dongle: "d1", timeout: "0.5", retries: "0", wires: [["out"]] },
      { id: "out", z: "f1", type: "helper" },
    ];
    await helper.load([lxpDongleNode, lxpRequestNode], flow);
    const out = collect("out");
    await fake.dongle.waitForConnection();
    fake.setHolds(21, [0x1234]);
    (helper.getNode("r1") as any).receive({ topic: "read/hold/21" });
    await waitFor(() => out.length === 1);
    assert.equal(out[0].result, "ok");
    const { link } = await stats("d1");
    assert.equal(link.state, "connected");
    assert.deepEqual(
      { datalog: link.datalog, inverter: link.inverter },
      SERIALS,
      "the configured serials requests go to",
    );
    assert.deepEqual(link.requests, {
      exchanges: 1,
      replies: 1,
      exceptions: 0,
      timeouts: 0,
      retries: 0,
      ignored: 0,
      queued: 1,
      expired: 0,
      overflow: 0,
      pending: 0,
      limit: 7,
    });
  });

  it("says why an lxp-dongle has no link (invalid configuration)", async () => {
    const flow: FlowNode[] = [{ id: "d1", type: "lxp-dongle", transport: "tcp", host: "127.0.0.1", port: "70000" }];
    await helper.load([lxpDongleNode], flow);
    const body = await stats("d1");
    assert.equal(body.link, undefined);
    assert.match(body.configError, /port/);
  });

  it("answers a pylon-port's link as the link registry sees it: device, the nodes sharing it, queue, counters", async () => {
    const flow: FlowNode[] = [
      { id: "p1", type: "pylon-port", name: "rack", transport: "tcp", host: "127.0.0.1", port: "9" },
      { id: "p2", type: "pylon-port", transport: "tcp", host: "127.0.0.1", port: "9" },
    ];
    await helper.load([pylonPortNode], flow);
    const { type, link } = await stats("p2");
    assert.equal(type, "pylon-port");
    assert.equal(link.device, "tcp:127.0.0.1:9");
    assert.equal(link.description, "127.0.0.1:9");
    assert.deepEqual(link.holders, [{ id: "p1", name: "rack" }, { id: "p2" }], "one link for both nodes of the device");
    assert.deepEqual(link.stats, { requests: 0, replies: 0, timeouts: 0, badFrames: 0, retries: 0, echoes: 0, ignoredBytes: 0, lateReplies: 0 });
    assert.deepEqual({ users: link.users, inFlight: link.inFlight, queued: link.queued }, { users: 0, inFlight: false, queued: 0 });
  });

  it("404s for an id that is no deployed lxp-dongle or pylon-port", async () => {
    const port = await freeUdpPort();
    const flow: FlowNode[] = [
      { id: "f1", type: "tab" },
      { id: "d1", type: "lxp-dongle", transport: "udp", port: String(port), bind: "127.0.0.1" },
      { id: "in1", z: "f1", type: "lxp-in", dongle: "d1", wires: [] },
    ];
    await helper.load([lxpDongleNode, lxpInNode, pylonPortNode], flow);
    const unknown = await stats("nosuchid", 404);
    assert.match(unknown.error, /no lxp-dongle or pylon-port with id nosuchid/);
    await stats("in1", 404);
  });
});

describe("link stats endpoint: permissions", () => {
  /** Registers a config node type against a stand-in RED and returns what the route got. */
  function routeOf(register: (red: any) => void): { permissions: string[]; routes: Array<{ path: string; handlers: unknown[] }>; guard: object } {
    const permissions: string[] = [];
    const routes: Array<{ path: string; handlers: unknown[] }> = [];
    const guard = {};
    const red = {
      nodes: { registerType: () => undefined, getNode: () => null },
      httpAdmin: { get: (path: string, ...handlers: unknown[]) => routes.push({ path, handlers }) },
      auth: {
        needsPermission: (permission: string) => {
          permissions.push(permission);
          return guard;
        },
      },
      settings: {},
      _: (key: string) => key,
    };
    register(red);
    return { permissions, routes, guard };
  }

  it("an lxp-dongle's stats need lxp-dongle.read: Node-RED's permission check runs before the handler", () => {
    const { permissions, routes, guard } = routeOf(lxpDongleNode as any);
    const route = routes.find((r) => r.path === STATS_ROUTE);
    assert.ok(route, `lxp-dongle serves ${STATS_ROUTE}`);
    assert.equal(route.handlers[0], guard, "the first handler is the permission check");
    assert.deepEqual(permissions, ["lxp-dongle.read"]);
  });

  it("a pylon-port's stats need pylon-port.read, like its port list", () => {
    const { permissions, routes, guard } = routeOf(pylonPortNode as any);
    assert.equal(routes.find((r) => r.path === STATS_ROUTE)?.handlers[0], guard);
    assert.deepEqual(permissions, ["pylon-port.read", "pylon-port.read"]);
    assert.ok(routes.every((r) => r.handlers[0] === guard), "every admin route of pylon-port is guarded");
  });
});
