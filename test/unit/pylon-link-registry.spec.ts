// The registry of PylonTech links: one per device, shared by holders with the same settings, refused
// to one with other settings, closed after its last holder, and a device's next link opening only
// once the last one has released it. Fake transports: what matters is when start() and close() run.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PylonPortLinkOptions, PylonTransport, PylonTransportEvents, TransportState } from "../../nodes/lib/pylon/link";
import { acquireLink, deviceKey, linkHolders, PylonDeviceInUseError, releaseLink } from "../../nodes/lib/pylon/link/registry";
import { delay } from "./transport-helpers";

/** Records start() and close(); close() resolves only when the test releases it. */
class FakeTransport extends EventEmitter<PylonTransportEvents> implements PylonTransport {
  readonly kind = "serial" as const;
  state: TransportState = "idle";
  started = false;
  closeCalled = false;
  private released: () => void = () => undefined;
  private readonly closedPromise = new Promise<void>((resolve) => (this.released = resolve));

  start(): void {
    this.started = true;
    this.state = "connected";
    this.emit("state", { state: "connected" });
  }

  async write(): Promise<void> {}

  close(): Promise<void> {
    this.closeCalled = true;
    return this.closedPromise;
  }

  /** The device is released now. */
  release(): void {
    this.state = "closed";
    this.released();
  }
}

describe("pylon-link registry", () => {
  const transports: FakeTransport[] = [];
  const options = (path: string, extra: Partial<PylonPortLinkOptions> = {}): PylonPortLinkOptions =>
    ({
      transport: "serial",
      path,
      idleCloseMs: 10,
      createTransport: () => {
        const t = new FakeTransport();
        transports.push(t);
        return t;
      },
      ...extra,
    }) as PylonPortLinkOptions;

  afterEach(() => {
    for (const t of transports.splice(0)) t.release();
  });

  it("keys a serial device by its resolved path, a gateway by host and port", () => {
    const dir = mkdtempSync(join(tmpdir(), "pylon-registry-"));
    try {
      writeFileSync(join(dir, "ttyUSB9"), "");
      symlinkSync(join(dir, "ttyUSB9"), join(dir, "usb-FTDI-if00-port0"));
      assert.equal(deviceKey({ transport: "serial", path: join(dir, "usb-FTDI-if00-port0") }), `serial:${join(dir, "ttyUSB9")}`);
      assert.equal(deviceKey({ transport: "serial", path: " /dev/ttyGONE42 " }), "serial:/dev/ttyGONE42", "missing: as given");
      assert.equal(deviceKey({ transport: "tcp", host: "Gateway.LAN", port: 8899 }), "tcp:gateway.lan:8899");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("shares a link between holders with the same settings; refuses other settings naming the first holder", async () => {
    const a = { id: "a1", name: "rack" };
    const b = { id: "b2" };
    const link = acquireLink(options("/dev/ttyREG1", { timeoutMs: 500 }), a);
    assert.equal(acquireLink(options("/dev/ttyREG1", { timeoutMs: 500 }), b), link);
    assert.deepEqual(linkHolders(link), [a, b]);
    assert.throws(
      () => acquireLink(options("/dev/ttyREG1", { timeoutMs: 800, baudRate: 9600 }), { id: "c3" }),
      (err: unknown) => {
        assert.ok(err instanceof PylonDeviceInUseError);
        assert.equal(err.code, "device_in_use");
        assert.deepEqual(err.details, { device: "serial:/dev/ttyREG1", holder: a });
        assert.equal(
          err.message,
          '/dev/ttyREG1 @ 115200 is in use by pylon-port "rack" (id a1) with other settings ' +
            "(baud rate 115200 there, 9600 here; reply timeout 500 ms there, 800 ms here): use that pylon-port, or give both the same settings",
        );
        return true;
      },
    );
    // The first holder leaves: the link stays for the other, who is named from now on.
    await releaseLink(link, a);
    assert.deepEqual(linkHolders(link), [b]);
    assert.throws(() => acquireLink(options("/dev/ttyREG1", { timeoutMs: 500, retries: 3 }), { id: "d4" }), /in use by pylon-port b2 with other settings \(retries 1 there, 3 here\)/);
    const closed = releaseLink(link, b);
    transports.forEach((t) => t.release());
    await closed;
    assert.deepEqual(linkHolders(link), []);
    await assert.rejects(link.request("~20024642E00202FD33\r"), { code: "closed" });
  });

  it("a device's next link opens only after the last one released it (close, then reopen)", async () => {
    const holder = { id: "p1" };
    const old = acquireLink(options("/dev/ttyREG2"), holder);
    old.register(holder);
    await delay(5);
    const [first] = transports;
    assert.ok(first.started);

    const closing = releaseLink(old, holder);
    assert.ok(first.closeCalled);
    const next = acquireLink(options("/dev/ttyREG2"), holder);
    assert.notEqual(next, old, "a closing link is not handed out again");
    next.register(holder);
    await delay(20);
    assert.equal(transports.length, 2);
    assert.equal(transports[1].started, false, "waits while the old port holds the device");

    first.release();
    await closing;
    await delay(5);
    assert.equal(transports[1].started, true, "opens once the device is free");
    const done = releaseLink(next, holder);
    transports[1].release();
    await done;
  });
});
