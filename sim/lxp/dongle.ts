// A simulated LuxPower datalog dongle with its inverter (docs/lxp-protocol.md): pushes input
// banks and heartbeats, answers reads, writes and param reads with the package's own codec, keeps
// hold registers as state, and runs a day of PV, load and battery (day-model.ts). Time follows
// the wall clock × speed or moves only when told (tests); the same seed gives the same values.
import { EventEmitter } from "node:events";
import {
  BANK_SIZE,
  DeviceFunction,
  encodeExceptionReply,
  encodeHeartbeat,
  encodeReadParamReply,
  encodeReadReply,
  encodeWriteMultiReply,
  encodeWriteSingleReply,
  LxpFrame,
  LxpFrameError,
  MAX_REGISTERS,
  ReadRequestFrame,
  TcpFunction,
  Target,
  WriteMultiRequestFrame,
  WriteSingleFrame,
} from "../../nodes/lib/lxp/codec";
import type { SimBatteryBank } from "../common/battery-bank";
import { LxpSimClock } from "./clock";
import { LxpDayModel, LxpDayModelOptions } from "./day-model";
import { corruptCrc, LxpSimFaults, noLxpFaults, wantsBadCrc, wireOf } from "./faults";
import {
  clockRegisters,
  controlsFromHolds,
  defaultHolds,
  encodeInputValues,
  HOLD,
  HOLD_REGISTER_COUNT,
  INPUT_REGISTER_COUNT,
  inputValuesOf,
  timeFromClockRegisters,
} from "./registers";
import { LxpSimTransport, LxpTcpServeOptions, LxpTcpServer, LxpUdpSendOptions, LxpUdpSender } from "./server";
import { SeededRandom } from "../common/random";

// One import for users of the simulator (CLI, tests).
export * from "./clock";
export * from "./day-model";
export * from "./faults";
export * from "./registers";
export * from "./server";

/** Modbus exception "illegal data value", what real dongles answer for ranges a model lacks (lxp-protocol.md §3). */
export const EXCEPTION_ILLEGAL_VALUE = 3;
/** Param 0: seconds between automatic input broadcasts (lxp-protocol.md §6). */
export const PARAM_INTERVAL = 0;
export const PARAM_DATALOG = 1;

export interface LxpDongleSimOptions {
  /** Dongle serial, 10 characters. Default "BJ43900001". */
  datalog?: string;
  /** Inverter serial, 10 characters. Default "4390000001". */
  inverter?: string;
  /** Hold registers 7–8. Default "FAAB" (LXP-LB-EU 12K). */
  modelCode?: string;
  /** 2: three 40-register broadcasts (0, 40, 80); 5: one 0–126 broadcast. Default 2. */
  protocol?: 2 | 5;
  /** Seconds between input broadcasts (wall clock); 0 = only on request. Default 10. */
  intervalSeconds?: number;
  /** Seconds between heartbeats (wall clock); 0 = none. Default 60. */
  heartbeatSeconds?: number;
  /** Default 1. */
  seed?: number;
  /** "real": simulated time = wall time × speed; "manual": moves only by advance(). Default "real". */
  clock?: "real" | "manual";
  /** Simulated seconds per wall second (1440: a day in a minute). Default 1. */
  speed?: number;
  /** Simulated start time. Default now. */
  start?: number | Date;
  /** Divisor the readers apply to input regs 81–82 (max charge/discharge current). Default 100. */
  currentDivisor?: 10 | 100;
  faults?: Partial<LxpSimFaults>;
  /** Sizes of the simulated plant. */
  plant?: Pick<LxpDayModelOptions, "pvPeakW" | "batteryCapacityWh" | "batteryMaxW" | "midnightSoc">;
  /**
   * A battery shared with a simulated PylonTech stack (sim-system.ts): this inverter moves its SOC
   * and current with its own clock, and its voltage and cells are reported from it.
   */
  battery?: SimBatteryBank;
}

