// The console port's text shell (pylon-protocol.md §7.2) as a link: wakes the console, then sends
// one command line at a time and resolves with its transcript. Same node-facing surface as
// PylonPortLink (state events, users, stats, idle close, openAfter), so the nodes only pick the class.
import { performance } from "node:perf_hooks";
import { blankValue } from "../../common/config-schema";
import { Backoff } from "../../common/transport/backoff";
import { optionalMs } from "../../common/transport/validate";
import type { ConsoleCommandOptions, ConsoleExchange, ConsoleRequester } from "./console-types";
import { ConsoleOutputReader, type OutputStep, trailingPrompt } from "./console-output";
import { wakeConsole, type WakePort } from "./console-wakeup";
import { PylonLinkError } from "./link-error";
import {
  describeTarget,
  type PylonPortLinkOptions,
  requireRetries,
  resolveLinkOptions,
} from "./link-options";
import type { PylonPortLinkEvents } from "./port-link";
import { SharedPortLink } from "./shared-port";
import type { PylonTransport, StateChange } from "./types";

export interface ConsoleLinkStats {
  /** Commands accepted into the queue. */
  requests: number;
  /** Complete transcripts received. */
  replies: number;
  /** Attempts that timed out. */
  timeouts: number;
  /** Cut-off or overlong transcripts. */
  badFrames: number;
  retries: number;
  /** Bytes received while no command and no wake-up was waiting (junk, a late tail). */
  ignoredBytes: number;
  /** "Press [Enter]" prompts answered. */
  pages: number;
  /** Wake-up sequences (the 1200-baud frame) sent. */
  wakeUps: number;
  /** Date.now() of the last complete transcript. */
  lastReplyAt?: number;
}

/** Commands the console link accepts: `pwr`, `bat 2`, `info 12`. */
export const CONSOLE_COMMAND_LINE = /^[a-z]+( \d{1,2})?$/;
/** Commands waiting behind the one in flight before new ones are refused. */
export const CONSOLE_QUEUE_LIMIT = 32;
/** One transcript's bound: `stat` of 16 packs is ~60 kB; beyond this the pack is not a console. */
export const CONSOLE_MAX_OUTPUT_BYTES = 256 * 1024;
/** "Press [Enter]" prompts answered per command (bat of 16 cells pages once or twice). */
export const CONSOLE_MAX_PAGES = 32;
/** Default time for one command's whole output, paging included. */
export const CONSOLE_DEFAULT_TIMEOUT_MS = blankValue("pylon-port", "timeout", { mode: "console" });
const WAKE_RETRY_MAX_MS = 60_000;
const WAKE_SWITCH_MS = 300;
/** Quiet time after a partial "Press [Enter]" line before it is answered anyway. */
const PAGING_QUIET_MS = 100;

type Timer = ReturnType<typeof setTimeout>;

interface Job {
  line: string;
  timeoutMs: number;
  retries: number;
  done: boolean;
  resolve: (exchange: ConsoleExchange) => void;
  reject: (error: Error) => void;
}

type Outcome = { ok: true; text: string; elapsedMs: number } | { ok: false; error: Error; retryable: boolean };

interface Attempt {
  reader: ConsoleOutputReader;
  writtenAt: number;
  timer: Timer | undefined;
  /** Answers a paging prompt printed only in part, once the line stays quiet. */
  pagingTimer: Timer | undefined;
  finish: (outcome: Outcome) => void;
}

interface PromptWaiter {
  buffer: string;
  resolve: (seen: boolean) => void;
}

export class PylonConsoleLink extends SharedPortLink<PylonPortLinkEvents> implements ConsoleRequester {
  readonly stats: ConsoleLinkStats = { requests: 0, replies: 0, timeouts: 0, badFrames: 0, retries: 0, ignoredBytes: 0, pages: 0, wakeUps: 0 };

  private readonly wakeBackoff: Backoff;
  private readonly queue: Job[] = [];
  private active: Job | undefined;
  private attempt: Attempt | undefined;
  /** The console answered with a prompt since the transport last connected. */
  private awake = false;
  /** Bumped whenever a running wake-up must stop (transport change, close). */
  private wakeGeneration = 0;
  private waking = false;
  private wakeTimer: Timer | undefined;
  private promptWaiter: PromptWaiter | undefined;
  /** After an overlong output: input is dropped until the next prompt. */
  private draining = false;
  /** While draining: the last characters read, so a prompt split across chunks is still seen. */
  private drainTail = "";
  private lastExchangeEnd = -Infinity;
  private readonly wakers = new Set<() => void>();
  private prompt: string | undefined;

