// One connection to a LuxPower dongle, shared by every node that uses it: owns the transport, the
// stream parser and the decoding (so a frame is decoded once), counts users and closes with the last.
import { EventEmitter } from "node:events";
import { DeviceFunction, frameProblem, frameToMessage, LxpFrame, LxpFrameError, LxpStreamParser, parseDatagram, StreamItem, Target, TcpFunction } from "../codec";
import { LxpRequester, type RequesterStats } from "./requester";
import { missingSerialError, SerialHints } from "./missing-serial";
import { LxpRequestError } from "./request-error";
import { WRITES_OFF, WritePolicy } from "./write-policy";
import { isWriteFrame } from "./write-frame";
import { describeConnectFailure } from "../../common/connect-failure";
import { english, type Translate } from "../../common/i18n";
import { ByteTransport, PeerAddress, StateChange, TcpClientTransport, type TransportState } from "../../common/transport";
import { UdpListenerTransport } from "./udp-listener";
import type { DecodedMessage } from "./types";
import type { IgnoredSinceInput } from "./quiet-hint";

export type { DecodedMessage } from "./types";

export interface DongleLinkOptions {
  transport: "tcp" | "udp";
  /** tcp: the dongle's address. */
  host?: string;
  /** tcp: the dongle's port; udp: the local port to listen on. */
  port: number;
  /** udp: local address to bind. */
  bind?: string;
  /** udp: the dongle's address: datagrams from others are dropped, requests go here; writes need it. */
  source?: string;
  reconnectMs?: number;
  /** tcp: reconnect after this long without bytes (0 = off). */
  watchdogMs?: number;
  /** tcp: give up a connect attempt after this long (default 10000). */
  connectTimeoutMs?: number;
  /** Only frames from this datalog serial are passed on; also the datalog requests go to. */
  datalog?: string;
  /** Inverter serial for requests; learned from replies when not given. */
  inverter?: string;
  /** Echo every heartbeat, so the inverter keeps sending data without the cloud (lxp-protocol.md §5). */
  answerHeartbeats?: boolean;
  /** What lxp-request may write (off unless enabled). */
  writes?: WritePolicy;
  /** Requests waiting or running at once (default DEFAULT_QUEUE_LIMIT); more are refused at once. */
  queueLimit?: number;
  /** Seconds between the inverter's input broadcasts until param 0 tells (default 300). */
  broadcastIntervalS?: number;
  currentDivisor?: 10 | 100;
  /** Where the user gives a serial that could not be learned (default: the lxp-dongle fields). */
  serialHints?: SerialHints;
  /** Grace period before the transport closes when the last user leaves (a partial redeploy re-registers). */
  idleCloseMs?: number;
  /** Tests inject a transport here. */
  createTransport?: (options: DongleLinkOptions) => ByteTransport;
  /** Tests inject a clock here (the UDP pin's and the quiet check's times). */
  now?: () => number;
  /** The words of its warnings (default: en-US); lxp-dongle passes Node-RED's. */
  t?: Translate;
}

export interface LinkStats {
  frames: number;
  /** Bad frames and garbage runs (a merged stream error counts as many as it stands for). */
  badFrames: number;
  /** Bytes those covered. */
  badBytes: number;
  /** Frames the datalog filter dropped. */
  filtered: number;
  /** udp: datagrams from another address than the dongle's (Source, or the first sender of a good frame), dropped. */
  otherSenders: number;
  /** udp: frames naming another datalog or inverter serial than the pinned ones, dropped. */
  otherSerials: number;
  /** udp: the dongle's address: Source, or the sender pinned (undefined until one sent a valid frame). */
  dongleAddress?: string;
  bytes: number;
  lastFrameAt?: number;
  heartbeatsAnswered: number;
}

/** The link as the admin endpoint shows it: copies, safe to serialise. */
export interface DongleLinkSnapshot {
  /** "192.168.1.50:8000" or "udp 0.0.0.0:8000". */
  description: string;
  transport: "tcp" | "udp";
  state: TransportState;
  /** Why it is disconnected, when it is. */
  detail?: string;
  /** Nodes using it (lxp-in, lxp-request). */
  users: number;
  /** The serials requests go to: configured, else learned from frames (absent until known). */
  datalog?: string;
  inverter?: string;
  /** Frames, bad frames, bytes, the last frame's time, ignored datagrams; udp: the dongle's (pinned) address. */
  stats: LinkStats;
  /** The lxp-request queue: absent until the first request. */
  requests?: RequesterStats & {
    /** Requests waiting or running now (the queue depth). */
    pending: number;
    /** The most that may wait or run at once. */
    limit: number;
  };
}

