// The lxp-pylon CLI: decode lxp and listen lxp, run as a real process.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliProcess, runCli } from "../support/cli";
import { FakeDongleServer, freeUdpPort, sendUdp, waitFor } from "../support/net";
import { hexBuf, lxpCaptures, lxpVector } from "../support/vectors";

const bank0Hex = lxpVector("lbi_read_inputs_0_to_39").hex;
const heartbeatHex = lxpVector("pylon4_heartbeat").hex;

describe("lxp-pylon decode lxp", () => {
  it("prints the messages lxp-in would emit, as a JSON array", () => {
    const r = runCli(["decode", "lxp", bank0Hex]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.length, 1);
    assert.equal(out[0].topic, "lxp/2222222222/inputs/1");
    assert.equal(out[0].payload.v_bat, 52.8);
    assert.equal(out[0].payload.soc, 83);
    assert.equal(out[0].lxp.raw, bank0Hex);
    assert.deepEqual(Object.keys(out[0]), ["topic", "payload", "lxp"]);
  });

  it("accepts spaces and colons, and several frames", () => {
    const spaced = heartbeatHex.match(/../g)!.join(":") + " " + bank0Hex.match(/../g)!.join(" ");
    const r = runCli(["decode", "lxp", spaced]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).map((m: any) => m.topic),
      ["lxp/BA19520176/heartbeat", "lxp/2222222222/inputs/1"],
    );
  });

  it("reads hex from stdin with '-' and raw bytes with --file", () => {
    const stdin = runCli(["decode", "lxp", "-"], `${heartbeatHex}\n`);
    assert.equal(stdin.code, 0, stdin.stderr);
    assert.equal(JSON.parse(stdin.stdout)[0].payload.datalog, "BA19520176");
    const dir = mkdtempSync(join(tmpdir(), "lxp-cli-"));
    const file = join(dir, "capture.bin");
    writeFileSync(file, Buffer.concat([hexBuf(bank0Hex), hexBuf(heartbeatHex)]));
    const raw = runCli(["decode", "lxp", "--file", file]);
    assert.equal(raw.code, 0, raw.stderr);
    assert.equal(JSON.parse(raw.stdout).length, 2);
  });

  it("decodes EG4 replies whose direction byte is 00, and names a reply from 254 by its range", () => {
    const ids = ["ant136_input_0_124_dir0", "ant136_hold_push_0_79_dir0", "ant52_hold_7_8_dir0", "eg4a_hold_200_239_dir0", "eg4b7_input_254_380_zero"];
    const hex = ids.map((id) => lxpCaptures().find((c) => c.id === id)!.hex);
    const r = runCli(["decode", "lxp", ...hex]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      out.map((m: any) => m.topic),
      ["lxp/BJ44700222/inputs/all", "lxp/BJ44700222/hold/0", "lxp/DG43908154/hold/7", "lxp/BA32401949/hold/200", "lxp/BA32001836/inputs/254-380"],
    );
    assert.equal(out[0].payload.soc, 100);
    assert.equal(out[1].payload.model_code, "FAAB");
    assert.equal(out[2].payload.model_code, "EAAB");
    assert.equal(Object.keys(out[3].payload.registers).length, 40);
    assert.equal(out[4].payload.registers["380"], 0);
  });

  it("rejects the malformed vector with a one-line reason and exit 1", () => {
    const r = runCli(["decode", "lxp", lxpVector("ivan_input287_malformed").hex]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "invalid frame: incomplete frame: 286 of 287 bytes\n");
    const bad = bank0Hex.slice(0, 60) + "ff" + bank0Hex.slice(62);
    const crc = runCli(["decode", "lxp", bad]);
    assert.equal(crc.code, 1);
    assert.match(crc.stderr, /^invalid frame: CRC mismatch: stored 0x9024, computed 0x[0-9a-f]{4}\n$/);
    const notHex = runCli(["decode", "lxp", "zz"]);
    assert.equal(notHex.code, 1);
    assert.equal(notHex.stderr.split("\n").length, 2, "one line");
  });

  it("sums up many bad frames in one line: the first reasons, then a count", () => {
    const dir = mkdtempSync(join(tmpdir(), "lxp-cli-"));
    const flood = join(dir, "flood.bin");
    writeFileSync(flood, Buffer.concat([Buffer.alloc(60000, Buffer.from([0xa1, 0x1a])), hexBuf(bank0Hex)]));
    const one = runCli(["decode", "lxp", "--file", flood]);
    assert.equal(one.code, 1);
    assert.equal(one.stderr, "invalid frame: 30000 bad frames in 60000 bytes, first: implausible frame length 6823\n");
    assert.equal(JSON.parse(one.stdout)[0].topic, "lxp/2222222222/inputs/1", "the good frame behind the garbage");

    const crcBad = hexBuf(bank0Hex);
    crcBad[30] ^= 0xff;
    const many = join(dir, "many.bin");
    writeFileSync(many, Buffer.concat(Array.from({ length: 10 }, () => [crcBad, hexBuf(heartbeatHex)]).flat()));
    const r = runCli(["decode", "lxp", "--file", many]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^invalid frame: (CRC mismatch: stored 0x9024, computed 0x[0-9a-f]{4}; ){3}7 more bad frames in 819 bytes\n$/);
    assert.equal(JSON.parse(r.stdout).length, 10);
  });

  it("explains bad usage with exit 2", () => {
    const r = runCli(["decode", "nothing"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "decode nothing"/);
  });
});

