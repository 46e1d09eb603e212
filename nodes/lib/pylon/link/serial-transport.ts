// A serial port (USB-RS485 adapter) that reopens on its own: after a failed open (device missing,
// port still locked by the previous deploy) and after an unexpected close (USB unplugged).
import { EventEmitter } from "node:events";
import type { SerialPortStream } from "@serialport/stream";
import { Backoff } from "../../common/transport/backoff";
import { optionalMs } from "../../common/transport/validate";
import { PylonLinkError, PylonPortError } from "./link-error";
import { describeSerialOpenError } from "./serial-errors";
import { loadDefaultBinding, loadSerialStream, type SerialBinding } from "./serial-modules";
import type { PylonTransport, PylonTransportEvents, StateChange, TransportState } from "./types";

/** Speeds of the PylonTech ports: RS485 115200 or 9600 (DIP 1), old console binary protocol 1200. */
export const PYLON_BAUD_RATES = [115200, 9600, 1200] as const;
export type PylonBaudRate = (typeof PYLON_BAUD_RATES)[number];

export interface SerialTransportOptions {
  /** Device path: /dev/ttyUSB0, /dev/serial/by-id/…, COM3. */
  path: string;
  /** Default 115200. */
  baudRate?: number;
  /** Delay between reopen attempts. Default 2000. */
  reconnectMs?: number;
  /** With a value above reconnectMs, the delay doubles per failure up to this. Default: reconnectMs (fixed). */
  reconnectMaxMs?: number;
  /** Serial binding; default: the platform's native one, loaded on first open. Tests pass MockBinding. */
  binding?: SerialBinding;
}

type Timer = ReturnType<typeof setTimeout>;

export function requireBaudRate(value: unknown): PylonBaudRate {
  if (value === undefined) return 115200;
  if (!PYLON_BAUD_RATES.includes(value as PylonBaudRate)) {
    throw new Error(`baudRate must be one of ${PYLON_BAUD_RATES.join(", ")}, got ${JSON.stringify(value)}`);
  }
  return value as PylonBaudRate;
}

export function requireDevicePath(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new Error(`path must be a serial device path such as /dev/ttyUSB0, got ${JSON.stringify(value)}`);
  }
  return value.trim();
}

export class SerialTransport extends EventEmitter<PylonTransportEvents> implements PylonTransport {
  readonly kind = "serial" as const;
  readonly path: string;
  readonly baudRate: PylonBaudRate;

  private readonly binding: SerialBinding | undefined;
  /** The speed in use: `baudRate` until setBaudRate() changes it. */
  private speed: number;
  private readonly backoff: Backoff;
  private currentState: TransportState = "idle";
  private stream: SerialPortStream | undefined;
  /** Settles when the current stream's open attempt has finished, either way. */
  private opened: Promise<void> = Promise.resolve();
  /** Settles when a stream that closed unexpectedly has released the device. */
  private releasing: Promise<void> = Promise.resolve();
  /** The last stream error, reported with the close that follows it. */
  private streamError: Error | undefined;
  private retryTimer: Timer | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;

  constructor(options: SerialTransportOptions) {
    super();
    if (!options || typeof options !== "object") throw new Error("SerialTransport needs an options object");
    this.path = requireDevicePath(options.path);
    this.baudRate = requireBaudRate(options.baudRate);
    this.speed = this.baudRate;
    this.binding = options.binding;
    const reconnectMs = optionalMs(options.reconnectMs, "reconnectMs", 2_000, 1);
    // Opening a missing or locked device costs nothing, so a steady interval finds a replugged
    // adapter soonest and lets the status name one retry interval.
    const reconnectMaxMs = optionalMs(options.reconnectMaxMs, "reconnectMaxMs", reconnectMs, reconnectMs);
    this.backoff = new Backoff(reconnectMs, reconnectMaxMs);
  }

  get state(): TransportState {
    return this.currentState;
  }

  /** Reopens scheduled since the port was last open. */
  get reconnectAttempts(): number {
    return this.backoff.attempts;
  }

  /** The speed the port runs at now (the console wake-up changes it). */
  get currentBaudRate(): number {
    return this.speed;
  }

  /**
   * Changes the speed of the open port (serialport's update(), which keeps the binary mode and the
   * other settings) and of every later reopen. Rejects with "not_connected" when the change fails.
   */
  setBaudRate(rate: number): Promise<void> {
    let speed: number;
    try {
      speed = requireBaudRate(rate);
    } catch (err) {
      return Promise.reject(new PylonLinkError("invalid_request", (err as Error).message));
    }
    if (speed === this.speed) return Promise.resolve();
    this.speed = speed;
    const stream = this.stream;
    if (this.currentState !== "connected" || !stream || !stream.isOpen) return Promise.resolve();
    return new Promise((resolve, reject) => {
      try {
        stream.update({ baudRate: speed }, (err) => {
          if (err) reject(new PylonLinkError("not_connected", `cannot set ${this.path} to ${speed} baud: ${err.message}`, { cause: err }));
          else resolve();
        });
      } catch (err) {
        reject(new PylonLinkError("not_connected", `cannot set ${this.path} to ${speed} baud: ${(err as Error).message}`, { cause: err }));
      }
    });
  }

