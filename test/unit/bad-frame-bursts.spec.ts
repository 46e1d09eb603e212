// Bad-frame bursts: a lone bad frame is reported at once as it is; a burst costs one more report;
// at most one report a minute comes at once, and later summaries come at most every 10 s.
import assert from "node:assert/strict";
import { BadFrameBursts, BadFrameReport } from "../../nodes/lib/lxp/link/bad-frame-bursts";
import { LxpFrameError } from "../../nodes/lib/lxp/codec";
import { FakeClock } from "../support/fake-clock";

const garbage = (n: number): LxpFrameError => new LxpFrameError(`skipped ${n} bytes of garbage`, Buffer.alloc(n, 0xff));

describe("BadFrameBursts", () => {
  let bursts: BadFrameBursts | undefined;
  let clock: FakeClock;
  let reports: BadFrameReport[];
  const open = (options: { quietMs?: number; maxMs?: number } = {}): BadFrameBursts => {
    clock = new FakeClock(1_000_000);
    reports = [];
    bursts = new BadFrameBursts((r) => reports.push(r), { ...options, now: clock.now, timers: clock });
    return bursts;
  };
  afterEach(() => bursts?.close());

  it("reports a lone bad frame at once, unchanged", () => {
    const b = open();
    const error = new LxpFrameError("CRC mismatch: stored 0x9024, computed 0x1234", Buffer.from([0xa1, 0x1a, 0x02]));
    b.add(error);
    assert.deepEqual(reports, [{ message: error.message, raw: "a11a02", count: 1, bytes: 3, summary: false }]);
    assert.equal(clock.pending, 0, "nothing pending, no timer");
  });

  it("sums up the rest of a burst in one report: count, bytes, time, first bytes and reason", () => {
    const b = open();
    b.add(garbage(5));
    for (let k = 0; k < 500; k++) {
      clock.advance(1);
      b.add(k === 0 ? new LxpFrameError("implausible frame length 6823", Buffer.from("a11aa11aa11aa11aa11aa11aa11aa11aa11a", "hex")) : garbage(100));
    }
    assert.equal(reports.length, 1, "the rest waits for the end of the burst");
    assert.equal(b.pendingCount, 500);
    clock.advance(999);
    assert.equal(reports.length, 1);
    clock.advance(1);
    assert.equal(reports.length, 2, "1 s without bad frames: the burst has ended");
    assert.deepEqual(reports[1], {
      message: "500 more bad frames (49918 bytes) in 0.5 s, first: a1 1a a1 1a a1 1a a1 1a a1 1a a1 1a a1 1a a1 1a … (implausible frame length 6823)",
      raw: "a11aa11aa11aa11aa11aa11aa11aa11a",
      count: 500,
      bytes: 49918,
      summary: true,
    });
  });

  it("a second bad frame alone in its burst is reported as it is, only later", () => {
    const b = open();
    b.add(garbage(1));
    b.add(new LxpFrameError("implausible frame length 6823", "ff", false, { count: 5, bytes: 90 }));
    clock.advance(1000);
    assert.deepEqual(reports[1], { message: "5 bad frames in 90 bytes, first: implausible frame length 6823", raw: "ff", count: 5, bytes: 90, summary: false });
  });

  it("a burst that goes on is summed up every maxMs, and flush() reports what is pending", () => {
    const b = open({ quietMs: 60_000, maxMs: 10_000 });
    for (let t = 0; t <= 25_000; t += 100) {
      b.add(garbage(2));
      clock.advance(100);
    }
    assert.deepEqual(reports.map((r) => r.count), [1, 100, 100], "at once, then 10 s and 20 s after it");
    assert.equal(reports[1].message.slice(0, 44), "100 more bad frames (200 bytes) in 9.9 s, fi");
    b.flush();
    assert.deepEqual(reports.map((r) => r.count), [1, 100, 100, 50]);
    b.flush();
    assert.equal(reports.length, 4, "nothing pending: nothing reported");
  });

  it("bad frames paced just past the burst gap cannot raise one report each: one a minute at once, summaries every 10 s, none lost", () => {
    const b = open();
    let sent = 0;
    for (let t = 0; t < 600_000; t += 1100) {
      b.add(garbage(60));
      sent++;
      clock.advance(1100);
    }
    clock.advance(60_000);
    assert.equal(sent, 546);
    assert.ok(reports.length <= 62, `${reports.length} reports for 10 minutes`);
    assert.equal(reports.reduce((n, r) => n + r.count, 0), sent, "every bad frame is in a report");
    assert.deepEqual(reports.slice(0, 2).map((r) => r.count), [1, 1], "the first at once, the second when its burst ended");
    assert.match(reports[2].message, /^9 more bad frames \(540 bytes\) in 8\.8 s, first: ff ff/);
    assert.ok(reports.slice(2).every((r) => r.summary), "then only summaries");
  });

  it("one report at once per minute at most; a lone bad frame after a quiet minute is reported at once again", () => {
    const b = open();
    b.add(garbage(1));
    clock.advance(5000);
    b.add(garbage(2)); // a second burst 5 s later: not at once; its summary (of one: the error itself) when it ends
    assert.equal(reports.length, 1);
    clock.advance(1000);
    assert.deepEqual(reports.map((r) => [r.count, r.summary]), [[1, false], [1, false]]);
    clock.advance(1000);
    b.add(garbage(3)); // a third: its summary waits until 10 s after the last report
    clock.advance(8999);
    assert.equal(reports.length, 2);
    clock.advance(1);
    assert.equal(reports.length, 3);
    clock.advance(20_000);
    b.add(garbage(3)); // 37 s after the last report made at once: a summary again, when its burst ends
    assert.equal(reports.length, 3);
    clock.advance(1000);
    assert.equal(reports.length, 4);
    clock.advance(60_000);
    b.add(garbage(4));
    assert.equal(reports.length, 5, "after a quiet minute: at once");
    assert.equal(reports[4].message, "skipped 4 bytes of garbage");
    assert.equal(clock.pending, 0, "no timer left when nothing is pending");
  });

  it("close() drops what is pending and stops its timer", () => {
    const b = open();
    b.add(garbage(1));
    b.add(garbage(1));
    assert.equal(clock.pending, 1);
    b.close();
    assert.equal(clock.pending, 0);
    clock.advance(60_000);
    assert.equal(reports.length, 1);
  });
});
