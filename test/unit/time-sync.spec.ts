// Time sync: the clock registers, the 120 s rule, and sync_time through runCommand with a stand-in
// link whose "inverter" answers from hold-register state (no network, the host clock injected).
import assert from "node:assert/strict";
import type { DecodedMessage, DongleLink } from "../../nodes/lib/lxp/link/dongle-link";
import { runCommand } from "../../nodes/lib/lxp/control/control";
import { LxpExchange } from "../../nodes/lib/lxp/link/requester";
import {
  DeviceFunction,
  encodeReadReply,
  encodeWriteMultiReply,
  frameToMessage,
  parseFrame,
  type LxpFrame,
} from "../../nodes/lib/lxp/codec";
import { clockDriftSeconds, clockRegisters, inverterClock, needsSync, scheduleTimeSync } from "../../nodes/lib/lxp/control/time-sync";
import { lxpVector } from "../support/vectors";

const target = { datalog: "2222222222", inverter: "5555555555" };

/** A link stand-in: hold registers answer reads, write multis store; every sent frame is kept. */
function standIn(holds: Map<number, number>, allowed = true) {
  const sent: LxpFrame[] = [];
  const decoded = (buf: Buffer): DecodedMessage => {
    const frame = parseFrame(buf);
    return { ...frameToMessage(frame, { time: 0 }), frame };
  };
  const exchange = async (ex: LxpExchange): Promise<DecodedMessage> => {
    const req = parseFrame(ex.frame);
    sent.push(req);
    if (req.kind !== "translated" || req.role !== "request") throw new Error("unexpected frame");
    if (req.deviceFunction === DeviceFunction.READ_HOLD) {
      const values = Array.from({ length: req.count }, (_, k) => holds.get(req.register + k) ?? 0);
      return decoded(encodeReadReply(target, DeviceFunction.READ_HOLD, req.register, values));
    }
    if (req.deviceFunction === DeviceFunction.WRITE_MULTI) {
      req.values.forEach((v, k) => holds.set(req.register + k, v));
      return decoded(encodeWriteMultiReply(target, req.register, req.count));
    }
    throw new Error(`unexpected function ${req.deviceFunction}`);
  };
  const link = {
    writePolicy: { allowed },
    target: () => target,
    waitForTarget: async () => target,
    requester: { reserve: () => ({ run: <T>(task: (x: typeof exchange) => Promise<T>) => task(exchange), release: () => undefined }) },
  } as unknown as DongleLink;
  return { link, sent };
}

describe("time sync", () => {
  it("encodes local time into registers 12-14 as the write-multi vector does", () => {
    assert.deepEqual(clockRegisters(new Date(2022, 5, 19, 20, 23, 33)), [0x0616, 0x1413, 0x2117]);
    assert.throws(() => clockRegisters(new Date(1999, 0, 1)), /cannot hold the year 1999/);
  });

  it("reads registers 12-14 back into a local date; an impossible clock is undefined", () => {
    assert.equal(inverterClock(0x0616, 0x0514, 0x3910)?.getTime(), new Date(2022, 5, 20, 5, 16, 57).getTime());
    assert.equal(inverterClock(0, 0, 0), undefined, "month 0");
    assert.equal(inverterClock(0x0416, 0x001f, 0), undefined, "31 April");
    assert.equal(inverterClock(0x0116, 0x1801, 0), undefined, "hour 24");
    assert.equal(clockDriftSeconds([0, 0, 0], new Date()), Infinity);
  });

  it("syncs only beyond 120 s either way", () => {
    for (const d of [0, 120, -120, 37]) assert.equal(needsSync(d), false, String(d));
    for (const d of [121, -121, 3600, Infinity]) assert.equal(needsSync(d), true, String(d));
  });

  it("sync_time leaves a clock 119 s off alone (read only)", async () => {
    const now = new Date(2022, 5, 19, 20, 23, 33);
    const holds = new Map<number, number>();
    clockRegisters(new Date(now.getTime() + 119_000)).forEach((v, k) => holds.set(12 + k, v));
    const { link, sent } = standIn(holds);
    const { msg, error } = await runCommand(link, { topic: "sync_time", payload: undefined }, { timeoutMs: 100, retries: 0, now: () => now });
    assert.equal(error, undefined);
    assert.deepEqual(msg.sync, { drift_s: 119, written: false, tolerance_s: 120 });
    assert.equal(sent.length, 1);
  });

  it("sync_time sets a clock 153 s behind with one write multi, byte-equal to the vector", async () => {
    const now = new Date(2022, 5, 19, 20, 23, 33);
    const holds = new Map<number, number>();
    clockRegisters(new Date(2022, 5, 19, 20, 21, 0)).forEach((v, k) => holds.set(12 + k, v));
    const { link, sent } = standIn(holds);
    const { msg, error } = await runCommand(link, { topic: "sync_time", payload: undefined }, { timeoutMs: 100, retries: 0, now: () => now });
    assert.equal(error, undefined);
    assert.equal(msg.result, "ok");
    assert.deepEqual(msg.sync, { drift_s: -153, written: true, tolerance_s: 120 });
    assert.equal(sent.length, 3);
    assert.equal(sent[1].raw.toString("hex"), lxpVector("lb_build_write_multi").hex);
    assert.equal((msg.payload as any).inverter_time, "2022-06-19 20:23:33");
  });

  it("sync_time writes an unreadable (unset) clock, and is refused when writes are off", async () => {
    const now = new Date(2024, 0, 2, 3, 4, 5);
    const { link } = standIn(new Map());
    const { msg } = await runCommand(link, { topic: "sync_time", payload: "auto" }, { timeoutMs: 100, retries: 0, now: () => now });
    assert.deepEqual(msg.sync, { drift_s: null, written: true, tolerance_s: 120 });
    const off = standIn(new Map(), false);
    const refused = await runCommand(off.link, { topic: "sync_time", payload: undefined }, { timeoutMs: 100, retries: 0, now: () => now });
    assert.equal(refused.error?.code, "refused");
    assert.equal(off.sent.length, 0);
  });

  it("scheduleTimeSync runs every N hours and stops; 0 never runs", () => {
    const calls: number[] = [];
    const realSetInterval = global.setInterval;
    const realClearInterval = global.clearInterval;
    const timers: Array<{ ms: number; cleared: boolean }> = [];
    (global as any).setInterval = (fn: () => void, ms: number) => {
      const t = { ms, cleared: false, fn };
      timers.push(t);
      return t;
    };
    (global as any).clearInterval = (t: { cleared: boolean }) => (t.cleared = true);
    try {
      const stop = scheduleTimeSync(6, () => calls.push(1));
      assert.equal(timers[0].ms, 6 * 3600 * 1000);
      stop();
      assert.equal(timers[0].cleared, true);
      scheduleTimeSync(0, () => calls.push(1))();
      assert.equal(timers.length, 1);
    } finally {
      global.setInterval = realSetInterval;
      global.clearInterval = realClearInterval;
    }
  });
});
