// One PylonTech bus (serial port or TCP gateway) shared by every node that polls it: a FIFO of
// requests with exactly one in flight, the reply being the next frame after the write (pylon-protocol.md §0, §8).
import { performance } from "node:perf_hooks";
import { parseFrame, type PylonFrame, PylonFrameError, PylonFrameSplitter } from "../codec";
import { optionalMs } from "../../common/transport/validate";
import { PylonLinkError } from "./link-error";
import {
  describeTarget,
  type PylonPortLinkOptions,
  requireRetries,
  resolveLinkOptions,
} from "./link-options";
import { SharedPortLink } from "./shared-port";
import type { PylonTransport, StateChange } from "./types";

export interface PylonRequestOptions<T = never> {
  /** Reply timeout per attempt; default: the link's. */
  timeoutMs?: number;
  /**
   * Decodes a verified frame from the request's ADR (the link has checked the ADR; e.g. decodeReply
   * with the request's summary minus its ADR), once: the exchange carries the result as `decoded`.
   * A PylonFrameError "address_mismatch" (a reply naming another pack) makes the frame a late reply
   * and the wait goes on; any other error is the answer: the request fails with it, not retried.
   */
  decode?: (frame: PylonFrame) => T;
  /** Extra attempts after a timeout or a corrupt reply; default: the link's. */
  retries?: number;
  /**
   * Told of the bad frames seen while this request waited: `count` of them in a row, `error` being
   * the first. For reports per cycle; an exception it throws is ignored.
   */
  onBadFrames?: (count: number, error: PylonFrameError) => void;
}

export interface PylonExchange<T = never> {
  /** The reply, envelope verified (checksums, lengths) and from the request's ADR; CID1/RTN are for decodeReply to judge. */
  frame: PylonFrame;
  /** What the request's `decode` made of `frame`; absent without one. */
  decoded?: T;
  /** The reply's wire text, `~` to CR. */
  raw: string;
  /** From the write of the answered attempt to its reply. */
  elapsedMs: number;
  /** 1 when the first attempt was answered. */
  attempts: number;
}

export interface PylonLinkStats {
  requests: number;
  replies: number;
  /** Attempts that timed out (a request retried once and then answered counts one). */
  timeouts: number;
  /** Corrupt frames and framing errors seen while waiting for a reply (a run of them counts each). */
  badFrames: number;
  retries: number;
  /** Copies of the request skipped because the adapter echoes what it sends. */
  echoes: number;
  /** Bytes received while no request was waiting (late replies, other masters). */
  ignoredBytes: number;
  /** Frames from another ADR than the request's while it waited (a slow pack's late reply). */
  lateReplies: number;
  /** Date.now() of the last good reply. */
  lastReplyAt?: number;
}

export type PylonPortLinkEvents = {
  state: [change: StateChange];
};

type Timer = ReturnType<typeof setTimeout>;

interface Job {
  frame: string;
  /** ADR of the request frame: the reply must come from it. */
  adr: number;
  decode?: (frame: PylonFrame) => unknown;
  onBadFrames?: (count: number, error: PylonFrameError) => void;
  timeoutMs: number;
  retries: number;
  done: boolean;
  resolve: (exchange: PylonExchange<unknown>) => void;
  reject: (error: Error) => void;
}

type Outcome =
  | { ok: true; frame: PylonFrame; raw: string; decoded: unknown; elapsedMs: number }
  | { ok: false; error: Error; retryable: boolean };

interface Attempt {
  job: Job;
  writtenAt: number;
  timer: Timer | undefined;
  /** A framing error seen before the timeout, named in the timeout message. */
  discarded?: PylonFrameError;
  /** The last complete frame that failed its checks: the attempt's error if no good reply follows. */
  corrupt?: PylonFrameError;
  /** After a corrupt frame with nothing behind it: ends the attempt (to retry) unless more comes first. */
  grace: Timer | undefined;
  finish: (outcome: Outcome) => void;
}

