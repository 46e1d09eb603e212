// A connect (or bind) that never gets through is told apart from a drop, in words people read, and
// DongleLink turns it into an immediate request error instead of a wait for serials or replies.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { connectFailureCause, describeConnectFailure } from "../../nodes/lib/common/connect-failure";
import { DongleLink } from "../../nodes/lib/lxp/link/dongle-link";
import { encodeHeartbeat, encodeReadReply, DeviceFunction } from "../../nodes/lib/lxp/codec";
import { type ControlOutcome, runCommand } from "../../nodes/lib/lxp/control/control";
import { LxpRequestError } from "../../nodes/lib/lxp/link/request-error";
import { connectionStatus } from "../../nodes/lib/common/status";
import { UdpListenerTransport } from "../../nodes/lib/lxp/link/udp-listener";
import {
  TcpClientTransport,
  type ByteTransport,
  type StateChange,
  type TransportEvents,
  type TransportState,
} from "../../nodes/lib/common/transport";
import { FakeInverter } from "../support/fake-inverter";
import { closedPort } from "../support/net";
import { nextEvent, nextState, startServer, type TestServer } from "./transport-helpers";

/** A transport the test drives by hand. */
class ScriptedTransport extends EventEmitter<TransportEvents> implements ByteTransport {
  readonly kind = "tcp" as const;
  state: TransportState = "idle";
  lastDataAt: number | undefined;
  readonly written: Buffer[] = [];
  start(): void {
    this.report({ state: "connecting" });
  }
  write(buf: Buffer): boolean {
    if (this.state !== "connected") return false;
    this.written.push(buf);
    return true;
  }
  close(): Promise<void> {
    this.report({ state: "closed" });
    return Promise.resolve();
  }
  report(change: StateChange): void {
    this.state = change.state;
    this.emit("state", change);
  }
}

const refused = (): StateChange => ({
  state: "disconnected",
  error: Object.assign(new Error("connect ECONNREFUSED 192.168.1.50:8000"), { code: "ECONNREFUSED" }),
  detail: "connect ECONNREFUSED 192.168.1.50:8000",
  retryInMs: 5000,
  connectFailed: true,
});

