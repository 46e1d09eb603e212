// A request's deadline holds for every write frame it sends, not only for its start: the first send,
// a retry after a timeout and a resend after a reconnect are all refused once the deadline has passed,
// and the deadline runs from the moment the queue place was taken. Writes are also not queued behind
// a stalled connection. The clock is a fake one the test moves; the fake dongle answers with frames
// built by the codec and records every frame it receives, so the tests look at what was sent.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { DongleLink } from "../../nodes/lib/lxp/link/dongle-link";
import { runCommand } from "../../nodes/lib/lxp/control/control";
import { waitFor } from "../support/net";
import { hexBuf, lxpVector } from "../support/vectors";
import type { ByteTransport, TransportEvents, TransportState } from "../../nodes/lib/common/transport";
import { LxpRequestError } from "../../nodes/lib/lxp/link/request-error";
import { LxpExchange, LxpRequester, QueueOptions } from "../../nodes/lib/lxp/link/requester";
import {
  DeviceFunction,
  encodeReadHold,
  encodeReadReply,
  encodeWriteMulti,
  encodeWriteMultiReply,
  encodeWriteSingle,
  encodeWriteSingleReply,
  frameToMessage,
  parseFrame,
  type LxpFrame,
} from "../../nodes/lib/lxp/codec";

const target = { datalog: "2222222222", inverter: "5555555555" };

/** Time as the requester sees it; only the test moves it. */
const clock = { t: 1_000_000, now: () => clock.t };

/** An in-process dongle: records what reaches it ("read 21", "write 21 = 5") and answers unless told not to. */
function fakeDongle() {
  const dongle = Object.assign(new EventEmitter(), {
    description: "127.0.0.1:8000",
    received: [] as string[],
    /** False: the connection is down and write() fails. */
    up: true,
    /** False: frames arrive but nothing answers. */
    answers: true,
    /** Bytes the transport holds that have not gone out yet (a stalled TCP connection). */
    backlog: 0,
    /** Called with each frame as it arrives, before any answer. */
    onReceive: (_what: string): void => undefined,
    write(buf: Buffer): boolean {
      if (!dongle.up) return false;
      const frame = parseFrame(buf);
      const what = label(frame);
      dongle.received.push(what);
      dongle.onReceive(what);
      if (dongle.answers) queueMicrotask(() => dongle.answer(frame));
      return true;
    },
    unsentBytes: () => dongle.backlog,
    connectionError: () => undefined,
    sendsDirectionZeroReplies: () => false,
    answer(frame: LxpFrame): void {
      if (frame.kind !== "translated") return;
      let reply: Buffer | undefined;
      if (frame.deviceFunction === DeviceFunction.READ_HOLD && frame.role === "request" && "count" in frame) {
        reply = encodeReadReply(target, DeviceFunction.READ_HOLD, frame.register, new Array<number>(frame.count).fill(7));
      } else if (frame.deviceFunction === DeviceFunction.WRITE_SINGLE && "value" in frame) {
        reply = encodeWriteSingleReply(target, frame.register, frame.value);
      } else if (frame.deviceFunction === DeviceFunction.WRITE_MULTI && "values" in frame) {
        reply = encodeWriteMultiReply(target, frame.register, frame.values.length);
      }
      if (!reply) return;
      const decoded = parseFrame(reply);
      dongle.emit("message", { ...frameToMessage(decoded), frame: decoded });
    },
  });
  return dongle;
}

function label(frame: LxpFrame): string {
  if (frame.kind !== "translated") return `${frame.kind} ${frame.kind === "param" ? frame.param : ""}`.trim();
  if (frame.deviceFunction === DeviceFunction.READ_HOLD) return `read ${frame.register}`;
  if ("value" in frame) return `write ${frame.register} = ${frame.value}`;
  return `write ${frame.register} ×${"values" in frame ? frame.values.length : "?"}`;
}

const readHold = (register: number, timeoutMs = 60_000, retries = 0): LxpExchange => ({
  frame: encodeReadHold(target, register, 1),
  expect: { kind: "translated", ...target, deviceFunction: DeviceFunction.READ_HOLD, register, count: 1 },
  description: `read hold ${register} ×1`,
  timeoutMs,
  retries,
});

