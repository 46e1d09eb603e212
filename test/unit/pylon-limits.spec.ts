// The PylonTech timing limits (nodes/lib/pylon/link/limits.ts) as the config parsers apply them, and the
// bad-frame bursts (nodes/lib/pylon/link/bad-frames.ts) the node and the CLI report.
import assert from "node:assert/strict";
import { PylonFrameError } from "../../nodes/lib/pylon/codec";
import { BadFrameBursts, frameSample } from "../../nodes/lib/pylon/link/bad-frames";
import { limited, PYLON_LIMITS, raisedWarning, type RaisedValue } from "../../nodes/lib/pylon/link/limits";
import { parsePylonPollConfig } from "../../nodes/lib/pylon/poll/poll-config";
import { parsePylonPortConfig } from "../../nodes/lib/pylon/link/port-config";

const serial = { transport: "serial", path: "/dev/ttyUSB0" };

describe("PylonTech timing limits", () => {
  it("raises a value below its minimum and notes it; blank gives the default; 0 means off only where allowed", () => {
    const raised: RaisedValue[] = [];
    assert.equal(limited("timeout", "50", 1000, raised), 100);
    assert.equal(limited("timeout", "", 1000, raised), 1000);
    assert.equal(limited("interval", "0", 10, raised), 0, "0 = only on input");
    assert.equal(limited("interval", "0.001", 10, raised), 1);
    assert.equal(limited("gap", "0", 50, raised), 10, "0 is just below the minimum for the gap");
    assert.deepEqual(raised, [
      { name: "timeout", message: 'reply timeout (ms) must be at least 100, got "50"', used: 100 },
      { name: "interval", message: 'interval (s) must be at least 1, got "0.001"', used: 1 },
      { name: "gap", message: 'gap between requests (ms) must be at least 10, got "0"', used: 10 },
    ]);
    assert.equal(
      raisedWarning(raised.slice(0, 2)),
      'reply timeout (ms) must be at least 100, got "50": using 100; interval (s) must be at least 1, got "0.001": using 1 (raise it in the editor to silence this warning)',
    );
  });

  it("refuses what no flow could hold: negative, above the maximum, not a number, a fraction of a count", () => {
    const raised: RaisedValue[] = [];
    assert.throws(() => limited("timeout", "-1", 1000, raised), /^Error: reply timeout \(ms\) must be a number from 100 to 30000, got "-1"$/);
    assert.throws(() => limited("interval", "86401", 10, raised), /interval \(s\) must be 0 \(only on input\) or a number from 1 to 86400, got "86401"/);
    assert.throws(() => limited("gap", "fast", 50, raised), /gap between requests \(ms\) must be a number from 10 to 5000/);
    assert.throws(() => limited("retries", "1.5", 1, raised), /retries must be a whole number from 0 to 10/);
    assert.deepEqual(raised, []);
  });

  it("pylon-port: timeout, gap and reopen delay below their minimums are raised and listed; the link gets the minimums", () => {
    const config = parsePylonPortConfig({ ...serial, timeout: "1", gap: "0", reconnect: "0.001", retries: "0" });
    assert.deepEqual(config.raised.map((r) => r.name), ["timeout", "gap", "reconnect"]);
    assert.equal(config.link.timeoutMs, PYLON_LIMITS.timeout.min);
    assert.equal(config.link.gapMs, PYLON_LIMITS.gap.min);
    assert.equal(config.link.reconnectMs, PYLON_LIMITS.reconnect.min * 1000);
    assert.equal(config.link.retries, 0);
    assert.deepEqual(parsePylonPortConfig({ ...serial }).raised, []);
  });

  it("pylon-poll: interval and identity refresh below their minimums are raised; 0 s polls only on input", () => {
    const slow = parsePylonPollConfig({ interval: "0.001", identityMinutes: "0.1", packs: "3" });
    assert.equal(slow.intervalMs, 1000);
    assert.equal(slow.settings.identityIntervalMs, 60_000);
    assert.deepEqual(slow.raised.map((r) => r.name), ["interval", "identityMinutes"]);
    const inputOnly = parsePylonPollConfig({ interval: "0" });
    assert.equal(inputOnly.intervalMs, 0);
    assert.deepEqual(inputOnly.raised, []);
    const defaults = parsePylonPollConfig({});
    assert.deepEqual([defaults.intervalMs, defaults.settings.identityIntervalMs, defaults.settings.packs], [10_000, 3_600_000, "auto"]);
  });
});

describe("bad-frame bursts", () => {
  const error = new PylonFrameError("checksum", "CHKSUM mismatch", "~20024A00E00221020D0A0CE3\r~junk that goes on and on");

  it("one error for the first cycle with bad frames, with the count and the first bytes; later ones only counted", () => {
    const bursts = new BadFrameBursts("/dev/ttyUSB0", 60_000);
    assert.equal(bursts.add(0, undefined, 0), undefined);
    const notice = bursts.add(12, error, 1000);
    assert.deepEqual(notice, {
      level: "error",
      text:
        '12 bad frames from /dev/ttyUSB0 in one poll cycle, the first (checksum): "~20024A00E00221020D0A0CE3\\r~junk "…; ' +
        "more are only counted in the status until 60 s pass without any",
    });
    assert.equal(bursts.count, 12);
    assert.equal(bursts.add(5, error, 11_000), undefined);
    assert.equal(bursts.add(0, undefined, 21_000), undefined, "a clean cycle does not end the burst yet");
    assert.equal(bursts.add(1, error, 70_000), undefined, "59 s after the last one: the same burst");
    assert.equal(bursts.count, 18);
  });

  it("a quiet period ends the burst (logged once); the next bad frame is a new error", () => {
    const bursts = new BadFrameBursts("gw:8899", 60_000);
    bursts.add(3, error, 0);
    assert.equal(bursts.add(0, undefined, 59_999), undefined);
    assert.deepEqual(bursts.add(0, undefined, 60_000), { level: "log", text: "no bad frames from gw:8899 for 60 s: 3 in that burst" });
    assert.equal(bursts.count, 0);
    assert.equal(bursts.add(0, undefined, 200_000), undefined, "logged once");
    assert.equal(bursts.add(1, error, 300_000)?.level, "error");
    assert.match(bursts.add(2, error, 900_000)?.text ?? "", /^2 bad frames/, "after a quiet period without a clean cycle in between, too");
  });

  it("cannot be paced around: with the default quiet period, bad cycles a minute apart raise one error an hour", () => {
    const bursts = new BadFrameBursts("/dev/ttyUSB0");
    const notices = [];
    for (let t = 0; t < 3_600_000; t += 61_000) notices.push(bursts.add(1, error, t), bursts.add(0, undefined, t + 1000));
    assert.deepEqual(notices.filter((n) => n !== undefined).map((n) => n!.level), ["error"]);
    assert.equal(bursts.count, 60);
  });

  it("shows the first bytes escaped and cut", () => {
    assert.equal(frameSample("~20\r"), '"~20\\r"');
    assert.equal(frameSample("\x00".repeat(40)), `"${"\\u0000".repeat(32)}"…`);
  });
});
