// A simulated PylonTech stack answering the binary protocol (pylon-protocol.md §2–§6, §9): N packs on rs485
// addresses (ADR 2, 3, …, INFO = ADR) or behind one rs232 console port (ADR 1, INFO = pack
// number). Replies are built with the codec's envelope; absent addresses stay silent as on a real
// bus. Time moves with the wall clock or only by advance(), so a seed gives reproducible values;
// given a shared battery (battery-bank.ts), the packs show its state and time instead.
import type { Duplex } from "node:stream";
import {
  ALL_PACKS,
  CID1_BATTERY,
  DEFAULT_VER,
  encodeReply,
  frameText,
  isReadCommand,
  isSystemCommand,
  packAddressing,
  parseFrame,
  PylonAddressMode,
  PylonCommand,
  PylonFrame,
  PylonFrameError,
  PylonFrameErrorCode,
  PylonFrameSplitter,
  PylonRtn,
  READ_COMMANDS,
} from "../../nodes/lib/pylon/codec";
import type { SimBatteryBank } from "../common/battery-bank";
import { corruptChecksum, PylonPackFaults, replyBytes, wantsBadChecksum } from "./faults";
import { isPackModelName, PylonPackModelName } from "./pack-layouts";
import { PylonCurrentSource, PylonPackModel, PylonSimPackOptions } from "./pack-model";
import { PylonPtyServeOptions, PylonPtyServer } from "./pty-server";
import { SeededRandom } from "../common/random";
import {
  alarmInfo,
  analogInfo,
  chargeManagementInfo,
  firmwareInfo,
  manufacturerInfo,
  serialNumberInfo,
  systemAlarmsInfo,
  systemAnalogInfo,
  systemBasicInfo,
  systemChargeManagementInfo,
  systemParametersInfo,
} from "./reply-info";
import { PylonTcpServeOptions, PylonTcpServer } from "./tcp-server";

// One import for users of the simulator (CLI, npm start, tests).
export * from "./faults";
export * from "./pack-layouts";
export * from "./pack-model";
export * from "./pty-server";
export * from "./tcp-server";

/** Request envelope faults answered with an error RTN; any other malformed request is ignored. */
const ENVELOPE_ERROR_RTN: Partial<Record<PylonFrameErrorCode, number>> = {
  checksum: PylonRtn.CHKSUM_ERROR,
  length_checksum: PylonRtn.LCHKSUM_ERROR,
  length_mismatch: PylonRtn.COMMAND_FORMAT_ERROR,
};

/** Default per-pack current: ±15 A over a 20-minute charge/discharge swing. */
export const DEFAULT_CURRENT: PylonCurrentSource = (t) => 15 * Math.sin((2 * Math.PI * t) / 1200);

export interface PylonStackOptions {
  /** A pack count (all US2000), or one entry per pack: a model name or full options. Default 2. */
  packs?: number | readonly (PylonPackModelName | PylonSimPackOptions)[];
  /** Default rs485. */
  mode?: PylonAddressMode;
  /** Battery group 0..7 (rs485; ADR = 0x10·group + 2, …). Default 0. */
  group?: number;
  /** Default 1. Same seed and options, same values (with clock "manual"). */
  seed?: number;
  /** Per-pack current in A, + = charging. Default DEFAULT_CURRENT. */
  current?: PylonCurrentSource;
  /** "real": time follows the wall clock (× timeScale); "manual": only advance() moves it. */
  clock?: "real" | "manual";
  /** Simulated seconds per wall-clock second with clock "real". Default 1. */
  timeScale?: number;
  /** Reply latency of every pack not given its own, in ms. Default 0. */
  latencyMs?: number;
  /** Old US2000/US3000 firmware answers INFO 0xFF (default); false = C-series silence (pylon-protocol.md §4.3). */
  answerAllPacks?: boolean;
  /** VER of every reply. Default 0x20. */
  ver?: number;
  /**
   * One battery shared with a simulated inverter (sim-system.ts): before every reply the packs take
   * its SOC (each within a fraction of a point) and its current (shared by capacity), and its time
   * replaces `clock`, `timeScale` and `current`; each pack's own `soc` and `current` are ignored.
   */
  battery?: SimBatteryBank;
}