export type DongleLinkEvents = {
  state: [change: StateChange];
  message: [decoded: DecodedMessage];
  "bad-frame": [error: LxpFrameError];
  /** udp: a datagram or frame from another sender or serial was dropped (counted in stats). */
  ignored: [why: "sender" | "serial"];
  watchdog: [silentMs: number];
  /** No input data for two broadcast intervals while connected (lxp-protocol.md §5: answering heartbeats may help). */
  "input-quiet": [silentMs: number, filteredFrames: number, ignored: IgnoredSinceInput];
  /** Something to log as a warning: the UDP pin taken or moved, datagrams from another sender ignored. */
  warning: [text: string];
};

/** The serials a request names; param reads need the datalog's only. */
export interface RequestTarget {
  datalog: string;
  inverter?: string;
}

export const DEFAULT_BROADCAST_INTERVAL_S = 300;
/** Other senders named in a warning per pin; more are only counted. */
const MAX_WARNED_SENDERS = 8;
const MAX_TRACKED_DATALOGS = 64;
/** Raw bytes kept in an error about a whole chunk. */
const MAX_RAW_BYTES = 512;

function defaultTransport(o: DongleLinkOptions): ByteTransport {
  if (o.transport === "tcp") {
    return new TcpClientTransport({
      host: o.host as string,
      port: o.port,
      reconnectMs: o.reconnectMs,
      watchdogMs: o.watchdogMs,
      connectTimeoutMs: o.connectTimeoutMs,
    });
  }
  return new UdpListenerTransport({ port: o.port, address: o.bind, source: o.source, reconnectMs: o.reconnectMs });
}