export type LxpDongleSimEvents = {
  /** A request for this dongle and inverter, before it is answered (not while silent). */
  request: [frame: LxpFrame];
  /** A frame as written to the transports (a corrupted CRC included). */
  sent: [frame: Buffer];
  /** TCP client count changed. */
  clients: [count: number];
  /** Bytes received that did not parse. */
  "bad-frame": [error: LxpFrameError];
};

function checkSerial(serial: string, what: string): string {
  if (!/^[\x20-\x7e]{10}$/.test(serial)) throw new RangeError(`${what} serial must be 10 printable ASCII characters, got ${JSON.stringify(serial)}`);
  return serial;
}

export class LxpDongleSimulator extends EventEmitter<LxpDongleSimEvents> {
  readonly datalog: string;
  readonly inverter: string;
  readonly protocol: 2 | 5;
  readonly clock: LxpSimClock;
  readonly model: LxpDayModel;
  readonly currentDivisor: 10 | 100;
  /** Faults in force; change them with setFaults() so periodic ones are re-armed. */
  readonly faults: LxpSimFaults = noLxpFaults();
  /** Translated frames sent so far (counts for the bad-CRC fault). */
  translatedSent = 0;

  private readonly holdRegisters: number[];
  private readonly faultRandom: SeededRandom;
  private readonly transports = new Set<LxpSimTransport>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly faultTimers = new Set<NodeJS.Timeout>();
  private silenceEnd: NodeJS.Timeout | undefined;
  private silentNow = false;
  private interval: number;
  private readonly heartbeatSeconds: number;
  private running = false;
  private closed = false;

  constructor(options: LxpDongleSimOptions = {}) {
    super();
    this.datalog = checkSerial(options.datalog ?? "BJ43900001", "datalog");
    this.inverter = checkSerial(options.inverter ?? "4390000001", "inverter");
    this.protocol = options.protocol ?? 2;
    if (this.protocol !== 2 && this.protocol !== 5) throw new RangeError(`protocol must be 2 or 5, got ${String(this.protocol)}`);
    this.interval = options.intervalSeconds ?? 10;
    this.heartbeatSeconds = options.heartbeatSeconds ?? 60;
    this.currentDivisor = options.currentDivisor ?? 100;
    const seed = options.seed ?? 1;
    this.faultRandom = new SeededRandom(seed).fork();
    this.clock = new LxpSimClock({ mode: options.clock, speed: options.speed, start: options.start });
    this.holdRegisters = defaultHolds(this.inverter, options.modelCode ?? "FAAB");
    this.model = new LxpDayModel({
      ...options.plant,
      seed,
      start: this.clock.now(),
      controls: () => controlsFromHolds(this.holdRegisters),
      battery: options.battery,
    });
    options.battery?.setOwner(() => this.syncModel());
    Object.assign(this.faults, options.faults);
  }

  /** Hold registers 0–259, the clock registers 12–14 brought up to date; writes here are kept. */
  get holds(): number[] {
    const [r12, r13, r14] = clockRegisters(this.clock.now());
    this.holdRegisters[HOLD.CLOCK] = r12;
    this.holdRegisters[HOLD.CLOCK + 1] = r13;
    this.holdRegisters[HOLD.CLOCK + 2] = r14;
    return this.holdRegisters;
  }

  /** Raw input registers 0–239 at the simulated present. */
  inputs(): number[] {
    this.syncModel();
    return encodeInputValues(inputValuesOf(this.model, this.inverter), { currentDivisor: this.currentDivisor });
  }

  /** Moves simulated time (any clock mode) and brings the model up to it. */
  advance(seconds: number): void {
    this.clock.advance(seconds);
    this.syncModel();
  }

  get intervalSeconds(): number {
    return this.interval;
  }

  /** Changes the broadcast interval (param 0); 0 stops automatic broadcasts. */
  setIntervalSeconds(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError(`interval must be ≥ 0 s, got ${seconds}`);
    this.interval = seconds;
    this.armTimers();
  }

  /** Merges fault settings and re-arms the periodic ones (drop, silence). */
  setFaults(faults: Partial<LxpSimFaults>): void {
    Object.assign(this.faults, faults);
    this.armTimers();
  }

