// One request in flight per dongle connection, shared by every lxp-request node and the CLI. A task
// (one command: a read, or read-modify-write + read-back) runs alone, so two read-modify-writes of
// register 21 cannot interleave. Replies are picked out of everything the dongle sends by match.ts.
// The queue is bounded (a full queue refuses at once) and every task has a deadline from the moment
// its place is taken: one still waiting then fails unsent, and no write frame of a task goes out past
// it (first send, retry or resend after a reconnect), so no stale write reaches the inverter later.
import type { DecodedMessage, RequestChannel } from "./types";
import { classifyFrame, describeMismatch, Expectation } from "./match";
import { LxpRequestError } from "./request-error";
import { isWriteFrame } from "./write-frame";
import type { StateChange } from "../../common/transport";

export interface LxpExchange {
  frame: Buffer;
  expect: Expectation;
  /** For messages: "read hold 12 ×3". */
  description: string;
  /** Reply timeout per attempt. */
  timeoutMs: number;
  /** Extra attempts after a timeout. */
  retries: number;
}

export type ExchangeFn = (exchange: LxpExchange) => Promise<DecodedMessage>;

export interface RequesterStats {
  exchanges: number;
  replies: number;
  exceptions: number;
  timeouts: number;
  retries: number;
  /** Frames seen while waiting that were not our reply (cloud traffic, broadcasts, misrouted replies). */
  ignored: number;
  /** Tasks taken into the queue. */
  queued: number;
  /** Tasks that were still waiting at their deadline: failed unsent. */
  expired: number;
  /** Tasks refused because the queue was full: failed unsent. */
  overflow: number;
}

export type Task<T> = (exchange: ExchangeFn) => Promise<T>;

export interface QueueOptions {
  /**
   * The task's deadline, counted from the moment its place was taken: a task still waiting then fails
   * as "expired", unsent, and none of its write frames is sent after it (its reads still are).
   */
  maxWaitMs: number;
  /** For messages, e.g. the command "set/ac_charge". */
  description: string;
  /** Aborted when the requesting node closes: a waiting task leaves the queue unsent. */
  signal?: AbortSignal;
}

/**
 * A place in the queue, taken when a request arrives (before its serials are known, so requests
 * waiting for them count too). Use it once: run() queues the task, release() gives the place back.
 */
export interface QueuePlace {
  run<T>(task: Task<T>, options: QueueOptions): Promise<T>;
  release(): void;
}

/** Requests waiting or running per dongle when the configuration says nothing. */
export const DEFAULT_QUEUE_LIMIT = 50;
/** The deadline of a task queued without one: the default timeout × (retries + 1). */
export const DEFAULT_MAX_WAIT_MS = 20_000;
/** setTimeout fires at once for longer delays. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** When a task must have sent its last write frame, and what to say when it has not. */
interface Due {
  /** In the requester's clock. */
  readonly at: number;
  readonly maxWaitMs: number;
  readonly description: string;
}

interface Waiting {
  readonly deadline: number;
  start(): void;
  fail(error: LxpRequestError): void;
  expire(): void;
}

interface InFlight {
  expect: Expectation;
  settle: (verdict: "reply" | "exception", decoded: DecodedMessage) => void;
  /** The last frame that matched all but the count or value (reported if nothing better comes). */
  mismatch?: DecodedMessage;
}

const isUp = (state: string): boolean => state === "connected" || state === "listening";
const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;
const times = (n: number): string => (n === 1 ? "once" : `${n} times`);

export class LxpRequester {
  readonly stats: RequesterStats = { exchanges: 0, replies: 0, exceptions: 0, timeouts: 0, retries: 0, ignored: 0, queued: 0, expired: 0, overflow: 0 };
  /** Tasks waiting for their turn, oldest first. */
  private readonly waiting: Waiting[] = [];
  private running = false;
  /** Places taken but not yet run or released. */
  private reserved = 0;
  private inFlight: InFlight | undefined;
  private closed = false;
  private readonly cancels = new Set<(error: LxpRequestError) => void>();

