// TCP client to the dongle (port 8000) that reconnects on its own (docs/lxp-protocol.md §1, §7).
import { EventEmitter } from "node:events";
import { Socket } from "node:net";
import { Backoff } from "./backoff";
import type { ByteTransport, StateChange, TransportEvents, TransportState } from "./types";
import { optionalMs, requireHost, requirePort } from "./validate";

export interface TcpClientOptions {
  host: string;
  port: number;
  /** TCP keep-alive initial delay. Default 60000. */
  keepAliveMs?: number;
  /** First reconnect delay, doubled per failure. Default 5000. */
  reconnectMs?: number;
  /** Reconnect delay cap. Default 60000. */
  reconnectMaxMs?: number;
  /** Reconnect when no bytes arrive for this long while connected. Default 0 = off. */
  watchdogMs?: number;
  /** Give up a connect attempt after this long. Default 10000. */
  connectTimeoutMs?: number;
}

type Timer = ReturnType<typeof setTimeout>;

interface DropReason {
  error?: Error;
  detail: string;
}

export class TcpClientTransport extends EventEmitter<TransportEvents> implements ByteTransport {
  readonly kind = "tcp" as const;
  readonly host: string;
  readonly port: number;
  readonly keepAliveMs: number;
  readonly watchdogMs: number;
  readonly connectTimeoutMs: number;

  private currentState: TransportState = "idle";
  private lastData: number | undefined;
  private connectedAt = 0;
  /** Whether the current socket ever connected (a failure before that is a failed connect). */
  private socketConnected = false;
  private socket: Socket | undefined;
  private readonly backoff: Backoff;
  private retryTimer: Timer | undefined;
  private connectTimer: Timer | undefined;
  private watchdogTimer: Timer | undefined;
  /** Why the current socket goes down; set by error/end/timeout, reported on "close". */
  private dropReason: DropReason | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;

  constructor(options: TcpClientOptions) {
    super();
    if (!options || typeof options !== "object") throw new Error("TcpClientTransport needs an options object");
    this.host = requireHost(options.host);
    this.port = requirePort(options.port);
    this.keepAliveMs = optionalMs(options.keepAliveMs, "keepAliveMs", 60_000);
    this.watchdogMs = optionalMs(options.watchdogMs, "watchdogMs", 0);
    this.connectTimeoutMs = optionalMs(options.connectTimeoutMs, "connectTimeoutMs", 10_000, 1);
    const reconnectMs = optionalMs(options.reconnectMs, "reconnectMs", 5_000, 1);
    const reconnectMaxMs = optionalMs(options.reconnectMaxMs, "reconnectMaxMs", Math.max(60_000, reconnectMs), reconnectMs);
    this.backoff = new Backoff(reconnectMs, reconnectMaxMs);
  }

  get state(): TransportState {
    return this.currentState;
  }

  get lastDataAt(): number | undefined {
    return this.lastData;
  }

  /** Reconnects scheduled since the last successful connection. */
  get reconnectAttempts(): number {
    return this.backoff.attempts;
  }

  get unsentBytes(): number {
    return this.socket?.writableLength ?? 0;
  }

  start(): void {
    if (this.currentState !== "idle" || this.closing) return;
    this.connect();
  }

  write(buf: Buffer): boolean {
    const socket = this.socket;
    if (this.currentState !== "connected" || !socket || !socket.writable) return false;
    try {
      socket.write(buf); // a false return is only back-pressure: the bytes are queued
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    this.clearTimers();
    const socket = this.socket;
    if (!socket) {
      this.closed = Promise.resolve();
      this.setState({ state: "closed" });
      return this.closed;
    }
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.destroy(); // "close" follows and finishes in onClose
    return this.closed;
  }

  // Every emit below happens after timers are set up, so a listener may call close() at any point.

  private connect(): void {
    this.retryTimer = undefined;
    if (this.closing) return;
    // No detail: the address is the transport's own description, users print it already.
    this.setState({ state: "connecting" });
    if (this.closing) return;

    const socket = new Socket();
    this.socket = socket;
    this.socketConnected = false;
    this.dropReason = undefined;
    socket.on("connect", () => this.onConnect(socket));
    socket.on("data", (chunk: Buffer) => this.onData(socket, chunk));
    socket.on("end", () => this.noteDrop(socket, { detail: "connection closed by peer" }));
    socket.on("error", (err: Error) => this.noteDrop(socket, { error: err, detail: err.message }));
    socket.on("close", () => this.onClose(socket));

    this.connectTimer = setTimeout(() => {
      // ETIMEDOUT, like the kernel's own connect timeout, so it is told apart by its code.
      const error = Object.assign(new Error(`connect timeout after ${this.connectTimeoutMs} ms`), { code: "ETIMEDOUT" });
      this.drop(socket, { error, detail: error.message });
    }, this.connectTimeoutMs);
    try {
      socket.connect({ host: this.host, port: this.port });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.drop(socket, { error, detail: error.message });
    }
  }

  private onConnect(socket: Socket): void {
    if (socket !== this.socket || this.closing) return;
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, this.keepAliveMs);
    this.backoff.reset();
    this.socketConnected = true;
    this.connectedAt = Date.now();
    if (this.watchdogMs > 0) {
      this.watchdogTimer = setTimeout(() => this.onWatchdog(socket), this.watchdogMs);
    }
    this.setState({ state: "connected" });
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    this.lastData = Date.now();
    this.watchdogTimer?.refresh();
    this.emit("data", chunk);
  }

  private onWatchdog(socket: Socket): void {
    if (socket !== this.socket || this.closing) return;
    this.watchdogTimer = undefined;
    const silentMs = Date.now() - Math.max(this.connectedAt, this.lastData ?? 0);
    const error = new Error(`no data for ${silentMs} ms`);
    this.drop(socket, { error, detail: `watchdog: ${error.message}` });
    this.emit("watchdog", silentMs);
  }

  /** Remember the first failure; a later error still beats a plain "closed by peer". */
  private noteDrop(socket: Socket, reason: DropReason): void {
    if (socket !== this.socket) return;
    if (!this.dropReason || (!this.dropReason.error && reason.error)) this.dropReason = reason;
  }

  private drop(socket: Socket, reason: DropReason): void {
    this.noteDrop(socket, reason);
    socket.destroy();
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.clearTimers();
    if (this.closing) {
      this.setState({ state: "closed" });
      this.resolveClosed?.();
      return;
    }
    const reason = this.dropReason ?? { detail: "connection closed" };
    const retryInMs = this.backoff.next();
    this.retryTimer = setTimeout(() => this.connect(), retryInMs);
    this.setState({ state: "disconnected", ...reason, retryInMs, connectFailed: !this.socketConnected });
  }

  private clearTimers(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.connectTimer);
    clearTimeout(this.watchdogTimer);
    this.retryTimer = this.connectTimer = this.watchdogTimer = undefined;
  }

  private setState(change: StateChange): void {
    if (this.currentState === "closed") return; // nothing is reported after close
    this.currentState = change.state;
    this.emit("state", change);
  }
}
