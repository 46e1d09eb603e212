// DongleLink over UDP, where any LAN host can send: requests go to the dongle's address only, and the
// serials once learned (or configured) stay; other senders and serials are counted and dropped.
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { EventEmitter } from "node:events";
import { DongleLink, DongleLinkOptions } from "../../nodes/lib/lxp/link/dongle-link";
import { runCommand } from "../../nodes/lib/lxp/control/control";
import {
  DeviceFunction,
  encodeHeartbeat,
  encodeReadHold,
  encodeReadParam,
  encodeReadReply,
  encodeWriteMulti,
  encodeWriteParam,
  encodeWriteSingle,
  parseDatagram,
} from "../../nodes/lib/lxp/codec";
import { type ByteTransport, type PeerAddress, type TransportEvents, type TransportState } from "../../nodes/lib/shared/transport";
import { UdpListenerTransport } from "../../nodes/lib/lxp/link/udp-listener";
import { waitFor } from "../support/net";

/** A transport whose datagrams the test feeds, recording where each write goes. */
class FedTransport extends EventEmitter<TransportEvents> implements ByteTransport {
  state: TransportState = "idle";
  lastDataAt: number | undefined;
  readonly sent: Array<{ frame: Buffer; to?: PeerAddress }> = [];
  constructor(readonly kind: "tcp" | "udp") {
    super();
  }
  start(): void {
    this.state = this.kind === "udp" ? "listening" : "connected";
    this.emit("state", { state: this.state });
  }
  write(frame: Buffer, to?: PeerAddress): boolean {
    this.sent.push({ frame, to });
    return true;
  }
  close(): Promise<void> {
    this.state = "closed";
    return Promise.resolve();
  }
  feed(buf: Buffer, from?: PeerAddress): void {
    this.emit("data", buf, from);
  }
}

const dongle = { address: "192.168.1.50", port: 5000 };
const spoofer = { address: "192.168.1.66", port: 5000 };
const mine = { datalog: "BA12345678", inverter: "1234567890" };
const bank0 = (target: { datalog: string; inverter: string }): Buffer => encodeReadReply(target, DeviceFunction.READ_INPUT, 0, new Array(40).fill(1));

