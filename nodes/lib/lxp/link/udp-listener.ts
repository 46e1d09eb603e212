// UDP listener for dongles set to a UDP mode (docs/lxp-protocol.md §1): one datagram = one "data" event.
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { EventEmitter } from "node:events";
import { Backoff } from "../../common/transport/backoff";
import type { ByteTransport, PeerAddress, StateChange, TransportEvents, TransportState } from "../../common/transport/types";
import { optionalMs, requireIPv4, requirePort } from "../../common/transport/validate";

export interface UdpListenerOptions {
  /** Local port; 0 lets the OS choose (see boundPort). */
  port: number;
  /** Local address to bind. Default "0.0.0.0". */
  address?: string;
  /** The dongle's IPv4 address: datagrams from others are dropped (counted in ignoredDatagrams), writes go only here. */
  source?: string;
  /** First re-bind delay after a bind failure, doubled per failure. Default 5000. */
  reconnectMs?: number;
  /** Re-bind delay cap. Default 60000. */
  reconnectMaxMs?: number;
}

type Timer = ReturnType<typeof setTimeout>;

export class UdpListenerTransport extends EventEmitter<TransportEvents> implements ByteTransport {
  readonly kind = "udp" as const;
  readonly port: number;
  readonly address: string;
  readonly source: string | undefined;

  private currentState: TransportState = "idle";
  private lastData: number | undefined;
  private socket: Socket | undefined;
  private localPort: number | undefined;
  /** Whether the current socket got bound (a failure before that is a failed bind). */
  private socketListening = false;
  private peer: PeerAddress | undefined;
  private ignored = 0;
  private failedSends = 0;
  private readonly backoff: Backoff;
  private retryTimer: Timer | undefined;
  /** The error that made the current socket close, reported on "close". */
  private failure: Error | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;

  constructor(options: UdpListenerOptions) {
    super();
    if (!options || typeof options !== "object") throw new Error("UdpListenerTransport needs an options object");
    this.port = requirePort(options.port, "port", true);
    this.address = options.address === undefined ? "0.0.0.0" : requireIPv4(options.address, "address");
    this.source = options.source === undefined || options.source === "" ? undefined : requireIPv4(options.source, "source");
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

  /** The port actually bound while listening (differs from `port` when that is 0). */
  get boundPort(): number | undefined {
    return this.localPort;
  }

  /** Sender of the most recent accepted datagram (writes do not go there unless it is Source or passed in). */
  get lastPeer(): PeerAddress | undefined {
    return this.peer ? { ...this.peer } : undefined;
  }

  /** Datagrams dropped by the source filter. */
  get ignoredDatagrams(): number {
    return this.ignored;
  }

  /** Sends that failed after write() accepted them. */
  get sendErrors(): number {
    return this.failedSends;
  }

  /** Re-bind attempts scheduled since the last successful bind. */
  get reconnectAttempts(): number {
    return this.backoff.attempts;
  }

  start(): void {
    if (this.currentState !== "idle" || this.closing) return;
    this.bind();
  }

  /**
   * Sends to `to` (the dongle's address as its user knows it). With Source set only Source is a
   * destination, by default at the port it last sent from. Never simply to whoever sent last: any
   * host on the LAN can send a datagram.
   */
  write(buf: Buffer, to?: PeerAddress): boolean {
    const socket = this.socket;
    const dest = this.destination(to);
    if (this.currentState !== "listening" || !socket || !dest) return false;
    try {
      // With a callback, send failures arrive here instead of as a socket "error".
      socket.send(buf, dest.port, dest.address, (err) => {
        if (err) this.failedSends++;
      });
      return true;
    } catch {
      return false;
    }
  }

  private destination(to: PeerAddress | undefined): PeerAddress | undefined {
    if (this.source === undefined) return to;
    if (to) return to.address === this.source ? to : undefined;
    return this.peer; // only Source's datagrams are accepted
  }

  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = this.socket;
    if (!socket) {
      this.closed = Promise.resolve();
      this.setState({ state: "closed" });
      return this.closed;
    }
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    closeQuietly(socket); // "close" follows and finishes in onClose
    return this.closed;
  }

  // Every emit below happens after timers are set up, so a listener may call close() at any point.

  private bind(): void {
    this.retryTimer = undefined;
    if (this.closing) return;
    this.setState({ state: "connecting" });
    if (this.closing) return;

    this.failure = undefined;
    this.socketListening = false;
    // reuseAddr: a redeploy can bind again while the old socket is still closing.
    const socket = createSocket({ type: "udp4", reuseAddr: true });
    this.socket = socket;
    socket.on("listening", () => this.onListening(socket));
    socket.on("message", (msg: Buffer, rinfo: RemoteInfo) => this.onMessage(socket, msg, rinfo));
    socket.on("error", (err: Error) => this.onError(socket, err));
    socket.on("close", () => this.onClose(socket));
    try {
      socket.bind({ port: this.port, address: this.address });
    } catch (err) {
      this.onError(socket, err instanceof Error ? err : new Error(String(err)));
    }
  }

  private onListening(socket: Socket): void {
    if (socket !== this.socket || this.closing) return;
    this.backoff.reset();
    this.socketListening = true;
    try {
      this.localPort = socket.address().port;
    } catch {
      this.localPort = undefined;
    }
    this.setState({ state: "listening", detail: `${this.address}:${this.localPort ?? this.port}` });
  }

  private onMessage(socket: Socket, msg: Buffer, rinfo: RemoteInfo): void {
    if (socket !== this.socket) return;
    if (this.source !== undefined && rinfo.address !== this.source) {
      this.ignored++;
      this.emit("ignored", { address: rinfo.address, port: rinfo.port });
      return;
    }
    this.peer = { address: rinfo.address, port: rinfo.port };
    this.lastData = Date.now();
    this.emit("data", msg, { address: rinfo.address, port: rinfo.port });
  }

  /** Bind failures (EADDRINUSE, EACCES) and any later socket error: close, then re-bind. */
  private onError(socket: Socket, err: Error): void {
    if (socket !== this.socket) return;
    this.failure ??= err;
    closeQuietly(socket);
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.localPort = undefined;
    if (this.closing) {
      this.setState({ state: "closed" });
      this.resolveClosed?.();
      return;
    }
    const error = this.failure ?? new Error("UDP socket closed unexpectedly");
    const retryInMs = this.backoff.next();
    this.retryTimer = setTimeout(() => this.bind(), retryInMs);
    this.setState({ state: "disconnected", error, detail: error.message, retryInMs, connectFailed: !this.socketListening });
  }

  private setState(change: StateChange): void {
    if (this.currentState === "closed") return; // nothing is reported after close
    this.currentState = change.state;
    this.emit("state", change);
  }
}

/** dgram close() throws if the socket is already closing; the pending "close" event still comes. */
function closeQuietly(socket: Socket): void {
  try {
    socket.close();
  } catch {
    // already closing
  }
}
