// lxp-dongle + lxp-in in the Node-RED runtime (node-red-node-test-helper) over real loopback sockets.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import helper from "node-red-node-test-helper";
import lxpDongleNode from "../../nodes/lxp-dongle";
import lxpInNode from "../../nodes/lxp-in";
import { encodeReadReply } from "../../nodes/lib/lxp/codec";
import { FakeDongleServer, freeUdpPort, sendUdp, sleep, waitFor } from "../support/net";
import { hexBuf, lxpCaptures, lxpVector } from "../support/vectors";
import { collect, FlowNode, lastStatus, statuses, testFlow } from "../support/flow";

helper.init(require.resolve("node-red"));

const heartbeat = hexBuf(lxpVector("lb_heartbeat").hex);
const bank0 = hexBuf(lxpVector("lbi_read_inputs_0_to_39").hex);
const bank1 = hexBuf(lxpVector("lbi_read_inputs_40_to_79").hex);
const bank2 = hexBuf(lxpVector("lbi_read_inputs_80_to_119").hex);
const holdClock = hexBuf(lxpVector("lb_parse_read_hold_reply").hex);
const combined = hexBuf(lxpVector("lb_parse_read_inputs_all_protocol5_reply").hex);

async function boundSocket(address: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, address, () => resolve());
  });
  return socket;
}

function dongle(extra: Record<string, unknown>): FlowNode {
  return { id: "d1", type: "lxp-dongle", transport: "tcp", host: "127.0.0.1", reconnect: "0.1", watchdog: "0", ...extra };
}

function flow(dongleProps: Record<string, unknown>, inProps: Record<string, unknown> = {}): FlowNode[] {
  return testFlow([dongle(dongleProps)], { id: "in1", type: "lxp-in", dongle: "d1", ...inProps });
}

