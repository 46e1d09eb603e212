// The simulated LuxPower dongle over real loopback sockets: requests built with the codec, every
// reply decoded with the codec and compared with the simulator's state; the day model under a
// manual clock; each fault; the UDP sender.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import net from "node:net";
import {
  crc16Modbus,
  decodeHolds,
  decodeInputs,
  DeviceFunction,
  encodeHeartbeat,
  encodeReadHold,
  encodeReadInput,
  encodeReadParam,
  encodeWriteMulti,
  encodeWriteSingle,
  frameToMessage,
  LxpFrame,
  LxpFrameError,
  LxpStreamParser,
  parseDatagram,
  Target,
} from "../../nodes/lib/lxp/codec";
import {
  clockRegisters,
  LxpDongleSimOptions,
  LxpDongleSimulator,
  LxpTcpServer,
  parseLxpFaults,
  REG21,
  windowRegister,
} from "../../sim/lxp/dongle";
import { sleep, waitFor } from "../support/net";

const NOON = new Date(2024, 5, 21, 12, 0, 0);
const MIDNIGHT = new Date(2024, 5, 21, 0, 0, 0);

type Reply = Extract<LxpFrame, { kind: "translated" }>;
type Payload = Record<string, any>;

/** A dongle client: frames and parse errors in arrival order. */
class TestClient {
  readonly frames: LxpFrame[] = [];
  readonly errors: LxpFrameError[] = [];
  dataEvents = 0;
  closed = false;
  private readonly parser = new LxpStreamParser();

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.dataEvents++;
      for (const item of this.parser.push(chunk)) {
        if (item.frame) this.frames.push(item.frame);
        else this.errors.push(item.error);
      }
    });
    socket.on("close", () => (this.closed = true));
    socket.on("error", () => undefined);
  }

  static async connect(port: number): Promise<TestClient> {
    const socket = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new TestClient(socket);
  }

  /** Waits for `n` frames after index `from` that satisfy `match`. */
  async frameCount(n: number, from = 0, match: (f: LxpFrame) => boolean = () => true, timeoutMs = 2000): Promise<LxpFrame[]> {
    await waitFor(() => this.frames.slice(from).filter(match).length >= n, timeoutMs, `${n} frames`);
    return this.frames.slice(from).filter(match).slice(0, n);
  }

  /** Sends a request and returns the first translated reply or exception that follows. */
  async request(frame: Buffer): Promise<Reply> {
    const from = this.frames.length;
    this.socket.write(frame);
    const [reply] = await this.frameCount(1, from, (f) => f.kind === "translated" && f.role !== "request");
    return reply as Reply;
  }

  /** Sends a request and asserts that nothing comes back within `ms`. */
  async expectSilence(frame: Buffer, ms = 250): Promise<void> {
    const from = this.frames.length;
    this.socket.write(frame);
    await sleep(ms);
    assert.equal(this.frames.length, from, "expected no reply");
  }

  close(): void {
    this.socket.destroy();
  }
}

const values = (f: Reply): number[] => {
  assert.equal(f.role, "reply", `expected a reply, got ${f.role}`);
  return (f as Extract<Reply, { values: number[] }>).values;
};

const payloadOf = (f: LxpFrame): Payload => frameToMessage(f).msg.payload;

const pad2 = (n: number): string => String(n).padStart(2, "0");
const localTime = (t: number): string => {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
};

/** A read request with an arbitrary (even invalid) register count: the codec refuses to build those. */
function readInputWithCount(target: Target, register: number, count: number): Buffer {
  const frame = Buffer.from(encodeReadInput(target, register, 1));
  frame.writeUInt16LE(count, frame.length - 4);
  frame.writeUInt16LE(crc16Modbus(frame, 20, frame.length - 2), frame.length - 2);
  return frame;
}

