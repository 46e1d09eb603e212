// `lxp-pylon poll pylon` with the port down: its log (stderr) says so once, not once per reopen.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliProcess } from "../support/cli";
import { waitFor } from "../support/net";
import { PylonStackSimulator } from "../../sim/pylon/stack";
import { FakeGateway } from "../unit/pylon-link-helpers";
import { closedPort } from "../unit/transport-helpers";

const COUNT_CONNECTS = join(__dirname, "..", "support", "count-connects.cjs");

/** stderr without the timestamps. */
function logOf(cli: CliProcess): string[] {
  return cli.stderr.trimEnd().split("\n").map((line) => line.replace(/^\S+ /, ""));
}

describe("lxp-pylon poll pylon log while the port is down", function () {
  this.timeout(20000);
  let cli: CliProcess | undefined;
  let dir: string | undefined;
  let gateway: FakeGateway | undefined;
  afterEach(async () => {
    await cli?.stop("SIGKILL");
    await gateway?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    cli = gateway = dir = undefined;
  });

  it("a refusing gateway is one log line across several reopens, and each cycle names not_connected once", async () => {
    const port = await closedPort();
    dir = mkdtempSync(join(tmpdir(), "pylon-poll-log-"));
    const counted = join(dir, "connects");
    const connects = (): number => (existsSync(counted) ? readFileSync(counted, "utf8").split("\n").length - 1 : 0);
    cli = new CliProcess(["poll", "pylon", "--tcp", `127.0.0.1:${port}`, "--interval", "1"], {
      nodeArgs: ["--require", COUNT_CONNECTS],
      env: { ...process.env, COUNT_CONNECTS_FILE: counted },
    });
    await waitFor(() => connects() >= 3 && cli!.lines.length >= 3, 15000, "two reopens and three cycles");
    assert.equal(await cli.stop("SIGINT"), 0);
    assert.deepEqual(logOf(cli), [`connecting to 127.0.0.1:${port}`, `cannot connect to gateway 127.0.0.1:${port}: connection refused, retrying every 2 s`]);
    for (const line of cli.lines) {
      const cycle = JSON.parse(line);
      assert.deepEqual(cycle.payload.packs, []);
      assert.deepEqual(cycle.payload.errors, [{ address: 2, command: "0x4F", error: "not_connected" }]);
    }
  });

  it("a gateway that drops every connection at once is one error line, with no 'open again' per reconnect", async () => {
    gateway = new FakeGateway();
    await gateway.start();
    gateway.dropOnConnect = true;
    const where = `127.0.0.1:${gateway.port}`;
    cli = new CliProcess(["poll", "pylon", "--tcp", where, "--interval", "1"]);
    await waitFor(() => gateway!.connections >= 3 && cli!.lines.length >= 3, 15000, "three connections and three cycles");
    assert.equal(await cli.stop("SIGINT"), 0);
    const log = logOf(cli);
    assert.deepEqual(log.slice(0, 2), [`connecting to ${where}`, `connected to ${where}`]);
    assert.equal(log.length, 3, log.join("\n"));
    assert.ok(log[2].startsWith(`gateway ${where} lost: `) && log[2].endsWith(", retrying every 2 s"), log[2]);
    for (const line of cli.lines) assert.deepEqual(JSON.parse(line).payload.packs, []);
  });

  it("says once that the port is open again when a reopened gateway answers", async () => {
    gateway = new FakeGateway();
    await gateway.start();
    gateway.dropOnConnect = true;
    const where = `127.0.0.1:${gateway.port}`;
    cli = new CliProcess(["poll", "pylon", "--tcp", where, "--packs", "1", "--interval", "1"]);
    await waitFor(() => gateway!.connections >= 2, 15000, "a dropped connection and a reopen");
    const stack = new PylonStackSimulator({ packs: 1, seed: 1 });
    gateway.respond = (request) => stack.reply(request)?.frame;
    gateway.dropOnConnect = false;
    await waitFor(() => cli!.lines.some((line) => JSON.parse(line).payload.packs.length > 0), 15000, "a cycle with a pack");
    await waitFor(() => logOf(cli!).some((line) => line.includes("open again")), 5000, "the recovery line");
    assert.equal(await cli.stop("SIGINT"), 0);
    const log = logOf(cli);
    assert.equal(log.filter((line) => line.includes(" lost: ")).length, 1, log.join("\n"));
    assert.equal(log.filter((line) => line.startsWith(`${where} is open again (was down `)).length, 1, log.join("\n"));
    assert.equal(log.at(-1), log.find((line) => line.includes("open again")), "nothing after the recovery line");
  });
});
