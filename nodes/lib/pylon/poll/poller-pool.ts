// One poller per set of poll settings on a bus: several pylon-poll nodes on the same
// pylon-port (e.g. a dashboard, a file writer and an MQTT publisher) share its cycles instead of
// each sending every request again. The port's mode chooses the poller: "console" reads the RS232
// text console (ConsolePoller), the others the binary protocol (PylonPoller). No Node-RED imports.
import type { ConsoleRequester } from "../link/console-types";
import { ConsolePoller } from "./console-poller";
import type { PackPoller } from "./pack-poller";
import { PollerOptions, PylonPoller, PylonRequester } from "./poller";

/** Settings of the pylon-port: one per bus, so they are given to the pool, not to each acquire(). */
export type PortSettings =
  | Pick<PollerOptions, "mode" | "protocol">
  | { mode: "console"; protocol?: PollerOptions["protocol"] };
/** Settings of one pylon-poll node. */
export type PollSettings = Omit<PollerOptions, "mode" | "protocol">;

export class PollerPool {
  private readonly entries = new Map<string, { poller: PackPoller; users: number }>();

  /** A console port's link is a ConsoleRequester, a binary port's a PylonRequester. */
  constructor(
    private readonly link: PylonRequester | ConsoleRequester,
    private readonly port: PortSettings,
  ) {}

  /** The poller for these settings on this port, created on first use; pair every acquire() with release(). */
  acquire(settings: PollSettings): PackPoller {
    const key = JSON.stringify([settings.packs, settings.chargeManagement ?? false, settings.system ?? false, settings.identityIntervalMs]);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { poller: this.build(settings), users: 0 };
      this.entries.set(key, entry);
    }
    entry.users++;
    return entry.poller;
  }

  /** Gives a poller back; the last user stops it, so a running cycle ends before its next request. */
  release(poller: PackPoller): void {
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

  private build(settings: PollSettings): PackPoller {
    const port = this.port;
    if (port.mode === "console") {
      if (!("command" in this.link)) throw new Error('a console port needs a console link (mode "console")');
      return new ConsolePoller(this.link, settings);
    }
    if (!("request" in this.link)) throw new Error(`a ${port.mode} port needs a binary link`);
    return new PylonPoller(this.link, { ...settings, ...port });
  }
}
