// What pylon-poll, CycleDelivery, PollerPool and `lxp-pylon poll pylon` use of a poller, whichever
// port mode it reads (binary PylonPoller, text ConsolePoller). No Node-RED imports.
import type { PollResult, PollTicket } from "./poll-result";

export interface PackPoller {
  /** Options asked for that this port cannot serve, one line each. */
  readonly unavailableOptions: string[];
  /** Pack numbers found so far (1 = first pack). */
  readonly packs: readonly number[];
  /** The cycle running now, if any. */
  readonly running: PollTicket | undefined;
  /** Runs one cycle, joins the running one, or returns one at most `maxAgeMs` old. */
  poll(now?: number, options?: { maxAgeMs?: number }): Promise<PollResult>;
  /** Joins the running cycle, or starts one. */
  start(now?: number): PollTicket;
  /** The last completed cycle when none runs and it is at most `maxAgeMs` old. */
  recent(now: number, maxAgeMs: number | undefined): PollResult | undefined;
  /** Forgets discovery, identity and the last result (the port reconnected). */
  reset(): void;
  /** Ends the poller: a running cycle stops before its next request. */
  stop(): void;
}
