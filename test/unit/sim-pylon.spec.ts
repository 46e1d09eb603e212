// The simulated PylonTech stack: requests built with the codec, replies decoded with the codec,
// compared with the simulator's own state; addressing, error RTNs, faults, TCP and pty serving.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import tty from "node:tty";
import {
  ALL_PACKS,
  buildPackRequest,
  decodeReply,
  encodeFrame,
  encodeRequest,
  frameChecksum,
  lengthField,
  parseFrame,
  PylonAddressing,
  PylonCommand,
  PylonFrameError,
  PylonFrameSplitter,
  PylonPack,
} from "../../nodes/lib/pylon/codec";
import { PylonStackOptions, PylonStackSimulator, SOCAT_MISSING_MESSAGE } from "../../sim/pylon/stack";

const { ANALOG_VALUES, ALARM_INFO, SYSTEM_PARAMETERS, PROTOCOL_VERSION, MANUFACTURER_INFO } = PylonCommand;
const { CHARGE_MANAGEMENT, SERIAL_NUMBER, FIRMWARE_VERSION } = PylonCommand;

/** Deterministic stacks: time moves only when a test says so. */
const manualStack = (options: PylonStackOptions = {}): PylonStackSimulator =>
  new PylonStackSimulator({ seed: 42, clock: "manual", ...options });

const mixedStack = (): PylonStackSimulator => manualStack({ packs: ["US3000", "US2000", "US3000"], current: -12.5 });

/** Sends one request; returns the decoded packs, or throws the codec's error for a bad reply. */
function ask(stack: PylonStackSimulator, cid2: number, addressing: PylonAddressing): PylonPack[] {
  const request = encodeRequest(cid2, addressing);
  const reply = stack.reply(request);
  assert.ok(reply, `no reply to ${request.trim()}`);
  return decodeReply(cid2, reply.frame, { request }).packs;
}

function askPack(stack: PylonStackSimulator, cid2: number, adr: number): PylonPack {
  const packs = ask(stack, cid2, { adr, info: adr });
  assert.equal(packs.length, 1);
  return packs[0];
}

/** 0x93 over rs232: the serial of pack `n`. */
function serialOverRs232(stack: PylonStackSimulator, n: number): string | undefined {
  const request = buildPackRequest(SERIAL_NUMBER, "rs232", n);
  return decodeReply(SERIAL_NUMBER, stack.reply(request)!.frame, { request }).packs[0].serial;
}

/** The RTN of an error reply, via the codec's decoder. */
function rtnOf(cid2: number, frame: string): number | undefined {
  try {
    decodeReply(cid2, frame);
  } catch (err) {
    if (err instanceof PylonFrameError) return err.rtn;
    throw err;
  }
  assert.fail("expected an error reply");
}

/** A request frame the codec refuses to build (forbidden or unknown CID2), encoded by hand. */
function handmadeRequest(adr: number, cid2: number, infoHex = ""): string {
  const hex = (v: number, width: number): string => v.toString(16).toUpperCase().padStart(width, "0");
  const body = hex(0x20, 2) + hex(adr, 2) + "46" + hex(cid2, 2) + hex(lengthField(infoHex.length), 4) + infoHex;
  return `~${body}${hex(frameChecksum(body), 4)}\r`;
}

function withWrongChecksum(frame: string): string {
  const digit = frame[frame.length - 2];
  return frame.slice(0, -2) + (digit === "0" ? "1" : "0") + "\r";
}