  constructor(options: PylonPortLinkOptions) {
    const config = resolveLinkOptions({ ...options, timeoutMs: options?.timeoutMs ?? CONSOLE_DEFAULT_TIMEOUT_MS });
    super(options, `${describeTarget(options)} (console)`, config);
    const reconnectMs = options.reconnectMs ?? 2_000;
    this.wakeBackoff = new Backoff(reconnectMs, Math.max(reconnectMs, WAKE_RETRY_MAX_MS));
  }

  get pending(): number {
    return this.queue.length + (this.active && !this.active.done ? 1 : 0);
  }

  get queued(): number {
    return this.queue.length;
  }

  /** The prompt the console last showed ("pylon", "pylon_debug", "PYTES"), once awake. */
  get promptName(): string | undefined {
    return this.prompt;
  }

  command(line: string, options: ConsoleCommandOptions = {}): Promise<ConsoleExchange> {
    if (this.closed) return Promise.reject(new PylonLinkError("closed", `the link to ${this.description} is closed`));
    if (typeof line !== "string" || !CONSOLE_COMMAND_LINE.test(line)) {
      return Promise.reject(new PylonLinkError("invalid_request", `not a console command ("pwr", "bat 2"): ${JSON.stringify(line)}`));
    }
    if (this.queue.length >= CONSOLE_QUEUE_LIMIT) {
      return Promise.reject(new PylonLinkError("queue_full", `${CONSOLE_QUEUE_LIMIT} console commands already wait for ${this.description}`));
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
    return new Promise<ConsoleExchange>((resolve, reject) => {
      this.queue.push({ line, timeoutMs, retries, done: false, resolve, reject });
      void this.pump();
    });
  }

  /** Rejects every queued command, stops all timers and releases the port. Idempotent. */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    const closedError = () => new PylonLinkError("closed", `the link to ${this.description} was closed`);
    for (const job of [...(this.active ? [this.active] : []), ...this.queue.splice(0)]) settle(job, closedError());
    this.attempt?.finish({ ok: false, error: closedError(), retryable: false });
    const closed = this.shutdown();
    this.wakeAll();
    return closed;
  }

  protected attach(transport: PylonTransport): void {
    transport.on("state", (change) => this.onTransportState(transport, change));
    transport.on("data", (chunk) => this.onData(transport, chunk));
  }

  protected onTransportClosing(): void {
    this.stopWaking();
    this.attempt?.finish({ ok: false, error: notConnected(`${this.description} was closed`), retryable: false });
    this.wakeAll();
  }

  private onTransportState(transport: PylonTransport, change: StateChange): void {
    if (transport !== this.transport) return;
    this.stopWaking();
    if (change.state === "connected") {
      void this.wake(transport);
      return;
    }
    if (this.attempt) {
      const why = change.detail ?? change.error?.message;
      this.attempt.finish({
        ok: false,
        error: notConnected(`${this.description} went ${change.state} during the command${why ? `: ${why}` : ""}`),
        retryable: false,
      });
    }
    this.setState(change);
    this.wakeAll();
  }

  /** Ends a running wake-up and forgets that the console was awake. */
  private stopWaking(): void {
    this.wakeGeneration++;
    this.awake = false;
    this.waking = false;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.promptWaiter?.resolve(false);
  }

