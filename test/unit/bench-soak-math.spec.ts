// The soak's arithmetic (bench/soak): the fitted growth and the simulated-day count it is divided by.
import assert from "node:assert/strict";
import { linearFit } from "../../bench/soak/linear-fit";
import { REAL_DAY, simulatedDays } from "../../bench/soak/simulated-day";

describe("soak arithmetic", () => {
  it("fits a line: exact points give their slope with no error; scattered ones a slope and its standard error", () => {
    const exact = linearFit([0, 1, 2, 3], [1, 3, 5, 7]);
    assert.equal(exact.slope, 2);
    assert.equal(exact.slopeError, 0);
    const scattered = linearFit([0, 1, 2, 3, 4], [0, 2, 1, 3, 4]);
    assert.equal(scattered.slope, 0.9);
    // line 0.2 + 0.9x; residuals -0.2, 0.9, -1, 0.1, 0.2: squares sum to 1.9; sqrt(1.9 / (5 - 2) / sxx 10)
    assert.ok(Math.abs(scattered.slopeError - Math.sqrt(1.9 / 30)) < 1e-12);
    assert.ok(Number.isNaN(linearFit([0, 1], [5, 6]).slopeError));
    assert.throws(() => linearFit([1, 1, 1], [1, 2, 3]), /all x values are equal/);
    assert.throws(() => linearFit([1], [1]), /at least two points/);
  });

  it("counts simulated days by the side that did the least of its real day", () => {
    assert.deepEqual(REAL_DAY, { lxpFrames: 4320, lxpRequests: 1440, pylonCycles: 8640 });
    const days = simulatedDays({ lxpFrames: 43_200, lxpRequests: 2880, pylonCycles: 4320 });
    assert.deepEqual(days, { lxpFrames: 10, lxpRequests: 2, pylonCycles: 0.5, overall: 0.5 });
  });
});
