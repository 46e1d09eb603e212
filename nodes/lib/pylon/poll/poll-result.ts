// What one poll cycle yields, whichever poller ran it (PylonPoller, ConsolePoller): the message of
// docs/pylon-payloads.md and the cycle's bookkeeping. Types only.
import type { PylonFrameError, PylonPack, PylonStack, PylonSystem } from "../codec";

export interface PollError {
  address: number;
  command: string;
  error: string;
}

export interface PollPayload {
  stack: PylonStack;
  packs: PylonPack[];
  errors: PollError[];
  /** With the `system` option: the group's V3.5 values. */
  system?: PylonSystem;
}

export interface PollResult {
  payload: PollPayload;
  durationMs: number;
  /** The cycle's number on this poller, from 1: a node sends each number at most once. */
  cycle: number;
  /** Bad frames (corrupt or cut off) the link saw while this cycle's requests waited. */
  badFrames: number;
  /** The first of them, for the report (its cause and raw text). */
  firstBadFrame?: PylonFrameError;
  /**
   * Set when the cycle stopped because the port is down (or the poller was stopped): why, in the
   * link's words. The request that found it is the last entry of `errors`; none was sent after it.
   */
  portDown?: string;
}

/** A cycle a caller waits for: its number and its result. */
export interface PollTicket {
  cycle: number;
  result: Promise<PollResult>;
}
