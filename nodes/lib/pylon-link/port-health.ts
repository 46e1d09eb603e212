// Turns a link's raw state changes (connecting, disconnected, connecting, … every retry) into what a
// user should see: one steady status while the port is down, one error when it goes down or the
// cause changes, one notice when it is back. Used by pylon-poll and `lxp-pylon poll pylon`.
import { connectionStatus, type NodeStatusLike } from "../status";
import type { PylonPortFailure } from "./link-error";
import type { StateChange } from "./types";

export interface PortNotice {
  /** "error": the port went down or the reason changed; "info": it is back. */
  level: "error" | "info";
  text: string;
}

export interface PortHealthUpdate {
  /** The new status, when it differs from the last one. */
  status?: NodeStatusLike;
  /** Something to report once. */
  notice?: PortNotice;
}

type Phase = "opening" | "up" | "down";

/** "2 s", "0.5 s", "1.25 s". */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

export class PortHealth {
  private phase: Phase = "opening";
  /** While down: what made the last report (a lost port, then the reason of each failed reopen). */
  private cause: string | undefined;
  private downSince = 0;
  private text: string | undefined;
  private lastStatusText: string | undefined;

  /** `description`: the link's, e.g. "/dev/ttyUSB0 @ 115200" or "192.168.1.7:8899". */
  constructor(
    private readonly description: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The port failed to open or was lost, and has not been opened since. */
  get down(): boolean {
    return this.phase === "down";
  }

  /** While down: the steady text, e.g. "/dev/ttyUSB0 not found (unplugged?), retrying every 2 s". */
  get downText(): string | undefined {
    return this.phase === "down" ? this.text : undefined;
  }

  update(change: StateChange): PortHealthUpdate {
    switch (change.state) {
      case "idle":
      case "connecting":
        // While down, every retry passes through "connecting": not news.
        if (this.phase === "down") return {};
        this.phase = "opening";
        return this.show(connectionStatus({ state: "connecting" }, this.description));
      case "connected":
        return this.onConnected();
      case "disconnected":
        return this.onDisconnected(change);
      default:
        // "closed": the link was released (no user left); whoever shows this status is closing too.
        return {};
    }
  }

  private onConnected(): PortHealthUpdate {
    const wasDown = this.phase === "down";
    const downFor = this.now() - this.downSince;
    this.phase = "up";
    this.cause = this.text = undefined;
    const update = this.show(connectionStatus({ state: "connected" }, this.description));
    if (wasDown) update.notice = { level: "info", text: `${this.description} is open again (was down ${formatDuration(downFor)})` };
    return update;
  }

  private onDisconnected(change: StateChange): PortHealthUpdate {
    const reason = (change.error as { reason?: PylonPortFailure } | undefined)?.reason;
    const why = change.error?.message ?? change.detail ?? `${this.description} disconnected`;
    const retry = change.retryInMs ? `, retrying every ${formatSeconds(change.retryInMs)}` : "";
    const cause = this.phase === "up" ? "lost" : reason && reason !== "other" ? reason : why;
    // The first failure and a lost port are reported; so is a new cause, except the reopen failure
    // that follows a loss (an unplugged adapter is then "not found": the same event, told once).
    const report = this.phase !== "down" || (cause !== this.cause && this.cause !== "lost");
    if (this.phase !== "down") this.downSince = this.now();
    this.phase = "down";
    this.cause = cause;
    this.text = `${why}${retry}`;
    const update = this.show({ fill: "red", shape: "ring", text: this.text });
    if (report) update.notice = { level: "error", text: this.text };
    return update;
  }

  private show(status: NodeStatusLike): PortHealthUpdate {
    if (status.text === this.lastStatusText) return {};
    this.lastStatusText = status.text;
    return { status };
  }
}
