// SerialTransport.setBaudRate, which the console wake-up uses (115200 → 1200 → 115200): the open
// port changes speed through serialport's update() without set() (which fails on PTYs) and keeps
// carrying bytes; a reopen uses the last speed.
import assert from "node:assert/strict";
import { MockBinding } from "@serialport/binding-mock";
import { PylonLinkError, SerialTransport, type StateChange } from "../../nodes/lib/pylon/link";
import { MockBattery } from "./pylon-link-helpers";
import { nextEvent } from "./transport-helpers";

const PATH = "/dev/ttyPYLONBAUD";

function nextState(t: SerialTransport, state: string): Promise<StateChange> {
  return nextEvent<[StateChange]>(t, "state", (c) => c.state === state, 2000).then(([c]) => c);
}

describe("pylon-link SerialTransport baud change", () => {
  let battery: MockBattery;
  let transport: SerialTransport;

  beforeEach(() => {
    battery = new MockBattery(PATH);
    battery.respond = () => undefined;
    transport = new SerialTransport({ path: PATH, binding: battery.binding, reconnectMs: 30 });
  });

  afterEach(async () => {
    await transport.close();
    battery.stop();
    MockBinding.reset();
  });

  it("switches the open port to 1200 and back, writes at each speed, never calls set()", async () => {
    const connected = nextState(transport, "connected");
    transport.start();
    assert.equal((await connected).detail, `${PATH} @ 115200`);
    await transport.setBaudRate(1200);
    assert.equal((await battery.port?.getBaudRate())?.baudRate, 1200);
    assert.equal(transport.currentBaudRate, 1200);
    await transport.write(Buffer.from("~20014682C0048520FCC3\r"));
    await transport.setBaudRate(115200);
    assert.equal((await battery.port?.getBaudRate())?.baudRate, 115200);
    await transport.write(Buffer.from("\r\n"));
    assert.deepEqual(
      battery.writes.map((w) => w.text),
      ["~20014682C0048520FCC3\r", "\r\n"],
    );
    assert.equal(battery.setCalls, 0);
  });

  it("refuses a speed the packs do not use", async () => {
    await assert.rejects(transport.setBaudRate(19200), (err: unknown) => err instanceof PylonLinkError && err.code === "invalid_request");
  });

  it("a reopen after a lost port uses the last speed", async () => {
    const connected = nextState(transport, "connected");
    transport.start();
    await connected;
    await transport.setBaudRate(1200);
    const reopened = nextState(transport, "disconnected").then(() => nextState(transport, "connected"));
    battery.unplug();
    battery.plug();
    assert.equal((await reopened).detail, `${PATH} @ 1200`);
  });
});
