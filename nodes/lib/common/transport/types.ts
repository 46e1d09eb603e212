// Contract shared by the dongle transports; no Node-RED imports so it can be unit tested alone.
import type { EventEmitter } from "node:events";

export type TransportState = "idle" | "connecting" | "connected" | "listening" | "disconnected" | "closed";

export interface StateChange {
  state: TransportState;
  /** Set when the change was caused by a failure. */
  error?: Error;
  /** Human-readable reason, e.g. "connection closed by peer". */
  detail?: string;
  /** With "disconnected": how long until the next attempt. */
  retryInMs?: number;
  /** With "disconnected": the attempt never got through (refused, unreachable, unknown host, bind failed). */
  connectFailed?: boolean;
}

export interface PeerAddress {
  address: string;
  port: number;
}

/** Event map. There is deliberately no "error" event: an unhandled "error" would throw. */
export type TransportEvents = {
  state: [change: StateChange];
  data: [chunk: Buffer, from?: PeerAddress];
  /** udp: a datagram from another address than Source was dropped. */
  ignored: [from: PeerAddress];
  watchdog: [silentMs: number];
};

export interface ByteTransport extends EventEmitter<TransportEvents> {
  readonly kind: "tcp" | "udp";
  readonly state: TransportState;
  /** Date.now() of the last received bytes. */
  readonly lastDataAt: number | undefined;
  /** Idempotent. */
  start(): void;
  /**
   * tcp: bytes write() accepted that the socket has not handed to the OS yet (more than 0 while the
   * connection is stalled and its buffers are full). Bytes the OS holds are not counted.
   */
  readonly unsentBytes?: number;
  /** False if it cannot send now (not connected / no peer known). udp: `to` is the dongle's address. */
  write(buf: Buffer, to?: PeerAddress): boolean;
  /** Stops timers and retries; resolves once the socket is really closed. Idempotent. */
  close(): Promise<void>;
}
