// PortHealth: the raw connecting/disconnected churn of a port that keeps failing becomes one steady
// status, one error per change of cause and one notice on recovery.
import assert from "node:assert/strict";
import {
  describeGatewayFailure,
  describeSerialOpenError,
  PortHealth,
  type PortHealthUpdate,
  PylonPortError,
  type StateChange,
} from "../../nodes/lib/pylon/link";

const WHERE = "/dev/ttyUSB0 @ 115200";
const connecting: StateChange = { state: "connecting", detail: WHERE };
const connected: StateChange = { state: "connected", detail: WHERE };

function failed(message: string, retryInMs = 2000): StateChange {
  const error = describeSerialOpenError(new Error(message), "/dev/ttyUSB0");
  return { state: "disconnected", error, detail: error.message, retryInMs };
}
const missing = failed("Error: No such file or directory, cannot open /dev/ttyUSB0");
const denied = failed("Error: Permission denied, cannot open /dev/ttyUSB0");
const lostError = new PylonPortError("lost", "/dev/ttyUSB0 closed: device disconnected");
const lost: StateChange = { state: "disconnected", error: lostError, detail: lostError.message, retryInMs: 2000 };

/** Feeds the changes and returns the statuses and notices they produced. */
function feed(health: PortHealth, changes: StateChange[]): { statuses: string[]; errors: string[]; infos: string[] } {
  const updates: PortHealthUpdate[] = changes.map((c) => health.update(c));
  return {
    statuses: updates.flatMap((u) => (u.status?.text === undefined ? [] : [u.status.text])),
    errors: updates.flatMap((u) => (u.notice?.level === "error" ? [u.notice.text] : [])),
    infos: updates.flatMap((u) => (u.notice?.level === "info" ? [u.notice.text] : [])),
  };
}