  /** `limit`: the most tasks waiting or running (places taken included) before new ones are refused; `now`: the clock deadlines use. */
  constructor(
    private readonly link: RequestChannel,
    readonly limit = DEFAULT_QUEUE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {
    link.on("message", (decoded) => this.onMessage(decoded));
  }

  /** Tasks waiting or running, and places taken. */
  get pending(): number {
    return this.reserved + this.waiting.length + (this.running ? 1 : 0);
  }

  /** Takes a place in the queue; throws LxpRequestError "overflow" when the queue is full. */
  reserve(description: string): QueuePlace {
    if (this.closed) throw this.closedError();
    if (this.pending >= this.limit) {
      this.stats.overflow++;
      throw new LxpRequestError(
        "overflow",
        `${description}: not sent: ${plural(this.limit, "request")} for the dongle at ${this.link.description} are already waiting or running (the queue limit of the lxp-dongle configuration)`,
      );
    }
    this.reserved++;
    const reservedAt = this.now();
    let open = true;
    const take = (): boolean => {
      if (!open) return false;
      open = false;
      this.reserved--;
      return true;
    };
    return {
      run: <T>(task: Task<T>, options: QueueOptions): Promise<T> => {
        if (!take()) return Promise.reject(new Error("a queue place was used twice"));
        return this.enqueue(task, options, reservedAt);
      },
      release: () => void take(),
    };
  }

  /** Queues `task` to run after every earlier task has finished; it may make several exchanges. */
  run<T>(task: Task<T>, options: QueueOptions = { maxWaitMs: DEFAULT_MAX_WAIT_MS, description: "request" }): Promise<T> {
    try {
      return this.reserve(options.description).run(task, options);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** Fails what is in flight and everything queued. */
  close(): void {
    this.closed = true;
    const error = this.closedError();
    for (const task of this.waiting.splice(0)) task.fail(error);
    for (const cancel of [...this.cancels]) cancel(error);
  }

  private closedError(): LxpRequestError {
    return new LxpRequestError("closed", "the dongle connection was closed");
  }

  private enqueue<T>(task: Task<T>, options: QueueOptions, reservedAt: number): Promise<T> {
    if (this.closed) return Promise.reject(this.closedError());
    const { description, signal } = options;
    const nodeClosed = (): LxpRequestError => new LxpRequestError("closed", `${description}: the lxp-request node was closed (not sent)`);
    if (signal?.aborted) return Promise.reject(nodeClosed());
    return new Promise<T>((resolve, reject) => {
      const deadline = reservedAt + options.maxWaitMs;
      const due: Due = { at: deadline, maxWaitMs: options.maxWaitMs, description };
      const leave = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const k = this.waiting.indexOf(entry);
        if (k >= 0) this.waiting.splice(k, 1);
      };
      const entry: Waiting = {
        deadline,
        start: () => {
          leave();
          this.execute(task, due, resolve, reject);
        },
        fail: (error) => {
          leave();
          reject(error);
        },
        expire: () => {
          this.stats.expired++;
          const waited = `${options.maxWaitMs / 1000} s`;
          entry.fail(new LxpRequestError("expired", `${description}: not sent: still waiting for its turn after ${waited} (its deadline: timeout × (retries + 1))`));
        },
      };
      const onAbort = (): void => entry.fail(nodeClosed());
      const timer = setTimeout(() => {
        entry.expire();
        this.pump();
      }, Math.min(Math.max(0, deadline - this.now()), MAX_TIMER_MS));
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(entry);
      this.stats.queued++;
      this.pump();
    });
  }

  /** Starts the next task when none is running; a task whose deadline passed is failed, never started late. */
  private pump(): void {
    while (!this.running && !this.closed && this.waiting.length > 0) {
      const next = this.waiting[0];
      if (this.now() >= next.deadline) next.expire();
      else next.start();
    }
  }

  private execute<T>(task: Task<T>, due: Due, resolve: (value: T) => void, reject: (error: unknown) => void): void {
    this.running = true;
    let result: Promise<T>;
    try {
      result = task((exchange) => this.exchange(exchange, due));
    } catch (err) {
      result = Promise.reject(err as Error);
    }
    // The queue moves on before the caller hears the outcome, so `pending` is already right then.
    const next = (): void => {
      this.running = false;
      this.pump();
    };
    result.then(
      (value) => {
        next();
        resolve(value);
      },
      (err: unknown) => {
        next();
        reject(err);
      },
    );
  }

  private onMessage(decoded: DecodedMessage): void {
    const current = this.inFlight;
    if (!current) return;
    const verdict = classifyFrame(current.expect, decoded.frame, this.link.sendsDirectionZeroReplies(decoded.frame.datalog));
    if (verdict === "other" || verdict === "mismatch") {
      this.stats.ignored++;
      if (verdict === "mismatch") current.mismatch = decoded;
    } else current.settle(verdict, decoded);
  }

  private exchange(ex: LxpExchange, due: Due): Promise<DecodedMessage> {
    if (this.closed) return Promise.reject(new LxpRequestError("closed", "the dongle connection was closed"));
    this.stats.exchanges++;
    const changesSomething = isWriteFrame(ex.frame);
    return new Promise<DecodedMessage>((resolve, reject) => {
      let attempts = 0;
      /** Times the frame was handed to the transport. */
      let sent = 0;
      let lastWriteFailed = false;
      /** Unsent bytes that held back the last attempt of a write frame (0: it was not held back). */
      let stalledBytes = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onState = (change: StateChange): void => {
        if (!lastWriteFailed) return;
        // Written while the connection was down: send again as soon as it is up, or give up when
        // the connect attempt fails (the transport keeps retrying in the background).
        if (isUp(change.state)) write();
        else if (change.state === "disconnected" && change.connectFailed) failUnreachable();
      };
      /** "not sent" or "sent 2 times without a reply, not sent again", for a frame held back now. */
      const heldBack = (): string => (sent === 0 ? "not sent" : `sent ${times(sent)} without a reply, not sent again`);
      const finish = (error: LxpRequestError | undefined, decoded?: DecodedMessage): void => {
        if (timer) clearTimeout(timer);
        this.link.off("state", onState);
        this.cancels.delete(cancel);
        this.inFlight = undefined;
        if (error) reject(error);
        else resolve(decoded as DecodedMessage);
      };
      const cancel = (error: LxpRequestError): void => finish(error);
      /**
       * Hands the frame to the link. A write frame is refused past the task's deadline (the exchange
       * then fails as "expired"; false is returned) and while the connection still holds unsent bytes
       * (it would only queue behind a stall and arrive late).
       */
      const write = (): boolean => {
        stalledBytes = 0;
        if (changesSomething) {
          if (this.now() >= due.at) {
            this.stats.expired++;
            const late = `past the deadline of ${due.description}, ${due.maxWaitMs / 1000} s after it was queued (timeout × (retries + 1))`;
            finish(new LxpRequestError("expired", `${ex.description}: ${heldBack()}: ${late}`));
            return false;
          }
          stalledBytes = this.link.unsentBytes();
          if (stalledBytes > 0) {
            lastWriteFailed = true;
            return true;
          }
        }
        lastWriteFailed = !this.link.write(ex.frame);
        if (!lastWriteFailed) sent++;
        return true;
      };
      /** True when it failed the exchange because the dongle cannot be reached. */
      const failUnreachable = (): boolean => {
        const unreachable = this.link.connectionError();
        if (unreachable) finish(new LxpRequestError("not_connected", `${ex.description}: ${unreachable.message}`));
        return unreachable !== undefined;
      };
      const attempt = (): void => {
        attempts++;
        if (attempts > 1) this.stats.retries++;
        if (!write()) return;
        if (lastWriteFailed && stalledBytes === 0 && failUnreachable()) return;
        timer = setTimeout(onTimeout, ex.timeoutMs);
      };
      const onTimeout = (): void => {
        this.stats.timeouts++;
        if (attempts <= ex.retries) return attempt();
        const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
        const near = this.inFlight?.mismatch;
        if (near) {
          finish(new LxpRequestError("verify", `${ex.description}: ${describeMismatch(ex.expect, near.frame)}`, near));
        } else if (stalledBytes > 0) {
          const stall = `${plural(stalledBytes, "byte")} to the dongle at ${this.link.description} have not gone out yet (a stalled connection)`;
          finish(new LxpRequestError("not_connected", `${ex.description}: ${heldBack()}: ${stall} (${tries})`));
        } else if (lastWriteFailed) {
          finish(new LxpRequestError("not_connected", `${ex.description}: not connected to the dongle at ${this.link.description} (${tries})`));
        } else {
          const wait = `${ex.timeoutMs / 1000} s`;
          finish(new LxpRequestError("timeout", `${ex.description}: no reply from datalog ${ex.expect.datalog} within ${wait} (${tries})`));
        }
      };
      this.inFlight = {
        expect: ex.expect,
        settle: (verdict, decoded) => {
          if (verdict === "reply") {
            this.stats.replies++;
            return finish(undefined, decoded);
          }
          this.stats.exceptions++;
          const p = decoded.msg.payload;
          const why = `exception ${String(p.exception_code)} (${String(p.exception_text)})`;
          finish(new LxpRequestError("exception", `${ex.description}: the inverter refused it with ${why}`, decoded));
        },
      };
      this.cancels.add(cancel);
      this.link.on("state", onState);
      attempt();
    });
  }
}
