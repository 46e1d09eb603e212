// A listen-only PylonTech bus (pylon-protocol.md §12): the inverter is the master, this link opens
// the serial port or gateway, never writes a byte, and hands every reply it can pair with the
// inverter's request to its users. The transport is opened and closed as PylonPortLink does
// (first user opens, idle close, a redeployed link waits for the old one). No Node-RED imports.
import { BusPairer, type BusPairerCounters, type PassiveReply } from "../passive";
import type { PylonProtocol } from "../codec";
import { describeTarget, type PylonPortLinkOptions, resolveLinkOptions } from "./link-options";
import { SharedPortLink } from "./shared-port";
import type { PylonTransport, StateChange } from "./types";

export interface PassiveLinkStats extends BusPairerCounters {
  /** Bytes read from the bus. */
  bytes: number;
  /** Date.now() of the last decoded reply. */
  lastReplyAt?: number;
  /** Always 0: kept so the status helpers of the polling link read the same shape. */
  retries: number;
  /** Replies a user's handler threw on (each user is told of every reply all the same). */
  listenerErrors: number;
}

export type PassiveLinkEvents = {
  state: [change: StateChange];
  /** One decoded reply with the request that asked for it, in bus order. */
  reply: [reply: PassiveReply];
};

export interface PassiveLinkOptions {
  /** Whose layouts the replies use; default "pylontech". */
  protocol?: PylonProtocol;
}

export class PylonPassiveLink extends SharedPortLink<PassiveLinkEvents> {
  /** Never anything queued: nothing is ever sent. */
  readonly queued = 0;
  readonly pending = 0;

  private readonly pairer: BusPairer;
  private readonly counts = { bytes: 0, lastReplyAt: undefined as number | undefined, listenerErrors: 0 };

  constructor(options: PylonPortLinkOptions, passive: PassiveLinkOptions = {}) {
    super(options, describeTarget(options), resolveLinkOptions(options));
    this.pairer = new BusPairer({ protocol: passive.protocol });
  }

  /** The pairer's counters plus the bytes read and the last reply's time. */
  get stats(): PassiveLinkStats {
    const { bytes, lastReplyAt, listenerErrors } = this.counts;
    return { ...this.pairer.counters, bytes, lastReplyAt, retries: 0, listenerErrors };
  }

  /** Requests seen on the bus still waiting for their reply. */
  get pendingRequests(): number {
    return this.pairer.pendingRequests;
  }

  /** The last frame refused or reply rejected, for a status line. */
  get lastError(): Error | undefined {
    return this.pairer.lastError;
  }

  /** Stops listening and releases the port. Idempotent. */
  close(): Promise<void> {
    return this.shutdown();
  }

  protected attach(transport: PylonTransport): void {
    transport.on("state", (change) => {
      if (transport !== this.transport) return;
      if (change.state === "connected") this.pairer.reset(); // a reopened port starts mid-frame
      this.setState(change);
    });
    transport.on("data", (chunk) => this.onData(transport, chunk));
  }

  protected onTransportClosing(): void {
    this.pairer.reset();
  }

  private onData(transport: PylonTransport, chunk: Buffer): void {
    if (transport !== this.transport) return;
    this.counts.bytes += chunk.length;
    let replies: PassiveReply[];
    try {
      replies = this.pairer.push(chunk);
    } catch {
      // BusPairer throws nothing but its own errors, which it counts; never throw from a port handler
      return;
    }
    for (const reply of replies) {
      this.counts.lastReplyAt = Date.now();
      // Each user separately: one that throws must not reach the port's data handler or starve the others.
      for (const listener of this.listeners("reply") as ((reply: PassiveReply) => void)[]) {
        try {
          listener(reply);
        } catch {
          this.counts.listenerErrors++;
        }
      }
    }
  }
}