describe("PortHealth", () => {
  it("a device missing for many retries gives one steady status and one error", () => {
    const health = new PortHealth(WHERE);
    const retries = Array.from({ length: 20 }, () => [connecting, missing]).flat();
    const { statuses, errors, infos } = feed(health, [connecting, missing, ...retries]);
    assert.deepEqual(statuses, [`connecting to ${WHERE}`, "/dev/ttyUSB0 not found (unplugged?), retrying every 2 s"]);
    assert.deepEqual(errors, ["/dev/ttyUSB0 not found (unplugged?), retrying every 2 s"]);
    assert.deepEqual(infos, []);
    assert.equal(health.down, true);
    assert.equal(health.downText, "/dev/ttyUSB0 not found (unplugged?), retrying every 2 s");
  });

  it("the status is red while down and turns connected, with one notice, once the reopened port proves itself", () => {
    let now = 1_000_000;
    const health = new PortHealth(WHERE, () => now);
    assert.deepEqual(health.update(missing).status, { fill: "red", shape: "ring", text: "/dev/ttyUSB0 not found (unplugged?), retrying every 2 s" });
    now += 42_000;
    feed(health, [connecting, missing, connecting]);
    assert.deepEqual(health.update(connected), { confirmInMs: 4000 }, "not yet: the port might drop at once");
    assert.equal(health.down, true);
    const back = health.confirm();
    assert.deepEqual(back.status, { fill: "green", shape: "ring", text: `connected to ${WHERE}` });
    assert.deepEqual(back.notice, { level: "info", text: `${WHERE} is open again (was down 42 s)` });
    assert.equal(health.down, false);
    assert.equal(health.downText, undefined);
    assert.deepEqual(health.confirm(), {}, "told once");
  });

  it("a port that connects and drops at once, again and again: one error, no 'open again', one steady status", () => {
    let now = 0;
    const health = new PortHealth(WHERE, () => now);
    const flap = (): StateChange[] => {
      now += 2000;
      return [connecting, connected, lost];
    };
    const first = feed(health, flap());
    const loops = Array.from({ length: 5 }, flap).map((changes) => feed(health, changes));
    const lostText = "/dev/ttyUSB0 closed: device disconnected, retrying every 2 s";
    assert.deepEqual(first.errors, [lostText]);
    assert.deepEqual(first.statuses, [`connecting to ${WHERE}`, `connected to ${WHERE}`, lostText]);
    assert.deepEqual(loops.flatMap((l) => [...l.statuses, ...l.errors, ...l.infos]), [], "nothing more while it keeps dropping");
    assert.equal(health.downText, lostText);
    // Once a connection lasts, the outage is told over, counted from the first loss.
    now += 2000;
    assert.equal(health.update(connected).confirmInMs, 4000);
    now += 4000;
    assert.deepEqual(health.confirm().notice, { level: "info", text: `${WHERE} is open again (was down 16 s)` });
  });

  it("a reopen that lasted but was never confirmed: its loss is a new outage, reported", () => {
    let now = 0;
    const health = new PortHealth(WHERE, () => now);
    feed(health, [connected, lost, connecting]);
    health.update(connected);
    now += 4000;
    assert.deepEqual(feed(health, [lost]).errors, ["/dev/ttyUSB0 closed: device disconnected, retrying every 2 s"]);
  });

  it("a short reopen that drops with another cause updates the status but raises nothing", () => {
    const health = new PortHealth(WHERE);
    feed(health, [connecting, missing, connecting]);
    health.update(connected);
    const { statuses, errors } = feed(health, [lost, connecting, missing]);
    assert.deepEqual(errors, []);
    assert.deepEqual(statuses, ["/dev/ttyUSB0 closed: device disconnected, retrying every 2 s", "/dev/ttyUSB0 not found (unplugged?), retrying every 2 s"]);
  });

  it("a new cause is reported once more: not found, then permission denied", () => {
    const health = new PortHealth(WHERE);
    const { statuses, errors } = feed(health, [missing, connecting, missing, connecting, denied, connecting, denied, connecting, denied]);
    const deniedText = "no permission to open /dev/ttyUSB0 (add the user to the dialout group), retrying every 2 s";
    assert.deepEqual(errors, ["/dev/ttyUSB0 not found (unplugged?), retrying every 2 s", deniedText]);
    assert.deepEqual(statuses, ["/dev/ttyUSB0 not found (unplugged?), retrying every 2 s", deniedText]);
  });

  it("an unplugged adapter is one error: the loss, not also the 'not found' of the reopens that follow", () => {
    const health = new PortHealth(WHERE);
    const { errors, statuses } = feed(health, [connecting, connected, lost, connecting, missing, connecting, missing]);
    assert.deepEqual(errors, ["/dev/ttyUSB0 closed: device disconnected, retrying every 2 s"]);
    assert.deepEqual(statuses, [
      `connecting to ${WHERE}`,
      `connected to ${WHERE}`,
      "/dev/ttyUSB0 closed: device disconnected, retrying every 2 s",
      "/dev/ttyUSB0 not found (unplugged?), retrying every 2 s",
    ]);
    // Once settled on "not found", a further change of cause is news again.
    assert.equal(feed(health, [connecting, denied]).errors.length, 1);
  });

  it("each loss after a recovery is reported again", () => {
    const health = new PortHealth(WHERE);
    const { errors } = feed(health, [connected, lost, missing, connected]);
    const infos = [health.confirm().notice?.level];
    errors.push(...feed(health, [lost, connected]).errors);
    infos.push(health.confirm().notice?.level);
    assert.equal(errors.length, 2);
    assert.deepEqual(infos, ["info", "info"]);
  });

  it("a port already down when a node starts watching it is reported to that node", () => {
    const health = new PortHealth(WHERE);
    assert.equal(health.update(missing).notice?.level, "error");
  });

  it("a refusing TCP gateway: one error naming the gateway and the interval", () => {
    const where = "192.168.1.7:8899";
    const refused = (): StateChange => {
      const raw = Object.assign(new Error("connect ECONNREFUSED 192.168.1.7:8899"), { code: "ECONNREFUSED" });
      const error = describeGatewayFailure({ state: "disconnected", error: raw }, "192.168.1.7", 8899, false);
      return { state: "disconnected", error, detail: error.message, retryInMs: 500 };
    };
    const health = new PortHealth(where);
    const { errors, statuses } = feed(health, [{ state: "connecting" }, refused(), { state: "connecting" }, refused(), { state: "connecting" }, refused()]);
    const text = "cannot connect to gateway 192.168.1.7:8899: connection refused, retrying every 0.5 s";
    assert.deepEqual(errors, [text]);
    assert.deepEqual(statuses, [`connecting to ${where}`, text]);
  });

  it("ignores the link closing (its users are closing too)", () => {
    const health = new PortHealth(WHERE);
    health.update(connected);
    assert.deepEqual(health.update({ state: "closed" }), {});
    assert.equal(health.down, false);
  });

  it("a gateway that does not answer: the status says the retry comes after each failed attempt, not every 2 s", () => {
    const health = new PortHealth("10.0.0.9:4196");
    const error = new PylonPortError("no_answer", "gateway 10.0.0.9:4196 did not answer (connect timeout after 5000 ms)");
    const { errors } = feed(health, [{ state: "connecting" }, { state: "disconnected", error, detail: error.message, retryInMs: 2000 }]);
    assert.deepEqual(errors, ["gateway 10.0.0.9:4196 did not answer (connect timeout after 5000 ms), retrying 2 s after each failed attempt"]);
  });
});

