// Bad-frame bursts: a lone bad frame is reported at once as it is; a burst costs one more report.
import assert from "node:assert/strict";
import { BadFrameBursts, BadFrameReport } from "../../nodes/lib/lxp/link/bad-frame-bursts";
import { LxpFrameError } from "../../nodes/lib/lxp/codec";
import { waitFor } from "../support/net";

const garbage = (n: number): LxpFrameError => new LxpFrameError(`skipped ${n} bytes of garbage`, Buffer.alloc(n, 0xff));

describe("BadFrameBursts", () => {
  let bursts: BadFrameBursts | undefined;
  afterEach(() => bursts?.close());

  it("reports a lone bad frame at once, unchanged", () => {
    const reports: BadFrameReport[] = [];
    bursts = new BadFrameBursts((r) => reports.push(r));
    const error = new LxpFrameError("CRC mismatch: stored 0x9024, computed 0x1234", Buffer.from([0xa1, 0x1a, 0x02]));
    bursts.add(error);
    assert.deepEqual(reports, [{ message: error.message, raw: "a11a02", count: 1, bytes: 3, summary: false }]);
  });

  it("sums up the rest of a burst in one report when it ends: count, bytes, time, first bytes and reason", async () => {
    const reports: BadFrameReport[] = [];
    let now = 1000;
    bursts = new BadFrameBursts((r) => reports.push(r), { quietMs: 20, now: () => now });
    bursts.add(garbage(5));
    for (let k = 0; k < 500; k++) {
      now += 1;
      bursts.add(k === 0 ? new LxpFrameError("implausible frame length 6823", Buffer.from("a11aa11aa11aa11aa11aa11aa11aa11aa11a", "hex")) : garbage(100));
    }
    assert.equal(reports.length, 1, "the rest waits for the end of the burst");
    assert.equal(bursts.pendingCount, 500);
    await waitFor(() => reports.length === 2, 2000, "the summary");
    assert.deepEqual(reports[1], {
      message: "500 more bad frames (49918 bytes) in 0.5 s, first: a1 1a a1 1a a1 1a a1 1a a1 1a a1 1a a1 1a a1 1a … (implausible frame length 6823)",
      raw: "a11aa11aa11aa11aa11aa11aa11aa11a",
      count: 500,
      bytes: 49918,
      summary: true,
    });
    // After the quiet period a new bad frame opens a new burst: reported at once again.
    bursts.add(garbage(1));
    assert.equal(reports.length, 3);
    assert.equal(reports[2].message, "skipped 1 bytes of garbage");
  });

  it("a second bad frame alone in its burst is reported as it is, only later", async () => {
    const reports: BadFrameReport[] = [];
    bursts = new BadFrameBursts((r) => reports.push(r), { quietMs: 20 });
    bursts.add(garbage(1));
    bursts.add(new LxpFrameError("implausible frame length 6823", "ff", false, { count: 5, bytes: 90 }));
    await waitFor(() => reports.length === 2, 2000, "the second report");
    assert.deepEqual(reports[1], { message: "5 bad frames in 90 bytes, first: implausible frame length 6823", raw: "ff", count: 5, bytes: 90, summary: false });
  });

  it("a burst that goes on is summed up every maxMs, and flush() reports what is pending", () => {
    const reports: BadFrameReport[] = [];
    let now = 0;
    bursts = new BadFrameBursts((r) => reports.push(r), { quietMs: 60_000, maxMs: 10_000, now: () => now });
    for (; now <= 25_000; now += 100) bursts.add(garbage(2));
    assert.deepEqual(reports.map((r) => r.count), [1, 100, 100], "at once, then after 10 s and 20 s");
    assert.equal(reports[1].message.slice(0, 44), "100 more bad frames (200 bytes) in 9.9 s, fi");
    bursts.flush();
    assert.deepEqual(reports.map((r) => r.count), [1, 100, 100, 50]);
    bursts.flush();
    assert.equal(reports.length, 4, "nothing pending: nothing reported");
  });

  it("close() drops what is pending and stops its timer", async () => {
    const reports: BadFrameReport[] = [];
    bursts = new BadFrameBursts((r) => reports.push(r), { quietMs: 10 });
    bursts.add(garbage(1));
    bursts.add(garbage(1));
    bursts.close();
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(reports.length, 1);
  });
});