  start(): void {
    if (this.currentState !== "idle" || this.closing) return;
    this.open();
  }

  write(buf: Buffer): Promise<void> {
    const stream = this.stream;
    if (this.currentState !== "connected" || !stream || !stream.isOpen) {
      return Promise.reject(new PylonLinkError("not_connected", `serial port ${this.path} is not open`));
    }
    return new Promise((resolve, reject) => {
      try {
        stream.write(buf, (err) => {
          if (err) reject(new PylonLinkError("not_connected", `write to ${this.path} failed: ${err.message}`, { cause: err }));
          else resolve();
        });
      } catch (err) {
        reject(new PylonLinkError("not_connected", `write to ${this.path} failed: ${(err as Error).message}`, { cause: err }));
      }
    });
  }

  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const stream = this.stream;
    this.closed = Promise.all([this.release(stream), this.releasing]).then(() => {
      if (this.stream === stream) this.stream = undefined;
      this.setState({ state: "closed" });
    });
    return this.closed;
  }

  // Every emit below happens after timers are set up, so a listener may call close() at any point.

  private open(): void {
    this.retryTimer = undefined;
    if (this.closing) return;
    this.setState({ state: "connecting", detail: `${this.path} @ ${this.speed}` });
    if (this.closing) return;

    let stream: SerialPortStream;
    try {
      const SerialPortStream = loadSerialStream();
      const binding = this.binding ?? loadDefaultBinding();
      stream = new SerialPortStream({ binding, path: this.path, baudRate: this.speed, autoOpen: false });
    } catch (err) {
      // serialport's modules cannot be loaded (a broken native install)
      const message = err instanceof Error ? err.message : String(err);
      this.scheduleReopen(new PylonPortError("other", `cannot open ${this.path}: ${message}`, { cause: err }));
      return;
    }
    this.stream = stream;
    this.streamError = undefined;
    stream.on("error", (err: Error) => this.onStreamError(stream, err));
    stream.on("close", (err?: Error | null) => this.onStreamClose(stream, err ?? undefined));
    stream.on("data", (chunk: Buffer) => {
      if (stream === this.stream) this.emit("data", chunk);
    });
    this.opened = new Promise((resolve) => {
      const done = (err: Error | undefined) => {
        resolve();
        this.onOpen(stream, err);
      };
      try {
        stream.open((err) => done(err ?? undefined));
      } catch (err) {
        // A binding may throw instead of rejecting; report it like any failed open.
        done(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private onOpen(stream: SerialPortStream, err: Error | undefined): void {
    if (stream !== this.stream || this.closing) return; // close() waits for `opened` and releases it
    if (err) {
      this.stream = undefined;
      this.scheduleReopen(describeSerialOpenError(err, this.path));
      return;
    }
    this.backoff.reset();
    this.setState({ state: "connected", detail: `${this.path} @ ${this.speed}` });
  }

  private onStreamError(stream: SerialPortStream, err: Error): void {
    // A fatal error is followed by "close"; keep it to explain that close.
    if (stream === this.stream) this.streamError = err;
  }

  private onStreamClose(stream: SerialPortStream, err: Error | undefined): void {
    if (stream !== this.stream || this.closing) return;
    this.stream = undefined;
    // A failed write destroys the stream without closing the port: release the lock for the reopen.
    this.releasing = this.release(stream);
    const cause = err ?? this.streamError;
    const error = new PylonPortError("lost", `${this.path} closed${cause ? `: ${cause.message}` : " unexpectedly"}`, { cause });
    this.scheduleReopen(error);
  }

  private scheduleReopen(error: PylonPortError): void {
    const retryInMs = this.backoff.next();
    this.retryTimer = setTimeout(() => this.open(), retryInMs);
    this.setState({ state: "disconnected", error, detail: error.message, retryInMs });
  }

  /** Waits for a pending open, then closes the port and waits for its close callback. */
  private async release(stream: SerialPortStream | undefined): Promise<void> {
    if (!stream) return;
    await this.opened;
    if (stream.isOpen) {
      await new Promise<void>((resolve) => stream.close(() => resolve()));
    } else if (stream.closing) {
      await new Promise<void>((resolve) => stream.once("close", () => resolve()));
    }
  }

  private setState(change: StateChange): void {
    if (this.currentState === "closed") return; // nothing is reported after close
    this.currentState = change.state;
    this.emit("state", change);
  }
}