/** Largest difference, in SOC points, between a pack and the shared battery (faded out at 0 and 100 %). */
const PACK_SOC_OFFSET = 0.6;

/** One reply, ready to write after `delayMs`. */
export interface PylonSimReply {
  /** The frame as sent, `~` to CR (with a wrong CHKSUM when that fault fired). */
  frame: string;
  /** What goes on the wire: injected garbage, then the frame. */
  bytes: Buffer;
  delayMs: number;
  /** The pack that answered. */
  pack: PylonPackModel;
}

/** Frames cut from one byte stream; each connection or port needs its own. */
export class PylonStackSession {
  private readonly splitter = new PylonFrameSplitter();

  constructor(private readonly stack: PylonStackSimulator) {}

  /** Feeds bytes as received; returns the replies to the frames they complete, in order. */
  handle(chunk: string | Uint8Array): PylonSimReply[] {
    const replies: PylonSimReply[] = [];
    for (const item of this.splitter.push(chunk)) {
      if (item.frame === undefined) continue; // a frame cut off by `~`: resynchronised already
      const reply = this.stack.reply(item.frame);
      if (reply) replies.push(reply);
    }
    return replies;
  }
}

function normalisePackOptions(entry: PylonPackModelName | PylonSimPackOptions): PylonSimPackOptions {
  if (typeof entry !== "string") return entry;
  if (!isPackModelName(entry)) throw new Error(`unknown pack model ${entry}: use US2000 or US3000`);
  return { model: entry };
}

export class PylonStackSimulator {
  readonly mode: PylonAddressMode;
  readonly group: number;
  /** In stack order; packs[0] is the master. */
  readonly packs: readonly PylonPackModel[];
  /** Per-pack current; replace at run time to change the load. */
  current: PylonCurrentSource;
  answerAllPacks: boolean;
  readonly ver: number;

  private readonly byAddress = new Map<number, PylonPackModel>();
  private readonly faultRandom: SeededRandom;
  private readonly clock: "real" | "manual";
  private readonly timeScale: number;
  private lastWallMs = Date.now();
  private elapsed = 0;
  private readonly attachments = new Set<() => void>();
  private readonly servers = new Set<{ close(): Promise<void> }>();
  private readonly defaultSession = new PylonStackSession(this);
  private readonly battery: SimBatteryBank | undefined;
  /** Per pack with a shared battery: its share of the current and its SOC offset in points. */
  private readonly batteryShares: number[] = [];
  private readonly batterySocOffsets: number[] = [];
  private batterySeen: { time: number; soc: number; current: number } | undefined;

  constructor(options: PylonStackOptions = {}) {
    this.mode = options.mode ?? "rs485";
    this.group = options.group ?? 0;
    this.current = options.current ?? DEFAULT_CURRENT;
    this.answerAllPacks = options.answerAllPacks ?? true;
    this.ver = options.ver ?? DEFAULT_VER;
    this.clock = options.clock ?? "real";
    this.timeScale = options.timeScale ?? 1;
    const random = new SeededRandom(options.seed ?? 1);
    this.faultRandom = random.fork();
    const entries = typeof options.packs === "number" ? Array<PylonSimPackOptions>(options.packs).fill({}) : options.packs;
    const packOptions = (entries ?? [{}, {}]).map(normalisePackOptions);
    if (packOptions.length === 0) throw new Error("a stack needs at least one pack");
    this.packs = packOptions.map((opts, i) => {
      const { adr, info } = packAddressing(this.mode, i + 1, this.group);
      const address = this.mode === "rs485" ? adr : info;
      const pack = new PylonPackModel(opts, { position: i + 1, address, latencyMs: options.latencyMs ?? 0 }, random.fork());
      this.byAddress.set(address, pack);
      if (!options.battery) pack.advance(0, 0, this.current);
      return pack;
    });
    this.battery = options.battery;
    if (this.battery) {
      const spread = random.fork();
      const weights = this.packs.map((p) => p.totalMah * spread.between(0.97, 1.03));
      const total = weights.reduce((a, b) => a + b, 0);
      for (const w of weights) {
        this.batteryShares.push(w / total);
        this.batterySocOffsets.push(spread.between(-PACK_SOC_OFFSET, PACK_SOC_OFFSET));
      }
      this.followBattery(this.battery);
    }
  }