describe("describeGatewayFailure", () => {
  const failure = (error: Error | undefined, wasConnected = false, detail?: string) =>
    describeGatewayFailure({ state: "disconnected", error, detail }, "10.0.0.9", 4196, wasConnected);
  const errno = (code: string, message = `connect ${code} 10.0.0.9:4196`) => Object.assign(new Error(message), { code });

  it("names the cause of a failed connect, in the words the dongle's errors use", () => {
    assert.equal(failure(errno("ECONNREFUSED")).message, "cannot connect to gateway 10.0.0.9:4196: connection refused");
    assert.equal(failure(errno("EHOSTUNREACH")).message, "cannot reach gateway 10.0.0.9:4196: host unreachable");
    assert.equal(failure(errno("EHOSTUNREACH")).reason, "unreachable");
    assert.equal(failure(errno("EHOSTUNREACH")).code, "EHOSTUNREACH");
    assert.equal(failure(errno("ENOTFOUND", "getaddrinfo ENOTFOUND rs485.lan")).message, "cannot reach gateway 10.0.0.9:4196: host name not found (DNS)");
    assert.equal(failure(errno("ENOTFOUND")).reason, "unreachable");
    const timeout = failure(errno("ETIMEDOUT", "connect timeout after 5000 ms"), false, "connect timeout after 5000 ms");
    assert.equal(timeout.message, "gateway 10.0.0.9:4196 did not answer (connection timed out)");
    assert.equal(timeout.reason, "no_answer");
    // Recognised by its code only: a message that merely mentions a timeout is some other failure.
    assert.equal(failure(new Error("connect timeout after 5000 ms")).reason, "other");
    assert.equal(failure(errno("EPIPE", "write EPIPE")).message, "cannot connect to gateway 10.0.0.9:4196: write EPIPE");
  });

  it("a drop of an open connection is 'lost', with the reason the socket gave", () => {
    const drop = failure(undefined, true, "connection closed by peer");
    assert.equal(drop.reason, "lost");
    assert.equal(drop.message, "gateway 10.0.0.9:4196 lost: connection closed by peer");
    const original = errno("ECONNRESET", "read ECONNRESET");
    const reset = failure(original, true);
    assert.equal(reset.message, "gateway 10.0.0.9:4196 lost: connection reset by peer");
    assert.equal(reset.cause, original);
    assert.equal(reset.code, "ECONNRESET");
  });
});