  /** Whether the dongle currently neither sends nor answers. */
  get silent(): boolean {
    return this.silentNow;
  }

  /** Silent until setSilent(false); no broadcasts, heartbeats or answers. */
  setSilent(on: boolean): void {
    clearTimeout(this.silenceEnd);
    this.silenceEnd = undefined;
    this.silentNow = on;
  }

  /** Silent for `seconds` (wall clock), then back. */
  silenceFor(seconds: number): void {
    this.setSilent(true);
    this.silenceEnd = setTimeout(() => this.setSilent(false), seconds * 1000);
  }

  /** Closes every TCP client now (the servers keep listening). */
  dropClients(): void {
    for (const t of this.transports) t.dropClients();
  }

  /** Sends the input broadcast now: banks 0/40/80 (protocol 2) or 0–126 (protocol 5). */
  broadcastNow(): void {
    const regs = this.inputs();
    const ranges: Array<[number, number]> =
      this.protocol === 5 ? [[0, MAX_REGISTERS]] : [[0, BANK_SIZE], [BANK_SIZE, BANK_SIZE], [2 * BANK_SIZE, BANK_SIZE]];
    for (const [start, count] of ranges) {
      this.send(encodeReadReply(this.target, DeviceFunction.READ_INPUT, start, regs.slice(start, start + count)));
    }
  }

  heartbeatNow(): void {
    this.send(encodeHeartbeat(this.datalog, this.protocol));
  }

  /** Serves on TCP (default 127.0.0.1, any free port: read `.port`). */
  async listenTcp(options: LxpTcpServeOptions = {}): Promise<LxpTcpServer> {
    return this.attach(await LxpTcpServer.listen(this.receiver, options, (n) => this.emit("clients", n)));
  }

  /** Sends every frame as a datagram to host:port and answers requests arriving on that socket. */
  async sendUdp(options: LxpUdpSendOptions): Promise<LxpUdpSender> {
    return this.attach(await LxpUdpSender.open(this.receiver, options));
  }

  /**
   * The reply to one frame, applying any write; undefined when a real dongle would stay quiet
   * (another dongle or inverter, a reply or heartbeat from a client, an unknown param).
   */
  answer(frame: LxpFrame): Buffer | undefined {
    if (frame.datalog !== this.datalog) return undefined;
    if (frame.kind === "param") {
      if (frame.role !== "request" || frame.tcpFunction !== TcpFunction.READ_PARAM) return undefined;
      this.emit("request", frame);
      return this.paramReply(frame.param);
    }
    if (frame.kind !== "translated" || frame.role !== "request" || frame.inverter !== this.inverter) return undefined;
    this.emit("request", frame);
    return this.translatedReply(frame);
  }

  /** Stops timers, closes servers, sockets and the UDP socket. */
  async close(): Promise<void> {
    this.closed = true;
    this.setSilent(false);
    this.clearTimers();
    const transports = [...this.transports];
    this.transports.clear();
    await Promise.all(transports.map((t) => t.close()));
  }

  private get target(): Target {
    return { datalog: this.datalog, inverter: this.inverter, protocol: this.protocol };
  }

  private readonly receiver = {
    frame: (frame: LxpFrame): void => {
      if (this.silentNow || this.closed) return;
      const reply = this.answer(frame);
      if (reply) this.send(reply);
    },
    badFrame: (error: LxpFrameError): void => {
      this.emit("bad-frame", error);
    },
  };

  private translatedReply(frame: ReadRequestFrame | WriteSingleFrame | WriteMultiRequestFrame): Buffer {
    const { register } = frame;
    const fail = (): Buffer => encodeExceptionReply(this.target, frame.deviceFunction, register, EXCEPTION_ILLEGAL_VALUE);
    switch (frame.deviceFunction) {
      case DeviceFunction.READ_INPUT:
      case DeviceFunction.READ_HOLD: {
        const size = frame.deviceFunction === DeviceFunction.READ_INPUT ? INPUT_REGISTER_COUNT : HOLD_REGISTER_COUNT;
        if (frame.count < 1 || frame.count > MAX_REGISTERS || register + frame.count > size) return fail();
        const regs = frame.deviceFunction === DeviceFunction.READ_INPUT ? this.inputs() : this.holds;
        return encodeReadReply(this.target, frame.deviceFunction, register, regs.slice(register, register + frame.count));
      }
      case DeviceFunction.WRITE_SINGLE:
        return this.write(register, [frame.value]) ? encodeWriteSingleReply(this.target, register, frame.value) : fail();
      case DeviceFunction.WRITE_MULTI:
        return this.write(register, frame.values) ? encodeWriteMultiReply(this.target, register, frame.values.length) : fail();
    }
  }