  /** The pack a poller reaches at `address` (ADR on rs485, pack number on rs232). */
  pack(address: number): PylonPackModel {
    const pack = this.byAddress.get(address);
    if (!pack) throw new Error(`no simulated pack at address ${address}; present: ${this.addresses.join(", ")}`);
    return pack;
  }

  get addresses(): number[] {
    return this.packs.map((p) => p.address);
  }

  /** Simulated seconds since start. */
  get elapsedSeconds(): number {
    return this.elapsed;
  }

  /** Merges `faults` into the pack's; e.g. `{ silent: true }` to unplug it, `{ silent: false }` back. */
  setFaults(address: number, faults: Partial<PylonPackFaults>): void {
    Object.assign(this.pack(address).faults, faults);
  }

  /** Moves every pack `seconds` of simulated time forward (not with a shared battery: move its inverter's clock). */
  advance(seconds: number): void {
    if (this.battery) throw new Error("this stack follows a shared battery: advance the inverter's clock instead");
    if (!(seconds > 0)) return;
    this.elapsed += seconds;
    for (const pack of this.packs) pack.advance(seconds, this.elapsed, this.current);
  }

  /** Brings the packs up to the present (the console simulator reads them directly). */
  refresh(): void {
    this.catchUp();
  }

  /** Brings the packs up to the present: the shared battery's, or the wall clock's. */
  private catchUp(): void {
    if (this.battery) this.followBattery(this.battery);
    else this.followWallClock();
  }

  /** Sets every pack from the shared battery, once it has moved since the last time. */
  private followBattery(battery: SimBatteryBank): void {
    battery.refresh();
    const { time, soc, current } = battery;
    const seen = this.batterySeen;
    if (seen && seen.time === time && seen.soc === soc && seen.current === current) return;
    // A clock set back (hold registers 12–14) moves no time forward.
    const dt = seen ? Math.max(0, (time - seen.time) / 1000) : 0;
    this.batterySeen = { time, soc, current };
    this.elapsed += dt;
    const fade = Math.min(1, soc / 5, (100 - soc) / 5);
    this.packs.forEach((pack, i) => pack.follow(dt, current * this.batteryShares[i], soc + this.batterySocOffsets[i] * fade));
  }

  private followWallClock(): void {
    const now = Date.now();
    if (this.clock === "real") this.advance(((now - this.lastWallMs) / 1000) * this.timeScale);
    this.lastWallMs = now;
  }

  /** The reply to one request frame, or null for silence. */
  reply(request: string | Uint8Array): PylonSimReply | null {
    const text = frameText(request);
    let frame: PylonFrame;
    try {
      frame = parseFrame(text);
    } catch (err) {
      if (!(err instanceof PylonFrameError)) throw err;
      return this.replyToBrokenRequest(text, err.code);
    }
    if (frame.cid1 !== CID1_BATTERY) return null; // another device type on the bus
    const host = this.hostAt(frame.adr);
    if (!host) return null;
    this.catchUp();
    return this.dispatch(frame, host);
  }

  /** Feeds bytes of the default session (one stream); see session() for more. */
  handle(chunk: string | Uint8Array): PylonSimReply[] {
    return this.defaultSession.handle(chunk);
  }

