// `lxp-pylon poll pylon` with the port down: its log (stderr) says so once, not once per reopen.
import assert from "node:assert/strict";
import { CliProcess } from "../support/cli";
import { waitFor } from "../support/net";
import { closedPort } from "../unit/transport-helpers";

describe("lxp-pylon poll pylon log while the port is down", function () {
  this.timeout(20000);
  let cli: CliProcess | undefined;
  afterEach(async () => {
    await cli?.stop("SIGKILL");
    cli = undefined;
  });

  it("a refusing gateway is one log line across several reopens, and each cycle names not_connected once", async () => {
    const port = await closedPort();
    cli = new CliProcess(["poll", "pylon", "--tcp", `127.0.0.1:${port}`, "--interval", "0.2"]);
    // The gateway is retried every 2 s: past 2.4 s it was tried at least twice.
    await waitFor(() => cli!.lines.length >= 12, 15000, "twelve cycles");
    assert.equal(await cli.stop("SIGINT"), 0);
    const log = cli.stderr.trimEnd().split("\n").map((line) => line.replace(/^\S+ /, ""));
    assert.deepEqual(log, [`connecting to 127.0.0.1:${port}`, `gateway 127.0.0.1:${port} refused the connection (ECONNREFUSED), retrying every 2 s`]);
    const cycle = JSON.parse(cli.lines[5]);
    assert.deepEqual(cycle.payload.packs, []);
    assert.deepEqual(cycle.payload.errors, [{ address: 2, command: "0x4F", error: "not_connected" }]);
  });
});