  /** Applies a write to the hold registers; false (nothing changed) for a range it refuses. */
  private write(start: number, values: readonly number[]): boolean {
    const end = start + values.length;
    if (values.length === 0 || end > HOLD_REGISTER_COUNT) return false;
    if (start < HOLD.MODEL_CODE + 2 && end > HOLD.SERIAL) return false; // serial and model code are read-only
    const clockAt = HOLD.CLOCK;
    const touchesClock = start < clockAt + 3 && end > clockAt;
    let newTime: number | undefined;
    if (touchesClock) {
      const regs = clockRegisters(this.clock.now());
      values.forEach((v, k) => {
        if (start + k >= clockAt && start + k < clockAt + 3) regs[start + k - clockAt] = v;
      });
      newTime = timeFromClockRegisters(...regs);
      if (newTime === undefined) return false;
    }
    this.syncModel(); // the time so far ran under the old settings
    values.forEach((v, k) => (this.holdRegisters[start + k] = v));
    if (newTime !== undefined) {
      this.clock.set(newTime);
      this.model.jumpTo(this.clock.now());
    } else {
      this.model.refreshFlows(); // the inverter acts on new settings at once
    }
    return true;
  }

  private paramReply(param: number): Buffer | undefined {
    let value: Buffer;
    if (param === PARAM_INTERVAL) {
      value = Buffer.alloc(2);
      value.writeUInt16LE(Math.min(0xffff, Math.round(this.interval)));
    } else if (param === PARAM_DATALOG) value = Buffer.from(this.datalog, "latin1");
    else return undefined;
    return encodeReadParamReply(this.datalog, param, value, this.protocol);
  }

  private syncModel(): void {
    this.model.advanceTo(this.clock.now());
  }

  private send(frame: Buffer): void {
    if (this.silentNow || this.closed) return;
    let bytes = frame;
    if (frame[7] === TcpFunction.TRANSLATED) {
      this.translatedSent++;
      if (wantsBadCrc(this.faults, this.translatedSent, this.faultRandom)) bytes = corruptCrc(frame);
    }
    const wire = wireOf(bytes, this.faults, this.faultRandom);
    for (const t of this.transports) t.send(wire);
    this.emit("sent", bytes);
  }

  private attach<T extends LxpSimTransport>(transport: T): T {
    if (this.closed) {
      void transport.close();
      throw new Error("the simulator is closed");
    }
    this.transports.add(transport);
    if (!this.running) {
      this.running = true;
      this.armTimers();
    }
    return transport;
  }

  private every(seconds: number, action: () => void, into: Set<NodeJS.Timeout>): void {
    if (seconds > 0) into.add(setInterval(action, seconds * 1000));
  }

  private clearTimers(): void {
    for (const t of [...this.timers, ...this.faultTimers]) clearInterval(t);
    this.timers.clear();
    this.faultTimers.clear();
  }

  /** (Re)starts the periodic broadcasts, heartbeats and faults once a transport is up. */
  private armTimers(): void {
    if (!this.running || this.closed) return;
    this.clearTimers();
    this.every(this.interval, () => this.broadcastNow(), this.timers);
    this.every(this.heartbeatSeconds, () => this.heartbeatNow(), this.timers);
    this.every(this.faults.dropEverySeconds, () => this.dropClients(), this.faultTimers);
    this.every(this.faults.silenceEverySeconds, () => this.silenceFor(this.faults.silenceSeconds), this.faultTimers);
  }
}