  session(): PylonStackSession {
    return new PylonStackSession(this);
  }

  /**
   * Answers requests read from `stream` by writing replies to it (after each pack's latency).
   * Returns a detach function; the stream's own errors are the caller's to handle.
   */
  attach(stream: Duplex): () => void {
    const session = this.session();
    const timers = new Set<NodeJS.Timeout>();
    const write = (bytes: Buffer): void => {
      if (!stream.destroyed && stream.writable) stream.write(bytes);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const reply of session.handle(chunk)) {
        if (reply.delayMs <= 0) {
          write(reply.bytes);
          continue;
        }
        const timer = setTimeout(() => {
          timers.delete(timer);
          write(reply.bytes);
        }, reply.delayMs);
        timers.add(timer);
      }
    };
    const detach = (): void => {
      stream.off("data", onData);
      stream.off("close", detach);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      this.attachments.delete(detach);
    };
    stream.on("data", onData);
    stream.on("close", detach);
    this.attachments.add(detach);
    return detach;
  }

  /** Serves the stack on TCP (default 127.0.0.1, any free port: read `.port`); close() stops it. */
  async listenTcp(options: PylonTcpServeOptions = {}): Promise<PylonTcpServer> {
    return this.track(await PylonTcpServer.listen(this, options));
  }

  /** Serves the stack on a socat pty pair; open `.path` as the serial device. close() stops it. */
  async openPty(options: PylonPtyServeOptions = {}): Promise<PylonPtyServer> {
    return this.track(await PylonPtyServer.open(this, options));
  }

  private track<T extends { close(): Promise<void> }>(server: T): T {
    this.servers.add(server);
    return server;
  }

  /** Stops the servers started here, detaches every stream, drops pending delayed replies. */
  async close(): Promise<void> {
    const servers = [...this.servers];
    this.servers.clear();
    await Promise.all(servers.map((s) => s.close()));
    for (const detach of [...this.attachments]) detach();
  }

  /** The pack whose BMS receives frames sent to `adr`: itself on rs485, the master on rs232. */
  private hostAt(adr: number): PylonPackModel | undefined {
    if (this.mode === "rs232") return adr === 1 ? this.packs[0] : undefined;
    return this.byAddress.get(adr);
  }

  /** A bad CHKSUM/LENGTH gets an error RTN when the ADR still names a pack (pylon-protocol.md §2.3). */
  private replyToBrokenRequest(text: string, reason: PylonFrameErrorCode): PylonSimReply | null {
    const rtn = ENVELOPE_ERROR_RTN[reason];
    const adrText = /^~[0-9A-Fa-f]{2}([0-9A-Fa-f]{2})/.exec(text.trim())?.[1];
    if (rtn === undefined || adrText === undefined) return null;
    const adr = parseInt(adrText, 16);
    const host = this.hostAt(adr);
    return host ? this.send(host, adr, rtn) : null;
  }

  private dispatch(frame: PylonFrame, host: PylonPackModel): PylonSimReply | null {
    const { adr, cid2 } = frame;
    // Unknown commands and the state-changing ones (0x94, 0x95, 0x64) alike: CID2 invalid.
    if (!isReadCommand(cid2)) return this.send(host, adr, PylonRtn.CID2_INVALID);
    if (isSystemCommand(cid2)) return this.system(cid2, host, adr);
    if (!READ_COMMANDS[cid2].selectsPack) {
      if (cid2 === PylonCommand.PROTOCOL_VERSION) return this.send(host, adr, PylonRtn.NORMAL);
      // Every address answers with the master's identity (pylon-protocol.md §9.3).
      if (cid2 === PylonCommand.MANUFACTURER_INFO) return this.send(host, adr, PylonRtn.NORMAL, manufacturerInfo(this.packs[0]));
      return this.send(host, adr, PylonRtn.NORMAL, systemParametersInfo(host));
    }
    if (frame.info.length === 0) return this.send(host, adr, PylonRtn.COMMAND_FORMAT_ERROR);
    const selector = frame.info[0];
    if (selector === ALL_PACKS) return this.allPacks(frame, host);
    const pack = this.mode === "rs232" ? this.byAddress.get(selector) : selector === adr ? host : undefined;
    if (!pack) return this.mode === "rs232" ? null : this.send(host, adr, PylonRtn.INVALID_DATA);
    if (host.faults.silent) return null; // rs232: the master carries the cable
    switch (cid2) {
      case PylonCommand.ANALOG_VALUES:
        return this.send(pack, adr, PylonRtn.NORMAL, analogInfo([pack], selector, false));
      case PylonCommand.ALARM_INFO:
        return this.send(pack, adr, PylonRtn.NORMAL, alarmInfo([pack], selector, false));
      case PylonCommand.CHARGE_MANAGEMENT:
        return this.send(pack, adr, PylonRtn.NORMAL, chargeManagementInfo(pack, selector));
      case PylonCommand.SERIAL_NUMBER:
        return this.send(pack, adr, PylonRtn.NORMAL, serialNumberInfo(pack, selector));
      case PylonCommand.FIRMWARE_VERSION:
        return this.send(pack, adr, PylonRtn.NORMAL, firmwareInfo(pack, selector));
      default:
        return this.send(host, adr, PylonRtn.CID2_INVALID);
    }
  }

  /** V3.5 0x60–0x63: the master answers for the packs that answer; other ADRs and the console port refuse. */
  private system(cid2: number, host: PylonPackModel, adr: number): PylonSimReply | null {
    if (this.mode === "rs232") return this.send(host, adr, PylonRtn.CID2_INVALID);
    if (host !== this.packs[0]) return this.send(host, adr, PylonRtn.ADR_ERROR);
    const present = this.packs.filter((p) => !p.faults.silent);
    if (present.length === 0) return null;
    const info =
      cid2 === PylonCommand.SYSTEM_BASIC_INFO
        ? systemBasicInfo(this.packs)
        : cid2 === PylonCommand.SYSTEM_ANALOG
          ? systemAnalogInfo(present)
          : cid2 === PylonCommand.SYSTEM_ALARMS
            ? systemAlarmsInfo(present)
            : systemChargeManagementInfo(present);
    return this.send(host, adr, PylonRtn.NORMAL, info);
  }

  /** INFO 0xFF: only 0x42/0x44 at the master, only on old firmware (pylon-protocol.md §4.3). Silent packs are left out. */
  private allPacks(frame: PylonFrame, host: PylonPackModel): PylonSimReply | null {
    const { adr, cid2 } = frame;
    const groupCommand = cid2 === PylonCommand.ANALOG_VALUES || cid2 === PylonCommand.ALARM_INFO;
    if (!groupCommand || host !== this.packs[0]) return this.send(host, adr, PylonRtn.INVALID_DATA);
    if (!this.answerAllPacks) return null;
    const present = this.packs.filter((p) => !p.faults.silent);
    const info = cid2 === PylonCommand.ANALOG_VALUES ? analogInfo(present, ALL_PACKS, true) : alarmInfo(present, ALL_PACKS, true);
    return this.send(host, adr, PylonRtn.NORMAL, info);
  }

  private send(pack: PylonPackModel, adr: number, rtn: number, info?: number[]): PylonSimReply | null {
    if (pack.faults.silent) return null;
    pack.replyCount++;
    let frame = encodeReply({ ver: this.ver, adr, rtn, info });
    if (wantsBadChecksum(pack.faults, pack.replyCount, this.faultRandom)) frame = corruptChecksum(frame);
    return { frame, bytes: replyBytes(frame, pack.faults), delayMs: pack.latencyMs, pack };
  }
}