export class DongleLink extends EventEmitter<DongleLinkEvents> {
  readonly options: DongleLinkOptions;
  readonly stats: LinkStats = { frames: 0, badFrames: 0, badBytes: 0, filtered: 0, otherSenders: 0, otherSerials: 0, bytes: 0, heartbeatsAnswered: 0 };
  private transport: ByteTransport | undefined;
  private readonly parser = new LxpStreamParser();
  private readonly users = new Set<object>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private lastState: StateChange = { state: "idle" };
  /** The last failed connect (or bind), until a connection succeeds. */
  private connectFailure: StateChange | undefined;
  private closed = false;
  private requesterInstance: LxpRequester | undefined;
  /** Requests waiting for the serials to be learned; close() ends their wait. */
  private readonly targetWaiters = new Set<() => void>();
  /** The first datalog serial heard, kept (a later frame cannot retarget requests). */
  private learnedDatalog: string | undefined;
  /** The first inverter serial a reply of that datalog named, kept likewise. */
  private learnedInverter: string | undefined;
  /** udp: where requests go: Source, else the first sender of a good frame (address kept, port follows it). */
  private dongleAddress: string | undefined;
  private replyTo: PeerAddress | undefined;
  /** udp: when the dongle's address last sent a valid frame (without Source, a long silence allows a re-pin). */
  private lastFromDongleAt = 0;
  /** udp: other senders already named in a warning since the pin was taken. */
  private readonly warnedSenders = new Set<string>();
  private readonly now: () => number;
  private readonly t: Translate;
  /** Per datalog, once a reply told by its body came: whether its direction byte was 00 (EG4). */
  private readonly directionZeroReplies = new Map<string, boolean>();
  /** Param 0 as the dongle last reported it. */
  private broadcastIntervalFromDongle: number | undefined;
  private lastInputAt = 0;
  /** stats.filtered when input data last arrived: frames the datalog filter dropped since then. */
  private filteredAtLastInput = 0;
  /** stats.otherSenders and otherSerials when input data last arrived. */
  private ignoredAtLastInput = { otherSenders: 0, otherSerials: 0 };
  private quietReported = false;
  private quietTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: DongleLinkOptions) {
    super();
    this.options = options;
    this.now = options.now ?? Date.now;
    this.t = options.t ?? english;
    this.setDongleAddress(options.transport === "udp" ? options.source : undefined);
    this.setMaxListeners(0); // one listener per user node; many nodes may share a dongle
  }

  /** "192.168.1.50:8000" / "udp 0.0.0.0:8000" for status texts, logs and errors. */
  get description(): string {
    const o = this.options;
    return o.transport === "tcp" ? `${o.host}:${o.port}` : `udp ${o.bind ?? "0.0.0.0"}:${o.port}`;
  }

  get state(): StateChange {
    return this.lastState;
  }

  get userCount(): number {
    return this.users.size;
  }

  /** Adds a user; the first one opens the connection. */
  register(user: object): void {
    if (this.closed) return;
    this.users.add(user);
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    if (!this.transport) this.open();
  }

  /** Removes a user; after the last one the connection closes (after a short grace period). */
  deregister(user: object): void {
    this.users.delete(user);
    if (this.users.size > 0 || !this.transport || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.users.size === 0) void this.closeTransport();
    }, this.options.idleCloseMs ?? 1000);
  }

  /** What lxp-request may write; nothing while writeRefusal says why not. */
  get writePolicy(): WritePolicy {
    const policy = this.options.writes ?? WRITES_OFF;
    return policy.allowed && this.writeRefusal ? { ...policy, allowed: false } : policy;
  }

  /**
   * Why writes are refused although the configuration allows them: over UDP only Source ties the
   * dongle to an address; without it any host on the LAN could pose as the dongle.
   */
  get writeRefusal(): string | undefined {
    if (this.options.transport !== "udp" || this.options.source || !this.options.writes?.allowed) return undefined;
    return `writes over UDP need the dongle's IPv4 address in Source (lxp-dongle): without it any host on the LAN could pose as the dongle`;
  }

  /** The queue every request to this dongle goes through (created on first use). */
  get requester(): LxpRequester {
    this.requesterInstance ??= new LxpRequester(this, this.options.queueLimit);
    return this.requesterInstance;
  }

  /** Seconds between input broadcasts: param 0 once seen, else the configured or default value. */
  get broadcastIntervalS(): number {
    return this.broadcastIntervalFromDongle ?? this.options.broadcastIntervalS ?? DEFAULT_BROADCAST_INTERVAL_S;
  }

  /**
   * Why requests cannot reach the dongle now: the last connect attempt failed (refused, unreachable,
   * unknown host; for UDP the bind) and the next one has not started. While an attempt is under way
   * this is undefined, so requests wait for it (the transport's connect timeout bounds it).
   */
  connectionError(): LxpRequestError | undefined {
    const failure = this.connectFailure;
    if (!failure || this.lastState.state !== "disconnected") return undefined;
    const verb = this.options.transport === "tcp" ? "cannot connect to" : "cannot listen on";
    return new LxpRequestError("not_connected", `${verb} ${this.description}: ${describeConnectFailure(failure)}`);
  }

  /**
   * The serials requests name: configured, else learned from frames, waiting up to `timeoutMs` for
   * frames that reveal them (right after a deploy nothing has been heard yet). Any frame tells the
   * datalog, only a reply or an input broadcast the inverter. Without `needInverter` (param reads)
   * the inverter is left out when it is not known. Fails at once when the dongle cannot be reached.
   */
  waitForTarget(timeoutMs: number): Promise<Target>;
  waitForTarget(timeoutMs: number, needInverter: boolean): Promise<RequestTarget>;
  async waitForTarget(timeoutMs: number, needInverter = true): Promise<RequestTarget> {
    if (!this.missingSerial(needInverter)) return this.knownTarget();
    const unreachable = this.connectionError();
    if (unreachable) throw unreachable;
    const failure = await new Promise<LxpRequestError | undefined>((resolve) => {
      const done = (error?: LxpRequestError): void => {
        clearTimeout(timer);
        this.off("message", onMessage);
        this.off("state", onState);
        this.targetWaiters.delete(onClose);
        resolve(error);
      };
      const onMessage = (): void => {
        if (!this.missingSerial(needInverter)) done();
      };
      const onState = (change: StateChange): void => {
        if (change.state === "disconnected" && change.connectFailed) done(this.connectionError());
      };
      const onClose = (): void => done(new LxpRequestError("closed", "the dongle connection was closed while waiting for its serials"));
      const timer = setTimeout(done, timeoutMs);
      this.on("message", onMessage);
      this.on("state", onState);
      this.targetWaiters.add(onClose);
    });
    if (failure) throw failure;
    const missing = this.missingSerial(needInverter);
    if (missing) {
      const context = { waitedMs: timeoutMs, broadcastIntervalS: this.broadcastIntervalS, hints: this.options.serialHints };
      throw missingSerialError(missing, { ...context, datalog: this.knownSerials().datalog });
    }
    return this.knownTarget();
  }

  private knownSerials(): { datalog?: string; inverter?: string } {
    return { datalog: this.options.datalog ?? this.learnedDatalog, inverter: this.options.inverter ?? this.learnedInverter };
  }

  /** The known serials, once the datalog serial is known. */
  private knownTarget(): RequestTarget {
    const { datalog, inverter } = this.knownSerials();
    return inverter ? { datalog: datalog as string, inverter } : { datalog: datalog as string };
  }

  private missingSerial(needInverter: boolean): "datalog" | "inverter" | undefined {
    const { datalog, inverter } = this.knownSerials();
    if (!datalog) return "datalog";
    if (needInverter && !inverter) return "inverter";
    return undefined;
  }

  /**
   * True once `datalog` sent a read or write-multi reply (told apart from a request by its body) with
   * direction 00: its write-single echoes then carry 00 too and look like requests (lxp-protocol.md §3).
   */
  sendsDirectionZeroReplies(datalog: string): boolean {
    return this.directionZeroReplies.get(datalog) === true;
  }

  /** True once `datalog` sent a reply told by its body, so the direction its echoes carry is known. */
  knowsReplyDirection(datalog: string): boolean {
    return this.directionZeroReplies.has(datalog);
  }

  /**
   * Sends bytes to the dongle; false when not connected, or on UDP when the dongle was not heard yet
   * or (without Source) the frame is a write: replies go to the dongle's address, never to whoever sent last.
   */
  write(buf: Buffer): boolean {
    const transport = this.transport;
    if (!transport) return false;
    if (this.options.transport !== "udp") return transport.write(buf);
    if (!this.options.source && isWriteFrame(buf)) return false;
    return this.replyTo ? transport.write(buf, this.replyTo) : false;
  }

  /** Bytes written that the transport has not handed to the network yet: more than 0 on a stalled TCP connection. */
  unsentBytes(): number {
    return this.transport?.unsentBytes ?? 0;
  }

  /** The state, the serials and the counters of the link and its request queue, as copies. */
  snapshot(): DongleLinkSnapshot {
    const { state, error, detail } = this.lastState;
    const why = error || detail ? describeConnectFailure(this.lastState) : undefined;
    const requester = this.requesterInstance;
    return {
      description: this.description,
      transport: this.options.transport,
      state,
      ...(state === "disconnected" && why !== undefined && { detail: why }),
      users: this.users.size,
      ...this.knownSerials(),
      stats: { ...this.stats },
      ...(requester && { requests: { ...requester.stats, pending: requester.pending, limit: requester.limit } }),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stopWaiting of [...this.targetWaiters]) stopWaiting();
    this.requesterInstance?.close();
    this.users.clear();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    await this.closeTransport();
    this.removeAllListeners();
  }

  private open(): void {
    const transport = (this.options.createTransport ?? defaultTransport)(this.options);
    this.transport = transport;
    transport.on("state", (change) => {
      if (change.state === "connected" || change.state === "listening") this.connectFailure = undefined;
      else if (change.state === "disconnected" && change.connectFailed) this.connectFailure = change;
      if (change.state === "connected") this.parser.reset();
      if (change.state === "connected" || change.state === "listening") this.restartQuietWatch();
      this.lastState = change;
      this.emit("state", change);
    });
    transport.on("watchdog", (ms) => this.emit("watchdog", ms));
    transport.on("data", (chunk, from) => this.onData(chunk, from));
    transport.on("ignored", (from) => this.ignoreSender(from.address));
    transport.start();
  }

  private restartQuietWatch(): void {
    this.noteInput();
    this.quietReported = false;
    if (this.quietTimer) return;
    this.quietTimer = setInterval(() => this.checkQuiet(), Math.min(30000, Math.max(50, this.broadcastIntervalS * 250)));
    this.quietTimer.unref();
  }

  /** Input data arrived (or watching starts): the counts the quiet hint reports start again. */
  private noteInput(): void {
    this.lastInputAt = this.now();
    this.filteredAtLastInput = this.stats.filtered;
    this.ignoredAtLastInput = { otherSenders: this.stats.otherSenders, otherSerials: this.stats.otherSerials };
  }

  private checkQuiet(): void {
    const silentMs = this.now() - this.lastInputAt;
    const up = this.lastState.state === "connected" || this.lastState.state === "listening";
    if (!up || this.quietReported || silentMs <= 2 * this.broadcastIntervalS * 1000) return;
    this.quietReported = true;
    const ignored: IgnoredSinceInput = {
      otherSenders: this.stats.otherSenders - this.ignoredAtLastInput.otherSenders,
      otherSerials: this.stats.otherSerials - this.ignoredAtLastInput.otherSerials,
      dongleAddress: this.dongleAddress,
      source: this.options.source !== undefined,
    };
    this.emit("input-quiet", silentMs, this.stats.filtered - this.filteredAtLastInput, ignored);
  }

  private ignore(why: "sender" | "serial"): void {
    if (why === "sender") this.stats.otherSenders++;
    else this.stats.otherSerials++;
    this.emit("ignored", why);
  }

  /** udp: a datagram from another address than the dongle's, dropped; the first one of each sender is logged. */
  private ignoreSender(address: string): void {
    this.ignore("sender");
    const pinned = this.dongleAddress;
    if (pinned === undefined || this.warnedSenders.has(address) || this.warnedSenders.size >= MAX_WARNED_SENDERS) return;
    this.warnedSenders.add(address);
    this.emit(
      "warning",
      this.t(this.options.source ? "lxp-dongle.warnings.otherSenderSource" : "lxp-dongle.warnings.otherSenderPinned", { address, pinned }),
    );
  }

  private setDongleAddress(address: string | undefined): void {
    this.dongleAddress = address;
    this.stats.dongleAddress = address;
    this.warnedSenders.clear();
  }

  /**
   * udp without Source: may datagrams from another address be parsed as a possible new dongle
   * address? Only after the dongle sent no valid frame for more than two broadcast intervals
   * (it sends input data every interval), e.g. after its DHCP lease gave it a new address.
   */
  private mayRepin(): boolean {
    return !this.options.source && this.now() - this.lastFromDongleAt > 2 * this.broadcastIntervalS * 1000;
  }

  /** A frame only the dongle sends (not a request), naming the pinned datalog and inverter: grounds to re-pin. */
  private provesDongle(frame: LxpFrame): boolean {
    const { datalog } = this.knownSerials();
    if (datalog === undefined || frame.datalog !== datalog || this.otherSerial(frame)) return false;
    return frame.kind === "heartbeat" || frame.role !== "request";
  }

  /** Takes `from` as the dongle: the first sender of a valid frame, or the new address of a silent one. */
  private pin(from: PeerAddress): void {
    const previous = this.dongleAddress;
    const datalog = this.knownSerials().datalog;
    const silentMin = Math.round((this.now() - this.lastFromDongleAt) / 60_000);
    this.setDongleAddress(from.address);
    this.emit(
      "warning",
      previous === undefined
        ? this.t("lxp-dongle.warnings.pinned", { address: from.address })
        : this.t("lxp-dongle.warnings.repinned", { previous, minutes: silentMin, address: from.address, datalog: String(datalog) }),
    );
  }

  /** True when `frame` names another datalog or inverter serial than the configured or learned ones. */
  private otherSerial(frame: LxpFrame): boolean {
    const { datalog, inverter } = this.knownSerials();
    if (datalog !== undefined && frame.datalog !== datalog) return true;
    // Requests are made by other clients and may name any serial; replies come from the inverter.
    return frame.kind === "translated" && frame.role !== "request" && inverter !== undefined && frame.inverter.length === 10 && frame.inverter !== inverter;
  }

  /** Remembers who is talking (for requests), the broadcast interval, and answers heartbeats. */
  private observe(frame: LxpFrame): void {
    this.learnedDatalog ??= frame.datalog;
    if (frame.kind === "heartbeat") {
      if (this.options.answerHeartbeats && this.write(frame.raw)) this.stats.heartbeatsAnswered++;
      return;
    }
    if (frame.kind === "param") {
      if (frame.role === "reply" && frame.param === 0 && frame.tcpFunction === TcpFunction.READ_PARAM && frame.value?.length === 2) {
        const seconds = frame.value.readUInt16LE(0);
        if (seconds > 0) this.broadcastIntervalFromDongle = seconds;
      }
      return;
    }
    if (frame.role === "request") return; // another client's request may name a wrong serial
    if (frame.inverter.length === 10 && frame.datalog === this.knownSerials().datalog) this.learnedInverter ??= frame.inverter;
    // A write-single reply's role comes from its direction byte, so it cannot tell the direction.
    if (frame.role === "reply" && frame.deviceFunction !== DeviceFunction.WRITE_SINGLE) this.noteReplyDirection(frame.datalog, frame.direction);
    if (frame.role === "reply" && frame.deviceFunction === DeviceFunction.READ_INPUT) {
      this.noteInput();
      this.quietReported = false;
    }
  }

  private noteReplyDirection(datalog: string, direction: number): void {
    if (this.directionZeroReplies.get(datalog) === true) return;
    // Without a datalog filter any serial on the LAN gets here: keep the table small.
    if (!this.directionZeroReplies.has(datalog) && this.directionZeroReplies.size >= MAX_TRACKED_DATALOGS) {
      this.directionZeroReplies.delete(this.directionZeroReplies.keys().next().value as string);
    }
    this.directionZeroReplies.set(datalog, direction === 0);
  }

  private async closeTransport(): Promise<void> {
    if (this.quietTimer) clearInterval(this.quietTimer);
    this.quietTimer = undefined;
    const transport = this.transport;
    this.transport = undefined;
    if (!transport) return;
    await transport.close();
    transport.removeAllListeners();
    this.parser.reset();
    this.connectFailure = undefined;
    this.lastState = { state: "closed" };
    // The next connection pins and learns anew (e.g. after the dongle moved to another address).
    this.setDongleAddress(this.options.transport === "udp" ? this.options.source : undefined);
    this.replyTo = undefined;
    this.learnedDatalog = undefined;
    this.learnedInverter = undefined;
  }

  private badFrame(error: LxpFrameError): void {
    this.stats.badFrames += error.count;
    this.stats.badBytes += error.bytes;
    this.emit("bad-frame", error);
  }

  private onData(chunk: Buffer, from?: PeerAddress): void {
    this.stats.bytes += chunk.length;
    const udp = this.options.transport === "udp";
    // Once the dongle's address is known, nothing from another address is even parsed, unless the
    // dongle has been silent so long that this may be its new address (mayRepin).
    const otherSender = udp && this.dongleAddress !== undefined && from !== undefined && from.address !== this.dongleAddress;
    if (otherSender && !this.mayRepin()) return this.ignoreSender(from.address);
    let items: StreamItem[];
    try {
      items = udp ? parseDatagram(chunk) : this.parser.push(chunk);
    } catch (err) {
      // The parser reports bad bytes as items; anything thrown here is a bug, and must not kill the flows.
      items = [{ error: new LxpFrameError(frameProblem("internal", `internal parser error: ${(err as Error).message}`), chunk.subarray(0, MAX_RAW_BYTES)) }];
      this.parser.reset();
    }
    if (otherSender) {
      if (!items.some((item) => item.frame && this.provesDongle(item.frame))) return this.ignoreSender(from.address);
      this.pin(from);
    }
    for (const item of items) {
      if (item.error) {
        this.badFrame(item.error);
        continue;
      }
      const frame = item.frame;
      if (this.options.datalog && frame.datalog !== this.options.datalog) {
        this.stats.filtered++;
        continue;
      }
      // Over UDP anyone can send: frames naming other serials are not the dongle's (TCP: not adopted).
      if (udp && this.otherSerial(frame)) {
        this.ignore("serial");
        continue;
      }
      if (udp && from) {
        if (this.dongleAddress === undefined) this.pin(from);
        this.replyTo = from;
        this.lastFromDongleAt = this.now();
      }
      this.stats.frames++;
      this.stats.lastFrameAt = Date.now();
      this.observe(frame);
      let decoded: DecodedMessage;
      try {
        decoded = { ...frameToMessage(frame, { currentDivisor: this.options.currentDivisor }), frame };
      } catch (err) {
        this.badFrame(new LxpFrameError(frameProblem("undecodable", `cannot decode frame: ${(err as Error).message}`), frame.raw));
        continue;
      }
      this.emit("message", decoded);
    }
  }
}
