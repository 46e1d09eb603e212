// Two UDP lxp-dongle nodes on one port: the later one warns once naming the other, and the status
// of both dongles' users says so (the port's datagrams reach only one of them). Node-RED runtime
// through node-red-node-test-helper, real sockets on 127.0.0.1.
import assert from "node:assert/strict";
import helper from "node-red-node-test-helper";
import lxpDongleNode from "../../nodes/lxp-dongle";
import lxpInNode from "../../nodes/lxp-in";
import { claimUdpPort, udpPortsInUse } from "../../nodes/lib/lxp/link/udp-ports";
import { callsOf, FlowNode, lastStatus } from "../support/flow";
import { freeUdpPort, waitFor } from "../support/net";

helper.init(require.resolve("node-red"));

function flow(dongles: Array<Record<string, string>>): FlowNode[] {
  return [
    { id: "f1", type: "tab" },
    ...dongles.map((d, k) => ({ id: `d${k + 1}`, type: "lxp-dongle", transport: "udp", reconnect: "1", ...d })),
    ...dongles.map((_d, k) => ({ id: `in${k + 1}`, z: "f1", type: "lxp-in", dongle: `d${k + 1}`, wires: [] })),
  ];
}

const warnings = (id: string): string[] => callsOf(id, "warn").map((args) => String(args[0]));

describe("UDP ports of the lxp-dongle nodes", function () {
  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((resolve) => helper.stopServer(resolve));
  });

  it("a second lxp-dongle on the same address and port warns once naming the first; both users' status says so", async () => {
    const port = String(await freeUdpPort());
    await helper.load([lxpDongleNode, lxpInNode], flow([{ name: "garage", bind: "127.0.0.1", port }, { bind: "127.0.0.1", port }]));
    await waitFor(() => /listening/.test(lastStatus("in1")?.text ?? "") && /listening/.test(lastStatus("in2")?.text ?? ""));
    assert.deepEqual(warnings("d1"), [], "the first one is not warned");
    assert.deepEqual(warnings("d2"), [
      `udp 127.0.0.1:${port} is already listened on by lxp-dongle "garage" (id d1): the port's datagrams reach only one of them. ` +
        "Let every node use that lxp-dongle, or give each its own port",
    ]);
    assert.equal(lastStatus("in2").text, `listening on udp 127.0.0.1:${port} · port shared with "garage"`);
    assert.equal(lastStatus("in1").text, `listening on udp 127.0.0.1:${port} · port shared with d2`);
    assert.deepEqual(
      udpPortsInUse().map((u) => u.holder.id),
      ["d1", "d2"],
    );
  });

  it("0.0.0.0 overlaps every address of its port; other ports do not", async () => {
    const port = String(await freeUdpPort());
    const other = String(await freeUdpPort());
    await helper.load([lxpDongleNode, lxpInNode], flow([{ port }, { bind: "127.0.0.1", port }, { bind: "127.0.0.1", port: other }]));
    assert.equal(warnings("d2").length, 1);
    assert.match(warnings("d2")[0], /by lxp-dongle d1:/, "an unnamed node by its id");
    assert.deepEqual(warnings("d3"), []);
    assert.doesNotMatch(lastStatus("in3")?.text ?? "", /shared/);
  });

  it("a TCP lxp-dongle claims no UDP port, and closing gives the ports back", async () => {
    const port = String(await freeUdpPort());
    await helper.load([lxpDongleNode, lxpInNode], [
      ...flow([{ port, bind: "127.0.0.1" }]),
      { id: "t1", type: "lxp-dongle", transport: "tcp", host: "127.0.0.1", port, watchdog: "0" },
    ]);
    assert.deepEqual(warnings("t1"), []);
    assert.deepEqual(udpPortsInUse().map((u) => [u.address, u.port, u.holder.id]), [["127.0.0.1", Number(port), "d1"]]);
    await helper.unload();
    assert.deepEqual(udpPortsInUse(), []);
  });
});

describe("claimUdpPort", () => {
  it("names the holder already on the port, tells that holder of the later one, and forgets a released claim", () => {
    const told: string[] = [];
    const first = claimUdpPort(undefined, 9001, { id: "a", name: "A" }, (later) => told.push(later.id));
    assert.equal(first.sharedWith, undefined);
    const second = claimUdpPort("10.0.0.2", 9001, { id: "b" });
    assert.deepEqual(second.sharedWith, { id: "a", name: "A" });
    assert.deepEqual(told, ["b"]);
    const elsewhere = claimUdpPort("10.0.0.2", 9002, { id: "c" });
    assert.equal(elsewhere.sharedWith, undefined);
    first.release();
    second.release();
    elsewhere.release();
    first.release(); // twice is harmless
    assert.deepEqual(udpPortsInUse(), []);
    const again = claimUdpPort("10.0.0.2", 9001, { id: "d" });
    assert.equal(again.sharedWith, undefined, "a released port is free");
    again.release();
  });

  it("others() follows the claims as they come and go, so a removed node's 'port shared' clears", () => {
    const first = claimUdpPort(undefined, 9003, { id: "a", name: "A" });
    const second = claimUdpPort("10.0.0.2", 9003, { id: "b" });
    assert.deepEqual(first.others(), [{ id: "b" }]);
    assert.deepEqual(second.others(), [{ id: "a", name: "A" }]);
    first.release();
    assert.deepEqual(second.others(), [], "the remaining node shares the port with nobody now");
    second.release();
  });
});