const writeHold = (register: number, value: number, timeoutMs = 60_000, retries = 0): LxpExchange => ({
  frame: encodeWriteSingle(target, register, value),
  expect: { kind: "translated", ...target, deviceFunction: DeviceFunction.WRITE_SINGLE, register, value },
  description: `write hold ${register} = ${value}`,
  timeoutMs,
  retries,
});

async function rejection(p: Promise<unknown>): Promise<LxpRequestError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof LxpRequestError, String(err));
    return err;
  }
  return assert.fail("resolved");
}

describe("lxp request deadlines hold for every write frame", () => {
  let requester: LxpRequester | undefined;
  afterEach(() => requester?.close());

  const make = () => {
    clock.t = 1_000_000;
    const dongle = fakeDongle();
    requester = new LxpRequester(dongle as unknown as DongleLink, 50, clock.now);
    return { dongle, q: requester };
  };
  const options = (maxWaitMs: number, description = "set/ac_charge"): QueueOptions => ({ maxWaitMs, description });

  it("a task that started in time sends no write once its deadline has passed (its reads went out)", async () => {
    const { dongle, q } = make();
    let finishHead = (): void => undefined;
    const head = q.run(() => new Promise<void>((resolve) => (finishHead = resolve)), options(60_000, "read/hold/21"));
    const late = q.run(async (exchange) => {
      await exchange(readHold(21));
      clock.t += 20; // the read took long: now past the deadline
      return exchange(writeHold(21, 5));
    }, options(200));
    clock.t += 190; // the head ends 10 ms before the late task's deadline: it starts in time
    finishHead();
    await head;
    const error = await rejection(late);
    assert.equal(error.code, "expired");
    assert.equal(error.message, "write hold 21 = 5: not sent: past the deadline of set/ac_charge, 0.2 s after it was queued (timeout × (retries + 1))");
    assert.deepEqual(dongle.received, ["read 21"]);
    assert.equal(q.stats.expired, 1);
  });

  it("retries a write only before the deadline", async () => {
    const { dongle, q } = make();
    dongle.answers = false;
    dongle.onReceive = () => (clock.t += 150); // each attempt waits out its timeout
    const error = await rejection(q.run((exchange) => exchange(writeHold(21, 5, 1, 3)), options(200)));
    assert.equal(error.code, "expired");
    assert.equal(error.message, "write hold 21 = 5: sent 2 times without a reply, not sent again: past the deadline of set/ac_charge, 0.2 s after it was queued (timeout × (retries + 1))");
    assert.deepEqual(dongle.received, ["write 21 = 5", "write 21 = 5"]);
  });

  it("does not resend a write after a reconnect past the deadline", async () => {
    const { dongle, q } = make();
    dongle.up = false;
    const pending = q.run((exchange) => exchange(writeHold(21, 5)), options(200));
    await Promise.resolve();
    clock.t += 250;
    dongle.up = true;
    dongle.emit("state", { state: "connected" });
    const error = await rejection(pending);
    assert.equal(error.code, "expired");
    assert.deepEqual(dongle.received, []);
  });

  it("resends a write after a reconnect before the deadline", async () => {
    const { dongle, q } = make();
    dongle.up = false;
    const pending = q.run((exchange) => exchange(writeHold(21, 5)), options(200));
    await Promise.resolve();
    clock.t += 150;
    dongle.up = true;
    dongle.emit("state", { state: "connected" });
    const reply = await pending;
    assert.equal(reply.msg.topic, "lxp/2222222222/write/21");
    assert.deepEqual(dongle.received, ["write 21 = 5"]);
  });

  it("guards write-multi and write-param frames as well; reads after the deadline still go out (a read-back must run)", async () => {
    const { dongle, q } = make();
    const multi: LxpExchange = {
      frame: encodeWriteMulti(target, 12, [1, 2, 3]),
      expect: { kind: "translated", ...target, deviceFunction: DeviceFunction.WRITE_MULTI, register: 12, count: 3 },
      description: "write hold 12 ×3",
      timeoutMs: 60_000,
      retries: 0,
    };
    const param: LxpExchange = {
      frame: hexBuf(lxpVector("lb_build_write_param").hex), // write param 7 from datalog 2222222222: the package builds none
      expect: { kind: "param", datalog: target.datalog, param: 7 },
      description: "write param 7",
      timeoutMs: 60_000,
      retries: 0,
    };
    // One after the other: each is queued at the clock's current time.
    const outcomes = [
      await q.run(async (exchange) => {
        clock.t += 300;
        return exchange(multi);
      }, options(200, "sync_time")).catch((err: LxpRequestError) => err.code),
      await q.run(async (exchange) => {
        clock.t += 300;
        return exchange(param);
      }, options(200, "param")).catch((err: LxpRequestError) => err.code),
      await q.run(async (exchange) => {
        await exchange(writeHold(21, 5));
        clock.t += 300;
        return (await exchange(readHold(21))).msg.topic;
      }, options(200, "set/hold/21")),
    ];
    assert.deepEqual(outcomes, ["expired", "expired", "lxp/2222222222/hold/21"]);
    assert.deepEqual(dongle.received, ["write 21 = 5", "read 21"]);
  });

  it("counts the deadline from the moment the queue place was taken (the wait for the serials included)", async () => {
    const { dongle, q } = make();
    const place = q.reserve("set/ac_charge");
    clock.t += 250; // waiting for the serials
    const error = await rejection(place.run((exchange) => exchange(readHold(21)), options(200)));
    assert.equal(error.code, "expired");
    assert.deepEqual(dongle.received, []);
  });

  it("sends no write while the connection still holds unsent bytes (a stalled TCP socket); reads are not held back", async () => {
    const { dongle, q } = make();
    dongle.backlog = 38;
    const read = await q.run((exchange) => exchange(readHold(21)), options(60_000, "read/hold/21"));
    assert.equal(read.msg.topic, "lxp/2222222222/hold/21");
    dongle.onReceive = () => assert.fail("nothing is sent");
    const error = await rejection(q.run((exchange) => exchange(writeHold(21, 5, 1, 1)), options(60_000)));
    assert.equal(error.code, "not_connected");
    assert.equal(error.message, "write hold 21 = 5: not sent: 38 bytes to the dongle at 127.0.0.1:8000 have not gone out yet (a stalled connection) (2 attempts)");
    assert.deepEqual(dongle.received, ["read 21"]);
  });
});

