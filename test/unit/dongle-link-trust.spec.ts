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
  encodeWriteSingle,
  parseDatagram,
} from "../../nodes/lib/lxp/codec";
import { type ByteTransport, type PeerAddress, type TransportEvents, type TransportState } from "../../nodes/lib/common/transport";
import { UdpListenerTransport } from "../../nodes/lib/lxp/link/udp-listener";
import { waitFor } from "../support/net";
import { FakeClock } from "../support/fake-clock";
import { hexBuf, lxpVector } from "../support/vectors";

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
    // The package builds no write param; another client's (the vector) is refused all the same.
    const writeParam = hexBuf(lxpVector("lb_build_write_param").hex);
    writeParam.write(mine.datalog, 8, "latin1");
    for (const frame of [encodeWriteSingle(mine, 21, 1), encodeWriteMulti(mine, 12, [1, 2, 3]), writeParam]) {
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

describe("DongleLink: the UDP pin without Source", () => {
  let link: DongleLink | undefined;
  let transport: FedTransport;
  let clock: FakeClock;
  let warnings: string[];
  const owner = {};
  const moved = { address: "192.168.1.77", port: 5000 }; // the dongle after its DHCP lease changed
  const intervalMs = 300_000; // the default broadcast interval
  const open = (options: Partial<DongleLinkOptions> = {}): DongleLink => {
    clock = new FakeClock(1_700_000_000_000);
    transport = new FedTransport("udp");
    warnings = [];
    link = new DongleLink({ transport: "udp", port: 8000, createTransport: () => transport, now: clock.now, ...options });
    link.on("warning", (text) => warnings.push(text));
    link.register(owner);
    return link;
  };
  afterEach(async () => {
    await link?.close();
    link = undefined;
  });

  it("is visible: logged when taken, in the stats, and one warning per other sender", () => {
    const l = open();
    assert.equal(l.stats.dongleAddress, undefined);
    transport.feed(bank0(mine), dongle);
    assert.equal(l.stats.dongleAddress, dongle.address);
    assert.deepEqual(warnings, ["udp: taking 192.168.1.50 as the dongle (the first sender of a valid frame; set Source to fix the address)"]);
    for (let k = 0; k < 3; k++) transport.feed(bank0(mine), spoofer);
    transport.feed(encodeHeartbeat(mine.datalog), moved);
    assert.deepEqual(warnings.slice(1), [
      "udp: datagrams from 192.168.1.66 ignored, pinned to 192.168.1.50: set Source, or restart flows to pin again",
      "udp: datagrams from 192.168.1.77 ignored, pinned to 192.168.1.50: set Source, or restart flows to pin again",
    ]);
    assert.equal(l.stats.otherSenders, 4);
  });

  it("re-pins when the dongle was silent for more than 2 broadcast intervals and another sender sends its datalog (a DHCP change)", async () => {
    const l = open();
    const topics: string[] = [];
    l.on("message", ({ msg }) => topics.push(msg.topic));
    transport.feed(bank0(mine), dongle);
    clock.advance(2 * intervalMs);
    transport.feed(bank0(mine), moved);
    assert.equal(l.stats.dongleAddress, dongle.address, "2 intervals are not more than 2");
    assert.equal(l.stats.otherSenders, 1);
    clock.advance(1);
    transport.feed(bank0(mine), moved);
    assert.equal(l.stats.dongleAddress, moved.address);
    assert.equal(warnings.at(-1), "udp: no valid frame from 192.168.1.50 for 10 min; taking 192.168.1.77 as the dongle (it sends datalog BA12345678)");
    assert.deepEqual(topics, [`lxp/${mine.datalog}/inputs/1`, `lxp/${mine.datalog}/inputs/1`]);
    assert.deepEqual(await l.waitForTarget(100), mine, "the serials stay");
    assert.equal(l.write(encodeReadHold(mine, 21, 1)), true);
    assert.deepEqual(transport.sent.at(-1)!.to, moved);
    transport.feed(bank0(mine), dongle);
    assert.equal(l.stats.otherSenders, 2, "the old address is now another sender");
  });

  it("does not re-pin to a sender of another datalog, of requests, or of garbage, however long the dongle is silent", () => {
    const l = open();
    transport.feed(bank0(mine), dongle);
    clock.advance(10 * intervalMs);
    transport.feed(bank0({ datalog: "SPOOF00001", inverter: mine.inverter }), spoofer);
    transport.feed(encodeHeartbeat("SPOOF00001"), spoofer);
    transport.feed(bank0({ datalog: mine.datalog, inverter: "6666666666" }), spoofer);
    transport.feed(encodeReadHold(mine, 21, 1), spoofer); // a request names the datalog, but dongles do not send requests
    transport.feed(Buffer.alloc(100, 0xa1), spoofer);
    assert.equal(l.stats.dongleAddress, dongle.address);
    assert.equal(l.stats.otherSenders, 5);
    assert.equal(l.stats.badFrames, 0, "another sender's garbage is not reported");
  });

  it("never lets another sender take over while the dongle keeps sending, even with the right datalog", () => {
    const l = open();
    let fromDongle = 0;
    let fromSpoofer = 0;
    l.on("message", () => fromDongle++);
    transport.feed(bank0(mine), dongle);
    for (let t = 10_000; t <= 6 * 3_600_000; t += 10_000) {
      clock.advance(10_000);
      transport.feed(bank0(mine), spoofer);
      fromSpoofer++;
      if (t % (2 * intervalMs - 10_000) === 0) transport.feed(encodeHeartbeat(mine.datalog), dongle); // just within 2 intervals
    }
    assert.equal(l.stats.dongleAddress, dongle.address);
    assert.equal(l.stats.otherSenders, fromSpoofer);
    assert.equal(fromDongle, 1 + Math.floor((6 * 3_600_000) / (2 * intervalMs - 10_000)), "only the dongle's frames are passed on");
    assert.equal(l.write(encodeReadHold(mine, 21, 1)), true);
    assert.deepEqual(transport.sent.at(-1)!.to, dongle);
  });

  it("with Source never re-pins, and says when others are ignored", () => {
    const l = open({ source: dongle.address });
    assert.equal(l.stats.dongleAddress, dongle.address);
    transport.feed(bank0(mine), dongle);
    clock.advance(24 * 3_600_000);
    transport.feed(bank0(mine), moved);
    transport.feed(bank0(mine), moved);
    assert.equal(l.stats.dongleAddress, dongle.address);
    assert.equal(l.stats.otherSenders, 2);
    assert.deepEqual(warnings, ["udp: datagrams from 192.168.1.77 ignored: Source is 192.168.1.50 (has the dongle's address changed?)"]);
  });

  it("a closed connection forgets the pin and the learned serials: the next one learns them again", async () => {
    const l = open({ idleCloseMs: 0 });
    transport.feed(bank0(mine), dongle);
    l.deregister(owner);
    await waitFor(() => l.state.state === "closed", 2000, "the idle close");
    assert.equal(l.stats.dongleAddress, undefined);
    l.register(owner);
    const other = { datalog: "CC00000002", inverter: "2000000002" };
    transport.feed(bank0(other), moved);
    assert.equal(l.stats.dongleAddress, moved.address);
    assert.deepEqual(await l.waitForTarget(100), other);
  });

  it("the quiet hint names the pin when only other senders were heard", async () => {
    const l = open({ broadcastIntervalS: 0.2 });
    const quiet: unknown[][] = [];
    l.on("input-quiet", (...args) => quiet.push(args));
    transport.feed(bank0(mine), dongle);
    for (let k = 0; k < 5; k++) transport.feed(encodeHeartbeat("SPOOF00001"), spoofer);
    clock.advance(401);
    await waitFor(() => quiet.length === 1, 2000, "the input-quiet event");
    assert.deepEqual(quiet[0], [401, 0, { otherSenders: 5, otherSerials: 0, dongleAddress: dongle.address, source: false }]);
  });
});
