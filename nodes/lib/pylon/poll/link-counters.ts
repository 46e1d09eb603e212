// The link counters pylon-poll shows in its status, short and only when there is something to say:
// retries on the bus since the node's last cycle, requests queued behind, and, when no pack
// answered, when one last did. The full set is in the link snapshots (link/registry.ts). No Node-RED imports.
import { clock } from "../../common/status";

/** What this needs of a PylonPortLink. */
export interface LinkCounterSource {
  readonly stats: { readonly retries: number; readonly lastReplyAt?: number };
  /** Requests waiting behind the one in flight. */
  readonly queued: number;
}

export class LinkCounters {
  private retriesSeen: number;

  constructor(private readonly link: LinkCounterSource) {
    this.retriesSeen = link.stats.retries;
  }

  /** "2 retries", "3 queued": the status parts after a cycle (retries counted since the last call). */
  afterCycle(): string[] {
    const retries = this.link.stats.retries - this.retriesSeen;
    this.retriesSeen = this.link.stats.retries;
    const parts: string[] = [];
    if (retries > 0) parts.push(`${retries} ${retries === 1 ? "retry" : "retries"}`);
    if (this.link.queued > 0) parts.push(`${this.link.queued} queued`);
    return parts;
  }

  /** "last reply 14:03:12" (local time), or undefined before any reply: for a cycle no pack answered. */
  lastReply(): string | undefined {
    const at = this.link.stats.lastReplyAt;
    return at === undefined ? undefined : `last reply ${clock(at)}`;
  }
}