/** A connected TCP transport that records what it is given and holds `unsentBytes` unsent bytes. */
class StalledTransport extends EventEmitter<TransportEvents> implements ByteTransport {
  readonly kind = "tcp" as const;
  state: TransportState = "idle";
  lastDataAt: number | undefined;
  unsentBytes = 0;
  readonly written: string[] = [];
  start(): void {
    this.state = "connected";
    this.emit("state", { state: "connected" });
  }
  write(buf: Buffer): boolean {
    this.written.push(label(parseFrame(buf)));
    return true;
  }
  close(): Promise<void> {
    this.state = "closed";
    return Promise.resolve();
  }
}

describe("DongleLink: writes behind a stalled TCP connection", () => {
  let link: DongleLink | undefined;
  afterEach(async () => {
    await link?.close();
    link = undefined;
  });

  it("a command's write frame waits while the transport holds unsent bytes and goes out after the reconnect", async () => {
    const transport = new StalledTransport();
    const l = (link = new DongleLink({ transport: "tcp", host: "192.168.1.50", port: 8000, ...target, writes: { allowed: true }, createTransport: () => transport }));
    l.register({});
    transport.unsentBytes = 120;
    const outcome = runCommand(l, { topic: "set/hold/12", payload: [1, 2, 3] }, { timeoutMs: 60_000, retries: 0 });
    await waitFor(() => l.requester.stats.exchanges === 1, 2000, "the write exchange");
    assert.deepEqual(transport.written, [], "held back");
    transport.unsentBytes = 0; // the watchdog dropped the stalled socket, a new one connects
    transport.start();
    assert.deepEqual(transport.written, ["write 12 ×3"]);
    await l.close();
    assert.equal((await outcome).error?.code, "closed");
  });
});
