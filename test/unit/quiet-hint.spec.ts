// The status hint when no input data came for two broadcast intervals: it names the likeliest cause.
import assert from "node:assert/strict";
import { quietHint } from "../../nodes/lib/lxp/link/quiet-hint";

describe("quietHint", () => {
  const none = { otherSenders: 0, otherSerials: 0, dongleAddress: "192.168.1.50", source: false };

  it("blames the UDP pin when datagrams from other senders were ignored", () => {
    assert.equal(
      quietHint(600_000, false, 0, { ...none, otherSenders: 12 }),
      "no input data for 10 min: 12 datagrams from other senders ignored (pinned to 192.168.1.50: set Source, or restart flows)",
    );
    assert.equal(
      quietHint(600_000, true, 3, { ...none, otherSenders: 1, source: true }),
      "no input data for 10 min: 1 datagram from other senders ignored (Source is 192.168.1.50: has the dongle's address changed?)",
    );
  });

  it("then the datalog filter, then frames naming other serials", () => {
    assert.equal(quietHint(120_000, false, 7, { ...none, otherSerials: 2 }), "no input data for 2 min: 7 frames from other datalogs (check the datalog filter)");
    assert.equal(
      quietHint(120_000, false, 0, { ...none, otherSerials: 2 }),
      "no input data for 2 min: 2 frames naming other serials ignored (check Datalog and Inverter in the dongle config)",
    );
  });

  it("else suggests answering heartbeats, as before", () => {
    assert.equal(quietHint(60_000, false, 0, none), 'no input data for 1 min: try "answer heartbeats" in the dongle config');
    assert.equal(quietHint(60_000, true), "no input data for 1 min (heartbeats are answered)");
  });
});
