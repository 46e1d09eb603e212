// The byte-transport contract of the PylonTech link: serial port or TCP gateway, same events.
import type { EventEmitter } from "node:events";
import type { StateChange, TransportState } from "../../common/transport";

export type { StateChange, TransportState };

/** Event map. There is deliberately no "error" event: an unhandled "error" would throw. */
export type PylonTransportEvents = {
  state: [change: StateChange];
  data: [chunk: Buffer];
};

export interface PylonTransport extends EventEmitter<PylonTransportEvents> {
  readonly kind: "serial" | "tcp";
  readonly state: TransportState;
  /** Opens, and keeps reopening with backoff until close(). Idempotent. */
  start(): void;
  /** Resolves once the bytes are handed to the port; rejects (code "not_connected") when it is not open. */
  write(buf: Buffer): Promise<void>;
  /**
   * Serial only: changes the speed of the open port (the console wake-up goes 115200 → 1200 →
   * 115200); the next open uses it too. Absent on a TCP gateway, whose speed is its own setting.
   */
  setBaudRate?(rate: number): Promise<void>;
  /** Stops retries; resolves once the port or socket is really released. Idempotent. */
  close(): Promise<void>;
}
