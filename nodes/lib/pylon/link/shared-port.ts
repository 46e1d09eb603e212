// What every PylonTech link does with its port, whatever it says on it (binary polling, the text
// console, listening): the first user opens the port, the port closes a moment after the last one
// leaves (a partial redeploy re-registers in between), a new link on the device opens only once the
// previous one has released it, and the state is kept for users that register later.
// No Node-RED imports.
import { EventEmitter } from "node:events";
import { defaultTransport, type PylonPortLinkOptions, type ResolvedLinkOptions } from "./link-options";
import type { PylonTransport, StateChange } from "./types";

type Timer = ReturnType<typeof setTimeout>;

/** The events every link emits; a link adds its own. */
export type SharedPortEvents = { state: [change: StateChange] };

export abstract class SharedPortLink<Events extends SharedPortEvents & Record<keyof Events, unknown[]>> extends EventEmitter<Events> {
  readonly options: PylonPortLinkOptions;
  /** "/dev/ttyUSB0 @ 115200", "192.168.1.7:8899 (console)", … */
  readonly description: string;
  /** The open port, if a user has opened it. */
  protected transport: PylonTransport | undefined;
  /** Set by close(): the link takes no more users or work. */
  protected closed: Promise<void> | undefined;
  private readonly users = new Set<object>();
  /** Settles once the last transport this link (or the link before it on the device) closed has released the device. */
  private transportClosing: Promise<void> = Promise.resolve();
  private idleTimer: Timer | undefined;
  private lastState: StateChange = { state: "idle" };

  protected constructor(
    options: PylonPortLinkOptions,
    description: string,
    /** The options as the link applies them (defaults filled in, checked). */
    protected readonly config: ResolvedLinkOptions,
  ) {
    super();
    this.options = options;
    this.description = description;
    if (options.openAfter) this.transportClosing = options.openAfter.then(noop, noop);
    this.setMaxListeners(0); // one listener per user node; many nodes may share a bus
  }

  get state(): StateChange {
    return this.lastState;
  }

  get userCount(): number {
    return this.users.size;
  }

  get timeoutMs(): number {
    return this.config.timeoutMs;
  }

  get gapMs(): number {
    return this.config.gapMs;
  }

  get retries(): number {
    return this.config.retries;
  }

  /** Adds a user; the first one opens the port. */
  register(user: object): void {
    if (this.closed) return;
    this.users.add(user);
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (!this.transport) this.open();
  }

  /** Removes a user; after the last one the port closes (after the idle grace period). */
  deregister(user: object): void {
    this.users.delete(user);
    if (this.users.size > 0 || !this.transport || this.idleTimer || this.closed) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.users.size === 0) void this.closeTransport();
    }, this.config.idleCloseMs);
  }

  /** Adds the link's listeners to a transport just made (before it starts). */
  protected abstract attach(transport: PylonTransport): void;

  /** The port is going: end what used it (a running exchange, a wake-up, a half-read frame). */
  protected abstract onTransportClosing(): void;

  /** For close(): forgets the users, releases the port, then drops every listener. Idempotent. */
  protected shutdown(): Promise<void> {
    if (this.closed) return this.closed;
    this.users.clear();
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.closed = this.closeTransport().then(() => {
      this.removeAllListeners();
    });
    return this.closed;
  }

  protected closeTransport(): Promise<void> {
    const transport = this.transport;
    if (!transport) return this.transportClosing;
    this.transport = undefined;
    this.onTransportClosing();
    this.transportClosing = transport
      .close()
      .catch(() => undefined)
      .then(() => {
        transport.removeAllListeners();
        if (!this.transport) this.setState({ state: "closed" });
      });
    return this.transportClosing;
  }

  protected setState(change: StateChange): void {
    this.lastState = change;
    (this as unknown as EventEmitter<SharedPortEvents>).emit("state", change);
  }

  private open(): void {
    const transport = (this.options.createTransport ?? defaultTransport)(this.options);
    this.transport = transport;
    this.attach(transport);
    // A port this link is still closing holds the device lock; open once it is released.
    void this.transportClosing.then(() => {
      if (this.transport === transport) transport.start();
    });
  }
}

function noop(): void {}