describe("lxp-pylon listen lxp", () => {
  let server: FakeDongleServer | undefined;
  let cli: CliProcess | undefined;
  afterEach(async () => {
    await cli?.stop("SIGKILL");
    await server?.close();
    cli = undefined;
    server = undefined;
  });

  it("--tcp prints one JSON line per decoded message and exits 0 on SIGINT", async () => {
    server = new FakeDongleServer();
    const port = await server.listen();
    cli = new CliProcess(["listen", "lxp", "--tcp", `127.0.0.1:${port}`]);
    await server.waitForConnection();
    server.write(Buffer.concat([hexBuf(heartbeatHex), Buffer.from("xx"), hexBuf(bank0Hex)]));
    await waitFor(() => cli!.lines.length === 2, 5000, "two JSON lines");
    const [hb, inputs] = cli.lines.map((l) => JSON.parse(l));
    assert.equal(hb.topic, "lxp/BA19520176/heartbeat");
    assert.equal(inputs.payload.soc, 83);
    assert.match(cli.stderr, /connected 127\.0\.0\.1:\d+/);
    assert.match(cli.stderr, /bad frame: skipped 2 bytes of garbage/);
    assert.equal(await cli.stop("SIGINT"), 0);
  });

  it("reports a flood of bad frames in a few stderr lines that count all of them", async () => {
    server = new FakeDongleServer();
    const port = await server.listen();
    cli = new CliProcess(["listen", "lxp", "--tcp", `127.0.0.1:${port}`]);
    await server.waitForConnection();
    server.write(Buffer.concat([Buffer.alloc(65536, Buffer.from([0xa1, 0x1a])), hexBuf(bank0Hex)]));
    await waitFor(() => cli!.lines.length === 1, 5000, "the good frame behind the flood");
    const reported = (): number[] =>
      cli!.stderr
        .split("\n")
        .map((line) => /^\S+ (?:bad frame: )?(\d+) (?:more )?bad frames/.exec(line)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number);
    await waitFor(() => reported().reduce((a, b) => a + b, 0) === 32768, 5000, "every false prefix counted");
    assert.ok(reported().length <= 2, cli.stderr);
    assert.equal(await cli.stop("SIGINT"), 0);
  });

  it("--udp HOST:PORT listens for datagrams", async () => {
    const port = await freeUdpPort();
    cli = new CliProcess(["listen", "lxp", "--udp", `127.0.0.1:${port}`]);
    await waitFor(() => /listening/.test(cli!.stderr), 5000, "listening");
    await sendUdp(port, hexBuf(bank0Hex));
    await waitFor(() => cli!.lines.length === 1, 5000, "a JSON line");
    assert.equal(JSON.parse(cli.lines[0]).topic, "lxp/2222222222/inputs/1");
  });

  it("refuses bad options with exit 2", async () => {
    const both = runCli(["listen", "lxp", "--tcp", "127.0.0.1", "--udp", "9000"]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /exactly one of --tcp/);
    const badPort = runCli(["listen", "lxp", "--tcp", "127.0.0.1:99999"]);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /port must be/);
  });
});
