// `lxp-pylon sniff pylon` as a real process: the two real bus captures (test/fixtures/pylon-bus) as
// raw byte files decode reply by reply to the values the captures hold, and a live sniff of
// `sim pylon --master`'s bus tap prints the simulated inverter's replies while sending nothing.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliProcess, runCli } from "../support/cli";
import { waitFor } from "../support/net";
import { FIXTURES_DIR } from "../support/vectors";

interface SniffLine {
  topic: string;
  payload: {
    stack: { pack_count: number };
    packs: Array<{ address: number; voltage?: number; current?: number; cell_voltages?: number[]; protocol_version?: string; alarms?: unknown }>;
    errors: unknown[];
    request: { command: string; address: number; raw: string };
  };
}

const parse = (stdout: string): SniffLine[] => stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as SniffLine);

/** "counters: requests=… decoded=…" from stderr, as numbers. */
function counters(stderr: string): Record<string, number> {
  const match = /^counters: (.*)$/m.exec(stderr);
  assert.ok(match, `no counters line in ${JSON.stringify(stderr)}`);
  return Object.fromEntries(match[1].split(" ").map((pair) => pair.split("=")).map(([k, v]) => [k, Number(v)]));
}

describe("lxp-pylon sniff pylon", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "pylon-sniff-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The esp32 probe capture as the wire carried it: the published strings with their CR restored. */
  function esp32Capture(): string {
    const text = readFileSync(join(FIXTURES_DIR, "pylon-bus", "esp32-probe-sample-data.h"), "utf8");
    const path = join(dir, "esp32-probe.bin");
    writeFileSync(path, [...text.matchAll(/"(~[0-9A-F]+)"/g)].map((m) => `${m[1]}\r`).join(""), "latin1");
    return path;
  }

  it("--file on the esp32 probe capture (VER 0x25, 3 packs): 145 replies, first and last values as captured", () => {
    const r = runCli(["sniff", "pylon", "--file", esp32Capture()]);
    assert.equal(r.code, 0, r.stderr);
    const lines = parse(r.stdout);
    assert.equal(lines.length, 145);
    assert.ok(lines.every((l) => l.topic === "pylon/esp32-probe.bin" && l.payload.errors.length === 0 && l.payload.packs.length === 1));
    assert.deepEqual(lines[0].payload.request, { command: "0x44", address: 2, raw: "~25024644E00202FD2C\r" });
    assert.equal(lines[0].payload.packs[0].address, 2);
    const analog = lines.filter((l) => l.payload.request.command === "0x42");
    assert.equal(analog.length, 72);
    const [first, last] = [analog[0].payload.packs[0], analog[71].payload.packs[0]];
    assert.deepEqual([first.address, first.voltage, first.current, first.cell_voltages?.length], [2, 53.11, -35, 16]);
    assert.deepEqual([last.address, last.voltage, last.current], [4, 53.027, -61.3]);
    const final = lines[144].payload;
    assert.deepEqual([final.request.command, final.request.address, final.packs[0].address], ["0x44", 2, 2]);
    const c = counters(r.stderr);
    assert.deepEqual([c.decoded, c.unpaired, c.unsupported, c.bad_frames], [145, 0, 72, 0]);
  });

  it("--file on the jk-bms-can discussion capture (VER 0x00 scan): its one reply, paired with the 0x4F request", () => {
    const lines = readFileSync(join(FIXTURES_DIR, "pylon-bus", "jk-bms-can-discussion-27.hex"), "utf8").trim().split("\n");
    const path = join(dir, "jk-27.bin");
    writeFileSync(path, Buffer.concat(lines.map((l) => Buffer.from(l.replace(/[^0-9a-fA-F]/g, ""), "hex"))));
    const r = runCli(["sniff", "pylon", "--file", path]);
    assert.equal(r.code, 0, r.stderr);
    const [only, ...rest] = parse(r.stdout);
    assert.equal(rest.length, 0);
    assert.deepEqual(only.payload.request, { command: "0x4F", address: 2, raw: "~0002464F0000FD9A\r" });
    assert.deepEqual(only.payload.packs, [{ address: 2, protocol_version: "2.0" }]);
    const c = counters(r.stderr);
    assert.deepEqual([c.requests, c.replies, c.decoded, c.unanswered, c.bad_frames], [13, 1, 1, 5, 0]);
  });

  it("--file with nothing decodable exits 1 with the counters; a missing file exits 1; two sources exit 2", () => {
    const junk = join(dir, "junk.bin");
    writeFileSync(junk, "~2002464FXX\r hello \x00\x01");
    const r = runCli(["sniff", "pylon", "--file", junk]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(counters(r.stderr).decoded, 0);
    assert.match(r.stderr, /no reply decoded/);
    const missing = runCli(["sniff", "pylon", "--file", join(dir, "absent.bin")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read .*absent\.bin: ENOENT/);
    const both = runCli(["sniff", "pylon", "--file", junk, "--tcp", "127.0.0.1:1"]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give exactly one of --serial PATH, --tcp HOST:PORT or --file CAPTURE/);
  });

  describe("live, against sim pylon --master", () => {
    const children: CliProcess[] = [];
    afterEach(async () => {
      for (const child of children.splice(0)) await child.stop("SIGKILL");
    });

    it("--tcp prints the simulated inverter's 0x44 and 0x42 replies per pack; the tap receives 0 bytes", async () => {
      const sim = new CliProcess(["sim", "pylon", "--master", "--tcp", "0", "--interval", "0.3", "--packs", "US3000,US2000", "--seed", "3"]);
      children.push(sim);
      await waitFor(() => sim.lines.length >= 3 || sim.exitCode !== undefined, 10000, "the simulator's address lines");
      const port = /^listening tcp 127\.0\.0\.1:(\d+)$/.exec(sim.lines[0] ?? "")?.[1];
      assert.ok(port, `${sim.lines.join("\n")} ${sim.stderr}`);
      assert.equal(sim.lines[2], "master ver=0x25 interval=0.3 tap=listen-only");

      const sniff = new CliProcess(["sniff", "pylon", "--tcp", `127.0.0.1:${port}`]);
      children.push(sniff);
      await waitFor(() => sniff.lines.length >= 8 || sniff.exitCode !== undefined, 10000, "two cycles of replies");
      assert.equal(await sniff.stop("SIGINT"), 0, sniff.stderr);
      const lines = parse(sniff.lines.join("\n"));
      assert.ok(lines.every((l) => l.topic === `pylon/127.0.0.1:${port}`));
      // A listener can join mid-exchange: its first reply may be unpaired. From the first 0x44 to ADR 2 on, the cycle is fixed.
      const start = lines.findIndex((l) => l.payload.request.command === "0x44" && l.payload.request.address === 2);
      const cycle = lines.slice(start, start + 4);
      assert.equal(cycle.length, 4, sniff.stderr);
      assert.deepEqual(
        cycle.map((l) => [l.payload.request.command, l.payload.request.address, l.payload.packs[0].address]),
        [["0x44", 2, 2], ["0x44", 3, 3], ["0x42", 2, 2], ["0x42", 3, 3]],
      );
      assert.match(cycle[2].payload.request.raw, /^~25024642E00202[0-9A-F]{4}\r$/);
      for (const l of cycle.slice(2)) {
        const pack = l.payload.packs[0];
        const cellSum = (pack.cell_voltages ?? []).reduce((a, b) => a + b, 0);
        assert.equal(pack.cell_voltages?.length, 15);
        assert.ok(Math.abs((pack.voltage ?? 0) - cellSum) < 0.05, `module ${pack.voltage} V vs cells ${cellSum} V`);
      }
      const c = counters(sniff.stderr);
      assert.ok(c.decoded >= 8, sniff.stderr);
      assert.equal(c.bad_frames, 0);

      assert.equal(await sim.stop("SIGINT"), 0, sim.stderr);
      assert.match(sim.stderr, /tap received 0 bytes from listeners/);
    });

    it("--serial on the simulator's pty tap decodes its VER 0x20 replies", async function () {
      if (spawnSync("socat", ["-V"]).error) this.skip(); // socat not found: apt-get install socat
      const sim = new CliProcess(["sim", "pylon", "--master", "--pty", "--interval", "0.3", "--packs", "2", "--ver", "0x20"]);
      children.push(sim);
      await waitFor(() => sim.lines.length >= 3 || sim.exitCode !== undefined, 10000, "the simulator's device line");
      const path = /^pty (\S+)$/.exec(sim.lines[0] ?? "")?.[1];
      assert.ok(path, `${sim.lines.join("\n")} ${sim.stderr}`);
      const sniff = new CliProcess(["sniff", "pylon", "--serial", path]);
      children.push(sniff);
      await waitFor(() => sniff.lines.length >= 4 || sniff.exitCode !== undefined, 10000, "a cycle of replies");
      assert.equal(await sniff.stop("SIGINT"), 0, sniff.stderr);
      const lines = parse(sniff.lines.join("\n"));
      assert.ok(lines.every((l) => l.topic === `pylon/${path.split("/").pop()}` && /^~2002|^~2003/.test(l.payload.request.raw)));
      assert.ok(lines.some((l) => l.payload.request.command === "0x42" && l.payload.packs[0].cell_voltages?.length === 15));
      assert.equal(await sim.stop("SIGINT"), 0, sim.stderr);
      assert.match(sim.stderr, /tap received 0 bytes from listeners/);
    });
  });
});