  /**
   * `again`: the console was awake and a command went unanswered. While only the prompt is probed
   * the state stays "connected"; if the prompt answers at once nothing changes (the console was just
   * slow), so users do not take it for a reconnect (pylon-poll resets its poller on one).
   */
  private async wake(transport: PylonTransport, again = false): Promise<void> {
    const generation = ++this.wakeGeneration;
    const current = () => generation === this.wakeGeneration && this.transport === transport && !this.closed;
    this.waking = true;
    this.draining = false;
    let result;
    try {
      result = await wakeConsole(this.wakePort(transport, current, again), { promptMs: this.config.timeoutMs, switchMs: WAKE_SWITCH_MS });
    } catch (err) {
      result = { awake: false as const, why: (err as Error).message };
    }
    if (!current()) return;
    this.waking = false;
    if (result.awake) {
      this.awake = true;
      this.wakeBackoff.reset();
      const woke = result.woken ? ", woken at 1200 baud" : "";
      if (again && !result.woken && this.state.state === "connected") {
        this.wakeAll();
        return;
      }
      this.setState({ state: "connected", detail: `console ${this.prompt ?? "pylon"}> at ${this.speedText(transport)}${woke}` });
    } else {
      const retryInMs = this.wakeBackoff.next();
      const error = notConnected(`${this.description}: console asleep (${result.why})`);
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = undefined;
        if (current()) void this.wake(transport);
      }, retryInMs);
      this.setState({ state: "disconnected", error, detail: error.message, retryInMs });
    }
    this.wakeAll();
  }

  private speedText(transport: PylonTransport): string {
    return transport.kind === "serial" ? "115200 baud" : "the gateway's speed";
  }

  private wakePort(transport: PylonTransport, current: () => boolean, again = false): WakePort {
    let probing = again; // the first step only sends CR: not worth a "connecting" on an awake console
    return {
      kind: transport.kind,
      write: async (text) => {
        if (!current()) return;
        if (text.startsWith("~")) this.stats.wakeUps++;
        await transport.write(Buffer.from(text, "latin1"));
      },
      setBaudRate: async (rate) => {
        if (current()) await transport.setBaudRate?.(rate);
      },
      waitForPrompt: (ms) => {
        if (!current()) return Promise.resolve(false);
        this.promptWaiter?.resolve(false);
        return new Promise<boolean>((resolve) => {
          const waiter: PromptWaiter = {
            buffer: "",
            resolve: (seen) => {
              clearTimeout(timer);
              if (this.promptWaiter === waiter) this.promptWaiter = undefined;
              resolve(seen);
            },
          };
          const timer = setTimeout(() => waiter.resolve(false), ms);
          this.promptWaiter = waiter;
        });
      },
      sleep: (ms) => (current() ? this.sleep(ms) : Promise.resolve()),
      step: (detail) => {
        if (probing) {
          probing = false;
          return;
        }
        if (current()) this.setState({ state: "connecting", detail: `${this.description}: ${detail}` });
      },
    };
  }

  private onData(transport: PylonTransport, chunk: Buffer): void {
    if (transport !== this.transport) return;
    try {
      this.read(chunk.toString("latin1"), chunk.length);
    } catch {
      // never throw into the transport; a reader bug costs this chunk only
      this.stats.ignoredBytes += chunk.length;
    }
  }

  private read(text: string, bytes: number): void {
    const waiter = this.promptWaiter;
    if (waiter) {
      waiter.buffer = (waiter.buffer + text).slice(-256);
      const prompt = trailingPrompt(waiter.buffer);
      if (prompt) {
        this.prompt = prompt;
        waiter.resolve(true);
      }
      return;
    }
    if (this.draining) {
      // the rest of an overlong output, up to its prompt
      this.stats.ignoredBytes += bytes;
      this.drainTail = (this.drainTail + text).slice(-256);
      if (trailingPrompt(this.drainTail)) {
        this.draining = false;
        this.drainTail = "";
      }
      return;
    }
    const attempt = this.attempt;
    if (!attempt) {
      this.stats.ignoredBytes += bytes;
      return;
    }
    clearTimeout(attempt.pagingTimer);
    attempt.pagingTimer = undefined;
    this.onStep(attempt, attempt.reader.push(text), text);
  }

  private onStep(attempt: Attempt, step: OutputStep, text: string): void {
    switch (step.kind) {
      case "more":
        if (attempt.reader.pausedAtPaging) {
          attempt.pagingTimer = setTimeout(() => {
            if (this.attempt === attempt) this.onStep(attempt, attempt.reader.page(), "");
          }, Math.max(this.config.gapMs, PAGING_QUIET_MS));
        }
        return;
      case "page":
        this.stats.pages++;
        this.transport?.write(Buffer.from("\r", "latin1")).catch(noop);
        return;
      case "done":
        this.prompt = trailingPrompt(text) ?? this.prompt;
        this.stats.replies++;
        this.stats.lastReplyAt = Date.now();
        attempt.finish({ ok: true, text: step.text, elapsedMs: performance.now() - attempt.writtenAt });
        return;
      case "cut_off":
        this.stats.badFrames++;
        attempt.finish({ ok: false, error: new PylonLinkError("cut_off", `the output of "${attempt.reader.command}" was cut off by a prompt before its "$$" line`), retryable: true });
        return;
      case "too_long":
        this.stats.badFrames++;
        this.draining = true;
        this.drainTail = "";
        attempt.finish({ ok: false, error: new PylonLinkError("too_long", `the output of "${attempt.reader.command}" has ${step.what}`), retryable: false });
        return;
    }
  }

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
        settle(job, { text: outcome.text, elapsedMs: outcome.elapsedMs, attempts });
        return;
      }
      if (!outcome.retryable || attempts > job.retries) {
        settle(job, outcome.error);
        // A console silent through every attempt may have gone back to sleep (a pack restart).
        if (outcome.error instanceof PylonLinkError && outcome.error.code === "timeout") this.rewake();
        return;
      }
      this.stats.retries++;
    }
  }

  private rewake(): void {
    const transport = this.transport;
    if (!transport || transport.state !== "connected" || this.closed || this.waking) return;
    this.stopWaking();
    void this.wake(transport, true);
  }

  private async exchange(job: Job): Promise<Outcome> {
    const notReady = await this.waitForConsole(job.timeoutMs);
    if (notReady) return { ok: false, error: notReady, retryable: false };
    await this.sleep(this.lastExchangeEnd + this.config.gapMs - performance.now());
    const transport = this.transport;
    if (job.done || !transport || !this.awake || this.waking) return { ok: false, error: this.notReadyError(), retryable: false };
    return new Promise<Outcome>((resolve) => {
      const attempt: Attempt = {
        reader: new ConsoleOutputReader(job.line, { maxBytes: CONSOLE_MAX_OUTPUT_BYTES, maxPages: CONSOLE_MAX_PAGES }),
        writtenAt: performance.now(),
        timer: undefined,
        pagingTimer: undefined,
        finish: (outcome) => {
          if (this.attempt !== attempt) return;
          clearTimeout(attempt.timer);
          clearTimeout(attempt.pagingTimer);
          this.attempt = undefined;
          this.lastExchangeEnd = performance.now();
          resolve(outcome);
        },
      };
      attempt.timer = setTimeout(() => {
        this.stats.timeouts++;
        const got = attempt.reader.length > 0 ? ` (${attempt.reader.length} bytes without the end of the output)` : "";
        attempt.finish({ ok: false, error: new PylonLinkError("timeout", `no complete answer to "${job.line}" from ${this.description} within ${job.timeoutMs} ms${got}`), retryable: true });
      }, job.timeoutMs);
      this.attempt = attempt;
      transport.write(Buffer.from(`${job.line}\r`, "latin1")).catch((err: unknown) => {
        const error = err instanceof PylonLinkError ? err : notConnected(`write failed: ${(err as Error).message}`);
        attempt.finish({ ok: false, error, retryable: false });
      });
    });
  }

  /**
   * Undefined once the console is awake. While the port opens or the console wakes, waits up to
   * `timeoutMs` plus what a whole wake-up may take (two prompt waits and the baud switch).
   */
  private async waitForConsole(timeoutMs: number): Promise<PylonLinkError | undefined> {
    const deadline = performance.now() + timeoutMs + 2 * this.config.timeoutMs + WAKE_SWITCH_MS;
    for (;;) {
      if (this.closed || this.awake) break;
      const state = this.transport?.state;
      const opening = state === "idle" || state === "connecting" || (state === "connected" && this.waking);
      const left = deadline - performance.now();
      if (!opening || left <= 0) break;
      await this.sleep(left);
    }
    return this.awake && !this.closed ? undefined : this.notReadyError();
  }

  private notReadyError(): PylonLinkError {
    if (this.closed) return new PylonLinkError("closed", `the link to ${this.description} was closed`);
    if (!this.transport) return notConnected(`${this.description} is not open (no user registered)`);
    const { state, detail, error } = this.state;
    const why = error?.message ?? detail;
    return notConnected(`${this.description} is ${state === "connected" ? "not ready" : state}${why ? `: ${why}` : ""}`);
  }

  /** A timer that state changes and close() cut short (the waits re-check their condition). */
  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }

}

function noop(): void {}

function notConnected(message: string): PylonLinkError {
  return new PylonLinkError("not_connected", message);
}

function settle(job: Job, result: ConsoleExchange | Error): void {
  if (job.done) return;
  job.done = true;
  if (result instanceof Error) job.reject(result);
  else job.resolve(result);
}
