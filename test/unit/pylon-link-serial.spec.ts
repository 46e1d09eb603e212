import assert from "node:assert/strict";
import { MockBinding } from "@serialport/binding-mock";
import { SerialPortStream } from "@serialport/stream";
import { SerialTransport, type SerialBinding, type SerialTransportOptions, type StateChange } from "../../nodes/lib/pylon/link";
import { MockBattery, replyTo, requestFor } from "./pylon-link-helpers";
import { delay, nextEvent, record, settledHandles } from "./transport-helpers";

const PATH = "/dev/ttyPYLON0";

function nextState(t: SerialTransport, state: string, ms = 2000): Promise<StateChange> {
  return nextEvent<[StateChange]>(t, "state", (c) => c.state === state, ms).then(([c]) => c);
}


describe("pylon-link SerialTransport", () => {
  let battery: MockBattery;
  let transport: SerialTransport | undefined;

  function serial(opts: Partial<SerialTransportOptions> = {}): SerialTransport {
    transport = new SerialTransport({ path: PATH, binding: battery.binding, reconnectMs: 30, ...opts });
    return transport;
  }

  beforeEach(() => {
    battery = new MockBattery(PATH);
  });

  afterEach(async () => {
    await transport?.close();
    transport = undefined;
    battery.stop();
    MockBinding.reset();
  });

  describe("options", () => {
    it("rejects a bad path or baud rate and defaults to 115200", () => {
      assert.throws(() => new SerialTransport({ path: "" }), /path/);
      assert.throws(() => new SerialTransport({ path: 5 as unknown as string }), /path/);
      assert.throws(() => new SerialTransport({ path: PATH, baudRate: 19200 }), /baudRate must be one of 115200, 9600, 1200/);
      assert.throws(() => new SerialTransport({ path: PATH, reconnectMs: 0 }), /reconnectMs/);
      const t = new SerialTransport({ path: ` ${PATH} ` });
      assert.equal(t.path, PATH);
      assert.equal(t.baudRate, 115200);
      assert.equal(t.kind, "serial");
      assert.equal(t.state, "idle");
      assert.equal(new SerialTransport({ path: PATH, baudRate: 9600 }).baudRate, 9600);
      assert.equal(new SerialTransport({ path: PATH, baudRate: 1200 }).baudRate, 1200);
    });
  });

  it("opens at the baud rate, passes received bytes on and writes to the device", async () => {
    const t = serial({ baudRate: 9600 });
    const { events, states } = record(t);
    const connected = nextState(t, "connected");
    t.start();
    t.start(); // idempotent
    await connected;
    assert.deepEqual(
      states.map((s) => s.state),
      ["connecting", "connected"],
    );
    assert.equal(battery.opens, 1);
    assert.equal(battery.port?.openOptions.baudRate, 9600);

    const request = requestFor(2);
    const data = nextEvent<[Buffer]>(t, "data");
    await t.write(Buffer.from(request, "latin1"));
    assert.equal(battery.writes[0].text, request);
    const [chunk] = await data;
    assert.equal(chunk.toString("latin1"), replyTo(request));
    assert.equal(battery.setCalls, 0, "set() fails on PTYs and must not be called");
    assert.ok(!events.includes("error"));
  });

  it("rejects a write while the port is not open, with code not_connected", async () => {
    const t = serial();
    await assert.rejects(t.write(Buffer.from("~")), { code: "not_connected" });
  });

  it("retries at a steady interval while the device is missing, and opens once it appears", async () => {
    battery.unplug();
    const t = serial({ reconnectMs: 20 });
    const { events, states } = record(t);
    const down = nextState(t, "disconnected");
    t.start();
    const change = await down;
    assert.equal(change.detail, "/dev/ttyPYLON0 not found (unplugged?)");
    assert.equal((change.error as { reason?: string }).reason, "not_found");
    assert.equal(change.retryInMs, 20);
    await nextState(t, "disconnected");
    await nextState(t, "disconnected");
    assert.deepEqual(
      states.filter((s) => s.state === "disconnected").slice(0, 3).map((s) => s.retryInMs),
      [20, 20, 20],
    );

    battery.plug();
    await nextState(t, "connected");
    assert.equal(t.reconnectAttempts, 0, "backoff resets once open");
    assert.ok(!events.includes("error"));
  });

  it("with reconnectMaxMs above reconnectMs the reopen delay doubles up to it", async () => {
    battery.unplug();
    const t = serial({ reconnectMs: 10, reconnectMaxMs: 40 });
    const { states } = record(t);
    t.start();
    for (let i = 0; i < 4; i++) await nextState(t, "disconnected");
    assert.deepEqual(
      states.filter((s) => s.state === "disconnected").slice(0, 4).map((s) => s.retryInMs),
      [10, 20, 40, 40],
    );
  });

  it("retries while the port is locked (a previous deploy still closing) and opens once it is released", async () => {
    const holder = new SerialPortStream({ binding: battery.binding, path: PATH, baudRate: 115200 });
    await nextEvent(holder, "open");
    const t = serial();
    const down = nextState(t, "disconnected");
    t.start();
    assert.match((await down).detail ?? "", /busy/);
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    await nextState(t, "connected");
  });

  it("reopens after the device vanishes while open (USB unplugged) and comes back", async () => {
    const t = serial();
    const { events } = record(t);
    t.start();
    await nextState(t, "connected");
    await delay(5);

    const down = nextState(t, "disconnected");
    battery.unplug();
    const change = await down;
    assert.equal(change.detail, "/dev/ttyPYLON0 closed: device disconnected");
    assert.equal((change.error as { reason?: string }).reason, "lost");
    assert.equal(change.retryInMs, 30);
    await assert.rejects(t.write(Buffer.from("~")), { code: "not_connected" });

    await nextState(t, "disconnected"); // reopen fails: still unplugged
    battery.plug();
    await nextState(t, "connected");
    assert.equal(battery.opens, 2);
    await t.write(Buffer.from(requestFor(3), "latin1"));
    assert.equal(battery.writes.at(-1)?.text, requestFor(3));
    assert.ok(!events.includes("error"));
  });

  it("close() resolves after the port has closed, so the path can be opened again at once", async () => {
    const before = await settledHandles();
    const t = serial();
    t.start();
    await nextState(t, "connected");
    const closedState = nextState(t, "closed");
    await t.close();
    await closedState;
    assert.equal(t.state, "closed");
    assert.equal(battery.port, undefined);
    await MockBinding.open({ path: PATH, baudRate: 115200 }).then((p) => p.close()); // not locked any more
    assert.equal(t.close(), t.close(), "idempotent");
    assert.deepEqual(await settledHandles(), before);
  });

  it("close() during an open waits for it and releases the port; close() while retrying cancels the retry", async () => {
    const t = serial();
    t.start();
    await t.close(); // the open is still in progress here
    assert.equal(t.state, "closed");
    assert.equal(battery.port, undefined);

    battery.unplug();
    const before = await settledHandles();
    const retrying = serial({ reconnectMs: 10_000 });
    const down = nextState(retrying, "disconnected");
    retrying.start();
    await down;
    await retrying.close();
    assert.deepEqual(await settledHandles(), before, "no retry timer left");
  });

  it("reports a binding that fails to open as a state, not an exception", async () => {
    const broken = {
      ...MockBinding,
      open: () => {
        throw new Error("cannot load the native serial port driver");
      },
    } as unknown as SerialBinding;
    const t = serial({ binding: broken });
    const { events } = record(t);
    const down = nextState(t, "disconnected");
    t.start();
    assert.match((await down).detail ?? "", /native serial port driver/);
    assert.ok(!events.includes("error"));
  });
});