describe("DongleLink: UDP trust", () => {
  let link: DongleLink | undefined;
  let transport: FedTransport;
  const open = (options: Partial<DongleLinkOptions> = {}): DongleLink => {
    transport = new FedTransport(options.transport ?? "udp");
    link = new DongleLink({ transport: "udp", port: 8000, createTransport: () => transport, ...options });
    link.register({});
    return link;
  };
  afterEach(async () => {
    await link?.close();
    link = undefined;
  });

  it("pins the dongle's address at its first good frame: others are counted and dropped, requests go to the dongle", async () => {
    const l = open({ answerHeartbeats: true });
    const messages: string[] = [];
    const bad: string[] = [];
    l.on("message", ({ msg }) => messages.push(msg.topic));
    l.on("bad-frame", (e) => bad.push(e.message));

    transport.feed(encodeHeartbeat(mine.datalog), dongle);
    assert.deepEqual(transport.sent.map((s) => s.to), [dongle], "the heartbeat answered to the dongle");
    transport.feed(bank0({ datalog: "SPOOF00001", inverter: "6666666666" }), spoofer);
    transport.feed(encodeHeartbeat(mine.datalog), spoofer);
    transport.feed(Buffer.alloc(1000, 0xa1), spoofer);
    assert.deepEqual(messages, [`lxp/${mine.datalog}/heartbeat`]);
    assert.deepEqual(bad, [], "not even parsed");
    assert.equal(l.stats.otherSenders, 3);
    assert.equal(transport.sent.length, 1, "the spoofed heartbeat is not answered");

    transport.feed(bank0(mine), { ...dongle, port: 5001 });
    assert.deepEqual(await l.waitForTarget(100), mine);
    assert.equal(l.write(encodeReadHold(mine, 21, 1)), true);
    assert.deepEqual(transport.sent.at(-1)!.to, { ...dongle, port: 5001 }, "the dongle's port may change, its address may not");
  });

  it("pins the serials: frames naming another datalog or inverter are counted and dropped, not adopted", async () => {
    const l = open();
    const topics: string[] = [];
    l.on("message", ({ msg }) => topics.push(msg.topic));
    transport.feed(bank0(mine), dongle);
    transport.feed(bank0({ datalog: "XX00000001", inverter: mine.inverter }), dongle);
    transport.feed(bank0({ datalog: mine.datalog, inverter: "9999999999" }), dongle);
    // Requests come from other clients and may name any inverter: not a reason to drop them.
    transport.feed(encodeReadHold({ datalog: mine.datalog, inverter: "9999999999" }, 0, 1), dongle);
    assert.deepEqual(topics, [`lxp/${mine.datalog}/inputs/1`, `lxp/${mine.datalog}/request/0`]);
    assert.equal(l.stats.otherSerials, 2);
    assert.deepEqual(await l.waitForTarget(100), mine);
  });

  it("with Source, that address is the dongle from the start", async () => {
    const l = open({ source: dongle.address });
    transport.feed(bank0(mine), spoofer); // (the real transport drops these itself)
    assert.equal(l.stats.otherSenders, 1);
    assert.equal(l.write(encodeReadParam(mine.datalog, 0)), false, "the dongle's port is not known yet");
    transport.feed(bank0(mine), dongle);
    assert.equal(l.write(encodeReadParam(mine.datalog, 0)), true);
    assert.deepEqual(transport.sent.at(-1)!.to, dongle);
  });

  it("without Source, writes are refused with the reason and no write frame is ever sent", () => {
    const l = open({ writes: { allowed: true } });
    transport.feed(bank0(mine), dongle);
    assert.equal(l.writePolicy.allowed, false);
    assert.match(l.writeRefusal ?? "", /^writes over UDP need the dongle's IPv4 address in Source \(lxp-dongle\)/);
    for (const frame of [encodeWriteSingle(mine, 21, 1), encodeWriteMulti(mine, 12, [1, 2, 3]), encodeWriteParam(mine.datalog, 0, Buffer.from([0, 1]))]) {
      assert.equal(l.write(frame), false, frame.toString("hex"));
    }
    assert.equal(l.write(encodeReadHold(mine, 21, 1)), true, "reads still go");
    assert.equal(transport.sent.length, 1);
  });

  it("without Source, a set/… command is refused before anything is sent", async () => {
    const l = open({ writes: { allowed: true } });
    transport.feed(bank0(mine), dongle);
    const { msg, error } = await runCommand(l, { topic: "set/hold/21", payload: 1 }, { timeoutMs: 200, retries: 0 });
    assert.equal(msg.result, "fail");
    assert.equal(error?.code, "refused");
    assert.match(error?.message ?? "", /writes over UDP need the dongle's IPv4 address in Source/);
    assert.deepEqual(transport.sent, []);
  });

  it("with Source, writes are allowed as configured", () => {
    const l = open({ source: dongle.address, writes: { allowed: true, registers: [[21, 21]] } });
    transport.feed(bank0(mine), dongle);
    assert.deepEqual(l.writePolicy, { allowed: true, registers: [[21, 21]] });
    assert.equal(l.writeRefusal, undefined);
    assert.equal(l.write(encodeWriteSingle(mine, 21, 1)), true);
    assert.deepEqual(transport.sent.at(-1)!.to, dongle);
  });

  it("TCP: the first serials heard are kept for requests; frames of others are still published", async () => {
    const l = open({ transport: "tcp", host: "192.168.1.50" });
    const topics: string[] = [];
    l.on("message", ({ msg }) => topics.push(msg.topic));
    transport.feed(bank0(mine));
    transport.feed(bank0({ datalog: "XX00000001", inverter: "9999999999" }));
    transport.feed(bank0({ datalog: mine.datalog, inverter: "9999999999" }));
    assert.deepEqual(topics, [`lxp/${mine.datalog}/inputs/1`, "lxp/XX00000001/inputs/1", `lxp/${mine.datalog}/inputs/1`]);
    assert.deepEqual(await l.waitForTarget(100), mine);
    assert.equal(l.stats.otherSerials + l.stats.otherSenders, 0);
  });
});

describe("DongleLink: a spoofed datagram on real sockets", () => {
  const sockets: Socket[] = [];
  let link: DongleLink | undefined;
  afterEach(async () => {
    await link?.close();
    link = undefined;
    await Promise.all(sockets.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  async function bound(address: string): Promise<Socket> {
    const s = createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.bind(0, address, () => resolve());
    });
    sockets.push(s);
    return s;
  }

  it("neither retargets requests nor receives them", async function () {
    let fake: Socket;
    try {
      fake = await bound("127.0.0.2"); // Linux routes all of 127/8 to loopback
    } catch {
      this.skip();
    }
    const real = await bound("127.0.0.1");
    let transport: UdpListenerTransport | undefined;
    link = new DongleLink({
      transport: "udp",
      port: 0,
      bind: "127.0.0.1",
      createTransport: () => (transport = new UdpListenerTransport({ port: 0, address: "127.0.0.1" })),
    });
    link.register({});
    await waitFor(() => transport?.boundPort !== undefined, 2000, "listening");
    const port = transport!.boundPort!;
    const received = { real: [] as Buffer[], fake: [] as Buffer[] };
    real.on("message", (d) => received.real.push(d));
    fake.on("message", (d) => received.fake.push(d));
    const send = (s: Socket, frame: Buffer): Promise<void> => new Promise((resolve) => s.send(frame, port, "127.0.0.1", () => resolve()));

    await send(real, bank0(mine));
    await waitFor(() => link!.stats.frames === 1, 2000, "the dongle's frame");
    await send(fake, bank0({ datalog: "SPOOF00001", inverter: "6666666666" }));
    await waitFor(() => link!.stats.otherSenders === 1, 2000, "the spoofed datagram");

    const target = await link.waitForTarget(100);
    assert.deepEqual(target, mine);
    assert.equal(link.write(encodeReadHold(target, 21, 1)), true);
    await waitFor(() => received.real.length === 1, 2000, "the request at the dongle");
    const [request] = parseDatagram(received.real[0]);
    assert.equal(request.frame?.datalog, mine.datalog);
    assert.equal(received.fake.length, 0);
  });
});
