// One PylonPoller per set of poll settings on a bus: several pylon-poll nodes on the same
// pylon-port (e.g. a dashboard, a file writer and an MQTT publisher) share its cycles instead of
// each sending every request again. No Node-RED imports.
import { PollerOptions, PylonPoller, PylonRequester } from "./poller";

/** Settings of the pylon-port: one per bus, so they are given to the pool, not to each acquire(). */
export type PortSettings = Pick<PollerOptions, "mode" | "protocol">;
/** Settings of one pylon-poll node. */
export type PollSettings = Omit<PollerOptions, keyof PortSettings>;

export class PollerPool {
  private readonly entries = new Map<string, { poller: PylonPoller; users: number }>();

  constructor(
    private readonly link: PylonRequester,
    private readonly port: PortSettings,
  ) {}

  /** The poller for these settings on this port, created on first use; pair every acquire() with release(). */
  acquire(settings: PollSettings): PylonPoller {
    const key = JSON.stringify([settings.packs, settings.chargeManagement ?? false, settings.system ?? false, settings.identityIntervalMs]);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { poller: new PylonPoller(this.link, { ...settings, ...this.port }), users: 0 };
      this.entries.set(key, entry);
    }
    entry.users++;
    return entry.poller;
  }

  /** Gives a poller back; the last user stops it, so a running cycle ends before its next request. */
  release(poller: PylonPoller): void {
    for (const [key, entry] of this.entries) {
      if (entry.poller !== poller) continue;
      if (--entry.users === 0) {
        poller.stop();
        this.entries.delete(key);
      }
      return;
    }
  }

  /** Pollers in use (for tests and status). */
  get size(): number {
    return this.entries.size;
  }
}
