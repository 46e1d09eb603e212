// `lxp-pylon poll pylon --mode console` against `lxp-pylon sim pylon --console`: one cycle over the
// simulated master pack's text shell, in the binary modes' message shape plus balancing and SOH.
import assert from "node:assert/strict";
import { CliProcess, runCli } from "../support/cli";
import { waitFor } from "../support/net";

describe("lxp-pylon poll pylon --mode console", () => {
  const children: CliProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) await child.stop("SIGKILL");
  });

  async function consoleSim(args: string[]): Promise<string> {
    const sim = new CliProcess(["sim", "pylon", "--console", "--tcp", "0", "--packs", "US3000,US2000,US2000", "--seed", "4", ...args]);
    children.push(sim);
    await waitFor(() => sim.lines.length >= 2 || sim.exitCode !== undefined, 10000, "the simulator's first lines");
    const port = /^listening tcp 127\.0\.0\.1:(\d+)$/.exec(sim.lines[0] ?? "")?.[1];
    assert.ok(port, `${sim.lines.join("\n")} ${sim.stderr}`);
    return port;
  }

  for (const firmware of ["us3000c", "us2000"]) {
    it(`--once reads pwr and bat N of every pack (${firmware} tables)`, async () => {
      const port = await consoleSim(["--firmware", firmware]);
      const run = runCli(["poll", "pylon", "--tcp", `127.0.0.1:${port}`, "--mode", "console", "--once"]);
      assert.equal(run.code, 0, run.stderr);
      const { topic, payload } = JSON.parse(run.stdout.trim());
      assert.equal(topic, `pylon/127.0.0.1:${port}`);
      assert.deepEqual(payload.errors, []);
      assert.deepEqual(payload.packs.map((p: { address: number }) => p.address), [1, 2, 3]);
      const [us3000, us2000] = payload.packs;
      assert.equal(us3000.cell_voltages.length, 15);
      assert.equal(us2000.cell_voltages.length, 15);
      // The module voltage the console printed is the sum of the cells it printed (to the mV rounding).
      const sum = us3000.cell_voltages.reduce((a: number, b: number) => a + b, 0);
      assert.ok(Math.abs(us3000.voltage - sum) < 0.02, `${us3000.voltage} V vs cells ${sum} V`);
      assert.equal(payload.stack.pack_count, 3);
      if (firmware === "us3000c") {
        assert.equal(us3000.cell_balancing.length, 15, "BAL column: per-cell balancing");
        assert.ok(us3000.cell_balancing.every((b: unknown) => typeof b === "boolean"));
      } else {
        assert.equal(us3000.cell_balancing, undefined, "the old bat layout prints no BAL column");
      }
      assert.equal(typeof us3000.cycles, "number", "stat N: cycles");
    });
  }

  it("--mode console with --protocol seplos is a usage error (exit 2)", () => {
    const run = runCli(["poll", "pylon", "--tcp", "127.0.0.1:9", "--mode", "console", "--protocol", "seplos", "--once"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /RS485 port only/);
  });

  it("--mode passive points to sniff pylon (exit 2)", () => {
    const run = runCli(["poll", "pylon", "--tcp", "127.0.0.1:9", "--mode", "passive", "--once"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /sniff pylon/);
  });
});
