// Durations in status texts and logs: retry intervals, waits, broadcast intervals.
import assert from "node:assert/strict";
import { formatSeconds } from "../../nodes/lib/common/format-seconds";

describe("formatSeconds", () => {
  it("shows seconds with at most two decimals", () => {
    assert.equal(formatSeconds(2), "2 s");
    assert.equal(formatSeconds(0.2), "0.2 s");
    assert.equal(formatSeconds(1.25), "1.25 s");
    assert.equal(formatSeconds(1 / 3), "0.33 s");
    assert.equal(formatSeconds(30), "30 s");
  });

  it("shows whole minutes from 2 min on", () => {
    assert.equal(formatSeconds(119), "119 s");
    assert.equal(formatSeconds(120), "2 min");
    assert.equal(formatSeconds(300), "5 min");
    assert.equal(formatSeconds(330), "330 s");
  });
});