interface Waiter {
  wake: () => void;
  /** Also wake on the next transport state change (waiting for an open to finish). */
  onStateChange: boolean;
}

/** A decode error that says the frame answers another request (a slow pack's late reply). */
function isLateReply(err: unknown): boolean {
  return err instanceof PylonFrameError && err.code === "address_mismatch";
}

/** ADR of a request frame (`~` VER ADR …). */
function requestAddress(frame: string): number {
  return parseInt(frame.slice(3, 5), 16);
}

// `~`, at least VER..LENGTH + CHKSUM as hex, CR: what encodeRequest produces.
const REQUEST_FRAME = /^~[0-9A-Fa-f]{16,}\r$/;

/** The least wait after a corrupt frame for a good one behind it (the gap may be set lower in tests). */
const MIN_CORRUPT_GRACE_MS = 10;

export class PylonPortLink extends SharedPortLink<PylonPortLinkEvents> {
  readonly stats: PylonLinkStats = { requests: 0, replies: 0, timeouts: 0, badFrames: 0, retries: 0, echoes: 0, ignoredBytes: 0, lateReplies: 0 };

  private readonly splitter = new PylonFrameSplitter();
  private readonly queue: Job[] = [];
  private active: Job | undefined;
  private attempt: Attempt | undefined;
  private waiter: Waiter | undefined;
  /** performance.now() at the end of the last exchange that wrote to the bus. */
  private lastExchangeEnd = -Infinity;

  constructor(options: PylonPortLinkOptions) {
    const config = resolveLinkOptions(options);
    super(options, describeTarget(options), config);
  }

  /** Requests waiting or in flight. */
  get pending(): number {
    return this.queue.length + (this.active && !this.active.done ? 1 : 0);
  }

  /** Requests waiting behind the one in flight (the queue depth). */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Queues a request frame (`~…\r`, from encodeRequest) and resolves with the next frame from its ADR
   * received after it is written, decoded by `options.decode` when given. Rejects with PylonLinkError
   * (code timeout / closed / not_connected / invalid_request), for a corrupt reply after all retries
   * with the codec's PylonFrameError, or with the error `decode` threw.
   */
  request<T = never>(frame: string, options: PylonRequestOptions<T> = {}): Promise<PylonExchange<T>> {
    if (this.closed) return Promise.reject(new PylonLinkError("closed", `the link to ${this.description} is closed`));
    if (typeof frame !== "string" || !REQUEST_FRAME.test(frame)) {
      return Promise.reject(new PylonLinkError("invalid_request", `not a request frame ("~" hex CR): ${JSON.stringify(frame)}`));
    }
    let timeoutMs: number;
    let retries: number;
    try {
      timeoutMs = optionalMs(options.timeoutMs, "timeoutMs", this.config.timeoutMs, 1);
      retries = requireRetries(options.retries, "retries", this.config.retries);
    } catch (err) {
      return Promise.reject(new PylonLinkError("invalid_request", (err as Error).message));
    }
    this.stats.requests++;
    return new Promise<PylonExchange<T>>((resolve, reject) => {
      const job: Job = {
        frame,
        adr: requestAddress(frame),
        decode: options.decode,
        onBadFrames: options.onBadFrames,
        timeoutMs,
        retries,
        done: false,
        resolve: resolve as (exchange: PylonExchange<unknown>) => void,
        reject,
      };
      this.queue.push(job);
      void this.pump();
    });
  }