describe("LxpDongleSimulator", () => {
  const sims: LxpDongleSimulator[] = [];
  const clients: TestClient[] = [];

  /** Deterministic: manual clock, no timers unless asked. */
  function makeSim(options: LxpDongleSimOptions = {}): LxpDongleSimulator {
    const sim = new LxpDongleSimulator({ seed: 42, clock: "manual", start: NOON, intervalSeconds: 0, heartbeatSeconds: 0, ...options });
    sims.push(sim);
    return sim;
  }

  async function served(options: LxpDongleSimOptions = {}): Promise<{ sim: LxpDongleSimulator; client: TestClient; target: Target; port: number; server: LxpTcpServer }> {
    const sim = makeSim(options);
    const server = await sim.listenTcp();
    const { port } = server;
    const client = await TestClient.connect(port);
    clients.push(client);
    await waitFor(() => server.connections >= 1, 2000, "server side of the connection");
    return { sim, client, target: { datalog: sim.datalog, inverter: sim.inverter }, port, server };
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });

  describe("input broadcasts", () => {
    it("protocol 2 sends banks 0, 40 and 80 that decode to the simulator's state", async () => {
      const { sim, client } = await served();
      sim.broadcastNow();
      const frames = (await client.frameCount(3)) as Reply[];
      assert.deepEqual(frames.map((f) => [f.protocol, f.deviceFunction, f.register, values(f).length]), [
        [2, 4, 0, 40],
        [2, 4, 40, 40],
        [2, 4, 80, 40],
      ]);
      const msgs = frames.map((f) => frameToMessage(f).msg);
      assert.deepEqual(msgs.map((m) => m.topic), [1, 2, 3].map((n) => `lxp/${sim.datalog}/inputs/${n}`));
      const raw = sim.inputs();
      frames.forEach((f) => assert.deepEqual(values(f), raw.slice(f.register, f.register + 40)));

      const [b0, b1, b2] = msgs.map((m) => m.payload as Payload);
      const flows = sim.model.flows;
      assert.equal(b0.soc, Math.round(sim.model.soc));
      assert.equal(b0.soh, sim.model.soh);
      assert.ok(b0.p_pv > 500, `noon PV ${b0.p_pv}`);
      assert.equal(b0.p_pv, b0.p_pv_1 + b0.p_pv_2);
      assert.equal(b0.p_pv_3, 0);
      assert.equal(b0.p_battery, flows.charge - flows.discharge);
      assert.ok(b0.v_pv_1 > 200 && b0.v_pv_1 < 450, `v_pv_1 ${b0.v_pv_1}`);
      assert.ok(b0.v_bat >= 48 && b0.v_bat <= 55, `v_bat ${b0.v_bat}`);
      assert.ok(b0.v_ac_r > 225 && b0.v_ac_r < 236, `v_ac_r ${b0.v_ac_r}`);
      assert.ok(Math.abs(b0.f_ac - 50) < 0.1, `f_ac ${b0.f_ac}`);
      assert.ok([0x04, 0x0c, 0x14].includes(b0.status), `status ${b0.status} at noon`);
      // Power balance: PV + battery out = inverter − rectifier; grid = load − inverter output.
      assert.equal(b0.p_pv + b0.p_discharge - b0.p_charge, b0.p_inv - b0.p_rec);
      assert.equal(b0.p_grid, flows.load - (b0.p_inv - b0.p_rec));
      assert.ok(b0.e_pv_day > 0 && b0.e_pv_day <= 40, `e_pv_day ${b0.e_pv_day}`);
      assert.ok(b1.e_pv_all > b0.e_pv_day);
      assert.ok(b1.t_inner > 10 && b1.t_inner < 60, `t_inner ${b1.t_inner}`);
      assert.deepEqual([b1.faults, b1.warnings], [[], []]);
      assert.ok(b1.runtime > 86400);
      assert.equal(b2.inverter_serial, sim.inverter);
      assert.equal(b2.max_chg_curr, 100);
      assert.ok(Math.abs(b2.bat_current - (b0.p_battery / b0.v_bat)) < 0.1, `bat_current ${b2.bat_current}`);
      assert.ok(b2.max_cell_voltage > 3 && b2.max_cell_voltage < 3.5);
    });

    it("protocol 5 sends one 0–126 reply (inputs/all)", async () => {
      const { sim, client } = await served({ protocol: 5 });
      sim.broadcastNow();
      const [frame] = (await client.frameCount(1)) as Reply[];
      assert.equal(frame.protocol, 5);
      assert.equal(frame.register, 0);
      assert.equal(values(frame).length, 127);
      assert.equal(frame.raw.length, 291);
      const { msg } = frameToMessage(frame);
      assert.equal(msg.topic, `lxp/${sim.datalog}/inputs/all`);
      assert.equal(msg.payload.inverter_serial, sim.inverter);
      assert.equal(msg.payload.soc, Math.round(sim.model.soc));
    });

    it("sends banks and heartbeats on its timers, to every connected client", async () => {
      const { sim, client, port } = await served({ intervalSeconds: 0.1, heartbeatSeconds: 0.15, protocol: 5 });
      const second = await TestClient.connect(port);
      clients.push(second);
      for (const c of [client, second]) {
        await c.frameCount(2, 0, (f) => f.kind === "translated");
        const [hb] = await c.frameCount(1, 0, (f) => f.kind === "heartbeat");
        assert.equal(hb.protocol, 5);
        assert.equal(hb.datalog, sim.datalog);
      }
      sim.setIntervalSeconds(0);
      assert.equal(sim.intervalSeconds, 0);
    });
  });

  describe("requests", () => {
    it("reads any input range it has, as the same raw registers", async () => {
      const { sim, client, target } = await served();
      for (const [start, count] of [
        [0, 1],
        [100, 30],
        [115, 5],
        [120, 40],
        [200, 40],
        [113, 127],
      ]) {
        const reply = await client.request(encodeReadInput(target, start, count));
        assert.equal(reply.deviceFunction, DeviceFunction.READ_INPUT);
        assert.equal(reply.register, start);
        assert.deepEqual(values(reply), sim.inputs().slice(start, start + count), `input ${start}+${count}`);
      }
      const serial = await client.request(encodeReadInput(target, 115, 5));
      assert.equal(payloadOf(serial).inverter_serial, sim.inverter);
    });

    it("sends each reply to every connected client, as a real dongle does", async () => {
      const { client, target, port, server } = await served();
      const other = await TestClient.connect(port);
      clients.push(other);
      await waitFor(() => server.connections >= 2, 2000, "second connection");
      const reply = await client.request(encodeReadHold(target, 64, 4));
      const [seen] = await other.frameCount(1);
      assert.deepEqual(seen.raw, reply.raw);
    });

    it("reads hold registers 0–259 with realistic defaults", async () => {
      const { sim, client, target } = await served();
      const first = await client.request(encodeReadHold(target, 0, 127));
      const holds = payloadOf(first);
      assert.equal(holds.model_code, "FAAB");
      assert.equal(holds.inverter_serial, sim.inverter);
      assert.equal(holds.registers["21"], 62292);
      assert.equal(holds.reg21.ac_charge_en, false);
      assert.equal(holds.reg21.eps_en, false);
      assert.deepEqual(
        [holds.charge_rate_pct, holds.discharge_rate_pct, holds.ac_charge_rate_pct, holds.ac_charge_soc_limit_pct],
        [100, 100, 50, 90],
      );
      assert.deepEqual(holds.ac_charge_1, { start: "02:00", end: "05:00" });
      assert.equal(holds.discharge_cutoff_soc_limit_pct, 20);
      assert.equal(holds.inverter_time, localTime(NOON.getTime()));
      const last = await client.request(encodeReadHold(target, 200, 60));
      assert.equal(values(last).length, 60);
      assert.deepEqual(values(last), sim.holds.slice(200, 260));
    });

    it("answers exception 3 for ranges it lacks and counts of 0 or > 127", async () => {
      const { client, target } = await served();
      const cases: Array<[Buffer, number, number]> = [
        [encodeReadInput(target, 240, 1), 0x84, 240],
        [encodeReadInput(target, 500, 125), 0x84, 500],
        [encodeReadInput(target, 200, 41), 0x84, 200],
        [encodeReadHold(target, 250, 20), 0x83, 250],
        [readInputWithCount(target, 0, 0), 0x84, 0],
        [readInputWithCount(target, 0, 128), 0x84, 0],
        [encodeWriteSingle(target, 260, 1), 0x86, 260],
        [encodeWriteMulti(target, 258, [1, 2, 3]), 0x90, 258],
      ];
      for (const [request, fn, register] of cases) {
        const reply = await client.request(request);
        assert.equal(reply.role, "exception");
        assert.equal(reply.deviceFunction, fn);
        assert.equal(reply.register, register);
        assert.equal(reply.direction, 0);
        assert.equal((reply as Extract<Reply, { role: "exception" }>).exceptionCode, 3);
        assert.equal(frameToMessage(reply).kind, "exception");
      }
    });

    it("ignores requests for another inverter or dongle, and client echoes", async () => {
      const { sim, client, target } = await served();
      const handled: LxpFrame[] = [];
      sim.on("request", (f) => handled.push(f));
      await client.expectSilence(encodeReadInput({ ...target, inverter: "9999999999" }, 0, 40));
      await client.expectSilence(encodeReadInput({ ...target, datalog: "XX00000000" }, 0, 40));
      await client.expectSilence(encodeHeartbeat(sim.datalog)); // a client answering a heartbeat
      const reply = await client.request(encodeReadHold(target, 21, 1));
      assert.deepEqual(values(reply), [sim.holds[21]]);
      assert.equal(handled.length, 1);
    });

    it("write single updates state and echoes; write multi replies with the count", async () => {
      const { sim, client, target } = await served();
      const echo = await client.request(encodeWriteSingle(target, 66, 80));
      assert.equal(echo.deviceFunction, DeviceFunction.WRITE_SINGLE);
      assert.equal(echo.direction, 1);
      assert.deepEqual([payloadOf(echo).register, payloadOf(echo).value], [66, 80]);
      assert.equal(sim.holds[66], 80);

      const reg21 = sim.holds[21] | REG21.AC_CHARGE;
      await client.request(encodeWriteSingle(target, 21, reg21));
      assert.equal(sim.holds[21], reg21);
      const readBack = await client.request(encodeReadHold(target, 21, 1));
      assert.equal(payloadOf(readBack).reg21.ac_charge_en, true);

      const multi = await client.request(encodeWriteMulti(target, 70, [windowRegister(13, 30), windowRegister(15)]));
      assert.equal(multi.deviceFunction, DeviceFunction.WRITE_MULTI);
      assert.deepEqual([payloadOf(multi).register, payloadOf(multi).count], [70, 2]);
      assert.deepEqual(payloadOf(await client.request(encodeReadHold(target, 70, 2))).ac_charge_2, { start: "13:30", end: "15:00" });
      // the serial and model code are read-only
      const refused = await client.request(encodeWriteSingle(target, 7, 0x4141));
      assert.equal(refused.role, "exception");
      assert.equal(sim.holds[7], 0x4146);
    });

    it("keeps hold 12–14 on the simulated clock; writing them sets the clock", async () => {
      const { sim, client, target } = await served();
      sim.advance(3661);
      const clock = await client.request(encodeReadHold(target, 12, 3));
      assert.equal(payloadOf(clock).inverter_time, "2024-06-21 13:01:01");
      const set = [22 | (6 << 8), 19 | (20 << 8), 23 | (33 << 8)]; // 2022-06-19 20:23:33 as in lxp-protocol.md §4d
      const reply = await client.request(encodeWriteMulti(target, 12, set));
      assert.equal(reply.role, "reply");
      assert.equal(sim.clock.now(), new Date(2022, 5, 19, 20, 23, 33).getTime());
      assert.equal(decodeHolds(12, sim.holds.slice(12, 15)).inverter_time, "2022-06-19 20:23:33");
      assert.equal(sim.model.time, sim.clock.now(), "the model jumped with the clock");
      // one register alone (the minute/second) moves the clock too
      await client.request(encodeWriteSingle(target, 14, 5 | (7 << 8)));
      assert.equal(localTime(sim.clock.now()), "2022-06-19 20:05:07");
      const invalid = await client.request(encodeWriteSingle(target, 12, 22 | (13 << 8))); // month 13
      assert.equal(invalid.role, "exception");
      assert.deepEqual(sim.holds.slice(12, 15), clockRegisters(new Date(2022, 5, 19, 20, 5, 7).getTime()));
    });

    it("answers read param 0 with the broadcast interval", async () => {
      const { sim, client } = await served({ intervalSeconds: 0 });
      sim.setIntervalSeconds(300);
      const from = client.frames.length;
      client.socket.write(encodeReadParam(sim.datalog, 0));
      const [param] = await client.frameCount(1, from, (f) => f.kind === "param");
      const { msg } = frameToMessage(param);
      assert.equal(msg.topic, `lxp/${sim.datalog}/param/0`);
      assert.equal(msg.payload.value, 300);
    });
  });

  describe("day model", () => {
    it("has PV at noon and none at midnight", () => {
      const noon = makeSim({ start: NOON });
      const night = makeSim({ start: MIDNIGHT });
      assert.ok(noon.model.flows.pv1 > 300 && noon.model.flows.pv2 > 200);
      assert.ok(noon.model.flows.pv1 + noon.model.flows.pv2 < 5600);
      assert.deepEqual([night.model.flows.pv1, night.model.flows.pv2, night.model.pvVolts(1)], [0, 0, 0]);
      assert.ok([0x00, 0x10].includes(night.model.status));
      assert.ok(night.model.flows.load > 100 && night.model.flows.load < 4000);
    });

    it("is deterministic for a seed and differs between seeds", () => {
      const a = makeSim({ seed: 5 });
      const b = makeSim({ seed: 5 });
      const c = makeSim({ seed: 6 });
      a.advance(5000);
      b.advance(2000);
      b.advance(3000);
      c.advance(5000);
      assert.deepEqual(a.inputs(), b.inputs());
      assert.notDeepEqual(a.inputs(), c.inputs());
    });

    it("accumulates daily and lifetime counters and resets the daily ones at midnight", () => {
      const sim = makeSim({ start: new Date(2024, 5, 21, 6, 0, 0) });
      const at = (): Payload => payloadFromRegs(sim.inputs(), 0, 80);
      const morning = at();
      sim.advance(6 * 3600);
      const noon = at();
      assert.ok(noon.e_pv_day > morning.e_pv_day + 3, `${morning.e_pv_day} → ${noon.e_pv_day} kWh`);
      const gained = noon.e_pv_all - morning.e_pv_all;
      assert.ok(Math.abs(gained - (noon.e_pv_day - morning.e_pv_day)) < 0.3, `lifetime +${gained}`);
      assert.equal(noon.runtime - morning.runtime, 6 * 3600);
      sim.advance(12.5 * 3600); // 00:30 next day
      const next = at();
      assert.equal(next.e_pv_day, 0);
      assert.ok(next.e_dischg_day < 3, `discharge since midnight ${next.e_dischg_day}`);
      assert.ok(next.e_pv_all >= noon.e_pv_all && next.e_dischg_all > noon.e_dischg_all);
    });

    it("keeps SOC within the cut-off and 100 %, the grid covering the rest", async () => {
      const { sim, client, target } = await served({ start: MIDNIGHT, plant: { midnightSoc: 60 } });
      await client.request(encodeWriteSingle(target, 105, 58)); // discharge cut-off 58 %
      sim.advance(4 * 3600);
      const night = payloadFromRegs(sim.inputs(), 0, 40);
      assert.ok(sim.model.soc >= 57 && sim.model.soc < 60, `soc ${sim.model.soc}`);
      assert.equal(night.p_discharge, 0);
      assert.equal(night.p_to_user, sim.model.flows.load);

      const full = makeSim({ start: new Date(2024, 5, 21, 7, 0, 0), plant: { midnightSoc: 95 } });
      full.advance(6 * 3600);
      const noon = payloadFromRegs(full.inputs(), 0, 40);
      assert.ok(full.model.soc <= 100 && full.model.soc > 99, `soc ${full.model.soc}`);
      assert.ok(noon.p_to_grid > 0, "PV the full battery cannot take is exported");
      assert.ok(noon.v_bat > 53 && noon.v_bat <= 55);
    });

    it("AC-charges from the grid inside the window when reg 21 bit 7 is set", async () => {
      const { sim, client, target } = await served({ start: new Date(2024, 5, 21, 2, 30, 0), plant: { midnightSoc: 40 } });
      const before = sim.model.soc;
      await client.request(encodeWriteSingle(target, 21, sim.holds[21] | REG21.AC_CHARGE));
      sim.advance(60);
      const p = payloadFromRegs(sim.inputs(), 0, 40);
      assert.equal(p.status, 0x20);
      assert.equal(p.status_text, "AC charging");
      assert.ok(p.p_rec > 0 && p.p_charge >= p.p_rec && p.p_to_user >= p.p_rec, JSON.stringify(p));
      sim.advance(3600);
      assert.ok(sim.model.soc > before + 10, `soc ${before} → ${sim.model.soc}`);
      sim.advance(2 * 3600); // 05:31: outside the window
      assert.equal(sim.model.flows.acCharging, false);
    });

    it("runs the clock at `speed` × wall time in real mode", async () => {
      const sim = makeSim({ clock: "real", speed: 3600, start: NOON });
      await sleep(200);
      const elapsed = (sim.clock.now() - NOON.getTime()) / 1000;
      assert.ok(elapsed > 500 && elapsed < 3000, `${elapsed} simulated s in 200 ms`);
    });
  });

  describe("faults", () => {
    it("split: frames arrive in small pieces and still parse", async () => {
      const { sim, client } = await served({ faults: { splitMaxBytes: 8 } });
      sim.broadcastNow();
      const frames = await client.frameCount(3);
      assert.ok(client.dataEvents > 10, `${client.dataEvents} reads`);
      assert.equal(client.errors.length, 0);
      assert.deepEqual(frames.map((f) => (f as Reply).register), [0, 40, 80]);
    });

    it("garbage: noise before every frame is skipped by the parser", async () => {
      const { sim, client } = await served({ faults: { garbageBytes: 6 } });
      sim.broadcastNow();
      await client.frameCount(3);
      assert.equal(client.errors.length, 3);
      assert.match(client.errors[0].message, /skipped 6 bytes of garbage/);
    });

    it("crc: every Nth translated frame carries a wrong CRC", async () => {
      const { sim, client, target } = await served();
      sim.setFaults({ badCrcEvery: 2 });
      sim.broadcastNow();
      await waitFor(() => client.frames.length + client.errors.length >= 3, 2000, "3 frames");
      assert.deepEqual(client.frames.map((f) => (f as Reply).register), [0, 80]);
      assert.match(client.errors[0].message, /CRC mismatch/);
      sim.setFaults({ badCrcEvery: 0, badCrcProbability: 1 });
      await client.expectSilence(encodeReadHold(target, 0, 1));
      assert.equal(client.errors.length, 2);
    });

    it("drop: closes client sockets now or periodically; the server keeps listening", async () => {
      const { sim, client, port } = await served();
      sim.dropClients();
      await waitFor(() => client.closed, 2000, "drop");
      const again = await TestClient.connect(port);
      clients.push(again);
      sim.setFaults({ dropEverySeconds: 0.1 });
      await waitFor(() => again.closed, 2000, "periodic drop");
    });

    it("silence: no broadcasts and no answers for a while", async () => {
      const { sim, client, target } = await served();
      sim.setSilent(true);
      sim.broadcastNow();
      sim.heartbeatNow();
      await client.expectSilence(encodeReadHold(target, 0, 1));
      sim.setSilent(false);
      await client.request(encodeReadHold(target, 0, 1));
      sim.silenceFor(0.15);
      await client.expectSilence(encodeReadHold(target, 0, 1), 50);
      await waitFor(() => !sim.silent, 2000, "end of silence");
      await client.request(encodeReadHold(target, 0, 1));
      sim.setFaults({ silenceEverySeconds: 0.1, silenceSeconds: 0.05 });
      await waitFor(() => sim.silent, 2000, "periodic silence");
    });

    it("parses the CLI fault list", () => {
      assert.deepEqual(parseLxpFaults("split,garbage=8,crc=10,drop=30,silence=5/20"), {
        splitMaxBytes: 7,
        garbageBytes: 8,
        badCrcEvery: 10,
        dropEverySeconds: 30,
        silenceSeconds: 5,
        silenceEverySeconds: 20,
      });
      assert.deepEqual(parseLxpFaults("crc=0.25"), { badCrcProbability: 0.25 });
      assert.throws(() => parseLxpFaults("flood"), /unknown fault "flood"/);
      assert.throws(() => parseLxpFaults("silence=30/10"), /S\/EVERY/);
    });
  });

  describe("UDP sender", () => {
    const sockets: dgram.Socket[] = [];
    afterEach(async () => {
      await Promise.all(sockets.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    });

    it("sends one frame per datagram to host:port and answers requests sent back", async () => {
      const receiver = dgram.createSocket("udp4");
      sockets.push(receiver);
      await new Promise<void>((resolve) => receiver.bind(0, "127.0.0.1", () => resolve()));
      const datagrams: Buffer[] = [];
      receiver.on("message", (d) => datagrams.push(d));
      const sim = makeSim();
      const sender = await sim.sendUdp({ host: "127.0.0.1", port: receiver.address().port, broadcast: true, bindHost: "127.0.0.1" });
      assert.equal(sender.description, `udp 127.0.0.1:${receiver.address().port}`);
      sim.broadcastNow();
      await waitFor(() => datagrams.length >= 3, 2000, "3 datagrams");
      const frames = datagrams.map((d) => {
        const items = parseDatagram(d);
        assert.equal(items.length, 1);
        assert.ok(items[0].frame, items[0].error?.message);
        return items[0].frame as Reply;
      });
      assert.deepEqual(frames.map((f) => f.register), [0, 40, 80]);
      assert.equal(payloadOf(frames[2]).inverter_serial, sim.inverter);

      receiver.send(encodeReadHold({ datalog: sim.datalog, inverter: sim.inverter }, 7, 2), sender.localPort, "127.0.0.1");
      await waitFor(() => datagrams.length >= 4, 2000, "reply datagram");
      const [reply] = parseDatagram(datagrams[3]);
      assert.equal(payloadOf(reply.frame as LxpFrame).model_code, "FAAB");
    });
  });

  it("close() stops servers, sockets and timers", async () => {
    const { sim, client, port } = await served({ intervalSeconds: 0.05, heartbeatSeconds: 0.05, faults: { dropEverySeconds: 5 } });
    await sim.close();
    await waitFor(() => client.closed, 2000, "client closed");
    await assert.rejects(TestClient.connect(port), /ECONNREFUSED/);
    await assert.rejects(sim.listenTcp(), /closed/);
  });
});

/** The decoded payload of raw registers [start, start + count), as the codec reads them. */
function payloadFromRegs(regs: readonly number[], start: number, count: number): Payload {
  return decodeInputs(start, regs.slice(start, start + count));
}
