// pylon-poll end to end over a real pseudo-terminal (socat pty pair, the real serialport binding)
// and over a TCP gateway on loopback, with the simulated stack at the other end.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import helper from "node-red-node-test-helper";
import pylonPortNode from "../../nodes/pylon-port";
import pylonPollNode from "../../nodes/pylon-poll";
import { PylonStackSimulator } from "../../sim/pylon/stack";
import { callsOf, collect, type FlowNode } from "../support/flow";
import { waitFor } from "../support/net";

helper.init(require.resolve("node-red"));

function hasSocat(): boolean {
  try {
    execFileSync("socat", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function flow(port: Record<string, unknown>): FlowNode[] {
  return [
    { id: "f1", type: "tab" },
    { id: "p1", type: "pylon-port", gap: "0", timeout: "300", retries: "0", reconnect: "0.2", ...port },
    { id: "poll", z: "f1", type: "pylon-poll", port: "p1", packs: "auto", interval: "0", wires: [["out"]] },
    { id: "out", z: "f1", type: "helper" },
  ];
}

/** Polling on an interval, with a Catch node: what a user's flow looks like. */
function intervalFlow(port: Record<string, unknown>): FlowNode[] {
  return [
    { id: "f1", type: "tab" },
    { id: "p1", type: "pylon-port", gap: "0", timeout: "300", retries: "0", reconnect: "0.2", ...port },
    { id: "poll", z: "f1", type: "pylon-poll", port: "p1", packs: "auto", interval: "0.2", wires: [["out"]] },
    { id: "out", z: "f1", type: "helper" },
    { id: "catch1", z: "f1", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
    { id: "caught", z: "f1", type: "helper" },
  ];
}

/** Triggers one cycle and returns its message. */
async function cycle(): Promise<any> {
  const out: any[] = [];
  const listener = (msg: any): number => out.push(msg);
  const helperNode = helper.getNode("out") as any;
  helperNode.on("input", listener);
  (helper.getNode("poll") as any).receive({});
  await waitFor(() => out.length === 1, 10000, "a poll cycle");
  helperNode.off("input", listener);
  return out[0];
}

function scenarios(kind: "pty" | "tcp"): void {
  let sim: PylonStackSimulator;
  let unplug: () => Promise<void>;
  let replug: () => Promise<void>;
  /** The pylon-port properties of this scenario, and what the status calls the port. */
  let portProps: Record<string, unknown>;
  let description: string;
  let downText: string;

  beforeEach(async function () {
    if (kind === "pty" && !hasSocat()) {
      console.log("      (skipped: socat is not installed; apt-get install socat)");
      this.skip();
    }
    sim = new PylonStackSimulator({ packs: ["US2000", "US3000", "US2000"], clock: "manual", seed: 11 });
    await helper.startServer();
    if (kind === "pty") {
      const pty = await sim.openPty();
      unplug = () => pty.unplug();
      replug = () => pty.replug();
      portProps = { transport: "serial", path: pty.path };
      description = `${pty.path} @ 115200`;
      downText = `${pty.path} not found (unplugged?), retrying every 0.2 s`;
      await helper.load([pylonPortNode, pylonPollNode], flow(portProps));
    } else {
      const server = await sim.listenTcp({ host: "127.0.0.1", port: 0 });
      const port = server.port;
      unplug = () => server.close();
      replug = async () => {
        await sim.listenTcp({ host: "127.0.0.1", port });
      };
      portProps = { transport: "tcp", host: "127.0.0.1", port: String(port) };
      description = `127.0.0.1:${port}`;
      downText = `cannot connect to gateway 127.0.0.1:${port}: connection refused, retrying every 0.2 s`;
      await helper.load([pylonPortNode, pylonPollNode], flow(portProps));
    }
  });

  afterEach(async () => {
    await helper.unload();
    await sim?.close();
    await new Promise<void>((resolve) => helper.stopServer(resolve));
  });

  it("discovers three packs and reports the values they hold", async () => {
    const msg = await cycle();
    assert.deepEqual(msg.payload.errors, []);
    assert.deepEqual(msg.payload.packs.map((p: any) => p.address), [2, 3, 4]);
    for (const pack of msg.payload.packs) {
      assert.deepEqual(pack.cell_voltages, sim.pack(pack.address).cellVoltages);
      assert.equal(pack.serial, sim.pack(pack.address).serial);
    }
  });

  it("reports a silent pack, a bad checksum and garbage before '~' without losing the others", async () => {
    await cycle(); // discovery
    sim.setFaults(3, { silent: true });
    sim.setFaults(4, { badChecksumEvery: 1 });
    sim.setFaults(2, { garbage: "\x00\xffnoise\r\n" });
    const msg = await cycle();
    assert.deepEqual(msg.payload.packs.map((p: any) => p.address), [2]);
    assert.deepEqual(msg.payload.packs[0].cell_voltages, sim.pack(2).cellVoltages);
    assert.deepEqual(msg.payload.errors, [
      { address: 3, command: "0x42", error: "timeout" },
      { address: 4, command: "0x42", error: "checksum" },
    ]);
    sim.setFaults(3, { silent: false });
    sim.setFaults(4, { badChecksumEvery: 0 });
    const healed = await cycle();
    assert.deepEqual(healed.payload.packs.map((p: any) => p.address), [2, 3, 4]);
  });

  it("a slow pack times out and its late reply is not taken for the next pack's", async () => {
    await cycle();
    // Pack 3 answers 50 ms after its 300 ms timeout, while pack 4 (100 ms) is still being waited for.
    sim.pack(3).latencyMs = 350;
    sim.pack(4).latencyMs = 100;
    const msg = await cycle();
    assert.deepEqual(msg.payload.packs.map((p: any) => p.address), [2, 4]);
    assert.deepEqual(msg.payload.errors[0], { address: 3, command: "0x42", error: "timeout" });
    assert.deepEqual(msg.payload.packs[1].cell_voltages, sim.pack(4).cellVoltages);
    assert.ok((helper.getNode("p1") as any).link.stats.lateReplies >= 1);
  });

  it(`with the ${kind === "pty" ? "device missing" : "gateway refusing connections"} at deploy: one steady status and one readable error, then data once it is there`, async () => {
    await helper.unload();
    await unplug();
    await helper.load([pylonPortNode, pylonPollNode], intervalFlow(portProps));
    const out = collect("out");
    const caught = collect("caught");
    const link = (helper.getNode("p1") as any).link;
    let reopens = 0;
    link.on("state", (change: any) => change.state === "connecting" && reopens++);
    await waitFor(() => reopens >= 3 && out.length >= 5, 10000, "three reopen attempts and five poll cycles");
    assert.deepEqual(
      callsOf("poll", "status").map(([status]) => status.text),
      [`connecting to ${description}`, downText],
    );
    const errors = callsOf("poll", "error");
    assert.equal(errors.length, 1, "one error, not one per cycle or reopen");
    assert.equal(errors[0][0], downText, "a string: readable in the debug sidebar");
    await waitFor(() => caught.length === 1, 5000, "the Catch node");
    assert.equal(caught[0].error.message, downText);
    // Each interval cycle still sends its message, saying the port is not connected.
    for (const msg of out) {
      assert.deepEqual(msg.payload.packs, []);
      assert.deepEqual(msg.payload.errors, [{ address: 2, command: "0x4F", error: "not_connected" }]);
    }

    await replug();
    await waitFor(() => out.some((m) => m.payload.packs.length > 0), 15000, "data once the port is there");
    const data = out.find((m) => m.payload.packs.length > 0);
    assert.deepEqual(data.payload.packs.map((p: any) => p.address), [2, 3, 4]);
    assert.deepEqual(data.payload.errors, []);
    assert.equal(callsOf("poll", "status")[2]?.[0].text, `connected to ${description}`);
    assert.equal(callsOf("poll", "error").length, 1, "the recovery raises no error");
    assert.equal(callsOf("poll", "log").length, 1, "the recovery is logged once");
  });

  it(`recovers when the ${kind === "pty" ? "device path disappears" : "gateway drops"} and comes back`, async () => {
    await cycle();
    await unplug();
    const gone = await cycle();
    assert.deepEqual(gone.payload.packs, []);
    assert.ok(gone.payload.errors.length > 0);
    await replug();
    const link = (helper.getNode("p1") as any).link;
    await waitFor(() => link.state.state === "connected", 10000, "the port to reopen");
    const back = await cycle();
    assert.deepEqual(back.payload.packs.map((p: any) => p.address), [2, 3, 4]);
    // The loss is one error; the failed reopens that follow it are not more.
    const portErrors = callsOf("poll", "error").filter(([text]) => / retrying every 0\.2 s$/.test(text) && !text.startsWith("cannot poll"));
    assert.equal(portErrors.length, 1, portErrors.map(([text]) => text).join("\n"));
    assert.equal(callsOf("poll", "log").length, 1, "and the port being back is logged once");
  });
}

describe("pylon-poll over a real pseudo-terminal (socat)", function () {
  this.timeout(30000);
  scenarios("pty");
});

describe("pylon-poll over a TCP gateway on loopback", function () {
  this.timeout(30000);
  scenarios("tcp");
});
