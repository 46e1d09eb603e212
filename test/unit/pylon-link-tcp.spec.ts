import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { PylonPortLink, type StateChange, TcpGatewayTransport } from "../../nodes/lib/pylon/link";
import { FakeGateway, replyTo, requestFor } from "./pylon-link-helpers";
import { closedPort, nextEvent, settledHandles } from "./transport-helpers";

function nextState(emitter: NodeJS.EventEmitter, state: string, ms = 2000): Promise<StateChange> {
  return nextEvent<[StateChange]>(emitter, "state", (c) => c.state === state, ms).then(([c]) => c);
}

describe("pylon-link over a TCP gateway", () => {
  let gateway: FakeGateway;
  let link: PylonPortLink | undefined;
  let transport: TcpGatewayTransport | undefined;
  const user = {};

  beforeEach(async () => {
    gateway = new FakeGateway();
    await gateway.start();
  });

  afterEach(async () => {
    await link?.close();
    await transport?.close();
    await gateway.stop();
    link = transport = undefined;
  });

  it("TcpGatewayTransport connects, passes bytes both ways and rejects writes while down", async () => {
    const t = new TcpGatewayTransport({ host: "127.0.0.1", port: gateway.port, reconnectMs: 30 });
    transport = t;
    assert.equal(t.kind, "tcp");
    await assert.rejects(t.write(Buffer.from("~")), { code: "not_connected" });
    const connected = nextState(t, "connected");
    t.start();
    await connected;
    const data = nextEvent<[Buffer]>(t, "data");
    await t.write(Buffer.from(requestFor(2), "latin1"));
    assert.equal((await data)[0].toString("latin1"), replyTo(requestFor(2)));
    assert.throws(() => new TcpGatewayTransport({ host: "", port: 1 }), /host/);
  });

  it("serves requests through the gateway, one at a time, with the 2 s default timeout", async () => {
    link = new PylonPortLink({ transport: "tcp", host: "127.0.0.1", port: gateway.port, gapMs: 5 });
    assert.equal(link.timeoutMs, 2000);
    const connected = nextState(link, "connected");
    link.register(user);
    await connected;
    const replies = await Promise.all([2, 3, 4].map((adr) => link!.request(requestFor(adr))));
    assert.deepEqual(
      replies.map((r) => r.frame.adr),
      [2, 3, 4],
    );
    assert.deepEqual(
      gateway.writes.map((w) => w.text),
      [2, 3, 4].map((adr) => requestFor(adr)),
    );
  });

  it("reconnects when the gateway drops the connection, and when it goes away and comes back", async () => {
    link = new PylonPortLink({ transport: "tcp", host: "127.0.0.1", port: gateway.port, reconnectMs: 30, timeoutMs: 300 });
    const connected = nextState(link, "connected");
    link.register(user);
    await connected;
    assert.equal((await link.request(requestFor(2))).frame.adr, 2);

    let down = nextState(link, "disconnected");
    gateway.dropClients();
    const lost = await down;
    assert.equal((lost.error as { reason?: string }).reason, "lost");
    assert.match(lost.detail ?? "", new RegExp(`^gateway 127\\.0\\.0\\.1:${gateway.port} lost: `));
    await nextState(link, "connected");
    assert.equal((await link.request(requestFor(3))).frame.adr, 3);

    down = nextState(link, "disconnected");
    await gateway.stop();
    await down;
    const started = performance.now();
    await assert.rejects(link.request(requestFor(4)), { code: "not_connected" });
    assert.ok(performance.now() - started < 100, "fails fast while the gateway is away");

    await gateway.start();
    await nextState(link, "connected");
    assert.equal((await link.request(requestFor(5))).frame.adr, 5);
  });

  it("times out (and retries) when the battery behind the gateway is silent, then closes cleanly", async () => {
    const before = await settledHandles();
    gateway.respond = () => undefined;
    link = new PylonPortLink({ transport: "tcp", host: "127.0.0.1", port: gateway.port, timeoutMs: 40, retries: 1 });
    link.register(user);
    await assert.rejects(link.request(requestFor(2)), { code: "timeout" });
    assert.equal(gateway.writes.length, 2);
    await link.close();
    gateway.dropClients();
    assert.deepEqual(await settledHandles(), before);
  });

  it("reports a gateway that refuses connections as disconnected, retrying at a steady interval", async () => {
    const port = await closedPort();
    link = new PylonPortLink({ transport: "tcp", host: "127.0.0.1", port, reconnectMs: 50 });
    const down = nextState(link, "disconnected");
    link.register(user);
    const change = await down;
    assert.equal(change.error?.message, `cannot connect to gateway 127.0.0.1:${port}: connection refused`);
    assert.equal((change.error as { reason?: string; code?: string }).reason, "refused");
    assert.equal((change.error as { reason?: string; code?: string }).code, "ECONNREFUSED");
    assert.equal(change.retryInMs, 50);
    await assert.rejects(link.request(requestFor(2)), { code: "not_connected" });
    const again = await nextState(link, "disconnected");
    assert.equal(again.retryInMs, 50, "no growing delay");
    assert.equal((again.error as { reason?: string }).reason, "refused", "a refused reconnect is not a lost connection");
  });
});
