// `lxp-pylon lxp …` as a real process against the loopback stand-in dongle.
import assert from "node:assert/strict";
import { DeviceFunction, encodeReadReply } from "../../nodes/lib/lxp/codec";
import { CliProcess, runCli } from "../support/cli";
import { FakeInverter } from "../support/fake-inverter";
import { waitFor } from "../support/net";
import { lxpVector } from "../support/vectors";

async function run(args: string[]): Promise<{ code: number | null | undefined; json: any; stderr: string }> {
  const cli = new CliProcess(args);
  await waitFor(() => cli.exitCode !== undefined, 10000, "the CLI to exit");
  return { code: cli.exitCode, json: cli.lines.length ? JSON.parse(cli.lines.join("\n")) : undefined, stderr: cli.stderr };
}

describe("lxp-pylon lxp", () => {
  let fake: FakeInverter | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  const serials = ["--datalog", "2222222222", "--inverter", "5555555555"];

  it("read/hold/12 3 prints the decoded reply and exits 0", async () => {
    fake = new FakeInverter();
    const port = await fake.listen();
    fake.setHolds(12, [0x0616, 0x0514, 0x3910]);
    const r = await run(["lxp", "--tcp", `127.0.0.1:${port}`, ...serials, "read/hold/12", "3"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.topic, "lxp/2222222222/hold/12");
    assert.equal(r.json.payload.inverter_time, "2022-06-20 05:16:57");
    assert.equal(r.json.result, "ok");
    assert.deepEqual(r.json.request, { topic: "read/hold/12", payload: 3 });
    assert.deepEqual(fake.requestsHex(), [lxpVector("lb_build_read_hold").hex]);
  });

  it("learns the serials from the dongle's frames when they are not given", async () => {
    fake = new FakeInverter({ datalog: "AB12345678", inverter: "CD98765432" });
    const port = await fake.listen();
    // The dongle's input broadcasts name both serials.
    const broadcast = setInterval(() => fake?.push(encodeReadReply(fake.target, DeviceFunction.READ_INPUT, 0, new Array(40).fill(0))), 50);
    try {
      const r = await run(["lxp", "--tcp", `127.0.0.1:${port}`, "--timeout", "2", "read/ac_charge"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json.topic, "lxp/AB12345678/hold/21");
    } finally {
      clearInterval(broadcast);
    }
  });

  it("a write with --allow-writes is verified; without it it is refused, nothing is sent, exit 1", async () => {
    fake = new FakeInverter();
    const port = await fake.listen();
    const refused = await run(["lxp", "--tcp", `127.0.0.1:${port}`, ...serials, "set/ac_charge_rate_pct", "100"]);
    assert.equal(refused.code, 1);
    assert.equal(refused.json.result, "fail");
    assert.match(refused.stderr, /writes are disabled on this dongle.*nothing was sent/);
    assert.equal(fake.dongle.connections, 0, "a refused command does not even connect");

    const ok = await run(["lxp", "--tcp", `127.0.0.1:${port}`, ...serials, "set/ac_charge_rate_pct", "100", "--allow-writes"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.json.payload.ac_charge_rate_pct, 100);
    assert.equal(fake.requestsHex()[1], lxpVector("lb_build_write_single").hex, "after a read that learns the reply direction");

    const notListed = await run(["lxp", "--tcp", `127.0.0.1:${port}`, ...serials, "set/ac_charge", "on", "--allow-writes", "--writable", "64-67"]);
    assert.equal(notListed.code, 1);
    assert.match(notListed.stderr, /register 21 not in the writable registers \(64-67\)/);
  });

  it("works with a dongle that answers with direction 00 (EG4): a read and a verified write", async () => {
    fake = new FakeInverter({ replyDirection: 0 });
    const port = await fake.listen();
    fake.setHolds(12, [0x0616, 0x0514, 0x3910]);
    const read = await run(["lxp", "--tcp", `127.0.0.1:${port}`, ...serials, "read/hold/12", "3"]);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(read.json.payload.inverter_time, "2022-06-20 05:16:57");
    const write = await run(["lxp", "--tcp", `127.0.0.1:${port}`, ...serials, "set/ac_charge_rate_pct", "90", "--allow-writes"]);
    assert.equal(write.code, 0, write.stderr);
    assert.equal(write.json.topic, "lxp/2222222222/hold/66");
    assert.equal(fake.holds.get(66), 90);
  });

  it("exits 1 with the reason on an exception reply and on a timeout", async () => {
    fake = new FakeInverter({ exception: (_fn, reg) => (reg === 500 ? 2 : undefined) });
    const port = await fake.listen();
    const ex = await run(["lxp", "--tcp", `127.0.0.1:${port}`, ...serials, "read/input/500", "125"]);
    assert.equal(ex.code, 1);
    assert.equal(ex.json.topic, "lxp/2222222222/exception/500");
    assert.match(ex.stderr, /exception 2 \(illegal data address\)/);
    await fake.close();
    fake = new FakeInverter({ silent: true });
    const silentPort = await fake.listen();
    const timeout = await run(["lxp", "--tcp", `127.0.0.1:${silentPort}`, ...serials, "--timeout", "0.2", "--retries", "0", "read/hold/0"]);
    assert.equal(timeout.code, 1);
    assert.match(timeout.stderr, /^lxp-pylon: warning: timeout \(s\) 0\.2 is below the minimum of 0\.5: using 0\.5$/m);
    assert.match(timeout.stderr, /no reply from datalog 2222222222 within 0.5 s \(1 attempt\)/);
  });

  it("refuses bad usage with exit 2 and a bad value with exit 1", () => {
    assert.equal(runCli(["lxp", "read/hold/1"]).code, 2);
    assert.match(runCli(["lxp", "--tcp", "127.0.0.1"]).stderr, /give one command/);
    assert.equal(runCli(["lxp", "--tcp", "127.0.0.1:1", "--inverter", "short", "read/hold/1"]).code, 2);
    const bad = runCli(["lxp", "--tcp", "127.0.0.1:1", ...serials, "set/charge_rate_pct", "101", "--allow-writes"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /from 0 to 100/);
  });

  it("checks the value as lxp-request does: sparse, odd or huge values are refused before connecting", async () => {
    fake = new FakeInverter();
    const port = await fake.listen();
    const cases: Array<[string, string, RegExp]> = [
      ["set/hold/105", "[1,,3]", /value for register 105 \(discharge_cutoff_soc_limit_pct\) must be a whole number from 10 to 90, got "\[1,,3\]"/],
      ["set/hold/64", "[null]", /value for register 64 \(charge_rate_pct\) must be a whole number from 0 to 100, got null/],
      ["set/hold/64", "[1.5, 2]", /got 1\.5/],
      ["set/ac_charge/1", '{"start":"01:00","end":"02:00","x":1}', /takes only "start" and "end", got also "x"/],
      ["set/ac_charge", "[1]", /needs on or off/],
      ["set/hold/21", "7".repeat(5000), /got Infinity/],
      ["set/hold/21", `${"7".repeat(4999)}x`, /got "7{40}"… \(5000 characters\)/],
      ["/".repeat(5000), "1", /the command has 5000 characters, at most 128 are read/],
    ];
    for (const [topic, value, why] of cases) {
      const r = await run(["lxp", "--tcp", `127.0.0.1:${port}`, ...serials, topic, value, "--allow-writes"]);
      assert.equal(r.code, 1, topic.slice(0, 20));
      assert.equal(r.json.result, "fail");
      assert.match(r.stderr, why);
      assert.match(r.stderr, /\(nothing was sent\)/);
    }
    assert.equal(fake.dongle.connections, 0, "an invalid command does not even connect");
  });
});
