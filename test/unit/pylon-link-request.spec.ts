import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { MockBinding } from "@serialport/binding-mock";
import { PylonFrameError } from "../../nodes/lib/pylon/codec";
import { PylonPortLink, type PylonPortLinkOptions, SerialTransport, type StateChange } from "../../nodes/lib/pylon/link";
import { answerAll, corrupt, MockBattery, replyTo, requestFor, silentFor } from "./pylon-link-helpers";
import { delay, nextEvent, settledHandles } from "./transport-helpers";
import { waitFor } from "../support/net";

const PATH = "/dev/ttyPYLON1";

function nextState(link: PylonPortLink, state: string, ms = 2000): Promise<StateChange> {
  return nextEvent<[StateChange]>(link, "state", (c) => c.state === state, ms).then(([c]) => c);
}

describe("pylon-link PylonPortLink over a serial port", () => {
  let battery: MockBattery;
  let link: PylonPortLink | undefined;
  const user = {};

  /** A link to the mock battery; the user is registered and the port open unless `open` is false. */
  async function openLink(opts: Partial<PylonPortLinkOptions> = {}, open = true): Promise<PylonPortLink> {
    const l = new PylonPortLink({
      transport: "serial",
      path: PATH,
      timeoutMs: 150,
      gapMs: 10,
      reconnectMs: 30,
      idleCloseMs: 20,
      createTransport: (o) =>
        new SerialTransport({ path: PATH, baudRate: o.transport === "serial" ? o.baudRate : undefined, reconnectMs: 30, binding: battery.binding }),
      ...opts,
    } as PylonPortLinkOptions);
    link = l;
    if (open) {
      const connected = nextState(l, "connected");
      l.register(user);
      await connected;
    }
    return l;
  }

  beforeEach(() => {
    battery = new MockBattery(PATH);
  });

  afterEach(async () => {
    await link?.close();
    link = undefined;
    battery.stop();
    MockBinding.reset();
  });

  describe("options", () => {
    it("rejects bad options in the constructor and picks the defaults per transport", () => {
      assert.throws(() => new PylonPortLink({ transport: "serial", path: "" }), /path/);
      assert.throws(() => new PylonPortLink({ transport: "serial", path: PATH, baudRate: 4800 }), /baudRate/);
      assert.throws(() => new PylonPortLink({ transport: "tcp", host: "", port: 8899 }), /host/);
      assert.throws(() => new PylonPortLink({ transport: "tcp", host: "gw", port: 0 }), /port/);
      assert.throws(() => new PylonPortLink({ transport: "udp" } as unknown as PylonPortLinkOptions), /transport/);
      assert.throws(() => new PylonPortLink({ transport: "serial", path: PATH, timeoutMs: 0 }), /timeoutMs/);
      assert.throws(() => new PylonPortLink({ transport: "serial", path: PATH, retries: 1.5 }), /retries/);
      assert.throws(() => new PylonPortLink({ transport: "serial", path: PATH, gapMs: -1 }), /gapMs/);
      const serial = new PylonPortLink({ transport: "serial", path: PATH });
      assert.equal(serial.description, `${PATH} @ 115200`);
      assert.deepEqual([serial.timeoutMs, serial.gapMs, serial.retries], [1000, 50, 1]);
      assert.deepEqual(serial.state, { state: "idle" });
      const tcp = new PylonPortLink({ transport: "tcp", host: "192.168.1.7", port: 8899 });
      assert.equal(tcp.description, "192.168.1.7:8899");
      assert.equal(tcp.timeoutMs, 2000);
    });
  });

  it("resolves a request with the parsed reply, its wire text and the time it took", async () => {
    const l = await openLink();
    const request = requestFor(2);
    const reply = await l.request(request);
    assert.equal(reply.raw, replyTo(request));
    assert.equal(reply.frame.adr, 2);
    assert.equal(reply.frame.cid2, 0);
    assert.deepEqual([...reply.frame.info], [0x42, 2]);
    assert.equal(reply.attempts, 1);
    assert.ok(reply.elapsedMs >= 4 && reply.elapsedMs < 150, `elapsed ${reply.elapsedMs}`);
    assert.deepEqual(
      battery.writes.map((w) => w.text),
      [request],
    );
    assert.equal(l.stats.requests, 1);
    assert.equal(l.stats.replies, 1);
    assert.ok(l.stats.lastReplyAt && Date.now() - l.stats.lastReplyAt < 1000);
    assert.equal(l.pending, 0);
  });

  it("runs concurrent requests from two users in FIFO order, strictly one in flight", async () => {
    const other = {};
    const l = await openLink();
    l.register(other);
    assert.equal(l.userCount, 2);
    battery.replyDelayMs = 15;
    const adrs = [2, 3, 4, 5, 6, 7];
    // Users A and B interleave: A asks 2, 4, 6; B asks 3, 5, 7.
    const results = await Promise.all(adrs.map((adr) => l.request(requestFor(adr))));
    assert.deepEqual(
      results.map((r) => r.frame.adr),
      adrs,
    );
    assert.deepEqual(
      battery.writes.map((w) => w.text),
      adrs.map((adr) => requestFor(adr)),
    );
    for (let i = 1; i < battery.writes.length; i++) {
      assert.ok(battery.writes[i].at >= battery.replies[i - 1].at, `request ${i} written before reply ${i - 1}`);
    }
  });

  it("keeps the inter-frame gap between a reply and the next request", async () => {
    const l = await openLink({ gapMs: 60 });
    await Promise.all([2, 3, 4].map((adr) => l.request(requestFor(adr))));
    for (let i = 1; i < battery.writes.length; i++) {
      const gap = battery.writes[i].at - battery.replies[i - 1].at;
      assert.ok(gap >= 58, `gap ${gap.toFixed(1)} ms before request ${i}`);
    }
  });

  it("retries after a timeout and resolves with the answer to the retry", async () => {
    const l = await openLink({ retries: 1 });
    battery.respond = silentFor(1);
    const started = performance.now();
    const reply = await l.request(requestFor(2));
    assert.ok(performance.now() - started >= 148);
    assert.equal(reply.attempts, 2);
    assert.equal(battery.writes.length, 2);
    assert.equal(l.stats.timeouts, 1);
    assert.equal(l.stats.retries, 1);
  });

  it("rejects with code timeout after the last retry", async () => {
    const l = await openLink({ timeoutMs: 40, retries: 2 });
    battery.respond = () => undefined;
    await assert.rejects(l.request(requestFor(2)), (err: Error & { code?: string }) => {
      assert.equal(err.code, "timeout");
      assert.match(err.message, /no reply from \/dev\/ttyPYLON1 @ 115200 within 40 ms/);
      return true;
    });
    assert.equal(battery.writes.length, 3);
    assert.equal(l.stats.timeouts, 3);
    // per-request options override the link's
    await assert.rejects(l.request(requestFor(3), { retries: 0, timeoutMs: 20 }), { code: "timeout" });
    assert.equal(battery.writes.length, 4);
    await assert.rejects(l.request(requestFor(3), { retries: -1 }), { code: "invalid_request" });
  });

  it("retries after a reply with a bad checksum; without retries it rejects with the codec's error", async () => {
    const l = await openLink();
    battery.respond = (req, i) => (i === 0 ? corrupt(replyTo(req)) : replyTo(req));
    const reply = await l.request(requestFor(2));
    assert.equal(reply.attempts, 2);
    assert.equal(l.stats.badFrames, 1);

    battery.respond = (req) => corrupt(replyTo(req));
    await assert.rejects(l.request(requestFor(3), { retries: 0 }), (err: unknown) => {
      assert.ok(err instanceof PylonFrameError);
      assert.equal(err.reason, "checksum");
      assert.equal(err.raw, corrupt(replyTo(requestFor(3))));
      return true;
    });
  });

  it("takes the valid reply behind junk and a corrupt frame in the same chunk, and tells onBadFrames", async () => {
    const l = await openLink({ retries: 0 });
    battery.respond = (req) => `\x00\xffjunk~~${corrupt(replyTo(req))}${replyTo(req)}`;
    const seen: Array<[number, string]> = [];
    for (const adr of [2, 3, 4, 5]) {
      const reply = await l.request(requestFor(adr), { onBadFrames: (count, error) => seen.push([count, error.reason]) });
      assert.equal(reply.raw, replyTo(requestFor(adr)));
      assert.equal(reply.attempts, 1);
    }
    // Per request: "~~" + the corrupt frame's "~" are two cut-off frames in a row, then the bad checksum.
    assert.deepEqual(seen, Array(4).fill([[2, "framing"], [1, "checksum"]]).flat());
    assert.equal(l.stats.badFrames, 4 * 3);
    assert.equal(l.stats.replies, 4);
    assert.equal(l.stats.retries, 0);
  });

  it("retries soon after a corrupt reply with nothing behind it, not after the full timeout", async () => {
    const l = await openLink({ timeoutMs: 60_000, retries: 1 });
    battery.respond = (req, i) => (i === 0 ? corrupt(replyTo(req)) : replyTo(req));
    const pending = l.request(requestFor(2));
    await waitFor(() => battery.writes.length === 2, 5000, "the retry, long before the 60 s timeout");
    const reply = await pending;
    assert.equal(reply.raw, replyTo(requestFor(2)));
    assert.equal(reply.attempts, 2);
    assert.deepEqual([l.stats.badFrames, l.stats.retries, l.stats.timeouts], [1, 1, 0]);

    // Without retries left the corrupt frame's error ends the request just as soon.
    battery.respond = (req) => corrupt(replyTo(req));
    const failed = l.request(requestFor(3), { retries: 0 }).catch((err: unknown) => err);
    await waitFor(() => battery.writes.length === 3, 5000);
    const err = await failed;
    assert.ok(err instanceof PylonFrameError && err.reason === "checksum", String(err));
  });

  it("keeps waiting after a corrupt frame while the next frame is still arriving", async () => {
    const l = await openLink({ timeoutMs: 60_000, retries: 1, gapMs: 10 });
    battery.replyDelayMs = 100; // the rest comes long after the grace of about the gap
    battery.respond = (req) => {
      const good = replyTo(req);
      return [corrupt(good) + good.slice(0, 9), good.slice(9)];
    };
    const reply = await l.request(requestFor(2));
    assert.equal(reply.raw, replyTo(requestFor(2)));
    assert.equal(reply.attempts, 1);
    assert.equal(battery.writes.length, 1, "no retry while a frame was half in");
  });

  it("takes a valid reply arriving in a later chunk than a corrupt one (within the grace of about the gap)", async () => {
    const l = await openLink({ retries: 0, gapMs: 500 });
    battery.respond = (req) => [corrupt(replyTo(req)), replyTo(req)];
    const reply = await l.request(requestFor(2));
    assert.equal(reply.raw, replyTo(requestFor(2)));
    assert.equal(reply.attempts, 1);
    assert.equal(l.stats.badFrames, 1);
  });

  it("a throwing onBadFrames does not stop the read of the reply", async () => {
    const l = await openLink({ retries: 0 });
    battery.respond = (req) => corrupt(replyTo(req)) + replyTo(req);
    const reply = await l.request(requestFor(2), {
      onBadFrames: () => {
        throw new Error("report failed");
      },
    });
    assert.equal(reply.raw, replyTo(requestFor(2)));
  });

  it("ignores garbage before '~' and reassembles a reply arriving in pieces", async () => {
    const l = await openLink();
    battery.respond = (req) => {
      const reply = replyTo(req);
      return ["\x00\xff\n junk", reply.slice(0, 7), reply.slice(7, 20), reply.slice(20)];
    };
    const reply = await l.request(requestFor(2));
    assert.equal(reply.raw, replyTo(requestFor(2)));
    assert.equal(reply.attempts, 1);
  });

  it("skips the adapter's echo of the request", async () => {
    battery.stop();
    MockBinding.reset();
    battery = new MockBattery(PATH, { echo: true });
    const l = await openLink();
    const reply = await l.request(requestFor(2));
    assert.equal(reply.raw, replyTo(requestFor(2)));
    assert.equal(l.stats.echoes, 1);
  });

  it("drops bytes that arrive while no request waits, and a late reply is not taken for the next one", async () => {
    const l = await openLink({ timeoutMs: 30, retries: 0 });
    battery.respond = () => undefined;
    await assert.rejects(l.request(requestFor(2)), { code: "timeout" });
    battery.send(replyTo(requestFor(2)).slice(0, 10)); // the late reply's first half, before the next request
    await delay(5);
    battery.respond = answerAll;
    const reply = await l.request(requestFor(3));
    assert.equal(reply.frame.adr, 3);
    assert.ok(l.stats.ignoredBytes >= 10);
  });

  it("rejects a malformed request frame", async () => {
    const l = await openLink();
    await assert.rejects(l.request("20024642E00202FD33"), { code: "invalid_request" });
    await assert.rejects(l.request(requestFor(2).trimEnd()), { code: "invalid_request" });
    assert.equal(battery.writes.length, 0);
  });

  it("waits for the port to open when the first request comes right after register", async () => {
    const l = await openLink({}, false);
    l.register(user);
    const reply = await l.request(requestFor(2));
    assert.equal(reply.frame.adr, 2);
  });

  it("fails fast with not_connected without a user or while the device is missing, and works once it appears", async () => {
    const unregistered = await openLink({}, false);
    await assert.rejects(unregistered.request(requestFor(2)), { code: "not_connected" });
    await unregistered.close();

    battery.unplug();
    const l = await openLink({ timeoutMs: 500 }, false);
    const down = nextState(l, "disconnected");
    l.register(user);
    await down;
    const started = performance.now();
    await assert.rejects(l.request(requestFor(2)), (err: Error & { code?: string }) => {
      assert.equal(err.code, "not_connected");
      assert.match(err.message, /not found/);
      return true;
    });
    assert.ok(performance.now() - started < 100, "no waiting for the timeout");

    battery.plug();
    await nextState(l, "connected");
    assert.equal((await l.request(requestFor(2))).frame.adr, 2);
  });

  it("fails the request in flight when the device vanishes, then reopens and serves the next", async () => {
    const l = await openLink({ timeoutMs: 1000 });
    battery.respond = () => undefined;
    const inFlight = l.request(requestFor(2));
    const queued = l.request(requestFor(3));
    await delay(20);
    const started = performance.now();
    battery.unplug();
    await assert.rejects(inFlight, { code: "not_connected" });
    await assert.rejects(queued, { code: "not_connected" });
    assert.ok(performance.now() - started < 200, "no waiting for the timeout");

    battery.respond = answerAll;
    battery.plug();
    await nextState(l, "connected");
    assert.equal((await l.request(requestFor(4))).frame.adr, 4);
  });

  it("close() rejects the request in flight and every queued one, and leaves no timers", async () => {
    const before = await settledHandles();
    const l = await openLink({ timeoutMs: 5000 });
    battery.respond = () => undefined;
    const requests = [2, 3, 4].map((adr) => l.request(requestFor(adr)));
    await delay(20);
    assert.equal(l.pending, 3);
    const closed = nextState(l, "closed");
    await l.close();
    await closed;
    for (const r of requests) await assert.rejects(r, { code: "closed" });
    await assert.rejects(l.request(requestFor(5)), { code: "closed" });
    assert.equal(battery.port, undefined, "port released");
    battery.stop();
    assert.deepEqual(await settledHandles(), before);
  });

  it("closes the port after the last user leaves and its grace period, unless a user comes back", async () => {
    const other = {};
    const l = await openLink({ idleCloseMs: 40 });
    l.register(other);
    l.deregister(user);
    l.deregister(other);
    await delay(10);
    l.register(other); // a partial redeploy re-registers within the grace period
    await delay(60);
    assert.equal(l.state.state, "connected");
    assert.equal(battery.opens, 1);

    const closed = nextState(l, "closed");
    l.deregister(other);
    await closed;
    assert.equal(battery.port, undefined);
    await assert.rejects(l.request(requestFor(2)), { code: "not_connected" });

    const connected = nextState(l, "connected");
    l.register(user);
    await connected;
    assert.equal(battery.opens, 2);
    assert.equal((await l.request(requestFor(2))).frame.adr, 2);
  });
});
