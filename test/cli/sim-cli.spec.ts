// `lxp-pylon sim lxp` and `sim pylon` as real processes: the address lines they print, a client
// talking to them with the package's codecs, and a clean exit 0 on SIGINT.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import dgram from "node:dgram";
import fs from "node:fs";
import net from "node:net";
import tty from "node:tty";
import { encodeReadInput, frameToMessage, LxpFrame, LxpStreamParser, parseDatagram } from "../../nodes/lib/lxp/codec";
import { buildPackRequest, decodeReply, PylonCommand } from "../../nodes/lib/pylon/codec";
import { CliProcess, runCli } from "../support/cli";
import { waitFor } from "../support/net";

/** Waits for stdout line `index` and checks it against `pattern`. */
async function line(cli: CliProcess, index: number, pattern: RegExp): Promise<RegExpMatchArray> {
  await waitFor(() => cli.lines.length > index || cli.exitCode !== undefined, 10000, `stdout line ${index + 1}`);
  const text = cli.lines[index];
  const match = text === undefined ? null : pattern.exec(text);
  assert.ok(match, `line ${index + 1} ${JSON.stringify(text)} does not match ${pattern}; stderr: ${cli.stderr}`);
  return match;
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.on("error", () => undefined);
  return socket;
}

/** Sends a PylonTech request and resolves with the reply up to its CR. */
function exchange(stream: net.Socket | tty.ReadStream, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`no reply within 5 s, got ${JSON.stringify(text)}`)), 5000);
    stream.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (!text.includes("\r")) return;
      clearTimeout(timer);
      resolve(text);
    });
    stream.write(request);
  });
}

