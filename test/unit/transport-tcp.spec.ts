import assert from "node:assert/strict";
import { Socket } from "node:net";
import { describeConnectFailure } from "../../nodes/lib/common/connect-failure";
import { waitFor } from "../support/net";
import { TcpClientTransport, type TcpClientOptions } from "../../nodes/lib/common/transport";
import {
  closedPort,
  delay,
  nextEvent,
  nextState,
  record,
  settledHandles,
  socketClosed,
  startServer,
  type TestServer,
} from "./transport-helpers";

describe("TcpClientTransport", () => {
  let server: TestServer | undefined;
  let transport: TcpClientTransport | undefined;

  function client(opts: Partial<TcpClientOptions> & { port: number }): TcpClientTransport {
    transport = new TcpClientTransport({ host: "127.0.0.1", reconnectMs: 50, ...opts });
    return transport;
  }

  afterEach(async () => {
    await transport?.close();
    await server?.close();
    transport = server = undefined;
  });

  describe("options", () => {
    it("rejects a bad host or port in the constructor", () => {
      assert.throws(() => new TcpClientTransport({ host: "", port: 8000 }), /host/);
      assert.throws(() => new TcpClientTransport({ host: "a b", port: 8000 }), /host/);
      assert.throws(() => new TcpClientTransport({ host: "10.0.0.1", port: 0 }), /port/);
      assert.throws(() => new TcpClientTransport({ host: "10.0.0.1", port: 65536 }), /port/);
      assert.throws(() => new TcpClientTransport({ host: "10.0.0.1", port: 80.5 }), /port/);
      assert.throws(() => new TcpClientTransport({ host: "10.0.0.1", port: "8000" as unknown as number }), /port/);
    });

    it("rejects bad timings and accepts the defaults", () => {
      assert.throws(() => new TcpClientTransport({ host: "h", port: 1, reconnectMs: 0 }), /reconnectMs/);
      assert.throws(() => new TcpClientTransport({ host: "h", port: 1, watchdogMs: -1 }), /watchdogMs/);
      assert.throws(() => new TcpClientTransport({ host: "h", port: 1, reconnectMs: 100, reconnectMaxMs: 50 }), /reconnectMaxMs/);
      assert.throws(() => new TcpClientTransport({ host: "h", port: 1, connectTimeoutMs: Number.NaN }), /connectTimeoutMs/);
      const t = new TcpClientTransport({ host: " dongle.local ", port: 8000 });
      assert.equal(t.host, "dongle.local");
      assert.equal(t.keepAliveMs, 60_000);
      assert.equal(t.watchdogMs, 0);
      assert.equal(t.connectTimeoutMs, 10_000);
      assert.equal(t.kind, "tcp");
      assert.equal(t.state, "idle");
      assert.equal(t.lastDataAt, undefined);
    });
  });

  it("connects, enables no-delay and keep-alive, and passes data chunks on", async () => {
    server = await startServer();
    const t = client({ port: server.port, keepAliveMs: 1234 });
    const { events, states } = record(t);
    const noDelay: boolean[] = [];
    const keepAlive: [boolean | undefined, number | undefined][] = [];
    const origNoDelay = Socket.prototype.setNoDelay;
    const origKeepAlive = Socket.prototype.setKeepAlive;
    // Only calls on the client side count (remotePort is the server's).
    const isClient = (s: Socket) => s.remotePort === server?.port;
    Socket.prototype.setNoDelay = function (this: Socket, on?: boolean) {
      if (isClient(this)) noDelay.push(on ?? true);
      return origNoDelay.call(this, on);
    };
    Socket.prototype.setKeepAlive = function (this: Socket, on?: boolean, ms?: number) {
      if (isClient(this)) keepAlive.push([on, ms]);
      return origKeepAlive.call(this, on, ms);
    };
    try {
      const connected = nextState(t, "connected");
      const accepted = server.nextConnection();
      t.start();
      t.start(); // idempotent: still one connection
      const peer = await accepted;
      await connected;
      assert.deepEqual(noDelay, [true]);
      assert.deepEqual(keepAlive, [[true, 1234]]);

      const received: Buffer[] = [];
      t.on("data", (chunk) => received.push(chunk));
      const before = Date.now();
      peer.write(Buffer.from([0xa1, 0x1a, 0x01]));
      await nextEvent(t, "data");
      peer.write(Buffer.from([0x02, 0x03]));
      await nextEvent(t, "data", () => Buffer.concat(received).length === 5);

      assert.deepEqual(Buffer.concat(received), Buffer.from([0xa1, 0x1a, 0x01, 0x02, 0x03]));
      assert.ok(received.every((c) => Buffer.isBuffer(c)));
      assert.ok(t.lastDataAt !== undefined && t.lastDataAt >= before);
      assert.deepEqual(states.map((s) => s.state), ["connecting", "connected"]);
      assert.equal(server.sockets.length, 1);
      assert.ok(!events.includes("error"));
    } finally {
      Socket.prototype.setNoDelay = origNoDelay;
      Socket.prototype.setKeepAlive = origKeepAlive;
    }
  });

  it("write() sends when connected and returns false otherwise", async () => {
    server = await startServer();
    const t = client({ port: server.port });
    assert.equal(t.write(Buffer.from("x")), false, "before start");

    const accepted = server.nextConnection();

    const connected = nextState(t, "connected");
    t.start();
    assert.equal(t.state, "connecting");
    assert.equal(t.write(Buffer.from("x")), false, "while connecting");
    const peer = await accepted;

    await connected;

    const got = nextEvent<[Buffer]>(peer, "data");
    assert.equal(t.write(Buffer.from("hello")), true);
    assert.equal((await got)[0].toString(), "hello");

    await t.close();
    assert.equal(t.write(Buffer.from("x")), false, "after close");
  });

  it("unsentBytes counts what is stuck behind a peer that stopped reading, and drops to 0 once it reads again", async () => {
    server = await startServer();
    const t = client({ port: server.port });
    assert.equal(t.unsentBytes, 0, "no socket yet");
    const accepted = server.nextConnection();
    const connected = nextState(t, "connected");
    t.start();
    const peer = await accepted;
    await connected;
    peer.pause();
    // More than the kernel buffers on both ends can take, so part of it stays in the socket.
    const big = Buffer.alloc(32 * 1024 * 1024);
    assert.equal(t.write(big), true);
    assert.ok(t.unsentBytes > 0, `unsentBytes ${t.unsentBytes}`);
    let received = 0;
    peer.on("data", (chunk: Buffer) => (received += chunk.length));
    peer.resume();
    await waitFor(() => received === big.length, 10_000, "the peer to read everything");
    assert.equal(t.unsentBytes, 0);
  });

  it("reconnects after the server drops the connection", async () => {
    server = await startServer();
    const t = client({ port: server.port, reconnectMs: 30 });
    const { events } = record(t);
    const first = server.nextConnection();
    t.start();
    (await first).destroy();

    const down = await nextState(t, "disconnected");
    assert.match(down.detail ?? "", /closed by peer|ECONNRESET/);
    assert.equal(down.retryInMs, 30);
    assert.equal(t.reconnectAttempts, 1);

    const second = server.nextConnection();
    await nextState(t, "connected");
    await second;
    assert.equal(server.sockets.length, 2);
    assert.equal(t.reconnectAttempts, 0, "reset after a successful connection");
    assert.ok(!events.includes("error"));
  });

  it("retries a refused connection with doubling backoff until the server appears", async () => {
    const port = await closedPort();
    const t = client({ port, reconnectMs: 20, reconnectMaxMs: 80 });
    const { events } = record(t);
    const downs: { code?: string; retryInMs?: number }[] = [];
    t.on("state", (c) => {
      if (c.state === "disconnected") downs.push({ code: (c.error as NodeJS.ErrnoException)?.code, retryInMs: c.retryInMs });
    });
    const fourFailures = nextEvent(t, "state", () => downs.length === 4);
    t.start();
    await fourFailures;
    assert.deepEqual(downs, [
      { code: "ECONNREFUSED", retryInMs: 20 },
      { code: "ECONNREFUSED", retryInMs: 40 },
      { code: "ECONNREFUSED", retryInMs: 80 },
      { code: "ECONNREFUSED", retryInMs: 80 },
    ]);

    server = await startServer(port);
    const accepted = server.nextConnection();
    await nextState(t, "connected");
    await accepted;
    assert.equal(t.reconnectAttempts, 0);
    assert.ok(!events.includes("error"));
  });

  it("fires the watchdog after silence, drops the socket and reconnects", async () => {
    server = await startServer();
    const t = client({ port: server.port, reconnectMs: 20, watchdogMs: 60 });
    const first = server.nextConnection();
    const watchdog = nextEvent<[number]>(t, "watchdog");
    t.start();
    const peer = await first;
    const connectedAt = Date.now();

    const [silentMs] = await watchdog;
    assert.ok(silentMs >= 50, `silentMs ${silentMs}`);
    assert.ok(Date.now() - connectedAt >= 50);
    const down = await nextState(t, "disconnected");
    assert.match(down.detail ?? "", /watchdog/);
    assert.ok(down.error instanceof Error);
    await socketClosed(peer);

    const second = server.nextConnection();
    await nextState(t, "connected");
    await second;
  });

  it("does not fire the watchdog while data keeps arriving", async () => {
    server = await startServer();
    const t = client({ port: server.port, watchdogMs: 100 });
    let watchdogs = 0;
    t.on("watchdog", () => watchdogs++);
    const first = server.nextConnection();
    const connected = nextState(t, "connected");
    t.start();
    const peer = await first;
    await connected;

    // 8 chunks 20 ms apart span well over one 100 ms watchdog period.
    const started = Date.now();
    for (let i = 0; i < 8; i++) {
      const got = nextEvent(t, "data");
      peer.write(Buffer.from([i]));
      await got;
      await delay(20);
    }
    assert.ok(Date.now() - started >= 150);
    assert.equal(watchdogs, 0);
    assert.equal(t.state, "connected");

    await nextEvent(t, "watchdog"); // and silence still trips it
  });

  it("reports a connect timeout and retries", async () => {
    const port = await closedPort();
    const origConnect = Socket.prototype.connect;
    // A connect that never completes, like a dongle that drops SYNs.
    Socket.prototype.connect = function (this: Socket) {
      return this;
    } as typeof Socket.prototype.connect;
    try {
      const t = client({ port, connectTimeoutMs: 30, reconnectMs: 20 });
      const down = nextState(t, "disconnected");
      t.start();
      const change = await down;
      assert.equal(change.error?.message, "connect timeout after 30 ms");
      assert.equal((change.error as NodeJS.ErrnoException).code, "ETIMEDOUT", "told apart by its code, not its text");
      assert.equal(describeConnectFailure(change), "connection timed out");
      await nextState(t, "connecting");
    } finally {
      Socket.prototype.connect = origConnect;
    }
  });

  describe("close()", () => {
    it("closes a connected socket: the server sees it, nothing is reported afterwards", async () => {
      server = await startServer();
      const handlesBefore = await settledHandles();
      const t = client({ port: server.port, reconnectMs: 10, watchdogMs: 1000 });
      const { states } = record(t);
      const accepted = server.nextConnection();
      const connected = nextState(t, "connected");
      t.start();
      const peer = await accepted;
      await connected;

      const closing = t.close();
      assert.equal(t.close(), closing, "idempotent");
      await closing;
      assert.equal(t.state, "closed");
      await socketClosed(peer);
      const count = states.length;
      await delay(50); // several reconnect periods
      assert.equal(states.length, count);
      assert.deepEqual(states.map((s) => s.state), ["connecting", "connected", "closed"]);
      t.start();
      assert.equal(t.state, "closed", "start() after close does nothing");

      assert.deepEqual(await settledHandles(), handlesBefore);
    });

    it("while connecting never connects and leaves no handles", async () => {
      server = await startServer();
      const handlesBefore = await settledHandles();
      const t = client({ port: server.port, reconnectMs: 10 });
      const { states } = record(t);
      t.start();
      assert.equal(t.state, "connecting");
      await t.close();
      await delay(50);
      assert.deepEqual(states.map((s) => s.state), ["connecting", "closed"]);
      assert.equal(server.sockets.length, 0);
      assert.deepEqual(await settledHandles(), handlesBefore);
    });

    it("once the connect is under way ends with the server seeing the socket closed", async () => {
      server = await startServer();
      const t = client({ port: server.port, reconnectMs: 10 });
      const { states } = record(t);
      // The kernel may complete the handshake before the close; if so the server must see it closed.
      const accepted = server.nextConnection(50).catch(() => undefined);
      t.start();
      await new Promise((resolve) => setImmediate(resolve)); // connect() syscall done
      await t.close();
      const peer = await accepted;
      if (peer) await socketClosed(peer);
      await delay(30);
      assert.equal(states.at(-1)?.state, "closed");
      assert.equal(states.filter((s) => s.state === "connecting").length, 1);
    });

    it("during the reconnect backoff cancels the retry", async () => {
      const port = await closedPort();
      const handlesBefore = await settledHandles();
      const t = client({ port, reconnectMs: 20 });
      const { states } = record(t);
      t.start();
      await nextState(t, "disconnected");
      await t.close();
      assert.deepEqual(await settledHandles(), handlesBefore, "retry timer cancelled, not just ignored");
      server = await startServer(port); // a retry would now succeed, so one would show
      await delay(60);
      assert.deepEqual(states.map((s) => s.state), ["connecting", "disconnected", "closed"]);
      assert.equal(server.sockets.length, 0);
      await server.close();
      server = undefined;
      assert.deepEqual(await settledHandles(), handlesBefore);
    });

    it("called from a state listener stops the reconnect", async () => {
      server = await startServer();
      const t = client({ port: server.port, reconnectMs: 10 });
      const { states } = record(t);
      let closing: Promise<void> | undefined;
      t.on("state", (c) => {
        if (c.state === "disconnected") closing = t.close();
      });
      const accepted = server.nextConnection();
      t.start();
      (await accepted).destroy();
      await nextState(t, "closed");
      await closing;
      await delay(40);
      assert.deepEqual(states.map((s) => s.state), ["connecting", "connected", "disconnected", "closed"]);
      assert.equal(server.sockets.length, 1);
    });

    it("called from the \"connecting\" listener opens no socket", async () => {
      server = await startServer();
      const handlesBefore = await settledHandles();
      const t = client({ port: server.port });
      const { states } = record(t);
      let closing: Promise<void> | undefined;
      t.once("state", () => (closing = t.close()));
      t.start();
      await closing;
      assert.deepEqual(await settledHandles(), handlesBefore);
      await delay(20);
      assert.equal(server.sockets.length, 0);
      assert.deepEqual(states.map((s) => s.state), ["connecting", "closed"]);
    });

    it("before start() resolves at once", async () => {
      const t = client({ port: 1 });
      await t.close();
      assert.equal(t.state, "closed");
    });
  });
});
