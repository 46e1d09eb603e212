// One connection to a LuxPower dongle, shared by every node that uses it: owns the transport, the
// stream parser and the decoding (so a frame is decoded once), counts users and closes with the last.
import { EventEmitter } from "node:events";
import { frameToMessage, LxpFrame, LxpFrameError, LxpMessage, LxpStreamParser, MessageKind, parseDatagram, StreamItem } from "./lxp";
import { LxpTransport, PeerAddress, StateChange, TcpClientTransport, UdpListenerTransport } from "./transport";

export interface DongleLinkOptions {
  transport: "tcp" | "udp";
  /** tcp: the dongle's address. */
  host?: string;
  /** tcp: the dongle's port; udp: the local port to listen on. */
  port: number;
  /** udp: local address to bind. */
  bind?: string;
  /** udp: accept datagrams from this address only. */
  source?: string;
  reconnectMs?: number;
  /** tcp: reconnect after this long without bytes (0 = off). */
  watchdogMs?: number;
  /** Only frames from this datalog serial are passed on. */
  datalog?: string;
  currentDivisor?: 10 | 100;
  /** Grace period before the transport closes when the last user leaves (a partial redeploy re-registers). */
  idleCloseMs?: number;
  /** Tests inject a transport here. */
  createTransport?: (options: DongleLinkOptions) => LxpTransport;
}

export interface DecodedMessage {
  kind: MessageKind;
  msg: LxpMessage;
  frame: LxpFrame;
}

export interface LinkStats {
  frames: number;
  badFrames: number;
  filtered: number;
  bytes: number;
  lastFrameAt?: number;
}

export type DongleLinkEvents = {
  state: [change: StateChange];
  message: [decoded: DecodedMessage];
  "bad-frame": [error: LxpFrameError];
  watchdog: [silentMs: number];
};

function defaultTransport(o: DongleLinkOptions): LxpTransport {
  if (o.transport === "tcp") {
    return new TcpClientTransport({ host: o.host as string, port: o.port, reconnectMs: o.reconnectMs, watchdogMs: o.watchdogMs });
  }
  return new UdpListenerTransport({ port: o.port, address: o.bind, source: o.source, reconnectMs: o.reconnectMs });
}

export class DongleLink extends EventEmitter<DongleLinkEvents> {
  readonly options: DongleLinkOptions;
  readonly stats: LinkStats = { frames: 0, badFrames: 0, filtered: 0, bytes: 0 };
  private transport: LxpTransport | undefined;
  private readonly parser = new LxpStreamParser();
  private readonly users = new Set<object>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private lastState: StateChange = { state: "idle" };
  private closed = false;

  constructor(options: DongleLinkOptions) {
    super();
    this.options = options;
    this.setMaxListeners(0); // one listener per user node; many nodes may share a dongle
  }

  /** "tcp 192.168.1.50:8000" / "udp 0.0.0.0:8000" for status texts and logs. */
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

  /** Sends bytes to the dongle; false when not connected (or, on UDP, no dongle heard yet). */
  write(buf: Buffer): boolean {
    return this.transport?.write(buf) ?? false;
  }

  async close(): Promise<void> {
    this.closed = true;
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
      if (change.state === "connected") this.parser.reset();
      this.lastState = change;
      this.emit("state", change);
    });
    transport.on("watchdog", (ms) => this.emit("watchdog", ms));
    transport.on("data", (chunk, from) => this.onData(chunk, from));
    transport.start();
  }

  private async closeTransport(): Promise<void> {
    const transport = this.transport;
    this.transport = undefined;
    if (!transport) return;
    await transport.close();
    transport.removeAllListeners();
    this.parser.reset();
    this.lastState = { state: "closed" };
  }

  private onData(chunk: Buffer, _from?: PeerAddress): void {
    this.stats.bytes += chunk.length;
    let items: StreamItem[];
    try {
      items = this.options.transport === "udp" ? parseDatagram(chunk) : this.parser.push(chunk);
    } catch (err) {
      // The parser reports bad bytes as items; anything thrown here is a bug, and must not kill the flows.
      items = [{ error: new LxpFrameError(`internal parser error: ${(err as Error).message}`, chunk) }];
      this.parser.reset();
    }
    for (const item of items) {
      if (item.error) {
        this.stats.badFrames++;
        this.emit("bad-frame", item.error);
        continue;
      }
      const frame = item.frame;
      if (this.options.datalog && frame.datalog !== this.options.datalog) {
        this.stats.filtered++;
        continue;
      }
      this.stats.frames++;
      this.stats.lastFrameAt = Date.now();
      let decoded: DecodedMessage;
      try {
        decoded = { ...frameToMessage(frame, { currentDivisor: this.options.currentDivisor }), frame };
      } catch (err) {
        this.stats.badFrames++;
        this.emit("bad-frame", new LxpFrameError(`cannot decode frame: ${(err as Error).message}`, frame.raw));
        continue;
      }
      this.emit("message", decoded);
    }
  }
}