describe("lxp-in node", function () {
  let server: FakeDongleServer | undefined;

  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await server?.close();
    server = undefined;
    await new Promise<void>((resolve) => helper.stopServer(resolve));
  });

  it("decodes input banks arriving as UDP datagrams", async () => {
    const port = await freeUdpPort();
    await helper.load([lxpDongleNode, lxpInNode], flow({ transport: "udp", port: String(port), bind: "127.0.0.1" }));
    const out = collect("out");
    await waitFor(() => (helper.getNode("d1") as any).link.state.state === "listening");
    await sendUdp(port, bank0, Buffer.concat([bank1, bank2]));
    await waitFor(() => out.length === 3);
    assert.deepEqual(
      out.map((m) => m.topic),
      ["lxp/2222222222/inputs/1", "lxp/2222222222/inputs/2", "lxp/2222222222/inputs/3"],
    );
    assert.equal(out[0].payload.soc, 83);
    assert.equal(out[0].payload.v_bat, 52.8);
    assert.equal(out[0].payload.p_discharge, 512);
    assert.equal(out[1].payload.e_to_user_all, 10157);
    assert.equal(out[2].payload.max_chg_curr, 66);
    assert.equal(out[0].lxp.raw, bank0.toString("hex"));
  });

  it("decodes a TCP stream split at odd places, with several frames per read", async () => {
    server = new FakeDongleServer();
    const port = await server.listen();
    await helper.load([lxpDongleNode, lxpInNode], flow({ port: String(port) }));
    const out = collect("out");
    await server.waitForConnection();
    const stream = Buffer.concat([combined, holdClock, bank0]);
    server.write(stream.subarray(0, 7));
    await sleep(20);
    server.write(stream.subarray(7, 300));
    await sleep(20);
    server.write(stream.subarray(300));
    await waitFor(() => out.length === 3);
    assert.equal(out[0].topic, "lxp/2222222222/inputs/all");
    assert.equal(out[0].payload.v_bat, 50.3);
    assert.equal(out[0].payload.bat_current, -1.8);
    assert.equal(out[1].topic, "lxp/2222222222/hold/12");
    assert.equal(out[1].payload.inverter_time, "2022-06-20 05:16:57");
    assert.equal(out[2].payload.soc, 83);
  });

  it("decodes the real EG4 replies whose direction byte is 00, and a 254–380 push under its range", async () => {
    server = new FakeDongleServer();
    const port = await server.listen();
    await helper.load([lxpDongleNode, lxpInNode], flow({ port: String(port) }));
    const out = collect("out");
    const caught = collect("caught");
    await server.waitForConnection();
    const ids = ["ant136_hold_push_0_79_dir0", "ant136_input_0_124_dir0", "eg4a_hold_200_239_dir0", "eg4b7_input_254_380_zero"];
    const frames = ids.map((id) => hexBuf(lxpCaptures().find((c) => c.id === id)!.hex));
    server.write(Buffer.concat(frames));
    await waitFor(() => out.length === 4);
    assert.deepEqual(
      out.map((m) => m.topic),
      ["lxp/BJ44700222/hold/0", "lxp/BJ44700222/inputs/all", "lxp/BA32401949/hold/200", "lxp/BA32001836/inputs/254-380"],
    );
    assert.equal(out[0].payload.model_code, "FAAB");
    assert.equal(out[1].payload.soc, 100);
    assert.equal(out[1].payload.registers["124"], out[1].payload.e_gen_day * 10);
    assert.equal(out[2].payload.smart_load_on_voltage, 54);
    assert.equal(Object.keys(out[3].payload.registers).length, 127);
    assert.equal(caught.length, 0);
  });

  it("reports a lone corrupt frame to a Catch node at once, with its bytes, and keeps decoding", async () => {
    server = new FakeDongleServer();
    const port = await server.listen();
    await helper.load([lxpDongleNode, lxpInNode], flow({ port: String(port) }));
    const out = collect("out");
    const caught = collect("caught");
    await server.waitForConnection();
    const corrupt = Buffer.from(bank0);
    corrupt[50] ^= 0xff;
    server.write(Buffer.concat([corrupt, bank1]));
    await waitFor(() => out.length === 1 && caught.length === 1);
    assert.equal(out[0].topic, "lxp/2222222222/inputs/2");
    assert.match(caught[0].error.message, /^CRC mismatch: stored 0x9024, computed 0x[0-9a-f]{4}$/, "no 'LxpFrameError:' prefix");
    assert.deepEqual(caught[0].lxp, { raw: corrupt.toString("hex"), count: 1, bytes: 117 });
    assert.equal(caught[0].error.source.id, "in1");
    assert.equal(caught[0].payload, caught[0].error.message);
    assert.equal(caught[0].topic, "lxp/error");
    // Text, not an Error object: the debug sidebar shows it as a readable line, without a type prefix.
    const node = helper.getNode("in1") as any;
    const errors = node.error.getCalls().filter((c: any) => c.thisValue === node);
    assert.deepEqual(errors.map((c: any) => c.args[0]), [caught[0].error.message]);

    // Garbage right before a corrupt frame is one run of bad bytes: one error naming the first problem.
    server.write(Buffer.concat([Buffer.from("junk"), corrupt, bank2]));
    await waitFor(() => out.length === 2 && caught.length === 2, 5000, "the second error, at the end of the burst");
    assert.equal(caught[1].error.message, "2 bad frames in 121 bytes, first: skipped 4 bytes of garbage");
    assert.deepEqual(caught[1].lxp, { raw: Buffer.from("junk").toString("hex"), count: 2, bytes: 121 });
    assert.equal((helper.getNode("d1") as any).link.stats.badFrames, 3);
    await waitFor(() => /· 3 bad frames$/.test(lastStatus("in1").text), 3000, "the count in the status");
  });

  it("a 60 kB garbage datagram, or 64 kB over TCP, raises a handful of errors; the status counts every bad frame", async () => {
    const udpPort = await freeUdpPort();
    server = new FakeDongleServer();
    const tcpPort = await server.listen();
    await helper.load([lxpDongleNode, lxpInNode], [
      ...flow({ transport: "udp", port: String(udpPort), bind: "127.0.0.1" }),
      { id: "d2", type: "lxp-dongle", transport: "tcp", host: "127.0.0.1", port: String(tcpPort), reconnect: "0.1", watchdog: "0" },
      { id: "in2", z: "f1", type: "lxp-in", dongle: "d2", wires: [["out2"]] },
      { id: "out2", z: "f1", type: "helper" },
    ]);
    const out = collect("out");
    const out2 = collect("out2");
    const caught = collect("caught");
    const fromUdp = (): any[] => caught.filter((m) => m.error.source.id === "in1");
    const fromTcp = (): any[] => caught.filter((m) => m.error.source.id === "in2");
    const flood = (n: number): Buffer => Buffer.alloc(n, Buffer.from([0xa1, 0x1a]));
    await waitFor(() => (helper.getNode("d1") as any).link.state.state === "listening");
    await server.waitForConnection();

    await sendUdp(udpPort, flood(60000), flood(60000), flood(60000), bank0);
    server.write(Buffer.concat([flood(65536), bank0]));
    await waitFor(() => out.length === 1 && out2.length === 1, 5000, "the good frame behind each flood");
    // The first error of a burst at once, the rest summed up when the burst ends.
    await waitFor(() => fromUdp().length === 2, 5000, "the UDP summary");
    assert.equal(fromUdp()[0].error.message, "30000 bad frames in 60000 bytes, first: implausible frame length 6823");
    assert.deepEqual(fromUdp()[0].lxp, { raw: flood(64).toString("hex"), count: 30000, bytes: 60000 });
    assert.match(
      fromUdp()[1].error.message,
      /^60000 more bad frames \(120000 bytes\) in \d+(\.\d+)? s, first: (a1 1a ){8}… \(implausible frame length 6823\)$/,
    );
    assert.deepEqual(fromUdp()[1].lxp, { raw: flood(16).toString("hex"), count: 60000, bytes: 120000 });
    const tcpCount = (): number => fromTcp().reduce((n, m) => n + m.lxp.count, 0);
    await waitFor(() => tcpCount() === 32768, 5000, "every false prefix of the TCP flood reported");
    assert.ok(fromTcp().length <= 2, `${fromTcp().length} TCP errors`);
    await sleep(1200); // a burst's summary comes 1 s after its last bad frame: nothing else follows
    assert.equal(caught.length, fromUdp().length + fromTcp().length);
    assert.ok(caught.length <= 4, `${caught.length} Catch messages`);
    await waitFor(() => /· 90000 bad frames$/.test(lastStatus("in1").text), 3000, "the UDP count in the status");
    await waitFor(() => /· 32768 bad frames$/.test(lastStatus("in2").text), 3000, "the TCP count in the status");
  });

  it("UDP with Source: datagrams from other addresses are dropped and counted in the status", async () => {
    const port = await freeUdpPort();
    await helper.load([lxpDongleNode, lxpInNode], flow({ transport: "udp", port: String(port), bind: "127.0.0.1", source: "127.0.0.2" }));
    const out = collect("out");
    const caught = collect("caught");
    await waitFor(() => (helper.getNode("d1") as any).link.state.state === "listening");
    await sendUdp(port, bank0, Buffer.from("junk"));
    await waitFor(() => /· 2 ignored \(dongle 127\.0\.0\.2\)$/.test(lastStatus("in1").text ?? ""), 3000, "the ignored count in the status");
    assert.equal(out.length, 0);
    assert.equal(caught.length, 0);
    const warn = (helper.getNode("d1") as any).warn;
    const udpWarnings = (): string[] => warn.getCalls().map((c: any) => c.args[0]).filter((t: string) => t.startsWith("udp:"));
    assert.deepEqual(udpWarnings(), ["udp: datagrams from 127.0.0.1 ignored: Source is 127.0.0.2 (has the dongle's address changed?)"]);
  });

  it("UDP without Source: the address taken as the dongle is logged and shown with the ignored count", async function () {
    const port = await freeUdpPort();
    await helper.load([lxpDongleNode, lxpInNode], flow({ transport: "udp", port: String(port), bind: "127.0.0.1" }));
    const out = collect("out");
    await waitFor(() => (helper.getNode("d1") as any).link.state.state === "listening");
    await sendUdp(port, bank0);
    await waitFor(() => out.length === 1);
    const warn = (helper.getNode("d1") as any).warn;
    const udpWarnings = (): string[] => warn.getCalls().map((c: any) => c.args[0]).filter((t: string) => t.startsWith("udp:"));
    assert.deepEqual(udpWarnings(), ["udp: taking 127.0.0.1 as the dongle (the first sender of a valid frame; set Source to fix the address)"]);
    let other: dgram.Socket;
    try {
      other = await boundSocket("127.0.0.2"); // Linux routes all of 127/8 to loopback
    } catch {
      return this.skip();
    }
    try {
      await new Promise<void>((resolve) => other.send(bank1, port, "127.0.0.1", () => resolve()));
      await waitFor(() => /· 1 ignored \(dongle 127\.0\.0\.1\)$/.test(lastStatus("in1").text ?? ""), 3000, "the ignored count in the status");
      assert.equal(udpWarnings().at(-1), "udp: datagrams from 127.0.0.2 ignored, pinned to 127.0.0.1: set Source, or restart flows to pin again");
      assert.equal(out.length, 1);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it("emits only the kinds chosen (heartbeats off by default)", async () => {
    server = new FakeDongleServer();
    const port = await server.listen();
    await helper.load([lxpDongleNode, lxpInNode], [
      ...flow({ port: String(port) }),
      { id: "in2", z: "f1", type: "lxp-in", dongle: "d1", heartbeats: true, inputRegs: false, holds: true, wires: [["out2"]] },
      { id: "out2", z: "f1", type: "helper" },
    ]);
    const out = collect("out");
    const out2 = collect("out2");
    await server.waitForConnection();
    server.write(Buffer.concat([heartbeat, holdClock, bank0]));
    await waitFor(() => out.length === 2 && out2.length === 2);
    assert.deepEqual(out.map((m) => m.topic), ["lxp/2222222222/hold/12", "lxp/2222222222/inputs/1"]);
    assert.deepEqual(out2.map((m) => m.topic), ["lxp/2222222222/heartbeat", "lxp/2222222222/hold/12"]);
    assert.equal(server.connections, 1, "two lxp-in nodes share one connection");
    // Each node gets its own copy of the same frame's message: changing one leaves the other.
    out[0].payload.registers["12"] = -1;
    out[0].payload.inverter_time = "changed";
    assert.equal(out2[1].payload.registers["12"], 1558);
    assert.equal(out2[1].payload.inverter_time, "2022-06-20 05:16:57");
  });

  it("merges the three banks of a broadcast cycle into one inputs/all message", async () => {
    server = new FakeDongleServer();
    const port = await server.listen();
    await helper.load([lxpDongleNode, lxpInNode], flow({ port: String(port) }, { mergeBanks: true }));
    const out = collect("out");
    await server.waitForConnection();
    server.write(Buffer.concat([bank1, bank0, bank1, holdClock, bank2, combined]));
    await waitFor(() => out.length === 3);
    assert.deepEqual(
      out.map((m) => m.topic),
      ["lxp/2222222222/hold/12", "lxp/2222222222/inputs/all", "lxp/2222222222/inputs/all"],
    );
    const merged = out[1];
    assert.equal(merged.payload.soc, 83);
    assert.equal(merged.payload.e_to_user_all, 10157);
    assert.equal(merged.payload.max_chg_curr, 66);
    assert.equal(Object.keys(merged.payload.registers).length, 120, "the raw registers of all three banks");
    assert.equal(merged.payload.registers["5"] & 0xff, 83);
    assert.equal(merged.payload.registers["81"], 6600);
    assert.equal(merged.lxp.raw, Buffer.concat([bank0, bank1, bank2]).toString("hex"));
    assert.equal(out[2].payload.v_bat, 50.3, "a combined 0–126 reply passes through");
  });

  it("reconnects when the dongle drops the connection and decodes after it comes back", async () => {
    server = new FakeDongleServer();
    const port = await server.listen();
    await helper.load([lxpDongleNode, lxpInNode], flow({ port: String(port) }));
    const out = collect("out");
    const status = statuses("in1");
    await server.waitForConnection();
    server.write(bank0);
    await waitFor(() => out.length === 1);
    await server.close();
    await waitFor(() => status.some((s) => s.fill === "red"), 5000, "red status");
    server = new FakeDongleServer();
    await server.listen(port);
    await server.waitForConnection();
    server.write(bank1);
    await waitFor(() => out.length === 2);
    assert.equal(out[1].topic, "lxp/2222222222/inputs/2");
    const red = status.find((s) => s.fill === "red");
    assert.match(red.text, /^disconnected/);
    await waitFor(() => status.some((s) => s.fill === "green" && /^last frame \d\d:\d\d:\d\d$/.test(s.text)), 3000);
  });

  it("the silence watchdog (at least 60 s) shows the reconnect in the status", async () => {
    server = new FakeDongleServer();
    const port = await server.listen();
    await helper.load([lxpDongleNode, lxpInNode], flow({ port: String(port), watchdog: "0.3" }));
    const status = statuses("in1");
    await server.waitForConnection(1);
    // Below the minimum: raised to it (the transport's own watchdog is tested in transport-tcp.spec.ts).
    const link = (helper.getNode("d1") as any).link;
    assert.equal(link.options.watchdogMs, 60_000);
    link.transport.emit("watchdog", 61_000);
    await waitFor(() => status.some((s) => s.fill === "yellow" && s.text.startsWith("no data for 61 s, reconnecting")), 3000, "yellow status");
  });

  it("shows connecting, then connected, in its status", async () => {
    server = new FakeDongleServer();
    const port = await server.listen();
    await helper.load([lxpDongleNode, lxpInNode], flow({ port: String(port) }));
    const status = statuses("in1");
    await server.waitForConnection();
    await waitFor(() => status.some((s) => s.fill === "green"));
    assert.equal(status.find((s) => s.fill === "green").text, `connected to 127.0.0.1:${port}`);
  });

  it("redeploys onto the same UDP port without 'address in use'", async () => {
    const port = await freeUdpPort();
    const f = flow({ transport: "udp", port: String(port), bind: "127.0.0.1" });
    await helper.load([lxpDongleNode, lxpInNode], f);
    await waitFor(() => (helper.getNode("d1") as any).link.state.state === "listening");
    for (let round = 0; round < 3; round++) {
      await helper.setFlows(f.map((n) => ({ ...n })) as any, "full");
      await waitFor(() => (helper.getNode("d1") as any)?.link?.state.state === "listening", 3000, "listening again");
      const out = collect("out");
      await sendUdp(port, heartbeat, bank0);
      await waitFor(() => out.length === 1);
      assert.equal(out[0].topic, "lxp/2222222222/inputs/1");
    }
  });

  it("a datalog filter drops frames from other dongles", async () => {
    server = new FakeDongleServer();
    const port = await server.listen();
    await helper.load([lxpDongleNode, lxpInNode], flow({ port: String(port), datalog: "AB12345678" }));
    const out = collect("out");
    await server.waitForConnection();
    const mine = encodeReadReply({ datalog: "AB12345678", inverter: "1111111111" }, 4, 0, new Array(40).fill(0));
    server.write(Buffer.concat([bank0, mine]));
    await waitFor(() => out.length === 1);
    await sleep(50);
    assert.equal(out.length, 1);
    assert.equal(out[0].lxp.datalog, "AB12345678");
  });

  it("an invalid dongle configuration gives a red status, not a crash", async () => {
    await helper.load([lxpDongleNode, lxpInNode], flow({ host: "not a host!", port: "8000" }));
    const d = helper.getNode("d1") as any;
    assert.equal(d.link, undefined);
    assert.match(d.configError, /host "not a host!" is not a valid host name/);
    assert.deepEqual(lastStatus("in1"), { fill: "red", shape: "ring", text: "dongle config invalid" });
  });
});
