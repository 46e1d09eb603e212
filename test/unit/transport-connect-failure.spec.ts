// A connect (or bind) that never gets through is told apart from a drop, in words people read, and
// DongleLink turns it into an immediate request error instead of a wait for serials or replies.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { DongleLink } from "../../nodes/lib/dongle-link";
import { encodeHeartbeat, encodeReadReply, DeviceFunction } from "../../nodes/lib/lxp";
import { LxpRequestError } from "../../nodes/lib/lxp-request-error";
import {
  describeConnectFailure,
  TcpClientTransport,
  UdpListenerTransport,
  type LxpTransport,
  type StateChange,
  type TransportEvents,
  type TransportState,
} from "../../nodes/lib/transport";
import { closedPort, nextState, startServer, type TestServer } from "./transport-helpers";

/** A transport the test drives by hand. */
class ScriptedTransport extends EventEmitter<TransportEvents> implements LxpTransport {
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
    let transport: LxpTransport | undefined;
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
      assert.equal(describeConnectFailure({ error: new Error("connect timeout after 5000 ms") }), "connect timeout after 5000 ms");
      assert.equal(describeConnectFailure({ detail: "connection closed by peer" }), "connection closed by peer");
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
      // While it stays unreachable (the transport retries), requests fail without waiting.
      scripted.report({ state: "connecting" });
      await assert.rejects(l.waitForTarget(60_000), { code: "not_connected" });
      assert.equal(l.connectionError()?.message, "cannot connect to 192.168.1.50:8000: connection refused");
      scripted.report({ state: "connected" });
      assert.equal(l.connectionError(), undefined, "cleared by a successful connect");
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
      assert.deepEqual(await l.waitForTarget(10, false), { datalog: "AB12345678", inverter: "" });
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
});