describe("pylon stack simulator", () => {
  describe("analog values (0x42)", () => {
    it("decodes to the simulator's state for both capacity layouts in one stack", () => {
      const stack = mixedStack();
      for (const adr of [2, 3, 4]) {
        const decoded = askPack(stack, ANALOG_VALUES, adr);
        const pack = stack.pack(adr);
        assert.deepEqual(decoded, { address: adr, ...pack.analogValues() });
        assert.deepEqual(decoded.cell_voltages, pack.cellVoltages);
        assert.deepEqual(decoded.temperatures, pack.temperatures);
        assert.equal(decoded.current, pack.current);
        assert.equal(decoded.soc, pack.soc);
        assert.equal(decoded.total_ah, pack.model === "US3000" ? 74 : 50);
      }
    });

    it("sends 16-bit capacities for US2000 and 0xFFFF plus 24-bit fields for US3000", () => {
      const stack = mixedStack();
      const userDefinedByte = (adr: number): number => {
        const info = parseFrame(stack.reply(buildPackRequest(ANALOG_VALUES, "rs485", adr - 1))!.frame).info;
        // INFOFLAG, command, M, M cells, N, N temps, current, voltage, remaining1, then the count
        const at = 2 + 1 + 15 * 2 + 1 + 5 * 2 + 2 + 2;
        assert.equal(info.readUInt16BE(at), stack.pack(adr).capacityLayout === 4 ? 0xffff : stack.pack(adr).remainingMah);
        return info[at + 2];
      };
      assert.equal(userDefinedByte(2), 4);
      assert.equal(userDefinedByte(3), 2);
    });

    it("has realistic values: 15 LFP cells, 5 temperatures, a small spread, current as set", () => {
      const stack = mixedStack();
      for (const pack of stack.packs) {
        assert.equal(pack.cellVoltages.length, 15);
        assert.equal(pack.temperatures.length, 5);
        for (const v of pack.cellVoltages) assert.ok(v > 3.0 && v < 3.6, `cell ${v} V`);
        for (const t of pack.temperatures) assert.ok(t > 10 && t < 40, `temperature ${t} °C`);
        const spread = pack.analogValues().cell_spread_mv!;
        assert.ok(spread > 0 && spread < 30, `spread ${spread} mV`);
        assert.ok(Math.abs(pack.current + 12.5) <= 0.5, `current ${pack.current} A`);
        assert.ok(pack.cycles > 0);
      }
    });

    it("integrates the current into SOC and moves voltages and temperatures with it", () => {
      const stack = manualStack({ packs: [{ model: "US2000", soc: 50, current: 25 }] });
      const pack = stack.pack(2);
      const before = { remaining: pack.remainingMah, volts: pack.voltageMv, board: pack.temperatures[0] };
      stack.advance(720); // 25 A for 12 minutes = 5 Ah
      assert.equal(pack.remainingMah - before.remaining, 5000);
      assert.equal(pack.soc, 60);
      assert.ok(pack.voltageMv > before.volts, "charging raises the pack voltage");
      assert.ok(pack.temperatures[0] > before.board, "current warms the BMS board");
      assert.deepEqual(askPack(stack, ANALOG_VALUES, 2), { address: 2, ...pack.analogValues() });

      pack.currentOverride = -40;
      stack.advance(3600 * 2);
      assert.equal(pack.remainingMah, 0, "an empty pack stops discharging");
      assert.equal(pack.current, 0);
    });

    it("follows a time-varying current", () => {
      const stack = manualStack({ packs: [{ current: (t) => (t < 60 ? 10 : -10) }] });
      stack.advance(30);
      assert.equal(stack.pack(2).current, 10);
      stack.advance(60);
      assert.equal(stack.pack(2).current, -10);
    });

    it("is reproducible for a seed and differs between seeds", () => {
      const frames = (seed: number): string[] => {
        const stack = manualStack({ seed, packs: 3 });
        stack.advance(100);
        return [2, 3, 4].map((adr) => stack.reply(buildPackRequest(ANALOG_VALUES, "rs485", adr - 1))!.frame);
      };
      assert.deepEqual(frames(7), frames(7));
      assert.notDeepEqual(frames(7), frames(8));
    });
  });

  describe("alarms (0x44)", () => {
    it("reports a configured cell alarm and normal elsewhere", () => {
      const stack = manualStack({ packs: [{}, { cellAlarms: { 7: "high" } }] });
      const healthy = askPack(stack, ALARM_INFO, 2).alarms!;
      assert.ok(healthy.cells.every((s) => s === "normal"));
      assert.equal(healthy.charge_mosfet, true);
      assert.equal(healthy.discharge_mosfet, true);

      const alarmed = askPack(stack, ALARM_INFO, 3).alarms!;
      assert.deepEqual(alarmed.cells, stack.pack(3).alarmStates().cells);
      assert.equal(alarmed.cells[6], "high");
      assert.equal(alarmed.cells.filter((s) => s !== "normal").length, 1);
    });

    it("sets Status bits from the state: discharging, cell faults, low cells", () => {
      const stack = manualStack({ packs: [{ current: -10, soc: 0.5 }], seed: 3 });
      const pack = stack.pack(2);
      pack.setCellAlarm(12, "fault");
      pack.setTemperatureAlarm(1, "high");
      stack.advance(1);
      const a = askPack(stack, ALARM_INFO, 2).alarms!;
      assert.equal(a.effective_discharge_current, true);
      assert.equal(a.using_battery_power, true);
      assert.deepEqual(a.cell_faults, [12]);
      assert.equal(a.temperatures[0], "high");
      assert.equal(a.discharge_over_temperature, true);
      assert.equal(a.cells[11], "fault");
      assert.equal(a.cell_under_voltage, a.cells.includes("low"));
    });
  });

  describe("identity and limits", () => {
    it("answers 0x93 with each pack's serial, 0x96 with its firmware, 0x92 with its limits", () => {
      const stack = mixedStack();
      for (const adr of [2, 3]) {
        const pack = stack.pack(adr);
        assert.equal(askPack(stack, SERIAL_NUMBER, adr).serial, pack.serial);
        assert.match(pack.serial, /^PPT[A-Z]{2}\d{11}$/);
        const firmware = askPack(stack, FIRMWARE_VERSION, adr).firmware;
        assert.deepEqual(firmware, pack.model === "US3000"
          ? { manufacture_version: "1.3", mainline_version: "0.6.9" }
          : { manufacture_version: "2.3", mainline_version: "0.6.5" });
        const m = askPack(stack, CHARGE_MANAGEMENT, adr).charge_management!;
        assert.equal(m.charge_voltage_limit, 53.25);
        assert.equal(m.discharge_current_limit, pack.model === "US3000" ? -37 : -25);
        assert.equal(m.charge_enable && m.discharge_enable, true);
      }
      assert.notEqual(stack.pack(2).serial, stack.pack(3).serial);
    });

    it("answers 0x51 with the master's identity at every address, 0x4F with VER 2.0, 0x47 per pack", () => {
      const stack = mixedStack();
      for (const adr of [2, 3, 4]) {
        const [info] = ask(stack, MANUFACTURER_INFO, { adr });
        assert.deepEqual(info, { address: adr, device_name: "US3000", software_version: "1.3", manufacturer: "Pylon" });
        assert.deepEqual(ask(stack, PROTOCOL_VERSION, { adr }), [{ address: adr, protocol_version: "2.0" }]);
      }
      const us2000 = ask(stack, SYSTEM_PARAMETERS, { adr: 3 })[0].system_parameters!;
      assert.equal(us2000.charge_current_limit, 102);
      assert.equal(us2000.charge_low_temperature, -11);
      assert.equal(ask(stack, SYSTEM_PARAMETERS, { adr: 2 })[0].system_parameters!.module_under_voltage, 43);
    });
  });

  describe("addressing and errors", () => {
    it("stays silent for absent addresses, ADR 0/1 on rs485, and another CID1", () => {
      const stack = manualStack({ packs: 2 });
      assert.equal(stack.reply(buildPackRequest(ANALOG_VALUES, "rs485", 3)), null);
      assert.equal(stack.reply(encodeRequest(PROTOCOL_VERSION, { adr: 0 })), null);
      assert.equal(stack.reply(encodeRequest(ANALOG_VALUES, { adr: 1, info: 1 })), null);
      assert.equal(stack.reply(encodeFrame({ adr: 2, cid1: 0x4a, cid2: 0x42, info: [2] })), null);
    });

    it("replies RTN 0x04 to unknown and state-changing commands, never acting on them", () => {
      const stack = manualStack();
      assert.equal(rtnOf(0x42, stack.reply(handmadeRequest(2, 0x4e))!.frame), 0x04);
      for (const [cid2, info] of [[0x94, "02D002AFC80172FE8E"], [0x95, "02"], [0x64, ""]] as const) {
        const reply = stack.reply(handmadeRequest(2, cid2, info))!;
        assert.equal(rtnOf(0x42, reply.frame), 0x04, `CID2 0x${cid2.toString(16)}`);
        assert.equal(parseFrame(reply.frame).info.length, 0);
      }
    });

    it("replies RTN 0x02 to a request with a bad checksum, silence when the ADR is absent", () => {
      const stack = manualStack({ packs: 1 });
      const bad = withWrongChecksum(buildPackRequest(ANALOG_VALUES, "rs485", 1));
      const reply = stack.reply(bad)!;
      assert.equal(parseFrame(reply.frame).adr, 2);
      assert.equal(rtnOf(ANALOG_VALUES, reply.frame), 0x02);
      assert.equal(stack.reply(withWrongChecksum(buildPackRequest(ANALOG_VALUES, "rs485", 4))), null);
    });

    it("replies RTN 0x06 to INFO naming another pack and RTN 0x05 to a missing INFO", () => {
      const stack = manualStack();
      assert.equal(rtnOf(ANALOG_VALUES, stack.reply(encodeRequest(ANALOG_VALUES, { adr: 2, info: 3 }))!.frame), 0x06);
      assert.equal(rtnOf(SERIAL_NUMBER, stack.reply(encodeRequest(SERIAL_NUMBER, { adr: 2 }))!.frame), 0x05);
    });

    it("answers INFO 0xFF with every pack, in order, at the master only", () => {
      const stack = mixedStack();
      const packs = ask(stack, ANALOG_VALUES, { adr: 2, info: ALL_PACKS });
      assert.deepEqual(packs, stack.packs.map((p) => ({ address: p.position, ...p.analogValues() })));
      const alarms = ask(stack, ALARM_INFO, { adr: 2, info: ALL_PACKS });
      assert.equal(alarms.length, 3);
      assert.deepEqual(alarms[1].alarms!.cells, stack.pack(3).alarmStates().cells);
      assert.equal(rtnOf(ANALOG_VALUES, stack.reply(encodeRequest(ANALOG_VALUES, { adr: 3, info: ALL_PACKS }))!.frame), 0x06);
      stack.answerAllPacks = false; // C-series firmware
      assert.equal(stack.reply(encodeRequest(ANALOG_VALUES, { adr: 2, info: ALL_PACKS })), null);
    });

    it("uses ADR 1 and INFO = pack number in rs232 mode", () => {
      const stack = manualStack({ mode: "rs232", packs: ["US2000", "US3000"] });
      assert.deepEqual(stack.addresses, [1, 2]);
      for (const n of [1, 2]) {
        const request = buildPackRequest(ANALOG_VALUES, "rs232", n);
        const reply = stack.reply(request)!;
        assert.equal(parseFrame(reply.frame).adr, 1);
        assert.deepEqual(decodeReply(ANALOG_VALUES, reply.frame, { request }).packs, [
          { address: n, ...stack.pack(n).analogValues() },
        ]);
        assert.equal(serialOverRs232(stack, n), stack.pack(n).serial);
      }
      assert.equal(stack.reply(buildPackRequest(ANALOG_VALUES, "rs232", 3)), null, "absent pack number");
      assert.equal(stack.reply(encodeRequest(ANALOG_VALUES, { adr: 2, info: 2 })), null, "rs485 address");
      assert.equal(ask(stack, ANALOG_VALUES, { adr: 1, info: ALL_PACKS }).length, 2);
    });

    it("serves battery group addresses (0x10·m + 2, …)", () => {
      const stack = manualStack({ group: 3, packs: 2 });
      assert.deepEqual(stack.addresses, [0x32, 0x33]);
      assert.equal(askPack(stack, ANALOG_VALUES, 0x33).cell_voltages!.length, 15);
    });
  });

  describe("fault injection", () => {
    it("makes a pack silent and healthy again at run time", () => {
      const stack = manualStack({ packs: 3 });
      stack.setFaults(3, { silent: true });
      assert.equal(stack.reply(buildPackRequest(ANALOG_VALUES, "rs485", 2)), null);
      assert.ok(stack.reply(buildPackRequest(ANALOG_VALUES, "rs485", 3)));
      assert.equal(ask(stack, ANALOG_VALUES, { adr: 2, info: ALL_PACKS }).length, 2, "left out of 0xFF");
      stack.pack(3).faults.silent = false;
      assert.equal(askPack(stack, ANALOG_VALUES, 3).address, 3);
    });

    it("corrupts the checksum of every Nth reply", () => {
      const stack = manualStack({ packs: [{ faults: { badChecksumEvery: 3 } }] });
      const outcomes = Array.from({ length: 6 }, () => {
        try {
          askPack(stack, ANALOG_VALUES, 2);
          return "ok";
        } catch (err) {
          return err instanceof PylonFrameError ? err.reason : String(err);
        }
      });
      assert.deepEqual(outcomes, ["ok", "ok", "checksum", "ok", "ok", "checksum"]);
    });

    it("corrupts checksums with a seeded probability", () => {
      const failures = (seed: number): boolean[] => {
        const stack = manualStack({ seed, packs: [{ faults: { badChecksumProbability: 0.5 } }] });
        return Array.from({ length: 40 }, () => {
          try {
            parseFrame(stack.reply(buildPackRequest(PROTOCOL_VERSION, "rs485", 1))!.frame);
            return false;
          } catch {
            return true;
          }
        });
      };
      const run = failures(5);
      assert.deepEqual(failures(5), run);
      const count = run.filter(Boolean).length;
      assert.ok(count > 5 && count < 35, `${count} of 40 corrupted`);
    });

    it("sends garbage before `~` that a frame splitter drops", () => {
      const stack = manualStack({ packs: [{ faults: { garbage: "\x00\xff\n" } }] });
      const reply = stack.reply(buildPackRequest(ANALOG_VALUES, "rs485", 1))!;
      assert.deepEqual([...reply.bytes.subarray(0, 3)], [0x00, 0xff, 0x0a]);
      const items = new PylonFrameSplitter().push(reply.bytes);
      assert.deepEqual(items, [{ frame: reply.frame }]);
    });

    it("reports each pack's latency on its replies", () => {
      const stack = manualStack({ latencyMs: 50, packs: [{}, { latencyMs: 2000 }] });
      assert.equal(stack.reply(buildPackRequest(PROTOCOL_VERSION, "rs485", 1))!.delayMs, 50);
      assert.equal(stack.reply(buildPackRequest(PROTOCOL_VERSION, "rs485", 2))!.delayMs, 2000);
    });
  });

  describe("byte stream input", () => {
    it("cuts frames from arbitrary chunks and resynchronises on `~`", () => {
      const stack = manualStack({ packs: 2 });
      const a = buildPackRequest(ANALOG_VALUES, "rs485", 1);
      const b = buildPackRequest(SERIAL_NUMBER, "rs485", 2);
      const stream = `\r\n\x00${a.slice(0, 7)}~20${a}${b}`;
      const session = stack.session();
      const replies = [...stream].flatMap((ch) => session.handle(ch));
      assert.deepEqual(replies.map((r) => parseFrame(r.frame).adr), [2, 3]);
      assert.equal(decodeReply(SERIAL_NUMBER, replies[1].frame).packs[0].serial, stack.pack(3).serial);
    });
  });

  describe("serving", () => {
    let stack: PylonStackSimulator | undefined;
    afterEach(async () => {
      await stack?.close();
      stack = undefined;
    });

    /** Writes `request` and resolves with the bytes up to the reply's CR, and the time it took. */
    function exchange(stream: net.Socket | tty.ReadStream, request: string): Promise<{ reply: string; ms: number }> {
      const started = Date.now();
      return new Promise((resolve, reject) => {
        let text = "";
        const timer = setTimeout(() => done(new Error(`no reply within 3 s, got ${JSON.stringify(text)}`)), 3000);
        const onData = (chunk: Buffer): void => {
          text += chunk.toString("latin1");
          if (text.includes("\r")) done();
        };
        const done = (err?: Error): void => {
          clearTimeout(timer);
          stream.off("data", onData);
          if (err) reject(err);
          else resolve({ reply: text, ms: Date.now() - started });
        };
        stream.on("data", onData);
        stream.write(request);
      });
    }

    it("answers on a loopback TCP port like an RS485 gateway, with the pack's latency", async () => {
      stack = manualStack({ packs: 2, latencyMs: 60 });
      const server = await stack.listenTcp();
      assert.ok(server.port > 0);
      const client = net.connect(server.port, "127.0.0.1");
      await new Promise<void>((resolve) => client.once("connect", () => resolve()));
      try {
        const request = buildPackRequest(ANALOG_VALUES, "rs485", 2);
        const { reply, ms } = await exchange(client, request);
        assert.ok(ms >= 50, `answered after ${ms} ms`);
        assert.deepEqual(decodeReply(ANALOG_VALUES, reply, { request }).packs, [
          { address: 3, ...stack.pack(3).analogValues() },
        ]);
        assert.equal(server.connections, 1);
      } finally {
        client.destroy();
      }
      await stack.close();
      await assert.rejects(
        new Promise((resolve, reject) => net.connect(server.port, "127.0.0.1").once("connect", resolve).once("error", reject)),
      );
    });

    describe("on a pseudo-terminal (socat)", () => {
      before(function () {
        if (spawnSync("socat", ["-V"]).error) {
          this.skip(); // socat not found: apt-get install socat
        }
      });

      const openPort = (path: string): tty.ReadStream => {
        const port = new tty.ReadStream(fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NOCTTY));
        port.on("error", () => undefined);
        return port;
      };

      it("answers on the device path, which vanishes on unplug and returns on replug", async () => {
        stack = manualStack({ packs: 2 });
        const pty = await stack.openPty();
        assert.ok(fs.existsSync(pty.path));
        assert.ok(pty.pid);
        const request = buildPackRequest(SERIAL_NUMBER, "rs485", 1);
        let port = openPort(pty.path);
        const first = await exchange(port, request);
        assert.equal(decodeReply(SERIAL_NUMBER, first.reply, { request }).packs[0].serial, stack.pack(2).serial);
        port.destroy();

        await pty.unplug();
        assert.equal(fs.existsSync(pty.path), false);
        assert.equal(pty.plugged, false);
        await pty.replug();
        assert.ok(fs.existsSync(pty.path));
        port = openPort(pty.path);
        const second = await exchange(port, request);
        assert.equal(second.reply, first.reply);
        port.destroy();

        await stack.close();
        assert.equal(fs.existsSync(pty.path), false);
      });

      it("fails with a clear message when socat is missing", async () => {
        const path = process.env.PATH;
        process.env.PATH = "/nonexistent";
        try {
          stack = manualStack();
          await assert.rejects(stack.openPty(), { message: SOCAT_MISSING_MESSAGE });
        } finally {
          process.env.PATH = path;
        }
      });
    });
  });
});


