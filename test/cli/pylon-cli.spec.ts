// `lxp-pylon decode pylon`: the docs/pylon-payloads.md object for a reply, or a one-line reason and exit 1.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { CliProcess, runCli } from "../support/cli";
import { waitFor } from "../support/net";
import { PylonStackSimulator } from "../../sim/pylon/stack";
import { FIXTURES_DIR } from "../support/vectors";

const vectors: any[] = JSON.parse(readFileSync(join(FIXTURES_DIR, "pylon-vectors.json"), "utf8"));
const vec = (id: string): any => vectors.find((v) => v.id === id);
const captures: any[] = JSON.parse(readFileSync(join(FIXTURES_DIR, "real-captures", "pylon-captures.json"), "utf8"));
const cap = (id: string): any => captures.find((c) => c.id === id);

describe("lxp-pylon decode pylon", () => {
  it("prints { command, packs } for an analog reply", () => {
    const v = vec("tc-us2000b-0x42");
    const r = runCli(["decode", "pylon", "--command", "0x42", v.reply.trim()]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.command, "0x42");
    assert.equal(out.packs.length, 1);
    const pack = out.packs[0];
    assert.deepEqual(pack.cell_voltages, v.expect.cellVoltagesV);
    assert.equal(pack.current, 2.1);
    assert.equal(pack.voltage, 50.408);
    assert.equal(pack.remaining_ah, 35.5);
    assert.equal(pack.total_ah, 50);
    assert.equal(pack.soc, 71);
    assert.equal(pack.cycles, 79);
    assert.deepEqual(pack.temperatures, [29, 26, 26, 26, 26]);
  });

  it("reads the frame from stdin with '-' and honours --request for an all-packs reply", () => {
    const v = vec("pp-us2000-3packs-ff");
    const r = runCli(["decode", "pylon", "--command", "0x42", "--request", v.request.trim(), "-"], v.reply);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.packs.length, 3);
    assert.deepEqual(out.packs[0].cell_voltages, v.expect.packs[0].cellVoltagesV);
  });

  it("decodes identity replies (0x93 serial)", () => {
    const r = runCli(["decode", "pylon", "--command", "0x93", vec("ziv-us3000c-0x93").reply.trim()]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).packs[0].serial, "H222003C32220459");
  });

  it("rejects a bad checksum and error replies with a one-line reason and exit 1", () => {
    const good = vec("tc-us2000b-0x42").reply.trim() as string;
    const bad = good.slice(0, 20) + (good[20] === "0" ? "1" : "0") + good.slice(21);
    const r = runCli(["decode", "pylon", "--command", "0x42", bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^invalid frame: CHKSUM E594 does not match the frame \(expected [0-9A-F]{4}\)\n$/);
    const rtn = runCli(["decode", "pylon", "--command", "0x42", vec("robske-rtn04").reply.trim()]);
    assert.equal(rtn.code, 1);
    assert.equal(rtn.stderr, "invalid frame: battery returned RTN 0x04 (CID2 invalid)\n");
  });

  it("skips bytes before '~' in an argument, on stdin and in --file, as the node's splitter does", () => {
    const reply = cap("fw-0x61-system-analog-adr2").reply as string;
    const junk = "\u00ff\u0055 junk ~20 ";
    const fromArg = runCli(["decode", "pylon", "--command", "0x61", junk + reply.trim()]);
    assert.equal(fromArg.code, 0, fromArg.stderr);
    const out = JSON.parse(fromArg.stdout);
    assert.deepEqual(out.packs, []);
    assert.equal(out.system.address, 2);
    assert.equal(out.system.analog.voltage, 49.855);
    assert.equal(out.system.analog.soc, 85);
    assert.equal(out.system.analog.cycles_avg, 8);
    const fromStdin = runCli(["decode", "pylon", "--command", "0x61", "-"], `log line: ${reply}\n`);
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.deepEqual(JSON.parse(fromStdin.stdout), out);
    const dir = mkdtempSync(join(tmpdir(), "pylon-cli-"));
    try {
      const file = join(dir, "reply.bin");
      writeFileSync(file, Buffer.concat([Buffer.from([0x00, 0xff, 0x7e, 0x32]), Buffer.from(reply, "latin1")]));
      const fromFile = runCli(["decode", "pylon", "--command", "0x61", "--file", file]);
      assert.equal(fromFile.code, 0, fromFile.stderr);
      assert.deepEqual(JSON.parse(fromFile.stdout), out);
      const missing = join(dir, "missing.bin");
      const unreadable = runCli(["decode", "pylon", "--command", "0x61", "--file", missing]);
      assert.equal(unreadable.code, 1, "exit 1 as the help says, not 2 (usage)");
      assert.ok(unreadable.stderr.startsWith(`lxp-pylon: cannot read ${missing}: ENOENT`), unreadable.stderr);
      assert.equal(unreadable.stderr.split("\n").length, 2, "one line");
      assert.equal(unreadable.stdout, "");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const none = runCli(["decode", "pylon", "--command", "0x4F", "no frame here"]);
    assert.equal(none.code, 1);
    assert.equal(none.stderr, "invalid frame: no frame: the input has no '~'\n");
  });

  it("decodes 0x63 as a system reply and refuses a Seplos reply read as PylonTech, which --protocol seplos decodes", () => {
    const mgmt = runCli(["decode", "pylon", "--command", "0x63", cap("la2016-0x63-status-c0").reply]);
    assert.equal(mgmt.code, 0, mgmt.stderr);
    const m = JSON.parse(mgmt.stdout).system.charge_management;
    assert.deepEqual([m.charge_enable, m.discharge_enable, m.charge_current_limit, m.discharge_current_limit], [true, true, 38, 190]);
    const seplos = cap("seplos-0x42-with-log");
    const asPylon = runCli(["decode", "pylon", "--command", "0x42", "--request", seplos.request, seplos.reply]);
    assert.equal(asPylon.code, 1);
    assert.match(asPylon.stderr, /^invalid frame: 0x42 reply about pack 0x01 cannot come from a PylonTech pack: module voltage 5\.28 V but its 16 cells add up to 52\.81 V; .*Seplos.*\n$/);
    const asSeplos = runCli(["decode", "pylon", "--command", "0x42", "--protocol", "seplos", "--request", seplos.request, seplos.reply]);
    assert.equal(asSeplos.code, 0, asSeplos.stderr);
    const pack = JSON.parse(asSeplos.stdout).packs[0];
    assert.deepEqual([pack.address, pack.voltage, pack.current, pack.remaining_ah, pack.soc, pack.soh], [0, 52.8, -6.54, 133.86, 78.7, 100]);
    const bad = runCli(["decode", "pylon", "--command", "0x42", "--protocol", "pace", seplos.reply]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--protocol must be pylontech or seplos/);
  });

  it("needs --command", () => {
    const r = runCli(["decode", "pylon", "~20024600C0220248\r"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--command is required/);
  });
});

describe("lxp-pylon poll pylon", function () {
  this.timeout(20000);
  let sim: PylonStackSimulator;
  let cli: CliProcess | undefined;
  beforeEach(() => {
    sim = new PylonStackSimulator({ packs: 3, clock: "manual", seed: 5 });
  });
  afterEach(async () => {
    await cli?.stop("SIGKILL");
    cli = undefined;
    await sim.close();
  });

  it("--tcp --once prints one cycle as a JSON line and exits 0", async () => {
    const server = await sim.listenTcp({ host: "127.0.0.1", port: 0 });
    cli = new CliProcess(["poll", "pylon", "--tcp", `127.0.0.1:${server.port}`, "--once", "--timeout", "300"]);
    await waitFor(() => cli!.exitCode !== undefined, 15000, "the CLI to exit");
    assert.equal(cli.exitCode, 0, cli.stderr);
    assert.equal(cli.lines.length, 1);
    const msg = JSON.parse(cli.lines[0]);
    assert.equal(msg.topic, `pylon/127.0.0.1:${server.port}`);
    assert.deepEqual(msg.payload.packs.map((p: any) => p.address), [2, 3, 4]);
    assert.deepEqual(msg.payload.packs[0].cell_voltages, sim.pack(2).cellVoltages);
  });

  it("--serial over a pty with --interval prints a line per cycle until interrupted", async function () {
    try {
      execFileSync("socat", ["-V"], { stdio: "ignore" });
    } catch {
      this.skip();
    }
    const pty = await sim.openPty();
    cli = new CliProcess(["poll", "pylon", "--serial", pty.path, "--packs", "2", "--interval", "1", "--gap", "10"]);
    await waitFor(() => cli!.lines.length >= 2, 15000, "two cycles");
    const msg = JSON.parse(cli.lines[0]);
    assert.deepEqual(msg.payload.packs.map((p: any) => p.address), [2, 3]);
    assert.equal(msg.payload.stack.pack_count, 2);
    assert.equal(await cli.stop("SIGINT"), 0);
  });

  it("--system adds the group's V3.5 values; --protocol is checked", async () => {
    const server = await sim.listenTcp({ host: "127.0.0.1", port: 0 });
    cli = new CliProcess(["poll", "pylon", "--tcp", `127.0.0.1:${server.port}`, "--once", "--packs", "3", "--system", "--timeout", "300"]);
    await waitFor(() => cli!.exitCode !== undefined, 15000, "the CLI to exit");
    assert.equal(cli.exitCode, 0, cli.stderr);
    const { payload } = JSON.parse(cli.lines[0]);
    assert.deepEqual(payload.errors, []);
    assert.equal(payload.system.address, 2);
    assert.equal(payload.system.basic_info.pack_count, 3);
    assert.equal(payload.system.analog.cell_max, payload.stack.cell_max);
    const bad = runCli(["poll", "pylon", "--serial", "/dev/ttyUSB0", "--protocol", "seplos", "--mode", "rs232"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /RS485 port only/);
  });

  it("--system on the console port and --charge-management with --protocol seplos are said on stderr, not ignored", async () => {
    const server = await sim.listenTcp({ host: "127.0.0.1", port: 0 });
    // The simulator answers in this process: the CLI must run alongside it, not block it (runCli).
    const run = async (options: string[]): Promise<CliProcess> => {
      cli = new CliProcess(["poll", "pylon", "--tcp", `127.0.0.1:${server.port}`, "--once", "--packs", "1", "--timeout", "300", ...options]);
      await waitFor(() => cli!.exitCode !== undefined, 15000, "the CLI to exit");
      return cli;
    };
    const rs232 = await run(["--mode", "rs232", "--system"]);
    assert.match(rs232.stderr, /^lxp-pylon: warning: system values \(0x60–0x63\) are read on the RS485 port with protocol pylontech only: not read$/m);
    assert.equal("system" in JSON.parse(rs232.lines[0]).payload, false);
    const seplos = await run(["--protocol", "seplos", "--system", "--charge-management", "--retries", "0"]);
    assert.match(seplos.stderr, /^lxp-pylon: warning: system values .* not read$/m);
    assert.match(seplos.stderr, /^lxp-pylon: warning: charge management \(0x92\) is not available from a Seplos BMS: not read$/m);
    const plain = await run(["--system"]);
    assert.equal(plain.exitCode, 0, plain.stderr);
    assert.equal(JSON.parse(plain.lines[0]).payload.system.address, 2);
    assert.doesNotMatch(plain.stderr, /warning/);
  });

  it("exits 1 when no pack answers and 2 on bad options", async () => {
    const server = await sim.listenTcp({ host: "127.0.0.1", port: 0 });
    sim.setFaults(2, { silent: true });
    const none = runCli(["poll", "pylon", "--tcp", `127.0.0.1:${server.port}`, "--once", "--packs", "1", "--timeout", "200", "--retries", "0"]);
    assert.equal(none.code, 1);
    assert.deepEqual(JSON.parse(none.stdout).payload.errors, [{ address: 2, command: "0x42", error: "timeout" }]);
    const both = runCli(["poll", "pylon", "--tcp", "127.0.0.1:1", "--serial", "/dev/null"]);
    assert.equal(both.code, 2);
    const baud = runCli(["poll", "pylon", "--serial", "/dev/ttyUSB0", "--baud", "4800"]);
    assert.equal(baud.code, 2);
    assert.match(baud.stderr, /baud rate must be 115200, 9600 or 1200/);
  });

  it("junk and a corrupt frame before every reply: the cycle completes; one stderr line for the burst", async () => {
    const server = await sim.listenTcp({ host: "127.0.0.1", port: 0 });
    sim.setFaults(2, { garbage: "\x00noise~AB~20024600E00200FFFF\r" });
    cli = new CliProcess(["poll", "pylon", "--tcp", `127.0.0.1:${server.port}`, "--once", "--packs", "1", "--timeout", "300", "--retries", "0"]);
    await waitFor(() => cli!.exitCode !== undefined, 15000, "the CLI to exit");
    assert.equal(cli.exitCode, 0, cli.stderr);
    const { payload } = JSON.parse(cli.lines[0]);
    assert.deepEqual(payload.packs.map((p: any) => p.address), [2]);
    assert.deepEqual(payload.errors, []);
    const lines = cli.stderr.split("\n").filter((line) => line.includes("bad frame"));
    assert.equal(lines.length, 1, cli.stderr);
    assert.match(lines[0], /^\S+ \d+ bad frames from 127\.0\.0\.1:\d+ in one poll cycle, the first \(framing\): "~AB"; more are only counted/);
  });

  it("refuses timings below the pylon-port and pylon-poll minimums as usage errors (exit 2), naming the option", () => {
    const cases: Array<[string[], RegExp]> = [
      [["--interval", "0.5"], /--interval must be 0 \(one cycle\) or seconds from 1 to 86400, got "0\.5"/],
      [["--interval", "soon"], /--interval must be 0 \(one cycle\) or seconds from 1 to 86400, got "soon"/],
      [["--timeout", "50"], /--timeout: reply timeout \(ms\) must be at least 100, got "50"/],
      [["--gap", "0"], /--gap: gap between requests \(ms\) must be at least 10, got "0"/],
      [["--retries", "11"], /retries must be a whole number from 0 to 10, got "11"/],
    ];
    for (const [options, message] of cases) {
      const r = runCli(["poll", "pylon", "--serial", "/dev/ttyPYLON-NONE", ...options]);
      assert.equal(r.code, 2, `${options.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "", "nothing polled");
    }
    const help = runCli(["poll", "pylon", "--help"]);
    assert.match(help.stdout, /--interval S\s+seconds between cycle starts, until interrupted: 1-86400 \(0 = one cycle, as --once\)/);
    assert.match(help.stdout, /--timeout MS\s+reply timeout per request: 100-30000/);
  });
});
