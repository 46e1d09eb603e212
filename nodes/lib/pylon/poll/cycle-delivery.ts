// Which poll cycles one pylon-poll node sends: every completed cycle at most once, whoever asked
// for it (an interval tick, an input message, or another node sharing the poller). A tick or a
// message that finds this node already waiting for a cycle is skipped and counted, so a cycle that
// outlasts the interval never turns into repeats. No Node-RED imports.
import type { PollResult, PollTicket } from "./poller";

/** What CycleDelivery needs of a PylonPoller. */
export interface CycleSource {
  recent(now: number, maxAgeMs: number | undefined): PollResult | undefined;
  start(now: number): PollTicket;
}

export type CycleOutcome = { result: PollResult; error?: undefined } | { result?: undefined; error: unknown };

export class CycleDelivery<Input> {
  /** Interval ticks that came while this node waited for a cycle. */
  skippedTicks = 0;
  /** Input messages that came while the awaited cycle already answered another message. */
  skippedInputs = 0;
  /** The highest cycle number delivered. */
  private sent = 0;
  /** The cycle this node waits for, and the message it answers (none for a tick). */
  private claim: { cycle: number; input?: Input } | undefined;

  constructor(
    private readonly source: CycleSource,
    private readonly deliver: (outcome: CycleOutcome, input: Input | undefined) => void,
  ) {}

  get skipped(): number {
    return this.skippedTicks + this.skippedInputs;
  }

  /** Whether a cycle is awaited. */
  get waiting(): boolean {
    return this.claim !== undefined;
  }

  /**
   * An interval tick: a cycle another node finished within `maxAgeMs` and this one has not sent
   * yet is delivered at once; otherwise the running cycle is joined or a new one started.
   */
  tick(now: number, maxAgeMs: number): "sent" | "waiting" | "skipped" {
    if (this.claim) {
      this.skippedTicks++;
      return "skipped";
    }
    const recent = this.source.recent(now, maxAgeMs);
    if (recent && recent.cycle > this.sent) {
      this.sent = recent.cycle;
      this.deliver({ result: recent }, undefined);
      return "sent";
    }
    this.await(this.source.start(now));
    return "waiting";
  }

  /**
   * An input message: answered by the cycle this node already waits for (a tick's cycle then
   * carries the message), else by the running cycle or a new one. A second message while the
   * awaited cycle already answers one is skipped: the same cycle never goes out twice.
   */
  input(input: Input, now: number): "waiting" | "skipped" {
    if (this.claim?.input !== undefined) {
      this.skippedInputs++;
      return "skipped";
    }
    if (this.claim) {
      this.claim.input = input;
      return "waiting";
    }
    this.await(this.source.start(now), input);
    return "waiting";
  }

  private await(ticket: PollTicket, input?: Input): void {
    const claim = { cycle: ticket.cycle, input };
    this.claim = claim;
    ticket.result.then(
      (result) => this.finish(claim, { result }),
      (error: unknown) => this.finish(claim, { error }),
    );
  }

  private finish(claim: { cycle: number; input?: Input }, outcome: CycleOutcome): void {
    if (this.claim === claim) this.claim = undefined;
    this.sent = Math.max(this.sent, claim.cycle);
    this.deliver(outcome, claim.input);
  }
}