describe("pylon stack simulator: V3.5 system commands", () => {
  const ask = (sim: PylonStackSimulator, cid2: number, adr: number) => {
    const request = encodeRequest(cid2, { adr });
    const reply = sim.reply(request);
    assert.ok(reply, `0x${cid2.toString(16)} at ADR ${adr} answered`);
    return { request, frame: reply.frame };
  };

  it("the master answers 0x60-0x63 for its group, from its packs", () => {
    const sim = manualStack({ packs: ["US3000", "US2000", "US2000"], current: -12.5 });
    sim.setFaults(4, { silent: true });
    const { request, frame } = ask(sim, 0x61, 2);
    const analog = decodeReply(0x61, frame, { request }).system?.analog;
    const present = [sim.pack(2), sim.pack(3)];
    const cells = present.flatMap((p) => p.cellVoltages);
    assert.equal(analog?.cell_max, Math.max(...cells));
    assert.equal(analog?.cell_min, Math.min(...cells));
    const totalA = sim.pack(2).current + sim.pack(3).current;
    assert.notEqual(totalA, 0);
    assert.equal(analog?.current, Math.round(totalA * 100) / 100);
    // On the wire in 0.01 A, the unit of the §5.9 table (the decoder's scale alone would not show a wrong one).
    assert.equal(parseFrame(frame).info.readInt16BE(2), Math.round(totalA * 100));
    assert.equal(analog?.cycles_max, Math.max(...present.map((p) => p.cycles)));
    const basic = decodeReply(0x60, ask(sim, 0x60, 2).frame).system?.basic_info;
    assert.equal(basic?.pack_count, 3);
    assert.deepEqual(basic?.barcodes, sim.packs.map((p) => p.serial));
    const alarms = decodeReply(0x62, ask(sim, 0x62, 2).frame).system?.alarms;
    assert.ok(alarms && Object.values(alarms).every((v) => v === false), "a healthy stack raises no group alarm");
    const m = decodeReply(0x63, ask(sim, 0x63, 2).frame).system?.charge_management;
    assert.equal(m?.charge_enable, true);
    assert.ok((m?.discharge_current_limit ?? 0) > 0, "positive, as real 0x63 replies send it");
  });

  it("0x61 sends a group current beyond the word's ±327.67 A at its limit instead of failing", () => {
    const at = (amps: number): number | undefined => {
      const sim = manualStack({ packs: Array.from({ length: 3 }, () => ({ model: "US3000" as const, soc: 50, current: amps })) });
      assert.equal(sim.pack(2).current, amps);
      const { request, frame } = ask(sim, 0x61, 2);
      return decodeReply(0x61, frame, { request }).system?.analog?.current;
    };
    assert.equal(at(100), 300);
    const sim = manualStack({ packs: [{ model: "US3000", soc: 50, current: -12.5 }, { model: "US2000", soc: 50, current: -12.5 }] });
    assert.equal(parseFrame(ask(sim, 0x61, 2).frame).info.readInt16BE(2), -2500, "−25 A in 0.01 A on the wire");
    assert.equal(at(120), 327.67);
    assert.equal(at(-120), -327.68);
  });

  it("other addresses answer ADR error, the console port CID2 invalid, and 0x64 is refused", () => {
    const sim = manualStack({ packs: 2 });
    assert.equal(parseFrame(ask(sim, 0x61, 3).frame).cid2, 0x90);
    const rs232 = manualStack({ packs: 2, mode: "rs232" });
    assert.equal(parseFrame(ask(rs232, 0x61, 1).frame).cid2, 0x04);
    // 0x64 cannot be encoded; the frame is built by hand as an inverter would send it.
    const body = "200246640000";
    const shutdown = `~${body}${frameChecksum(body).toString(16).toUpperCase()}\r`;
    assert.throws(() => encodeRequest(0x64, { adr: 2 }), { reason: "forbidden_command" });
    assert.equal(parseFrame(sim.reply(shutdown)!.frame).cid2, 0x04, "the simulator never shuts down either");
  });
});