  /** Rejects every queued request, stops all timers and releases the port. Idempotent. */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    const closedError = () => new PylonLinkError("closed", `the link to ${this.description} was closed`);
    for (const job of [...(this.active ? [this.active] : []), ...this.queue.splice(0)]) settle(job, closedError());
    this.attempt?.finish({ ok: false, error: closedError(), retryable: false });
    this.waiter?.wake();
    return this.shutdown();
  }

  protected attach(transport: PylonTransport): void {
    transport.on("state", (change) => this.onTransportState(transport, change));
    transport.on("data", (chunk) => this.onData(transport, chunk));
  }

  protected onTransportClosing(): void {
    this.attempt?.finish({ ok: false, error: notConnected(`${this.description} was closed`), retryable: false });
    this.waiter?.wake();
    this.splitter.reset();
  }

  private onTransportState(transport: PylonTransport, change: StateChange): void {
    if (transport !== this.transport) return;
    if (change.state === "connected") this.splitter.reset();
    else if (this.attempt) {
      const why = change.detail ?? change.error?.message;
      this.attempt.finish({
        ok: false,
        error: notConnected(`${this.description} went ${change.state} during the request${why ? `: ${why}` : ""}`),
        retryable: false,
      });
    }
    if (this.waiter?.onStateChange) this.waiter.wake();
    this.setState(change);
  }

  private onData(transport: PylonTransport, chunk: Buffer): void {
    if (transport !== this.transport) return;
    const attempt = this.attempt;
    if (!attempt) {
      this.stats.ignoredBytes += chunk.length;
      return;
    }
    clearTimeout(attempt.grace);
    attempt.grace = undefined;
    for (const item of this.splitter.push(chunk)) {
      if (this.attempt !== attempt) return; // answered by an earlier frame of this chunk
      if (item.error) {
        this.noteBadFrames(attempt.job, item.count, item.error);
        attempt.discarded = item.error;
        continue;
      }
      if (item.frame === attempt.job.frame) {
        this.stats.echoes++;
        continue;
      }
      let frame: PylonFrame;
      try {
        frame = parseFrame(item.frame);
      } catch (err) {
        // Junk or a garbled copy may come before the real reply: keep scanning this chunk and the
        // next ones until the timeout, which then reports this frame's cause.
        const error = err instanceof PylonFrameError ? err : new PylonFrameError("framing", String(err), item.frame);
        this.noteBadFrames(attempt.job, 1, error);
        attempt.corrupt = error;
        continue;
      }
      if (frame.adr !== attempt.job.adr) {
        // A slow pack answering an earlier request: not ours, keep waiting for the right one.
        this.stats.lateReplies++;
        continue;
      }
      let decoded: unknown;
      let decodeError: Error | undefined;
      try {
        decoded = attempt.job.decode?.(frame);
      } catch (err) {
        if (isLateReply(err)) {
          // The pack it names is not the one asked (the console port, where every ADR is 1).
          this.stats.lateReplies++;
          continue;
        }
        decodeError = err instanceof Error ? err : new Error(String(err));
      }
      this.stats.replies++;
      this.stats.lastReplyAt = Date.now();
      if (decodeError) attempt.finish({ ok: false, error: decodeError, retryable: false });
      else attempt.finish({ ok: true, frame, raw: item.frame, decoded, elapsedMs: performance.now() - attempt.writtenAt });
    }
    if (this.attempt === attempt && attempt.corrupt && this.splitter.buffered === 0) {
      // A corrupt reply and nothing after it: a good frame right behind it gets about the gap to
      // arrive, then the attempt ends with the corrupt frame's error (and is retried) instead of
      // waiting out the whole timeout. A frame that has begun to arrive is waited for.
      attempt.grace = setTimeout(() => attempt.finish({ ok: false, error: attempt.corrupt as PylonFrameError, retryable: true }), this.corruptGraceMs);
    }
  }

  private get corruptGraceMs(): number {
    return Math.max(this.config.gapMs, MIN_CORRUPT_GRACE_MS);
  }

  private noteBadFrames(job: Job, count: number, error: PylonFrameError): void {
    this.stats.badFrames += count;
    try {
      job.onBadFrames?.(count, error);
    } catch {
      // the caller's report failing must not end the read of the reply
    }
  }

  /** Runs the queue: one job at a time, in order. */
  private async pump(): Promise<void> {
    if (this.active) return;
    while (!this.closed) {
      const job = this.queue.shift();
      if (!job) return;
      this.active = job;
      await this.run(job);
      this.active = undefined;
    }
  }

  private async run(job: Job): Promise<void> {
    for (let attempts = 1; ; attempts++) {
      const outcome = await this.exchange(job);
      if (job.done) return;
      if (outcome.ok) {
        const exchange: PylonExchange<unknown> = { frame: outcome.frame, raw: outcome.raw, elapsedMs: outcome.elapsedMs, attempts };
        if (job.decode) exchange.decoded = outcome.decoded;
        settle(job, exchange);
        return;
      }
      if (!outcome.retryable || attempts > job.retries) {
        settle(job, outcome.error);
        return;
      }
      this.stats.retries++;
    }
  }

  /** One attempt: wait for the port and the gap, write, wait for a frame or the timeout. */
  private async exchange(job: Job): Promise<Outcome> {
    const notReady = await this.waitForConnection(job.timeoutMs);
    if (notReady) return { ok: false, error: notReady, retryable: false };
    await this.sleep(this.lastExchangeEnd + this.config.gapMs - performance.now());
    const transport = this.transport;
    if (job.done || !transport || transport.state !== "connected") {
      return { ok: false, error: this.notConnectedError(), retryable: false };
    }
    return new Promise<Outcome>((resolve) => {
      const attempt: Attempt = {
        job,
        writtenAt: performance.now(),
        timer: undefined,
        grace: undefined,
        finish: (outcome) => {
          if (this.attempt !== attempt) return;
          clearTimeout(attempt.timer);
          clearTimeout(attempt.grace);
          this.attempt = undefined;
          this.lastExchangeEnd = performance.now();
          resolve(outcome);
        },
      };
      attempt.timer = setTimeout(() => {
        if (attempt.corrupt) {
          attempt.finish({ ok: false, error: attempt.corrupt, retryable: true });
          return;
        }
        this.stats.timeouts++;
        const discarded = attempt.discarded ? ` (discarded a bad frame: ${attempt.discarded.message})` : "";
        const error = new PylonLinkError("timeout", `no reply from ${this.description} within ${job.timeoutMs} ms${discarded}`);
        attempt.finish({ ok: false, error, retryable: true });
      }, job.timeoutMs);
      this.splitter.reset(); // whatever arrived before this request is not its reply
      this.attempt = attempt;
      transport.write(Buffer.from(job.frame, "latin1")).catch((err: unknown) => {
        const error = err instanceof PylonLinkError ? err : notConnected(`write failed: ${(err as Error).message}`);
        attempt.finish({ ok: false, error, retryable: false });
      });
    });
  }

  /** Undefined once connected. An open in progress gets up to `timeoutMs`; a port that is down fails at once. */
  private async waitForConnection(timeoutMs: number): Promise<PylonLinkError | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const state = this.transport?.state;
      const left = deadline - performance.now();
      if ((state !== "idle" && state !== "connecting") || left <= 0 || this.closed) break;
      await this.sleep(left, true);
    }
    return this.transport?.state === "connected" ? undefined : this.notConnectedError();
  }

  private notConnectedError(): PylonLinkError {
    if (this.closed) return new PylonLinkError("closed", `the link to ${this.description} was closed`);
    if (!this.transport) return notConnected(`${this.description} is not open (no user registered)`);
    const { state, detail, error } = this.state;
    const why = error?.message ?? detail;
    return notConnected(`${this.description} is ${state === "connected" ? "not ready" : state}${why ? `: ${why}` : ""}`);
  }

  /** A timer that close() can cut short, so no timer outlives the link. */
  private sleep(ms: number, onStateChange = false): Promise<void> {
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        onStateChange,
        wake: () => {
          clearTimeout(timer);
          if (this.waiter === waiter) this.waiter = undefined;
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, ms);
      this.waiter = waiter;
    });
  }

}

function notConnected(message: string): PylonLinkError {
  return new PylonLinkError("not_connected", message);
}

function settle(job: Job, result: PylonExchange<unknown> | Error): void {
  if (job.done) return;
  job.done = true;
  if (result instanceof Error) job.reject(result);
  else job.resolve(result);
}
