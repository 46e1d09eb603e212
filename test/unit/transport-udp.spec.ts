import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { UdpListenerTransport, type UdpListenerOptions } from "../../nodes/lib/lxp/link/udp-listener";
import { delay, nextEvent, nextState, record, settledHandles } from "./transport-helpers";

/** A plain udp4 socket (no reuseAddr) bound on loopback; `address` may be another 127.x address. */
async function bindSocket(port = 0, address = "127.0.0.1"): Promise<Socket> {
  const s = createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.bind(port, address, () => {
      s.off("error", reject);
      resolve();
    });
  });
  return s;
}

/** Tolerates a socket that is already closed, so afterEach can close everything it tracks. */
function closeSocket(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      s.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

function send(from: Socket, port: number, text: string): Promise<void> {
  return new Promise((resolve, reject) => from.send(Buffer.from(text), port, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
}

describe("UdpListenerTransport", () => {
  const opened: Socket[] = [];
  const transports: UdpListenerTransport[] = [];

  async function peer(address?: string): Promise<Socket> {
    const s = await bindSocket(0, address);
    opened.push(s);
    return s;
  }

  /** Start a listener on loopback and wait until it is bound. */
  async function listening(opts: Partial<UdpListenerOptions> = {}): Promise<UdpListenerTransport> {
    const t = new UdpListenerTransport({ port: 0, address: "127.0.0.1", reconnectMs: 30, ...opts });
    transports.push(t);
    const bound = nextState(t, "listening");
    t.start();
    await bound;
    return t;
  }

  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()));
    await Promise.all(opened.splice(0).map(closeSocket));
  });

  it("validates options", () => {
    assert.throws(() => new UdpListenerTransport({ port: -1 }), /port/);
    assert.throws(() => new UdpListenerTransport({ port: 70000 }), /port/);
    assert.throws(() => new UdpListenerTransport({ port: 8000, source: "dongle" }), /source/);
    assert.throws(() => new UdpListenerTransport({ port: 8000, address: "::1" }), /address/);
    assert.throws(() => new UdpListenerTransport({ port: 8000, reconnectMs: 0 }), /reconnectMs/);
    const t = new UdpListenerTransport({ port: 8000, source: "" });
    assert.equal(t.address, "0.0.0.0");
    assert.equal(t.source, undefined);
    assert.equal(t.kind, "udp");
    assert.equal(t.state, "idle");
  });

  it("binds, reports listening, and emits each datagram whole with its sender", async () => {
    const t = new UdpListenerTransport({ port: 0, address: "127.0.0.1" });
    transports.push(t);
    const { events, states } = record(t);
    const bound = nextState(t, "listening");
    t.start();
    t.start(); // idempotent
    await bound;
    assert.deepEqual(states.map((s) => s.state), ["connecting", "listening"]);
    const port = t.boundPort;
    assert.ok(port !== undefined && port > 0);

    const dongle = await peer();
    const before = Date.now();
    const got = nextEvent<[Buffer, { address: string; port: number }]>(t, "data");
    await send(dongle, port, "one datagram");
    const [chunk, from] = await got;
    assert.equal(chunk.toString(), "one datagram");
    assert.deepEqual(from, { address: "127.0.0.1", port: dongle.address().port });
    assert.ok(t.lastDataAt !== undefined && t.lastDataAt >= before);
    assert.ok(!events.includes("error"));
  });

  it("ignores and counts datagrams from other sources", async function () {
    let other: Socket;
    try {
      other = await peer("127.0.0.2"); // Linux routes all of 127/8 to loopback
    } catch {
      this.skip();
    }
    const t = await listening({ source: "127.0.0.2" });
    const stranger = await peer("127.0.0.1");
    const received: string[] = [];
    const ignored: unknown[] = [];
    t.on("data", (chunk) => received.push(chunk.toString()));
    t.on("ignored", (from) => ignored.push(from));

    await send(stranger, t.boundPort!, "not from the dongle");
    const got = nextEvent(t, "data");
    await send(other, t.boundPort!, "from the dongle");
    await got;
    assert.deepEqual(received, ["from the dongle"]);
    assert.equal(t.ignoredDatagrams, 1);
    assert.deepEqual(ignored, [{ address: "127.0.0.1", port: stranger.address().port }]);
    assert.deepEqual(t.lastPeer, { address: "127.0.0.2", port: other.address().port });
  });

  it("write() sends only where it is told, never simply to the last sender", async () => {
    const t = await listening();
    const dongle = await peer();
    const spoofer = await peer();
    for (const from of [dongle, spoofer]) {
      const got = nextEvent(t, "data");
      await send(from, t.boundPort!, "hello");
      await got;
    }
    let spooferGotReply = false;
    spoofer.on("message", () => (spooferGotReply = true));
    assert.equal(t.write(Buffer.from("to whom?")), false, "no Source and no address given: nowhere to send");
    const reply = nextEvent<[Buffer]>(dongle, "message");
    assert.equal(t.write(Buffer.from("reply"), { address: "127.0.0.1", port: dongle.address().port }), true);
    assert.equal((await reply)[0].toString(), "reply");
    await delay(30);
    assert.equal(spooferGotReply, false);
    assert.equal(t.sendErrors, 0);

    await t.close();
    assert.equal(t.write(Buffer.from("x"), { address: "127.0.0.1", port: dongle.address().port }), false, "after close");
  });

  it("with Source, write() goes to Source (at the port it sent from) and nowhere else", async () => {
    const t = await listening({ source: "127.0.0.1" });
    const dongle = await peer();
    assert.equal(t.write(Buffer.from("before the dongle was heard")), false);
    const got = nextEvent(t, "data");
    await send(dongle, t.boundPort!, "hello");
    await got;
    const reply = nextEvent<[Buffer]>(dongle, "message");
    assert.equal(t.write(Buffer.from("reply")), true);
    assert.equal((await reply)[0].toString(), "reply");
    assert.equal(t.write(Buffer.from("elsewhere"), { address: "127.0.0.2", port: dongle.address().port }), false);
  });

  it("close() releases the port so it can be bound again at once", async () => {
    const first = await listening();
    const port = first.boundPort!;
    const { states } = record(first);
    await first.close();
    assert.equal(first.state, "closed");
    assert.deepEqual(states.map((s) => s.state), ["closed"]);

    // Without reuseAddr this bind fails if anything still holds the port.
    await closeSocket(await bindSocket(port));

    const second = await listening({ port });
    const dongle = await peer();
    const got = nextEvent<[Buffer]>(second, "data");
    await send(dongle, port, "after redeploy");
    assert.equal((await got)[0].toString(), "after redeploy");
  });

  it("reports a bind failure as disconnected with the error, then binds once the port is free", async () => {
    const holder = await bindSocket(); // no reuseAddr, so our reuseAddr bind is refused
    opened.push(holder);
    const port = holder.address().port;
    const t = new UdpListenerTransport({ port, address: "127.0.0.1", reconnectMs: 20, reconnectMaxMs: 40 });
    transports.push(t);
    const { events } = record(t);
    const down = nextState(t, "disconnected");
    assert.doesNotThrow(() => t.start());
    const change = await down;
    assert.equal((change.error as NodeJS.ErrnoException | undefined)?.code, "EADDRINUSE");
    assert.equal(change.retryInMs, 20);
    const again = await nextState(t, "disconnected");
    assert.equal(again.retryInMs, 40);
    assert.equal(t.write(Buffer.from("x")), false);

    await closeSocket(holder);
    await nextState(t, "listening");
    assert.equal(t.boundPort, port);
    assert.equal(t.reconnectAttempts, 0);
    assert.ok(!events.includes("error"));
  });

  it("close() during the re-bind backoff stops retrying and leaves no handles", async () => {
    const holder = await bindSocket();
    opened.push(holder);
    const handlesBefore = await settledHandles();
    const t = new UdpListenerTransport({ port: holder.address().port, address: "127.0.0.1", reconnectMs: 10 });
    const { states } = record(t);
    const down = nextState(t, "disconnected");
    t.start();
    await down;
    await t.close();
    assert.deepEqual(await settledHandles(), handlesBefore, "retry timer cancelled, not just ignored");
    await delay(40);
    assert.deepEqual(states.map((s) => s.state), ["connecting", "disconnected", "closed"]);
    assert.deepEqual(await settledHandles(), handlesBefore);
  });

  it("close() while binding ends closed and leaves no handles", async () => {
    const handlesBefore = await settledHandles();
    const t = new UdpListenerTransport({ port: 0, address: "127.0.0.1" });
    const { states } = record(t);
    t.start();
    await t.close();
    await delay(20);
    assert.deepEqual(states.map((s) => s.state), ["connecting", "closed"]);
    assert.equal(t.boundPort, undefined);
    assert.deepEqual(await settledHandles(), handlesBefore);
  });
});