describe("connect failures", () => {
  describe("transports", () => {
    let server: TestServer | undefined;
    let transport: ByteTransport | undefined;
    afterEach(async () => {
      await transport?.close();
      await server?.close();
      transport = server = undefined;
    });

    it("tcp: a refused connect is connectFailed, \"connection refused\"; connecting names no address twice", async () => {
      const port = await closedPort();
      const t = new TcpClientTransport({ host: "127.0.0.1", port, reconnectMs: 1000 });
      transport = t;
      const states: StateChange[] = [];
      t.on("state", (c) => states.push(c));
      const down = nextState(t, "disconnected");
      t.start();
      const change = await down;
      assert.equal(change.connectFailed, true);
      assert.equal(describeConnectFailure(change), "connection refused");
      assert.deepEqual(states[0], { state: "connecting" }, "the address is the transport's own, not a detail");
    });

    it("tcp: a drop after connecting is not a failed connect", async () => {
      server = await startServer();
      const t = new TcpClientTransport({ host: "127.0.0.1", port: server.port, reconnectMs: 1000 });
      transport = t;
      const first = server.nextConnection();
      const up = nextState(t, "connected");
      t.start();
      assert.equal((await up).detail, undefined);
      const down = nextState(t, "disconnected");
      (await first).destroy();
      assert.equal((await down).connectFailed, false);
    });

    it("udp: an address this machine does not have is a failed bind", async () => {
      const t = new UdpListenerTransport({ port: 0, address: "192.0.2.1", reconnectMs: 1000 });
      transport = t;
      const down = nextState(t, "disconnected");
      t.start();
      const change = await down;
      assert.equal(change.connectFailed, true);
      assert.equal(describeConnectFailure(change), "address not available on this machine");
    });

    it("describes DNS failures and keeps the message of errors without a known code", () => {
      const dns = Object.assign(new Error("getaddrinfo ENOTFOUND dongle.lan"), { code: "ENOTFOUND" });
      assert.equal(describeConnectFailure({ error: dns }), "host name not found (DNS)");
      assert.deepEqual(connectFailureCause({ error: dns }), { kind: "dns", code: "ENOTFOUND", text: "host name not found (DNS)" });
      const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
      assert.deepEqual(connectFailureCause({ error: reset }), { kind: "reset", code: "ECONNRESET", text: "connection reset by peer" });
      assert.deepEqual(connectFailureCause({ error: new Error("write EPIPE") }), { kind: "other", code: undefined, text: "write EPIPE" });
      assert.equal(describeConnectFailure({ detail: "connection closed by peer" }), "connection closed by peer");
    });
  });

  describe("node status", () => {
    it("names the cause in words and the retry time in seconds", () => {
      assert.deepEqual(connectionStatus(refused(), "192.168.1.50:8000"), {
        fill: "red",
        shape: "ring",
        text: "disconnected: connection refused, retry in 5 s",
      });
      const drop: StateChange = { state: "disconnected", detail: "connection closed by peer", retryInMs: 250 };
      assert.equal(connectionStatus(drop, "192.168.1.50:8000").text, "disconnected: connection closed by peer, retry in 0.25 s");
      assert.equal(connectionStatus({ state: "disconnected" }, "192.168.1.50:8000").text, "disconnected");
    });
  });

  describe("DongleLink", () => {
    let link: DongleLink | undefined;
    let scripted: ScriptedTransport;
    afterEach(async () => {
      await link?.close();
      link = undefined;
    });

    function open(options: { datalog?: string; inverter?: string } = {}): DongleLink {
      scripted = new ScriptedTransport();
      link = new DongleLink({ transport: "tcp", host: "192.168.1.50", port: 8000, ...options, createTransport: () => scripted });
      link.register({});
      return link;
    }

    it("fails a wait for serials as soon as the connect attempt fails, naming the address and the cause", async () => {
      const l = open();
      const waiting = l.waitForTarget(60_000);
      scripted.report(refused());
      await assert.rejects(waiting, (err: LxpRequestError) => {
        assert.equal(err.code, "not_connected");
        assert.equal(err.message, "cannot connect to 192.168.1.50:8000: connection refused");
        return true;
      });
      // Until the transport tries again, requests fail without waiting.
      await assert.rejects(l.waitForTarget(60_000), { code: "not_connected" });
      assert.equal(l.connectionError()?.message, "cannot connect to 192.168.1.50:8000: connection refused");
      // The next attempt may get through: a request now waits for it, and fails only if it fails too.
      scripted.report({ state: "connecting" });
      assert.equal(l.connectionError(), undefined, "not while an attempt is under way");
      const duringSecondAttempt = l.waitForTarget(60_000);
      scripted.report(refused());
      await assert.rejects(duringSecondAttempt, { code: "not_connected", message: "cannot connect to 192.168.1.50:8000: connection refused" });
      scripted.report({ state: "connecting" });
      const duringThirdAttempt = l.waitForTarget(60_000);
      scripted.report({ state: "connected" });
      assert.equal(l.connectionError(), undefined, "cleared by a successful connect");
      scripted.emit("data", encodeReadReply({ datalog: "AB12345678", inverter: "CD98765432" }, DeviceFunction.READ_INPUT, 0, new Array(40).fill(0)));
      assert.deepEqual(await duringThirdAttempt, { datalog: "AB12345678", inverter: "CD98765432" });
    });

    it("a request with known serials sent while a reconnect is under way goes out once it connects", async () => {
      const l = open({ datalog: "AB12345678", inverter: "CD98765432" });
      scripted.report(refused());
      scripted.report({ state: "connecting" });
      const exchange = { frame: Buffer.from("x"), expect: { kind: "param", datalog: "AB12345678", param: 0 } as const, description: "read param 0" };
      const pending = l.requester.run((send) => send({ ...exchange, timeoutMs: 60_000, retries: 0 }));
      await new Promise((r) => setImmediate(r));
      scripted.report({ state: "connected" });
      assert.deepEqual(scripted.written, [Buffer.from("x")], "sent after the connect, not failed with the earlier refusal");
      await l.close();
      await assert.rejects(pending, { code: "closed" });
    });

    it("a request with known serials fails at once while the dongle is unreachable, and is sent once it is back", async () => {
      const l = open({ datalog: "AB12345678", inverter: "CD98765432" });
      scripted.report(refused());
      const exchange = { frame: Buffer.from("x"), expect: { kind: "param", datalog: "AB12345678", param: 0 } as const, description: "read param 0" };
      await assert.rejects(
        l.requester.run((send) => send({ ...exchange, timeoutMs: 60_000, retries: 3 })),
        { code: "not_connected", message: "read param 0: cannot connect to 192.168.1.50:8000: connection refused" },
      );
      scripted.report({ state: "connected" });
      const pending = l.requester.run((send) => send({ ...exchange, timeoutMs: 60_000, retries: 0 }));
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(scripted.written, [Buffer.from("x")]);
      await l.close();
      await assert.rejects(pending, { code: "closed" });
    });

    it("learns the datalog serial from a heartbeat; the inverter serial only from a frame that carries it", async () => {
      const l = open();
      scripted.report({ state: "connected" });
      scripted.emit("data", encodeHeartbeat("AB12345678"));
      assert.deepEqual(await l.waitForTarget(10, false), { datalog: "AB12345678" }, "no made-up inverter serial");
      await assert.rejects(l.waitForTarget(300), (err: LxpRequestError) => {
        assert.equal(err.code, "unknown_target");
        assert.match(err.message, /^the inverter serial behind datalog AB12345678 is not known yet: no input broadcast or reply came in the 0\.3 s waited/);
        assert.match(err.message, /every 5 min\); enter it as "Inverter" in the lxp-dongle configuration/);
        return true;
      });
      scripted.emit("data", encodeReadReply({ datalog: "AB12345678", inverter: "CD98765432" }, DeviceFunction.READ_INPUT, 0, new Array(40).fill(0)));
      assert.deepEqual(await l.waitForTarget(10), { datalog: "AB12345678", inverter: "CD98765432" });
    });

    it("says which field gives the datalog serial when nothing came at all", async () => {
      const l = open();
      scripted.report({ state: "connected" });
      await assert.rejects(l.waitForTarget(200), (err: LxpRequestError) => {
        assert.match(err.message, /^the datalog serial is not known yet: no frame came from the dongle in the 0\.2 s waited \(it sends a heartbeat about every 2 min\); enter it as "Datalog" in the lxp-dongle configuration/);
        return true;
      });
    });
  });

  describe("a dongle that refuses once and then accepts", () => {
    let link: DongleLink | undefined;
    let fake: FakeInverter | undefined;
    afterEach(async () => {
      await link?.close();
      await fake?.close();
      link = fake = undefined;
    });

    it("a request issued during the next connect attempt succeeds", async () => {
      const port = await closedPort();
      fake = new FakeInverter({ datalog: "AB12345678", inverter: "CD98765432" });
      fake.setHolds(21, [0x1234]);
      const l = new DongleLink({ transport: "tcp", host: "127.0.0.1", port, reconnectMs: 20, datalog: "AB12345678", inverter: "CD98765432" });
      link = l;
      let listening = false;
      let issuedWhile: StateChange | undefined;
      let outcome: Promise<ControlOutcome> | undefined;
      const refusedOnce = nextEvent<[StateChange]>(l, "state", (c) => c.state === "disconnected");
      l.on("state", (change) => {
        // The first attempt after the dongle is back: the last one was refused, this one will connect.
        if (change.state !== "connecting" || !listening || outcome) return;
        issuedWhile = l.state;
        outcome = runCommand(l, { topic: "read/hold/21", payload: undefined }, { timeoutMs: 5000, retries: 0 });
      });
      l.register({});
      const [first] = await refusedOnce;
      assert.equal(first.connectFailed, true);
      await fake.dongle.listen(port);
      listening = true;
      await nextEvent<[StateChange]>(l, "state", (c) => c.state === "connected", 10_000);
      assert.deepEqual(issuedWhile, { state: "connecting" }, "the request was issued during the connect attempt");
      assert.ok(outcome);
      const { msg } = await outcome;
      assert.equal(msg.result, "ok", msg.reason);
      assert.deepEqual((msg.payload as { registers: unknown }).registers, { "21": 0x1234 });
    });
  });
});
