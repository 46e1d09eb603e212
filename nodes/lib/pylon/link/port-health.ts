// Turns a link's raw state changes (connecting, disconnected, connecting, … every retry) into what a
// user should see: one steady status while the port is down, one error when it goes down or the
// cause changes, one notice when it is back. Used by pylon-poll and `lxp-pylon poll pylon`.
import { formatSeconds } from "../../common/format-seconds";
import { english, type Translate } from "../../common/i18n";
import { connectionStatus, type NodeStatusLike } from "../../common/status";
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
  /**
   * The port reopened after an outage, but a gateway or adapter that drops every connection at
   * once also gets this far: call confirm() after this long, or as soon as a reply arrives.
   */
  confirmInMs?: number;
}

/** "reopened": connected again after an outage, not yet proven (see confirm()). */
type Phase = "opening" | "up" | "down" | "reopened";

/** Failures that come only after a wait (the connect timeout, a host that does not answer ARP or DNS). */
const SLOW_FAILURES: ReadonlySet<PylonPortFailure> = new Set(["no_answer", "unreachable"]);

/** A reopen counts once it has lasted this many retry intervals. */
const CONFIRM_RETRY_INTERVALS = 2;
const DEFAULT_RETRY_MS = 2000;

/** A duration in ms, shown in seconds: "2 s", "0.5 s", "1.25 s". */
function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/** "… , retrying every 2 s", or after a failure that itself took a while, when the next try comes. */
function downText(t: Translate, why: string, retryInMs: number | undefined, reason: PylonPortFailure | undefined): string {
  if (!retryInMs) return why;
  const delay = formatSeconds(retryInMs / 1000);
  if (reason && SLOW_FAILURES.has(reason)) return t("pylon-port.status.retryingAfter", { why, delay });
  return t("pylon-port.status.retryingEvery", { why, delay });
}

export class PortHealth {
  private phase: Phase = "opening";
  /** While down: what made the last report (a lost port, then the reason of each failed reopen). */
  private cause: string | undefined;
  private downSince = 0;
  private text: string | undefined;
  private lastStatusText: string | undefined;
  private retryInMs = DEFAULT_RETRY_MS;
  private reopenedAt = 0;

  /** `description`: the link's, e.g. "/dev/ttyUSB0 @ 115200" or "192.168.1.7:8899". */
  constructor(
    private readonly description: string,
    private readonly now: () => number = Date.now,
    private readonly t: Translate = english,
  ) {}

  /** The port failed to open or was lost, and has not been open (for long) since. */
  get down(): boolean {
    return this.phase === "down" || this.phase === "reopened";
  }

  /** While down: the steady text, e.g. "/dev/ttyUSB0 not found (unplugged?), retrying every 2 s". */
  get downText(): string | undefined {
    return this.down ? this.text : undefined;
  }

  update(change: StateChange): PortHealthUpdate {
    switch (change.state) {
      case "idle":
      case "connecting":
        // While down, every retry passes through "connecting": not news.
        if (this.down) return {};
        this.phase = "opening";
        return this.show(connectionStatus({ state: "connecting" }, this.description, undefined, this.t, "pylon-port"));
      case "connected":
        return this.onConnected();
      case "disconnected":
        return this.onDisconnected(change);
      default:
        // "closed": the link was released (no user left); whoever shows this status is closing too.
        return {};
    }
  }

  /**
   * The reopened port has proven itself: it stayed open `confirmInMs`, or a reply arrived. Ends the
   * outage (status "connected", one notice). Does nothing unless the port just reopened.
   */
  confirm(): PortHealthUpdate {
    if (this.phase !== "reopened") return {};
    const downFor = this.now() - this.downSince;
    this.phase = "up";
    this.cause = this.text = undefined;
    const update = this.show(connectionStatus({ state: "connected" }, this.description, undefined, this.t, "pylon-port"));
    update.notice = { level: "info", text: this.t("pylon-port.status.openAgain", { port: this.description, duration: formatDuration(downFor) }) };
    return update;
  }

  private get confirmMs(): number {
    return CONFIRM_RETRY_INTERVALS * this.retryInMs;
  }

  private onConnected(): PortHealthUpdate {
    if (this.phase === "reopened") return {};
    if (this.phase === "down") {
      // Still the outage until the connection proves itself: no status flicker, no notice yet.
      this.phase = "reopened";
      this.reopenedAt = this.now();
      return { confirmInMs: this.confirmMs };
    }
    this.phase = "up";
    return this.show(connectionStatus({ state: "connected" }, this.description, undefined, this.t, "pylon-port"));
  }

  private onDisconnected(change: StateChange): PortHealthUpdate {
    // A reopen that lasted is over even if nobody confirmed it (no replies were asked for).
    if (this.phase === "reopened" && this.now() - this.reopenedAt >= this.confirmMs) this.confirm();
    const reason = (change.error as { reason?: PylonPortFailure } | undefined)?.reason;
    const why = change.error?.message ?? change.detail ?? this.t("pylon-port.status.portDisconnected", { port: this.description });
    if (change.retryInMs) this.retryInMs = change.retryInMs;
    this.text = downText(this.t, why, change.retryInMs, reason);
    const update = this.show({ fill: "red", shape: "ring", text: this.text });
    if (this.phase === "reopened") {
      // Dropped at once: the same outage (same cause, same start), told already.
      this.phase = "down";
      return update;
    }
    const cause = this.phase === "up" ? "lost" : reason && reason !== "other" ? reason : why;
    // The first failure and a lost port are reported; so is a new cause, except the reopen failure
    // that follows a loss (an unplugged adapter is then "not found": the same event, told once).
    const report = this.phase !== "down" || (cause !== this.cause && this.cause !== "lost");
    if (this.phase !== "down") this.downSince = this.now();
    this.phase = "down";
    this.cause = cause;
    if (report) update.notice = { level: "error", text: this.text };
    return update;
  }

  private show(status: NodeStatusLike): PortHealthUpdate {
    if (status.text === this.lastStatusText) return {};
    this.lastStatusText = status.text;
    return { status };
  }
}
