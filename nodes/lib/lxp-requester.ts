// One request in flight per dongle connection, shared by every lxp-request node and the CLI. A task
// (one command: a read, or read-modify-write + read-back) runs alone, so two read-modify-writes of
// register 21 cannot interleave. Replies are picked out of everything the dongle sends by lxp-match.
import type { DecodedMessage, DongleLink } from "./dongle-link";
import { classifyFrame, describeMismatch, Expectation } from "./lxp-match";
import { LxpRequestError } from "./lxp-request-error";
import type { StateChange } from "./transport";

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
}

interface InFlight {
  expect: Expectation;
  settle: (verdict: "reply" | "exception", decoded: DecodedMessage) => void;
  /** The last frame that matched all but the count or value (reported if nothing better comes). */
  mismatch?: DecodedMessage;
}

const isUp = (state: string): boolean => state === "connected" || state === "listening";

export class LxpRequester {
  readonly stats: RequesterStats = { exchanges: 0, replies: 0, exceptions: 0, timeouts: 0, retries: 0, ignored: 0 };
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private inFlight: InFlight | undefined;
  private closed = false;
  private readonly cancels = new Set<(error: LxpRequestError) => void>();

  constructor(private readonly link: DongleLink) {
    link.on("message", (decoded) => this.onMessage(decoded));
  }

  /** Tasks waiting or running. */
  get pending(): number {
    return this.queued;
  }

  /** Runs `task` after every earlier task has finished; it may make several exchanges. */
  run<T>(task: (exchange: ExchangeFn) => Promise<T>): Promise<T> {
    this.queued++;
    const result = this.tail.then(() => {
      if (this.closed) throw new LxpRequestError("closed", "the dongle connection was closed");
      return task((exchange) => this.exchange(exchange));
    });
    this.tail = result.then(
      () => this.queued--,
      () => this.queued--,
    );
    return result;
  }

  /** Fails what is in flight and everything queued. */
  close(): void {
    this.closed = true;
    const error = new LxpRequestError("closed", "the dongle connection was closed");
    for (const cancel of [...this.cancels]) cancel(error);
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

  private exchange(ex: LxpExchange): Promise<DecodedMessage> {
    if (this.closed) return Promise.reject(new LxpRequestError("closed", "the dongle connection was closed"));
    this.stats.exchanges++;
    return new Promise<DecodedMessage>((resolve, reject) => {
      let attempts = 0;
      let lastWriteFailed = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onState = (change: StateChange): void => {
        if (!lastWriteFailed) return;
        // Written while the connection was down: send again as soon as it is up, or give up when
        // the connect attempt fails (the transport keeps retrying in the background).
        if (isUp(change.state)) write();
        else if (change.state === "disconnected" && change.connectFailed) failUnreachable();
      };
      const finish = (error: LxpRequestError | undefined, decoded?: DecodedMessage): void => {
        if (timer) clearTimeout(timer);
        this.link.off("state", onState);
        this.cancels.delete(cancel);
        this.inFlight = undefined;
        if (error) reject(error);
        else resolve(decoded as DecodedMessage);
      };
      const cancel = (error: LxpRequestError): void => finish(error);
      const write = (): void => {
        lastWriteFailed = !this.link.write(ex.frame);
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
        write();
        if (lastWriteFailed && failUnreachable()) return;
        timer = setTimeout(onTimeout, ex.timeoutMs);
      };
      const onTimeout = (): void => {
        this.stats.timeouts++;
        if (attempts <= ex.retries) return attempt();
        const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
        const near = this.inFlight?.mismatch;
        if (near) {
          finish(new LxpRequestError("verify", `${ex.description}: ${describeMismatch(ex.expect, near.frame)}`, near));
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
