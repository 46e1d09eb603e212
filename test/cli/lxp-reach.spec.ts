// `lxp-pylon lxp` and `listen lxp` against a dongle that is not there, and against one that only
// sends heartbeats: the errors name the address and cause, or the flag that gives a serial.
import assert from "node:assert/strict";
import { encodeHeartbeat } from "../../nodes/lib/lxp/codec";
import { CliProcess } from "../support/cli";
import { FakeInverter } from "../support/fake-inverter";
import { closedPort, waitFor } from "../support/net";

async function run(args: string[]): Promise<{ code: number | null | undefined; json: any; stderr: string }> {
  const cli = new CliProcess(args);
  try {
    await waitFor(() => cli.exitCode !== undefined, 10000, "the CLI to exit");
  } finally {
    await cli.stop("SIGKILL");
  }
  return { code: cli.exitCode, json: cli.lines.length ? JSON.parse(cli.lines.join("\n")) : undefined, stderr: cli.stderr };
}

describe("lxp-pylon lxp / listen lxp: reaching the dongle", () => {
  let fake: FakeInverter | undefined;
  let heartbeats: ReturnType<typeof setInterval> | undefined;
  afterEach(async () => {
    clearInterval(heartbeats);
    await fake?.close();
    fake = undefined;
  });

  /** A dongle that sends nothing but heartbeats (and answers requests for its own serials). */
  async function heartbeatOnlyDongle(): Promise<number> {
    fake = new FakeInverter({ datalog: "AB12345678", inverter: "CD98765432" });
    const port = await fake.listen();
    heartbeats = setInterval(() => fake?.push(encodeHeartbeat("AB12345678")), 50);
    return port;
  }

  // Waits of 60 s would outlast the 10 s the harness allows: these pass only when nothing is waited for.
  it("lxp: a closed port fails at once with the address and \"connection refused\", exit 1", async () => {
    const port = await closedPort();
    const r = await run(["lxp", "--tcp", `127.0.0.1:${port}`, "--wait", "60", "--timeout", "60", "read/hold/12", "3"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `lxp-pylon: cannot connect to 127.0.0.1:${port}: connection refused\n`);
    assert.equal(r.json.result, "fail");
    assert.equal(r.json.reason, `cannot connect to 127.0.0.1:${port}: connection refused`);

    const known = await run(["lxp", "--tcp", `127.0.0.1:${port}`, "--datalog", "AB12345678", "--inverter", "CD98765432", "--timeout", "60", "read/hold/12", "3"]);
    assert.equal(known.code, 1);
    assert.match(known.stderr, new RegExp(`^lxp-pylon: read hold 12 ×3: cannot connect to 127\\.0\\.0\\.1:${port}: connection refused\\n$`));
  });

  it("listen lxp: a closed port fails with the address and the cause, exit 1", async () => {
    const port = await closedPort();
    const r = await run(["listen", "lxp", "--tcp", `127.0.0.1:${port}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`lxp-pylon: cannot connect to 127\\.0\\.0\\.1:${port}: connection refused\\n$`));
    assert.doesNotMatch(r.stderr, /retry in/);
  });

  it("listen lxp logs each address once per state line", async () => {
    fake = new FakeInverter();
    const port = await fake.listen();
    const cli = new CliProcess(["listen", "lxp", "--tcp", `127.0.0.1:${port}`]);
    try {
      await waitFor(() => /connected/.test(cli.stderr), 5000, "connected");
      const lines = cli.stderr.trim().split("\n").map((l) => l.replace(/^\S+ /, ""));
      assert.deepEqual(lines, [`connecting 127.0.0.1:${port}`, `connected 127.0.0.1:${port}`]);
    } finally {
      await cli.stop("SIGINT");
    }
  });

  it("learns the datalog serial from heartbeats: --inverter alone is enough, read/param needs neither", async () => {
    const port = await heartbeatOnlyDongle();
    const hold = await run(["lxp", "--tcp", `127.0.0.1:${port}`, "--inverter", "CD98765432", "read/hold/12", "3"]);
    assert.equal(hold.code, 0, hold.stderr);
    assert.equal(hold.json.topic, "lxp/AB12345678/hold/12");
    const param = await run(["lxp", "--tcp", `127.0.0.1:${port}`, "read/param/0"]);
    assert.equal(param.code, 0, param.stderr);
    assert.equal(param.json.lxp.datalog, "AB12345678");
    const sent = fake!.received.filter((f) => f.kind !== "heartbeat");
    assert.equal(sent.length, 2);
    assert.equal(sent[0].datalog, "AB12345678");
  });

  it("says which flag gives a serial it could not learn, and how long it waited", async () => {
    const port = await heartbeatOnlyDongle();
    const noInverter = await run(["lxp", "--tcp", `127.0.0.1:${port}`, "--wait", "0.5", "read/hold/12", "3"]);
    assert.equal(noInverter.code, 1);
    assert.match(noInverter.stderr, /the inverter serial behind datalog AB12345678 is not known yet: no input broadcast or reply came in the 0\.5 s waited/);
    assert.match(noInverter.stderr, /give it with --inverter SERIAL .*or wait longer with --wait S\n$/);
    assert.equal(fake!.requestsHex().length, 0, "nothing was sent");
    clearInterval(heartbeats);
    await fake!.close();

    fake = new FakeInverter(); // silent until asked: no heartbeat within the wait
    const quietPort = await fake.listen();
    const noDatalog = await run(["lxp", "--tcp", `127.0.0.1:${quietPort}`, "--wait", "0.3", "read/hold/12", "3"]);
    assert.equal(noDatalog.code, 1);
    assert.match(noDatalog.stderr, /the datalog serial is not known yet: no frame came from the dongle in the 0\.3 s waited \(it sends a heartbeat about every 2 min\); give it with --datalog SERIAL/);
  });

  it("without --wait waits as lxp-request does: the reply timeout × (retries + 1)", async () => {
    fake = new FakeInverter(); // silent until asked: no heartbeat within the wait
    const port = await fake.listen();
    const r = await run(["lxp", "--tcp", `127.0.0.1:${port}`, "--timeout", "0.5", "--retries", "1", "read/hold/12", "3"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the datalog serial is not known yet: no frame came from the dongle in the 1 s waited/);
  });
});
