// What pylon-poll's status shows of its link's counters: retries since its last cycle, the queue
// behind, the last reply's time for a cycle nobody answered; nothing when all is quiet.
import assert from "node:assert/strict";
import { LinkCounters } from "../../nodes/lib/pylon/poll/link-counters";
import { clock } from "../../nodes/lib/common/status";

describe("pylon-poll LinkCounters", () => {
  it("counts retries per cycle and the queue now; says nothing on a quiet bus", () => {
    const link = { stats: { retries: 4, lastReplyAt: undefined as number | undefined }, queued: 0 };
    const counters = new LinkCounters(link);
    assert.deepEqual(counters.afterCycle(), [], "retries before the node started are not its news");
    link.stats.retries = 5;
    assert.deepEqual(counters.afterCycle(), ["1 retry"]);
    link.stats.retries = 8;
    link.queued = 2;
    assert.deepEqual(counters.afterCycle(), ["3 retries", "2 queued"]);
    link.queued = 0;
    assert.deepEqual(counters.afterCycle(), []);
  });

  it("names the last reply's local time, and nothing before the first reply", () => {
    const link = { stats: { retries: 0, lastReplyAt: undefined as number | undefined }, queued: 0 };
    const counters = new LinkCounters(link);
    assert.equal(counters.lastReply(), undefined);
    const at = new Date(2024, 5, 1, 14, 3, 12).getTime();
    link.stats.lastReplyAt = at;
    assert.equal(counters.lastReply(), "last reply 14:03:12");
    assert.equal(counters.lastReply(), `last reply ${clock(at)}`);
  });
});