describe("lxp-pylon sim", () => {
  let cli: CliProcess | undefined;
  const sockets: net.Socket[] = [];

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await cli?.stop("SIGKILL");
    cli = undefined;
  });

  describe("sim lxp", () => {
    it("--tcp 0 prints its address and identity, answers requests, broadcasts, exits 0 on SIGINT", async () => {
      cli = new CliProcess(["sim", "lxp", "--tcp", "0", "--interval", "0.3", "--seed", "7", "--speed", "60"]);
      const [, port] = await line(cli, 0, /^listening tcp 127\.0\.0\.1:(\d+)$/);
      const [, datalog, inverter] = await line(cli, 1, /^identity datalog=(\S{10}) inverter=(\S{10}) protocol=2$/);
      const socket = await connect(Number(port));
      sockets.push(socket);
      const parser = new LxpStreamParser();
      const frames: LxpFrame[] = [];
      socket.on("data", (chunk: Buffer) => parser.push(chunk).forEach((item) => item.frame && frames.push(item.frame)));

      socket.write(encodeReadInput({ datalog, inverter }, 80, 40));
      const isBank2Reply = (f: LxpFrame): boolean => f.kind === "translated" && f.role === "reply" && f.register === 80;
      await waitFor(() => frames.some(isBank2Reply), 5000, "bank 2 reply");
      const bank2 = frameToMessage(frames.find(isBank2Reply) as LxpFrame).msg;
      assert.equal(bank2.topic, `lxp/${datalog}/inputs/3`);
      assert.equal(bank2.payload.inverter_serial, inverter);

      const isBank0 = (f: LxpFrame): boolean => f.kind === "translated" && f.role === "reply" && f.register === 0;
      await waitFor(() => frames.some(isBank0), 5000, "a broadcast of bank 0");
      const bank0 = frameToMessage(frames.find(isBank0) as LxpFrame).msg.payload;
      assert.equal(bank0.p_pv, (bank0.p_pv_1 as number) + (bank0.p_pv_2 as number));
      assert.ok((bank0.soc as number) >= 10 && (bank0.soc as number) <= 100, `soc ${bank0.soc}`);
      assert.ok((bank0.v_ac_r as number) > 220 && (bank0.v_ac_r as number) < 240);

      assert.equal(await cli.stop("SIGINT"), 0, cli.stderr);
    });

    it("--udp sends protocol-5 broadcasts to HOST:PORT", async () => {
      const receiver = dgram.createSocket("udp4");
      await new Promise<void>((resolve) => receiver.bind(0, "127.0.0.1", () => resolve()));
      const datagrams: Buffer[] = [];
      receiver.on("message", (d) => datagrams.push(d));
      try {
        const target = `127.0.0.1:${receiver.address().port}`;
        cli = new CliProcess(["sim", "lxp", "--udp", target, "--protocol", "5", "--interval", "0.2", "--datalog", "DJ00000042"]);
        await line(cli, 0, new RegExp(`^sending udp ${target.replace(/\./g, "\\.")}$`));
        await line(cli, 1, /^identity datalog=DJ00000042 inverter=\S{10} protocol=5$/);
        await waitFor(() => datagrams.length > 0, 5000, "a datagram");
        const [item] = parseDatagram(datagrams[0]);
        assert.ok(item.frame, item.error?.message);
        assert.equal(frameToMessage(item.frame).msg.topic, "lxp/DJ00000042/inputs/all");
        assert.equal(await cli.stop("SIGTERM"), 0, cli.stderr);
      } finally {
        await new Promise<void>((resolve) => receiver.close(() => resolve()));
      }
    });

    it("rejects bad options with exit 2", () => {
      const protocol = runCli(["sim", "lxp", "--protocol", "3"]);
      assert.equal(protocol.code, 2);
      assert.match(protocol.stderr, /--protocol must be 2 or 5/);
      const faults = runCli(["sim", "lxp", "--faults", "flood"]);
      assert.equal(faults.code, 2);
      assert.match(faults.stderr, /unknown fault "flood"/);
    });

    it("lists the sim commands in the usage text", () => {
      const help = runCli(["--help"]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /lxp-pylon sim lxp/);
      assert.match(help.stdout, /lxp-pylon sim pylon/);
    });
  });

  describe("sim pylon", () => {
    it("--tcp 0 answers a 0x42 request from the pylon codec and exits 0 on SIGINT", async () => {
      cli = new CliProcess(["sim", "pylon", "--tcp", "0", "--packs", "US3000,US2000", "--seed", "3"]);
      const [, port] = await line(cli, 0, /^listening tcp 127\.0\.0\.1:(\d+)$/);
      await line(cli, 1, /^stack mode=rs485 packs=US3000,US2000 addresses=2,3$/);
      const socket = await connect(Number(port));
      sockets.push(socket);
      const request = buildPackRequest(PylonCommand.ANALOG_VALUES, "rs485", 2);
      const reply = decodeReply(PylonCommand.ANALOG_VALUES, await exchange(socket, request), { request });
      assert.equal(reply.packs.length, 1);
      const [pack] = reply.packs;
      assert.equal(pack.address, 3);
      assert.equal(pack.cell_voltages?.length, 15);
      assert.ok(pack.voltage !== undefined && pack.voltage > 40 && pack.voltage < 56, `voltage ${pack.voltage}`);
      assert.ok(pack.soc !== undefined && pack.soc !== null && pack.soc >= 0 && pack.soc <= 100, `soc ${pack.soc}`);
      assert.equal(await cli.stop("SIGINT"), 0, cli.stderr);
    });

    it("--pty serves on a device path that disappears on exit", async function () {
      if (spawnSync("socat", ["-V"]).error) this.skip(); // socat not found: apt-get install socat
      cli = new CliProcess(["sim", "pylon", "--pty", "--packs", "1", "--mode", "rs232"]);
      const [, path] = await line(cli, 0, /^pty (\S+)$/);
      assert.ok(fs.existsSync(path));
      const port = new tty.ReadStream(fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NOCTTY));
      port.on("error", () => undefined);
      try {
        const request = buildPackRequest(PylonCommand.SERIAL_NUMBER, "rs232", 1);
        const reply = decodeReply(PylonCommand.SERIAL_NUMBER, await exchange(port, request), { request });
        assert.equal(reply.packs[0].serial?.length, 16);
      } finally {
        port.destroy();
      }
      assert.equal(await cli.stop("SIGINT"), 0, cli.stderr);
      assert.equal(fs.existsSync(path), false);
    });
  });
});
