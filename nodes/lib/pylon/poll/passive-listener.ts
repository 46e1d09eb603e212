// pylon-poll on a listening port (pylon-protocol.md §12): a message per reply the inverter's poll
// drew from the packs, a status that says what the bus carried, bad frames reported in bursts, and
// a snapshot for an input message. Talks to the node through hooks: no Node-RED imports.
import { counted, english, type Translate } from "../../common/i18n";
import { clock, type NodeStatusLike } from "../../common/status";
import { BadFrameBursts } from "../link/bad-frames";
import type { PylonPassiveLink } from "../link/passive-link";
import { PortHealth, type PortHealthUpdate } from "../link/port-health";
import type { StateChange } from "../link/types";
import type { PassiveReply } from "../passive";
import { PylonFrameError } from "../codec";
import { PassiveView, type PassivePayload } from "./passive-view";

export interface PassiveMessage {
  topic: string;
  payload: unknown;
  /** An input message's other properties, kept in its answer. */
  [key: string]: unknown;
}

/** What the listener needs of its node. */
export interface PassiveListenerHooks {
  status(status: NodeStatusLike): void;
  send(messages: PassiveMessage[]): void;
  error(text: string, msg?: object): void;
  log(text: string): void;
}

export interface PassiveListenerOptions {
  /** `pylon/{port}`. */
  topic: string;
  /** Also one message per pack of each reply, `pylon/{port}/{address}`. */
  perPack: boolean;
  t?: Translate;
  now?: () => number;
}

/** The status is redrawn at most this often: an inverter polls several packs a second. */
const STATUS_EVERY_MS = 1_000;

export class PassiveListener {
  private readonly view = new PassiveView();
  private readonly health: PortHealth;
  private readonly badFrames: BadFrameBursts;
  private readonly t: Translate;
  private readonly now: () => number;
  private badFramesSeen: number;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;
  private confirmTimer: ReturnType<typeof setTimeout> | undefined;
  private lastStatusAt = -Infinity;
  private stopped = false;
  private readonly onState = (change: StateChange): void => {
    if (change.state === "connected") this.view.reset();
    this.show(this.health.update(change));
  };
  private readonly onReply = (reply: PassiveReply): void => this.take(reply);

  constructor(
    private readonly link: PylonPassiveLink,
    private readonly options: PassiveListenerOptions,
    private readonly hooks: PassiveListenerHooks,
  ) {
    this.t = options.t ?? english;
    this.now = options.now ?? Date.now;
    this.health = new PortHealth(link.description, this.now, this.t);
    this.badFrames = new BadFrameBursts(link.description, undefined, this.t);
    this.badFramesSeen = link.stats.badFrames;
  }

  /** Listens: the port opens with its first user. */
  start(): void {
    this.link.on("state", this.onState);
    this.link.on("reply", this.onReply);
    this.show(this.health.update(this.link.state));
    this.link.register(this);
  }

  /** The latest values of every pack heard of: what an input message gets. */
  snapshot(): PassiveMessage {
    return { topic: this.options.topic, payload: this.view.snapshot(this.now()) };
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.statusTimer);
    clearTimeout(this.confirmTimer);
    this.link.off("state", this.onState);
    this.link.off("reply", this.onReply);
    this.link.deregister(this);
  }

  private take(reply: PassiveReply): void {
    if (this.stopped) return;
    const payload: PassivePayload = this.view.take(reply, this.now());
    if (payload.packs.length > 0 || payload.system) this.show(this.health.confirm()); // a reply proves a reopened port
    const messages: PassiveMessage[] = [{ topic: this.options.topic, payload }];
    if (this.options.perPack) {
      for (const pack of payload.packs) messages.push({ topic: `${this.options.topic}/${pack.address}`, payload: structuredClone(pack) });
    }
    this.reportBadFrames();
    this.scheduleStatus();
    this.hooks.send(messages);
  }

  private reportBadFrames(): void {
    const total = this.link.stats.badFrames;
    const fresh = total - this.badFramesSeen;
    this.badFramesSeen = total;
    const last = this.link.lastError;
    const notice = this.badFrames.add(fresh, last instanceof PylonFrameError ? last : undefined, this.now());
    if (notice?.level === "error") this.hooks.error(notice.text, { topic: this.options.topic, payload: notice.text });
    else if (notice) this.hooks.log(notice.text);
  }

  /** Redraws the status now, or once the last redraw is STATUS_EVERY_MS old. */
  private scheduleStatus(): void {
    if (this.statusTimer || this.health.down) return;
    const wait = this.lastStatusAt + STATUS_EVERY_MS - this.now();
    if (wait <= 0) {
      this.drawStatus();
      return;
    }
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      if (!this.stopped && !this.health.down) this.drawStatus();
    }, wait);
  }

  private drawStatus(): void {
    this.lastStatusAt = this.now();
    this.hooks.status(this.listeningStatus());
  }

  /** "listening · 3 packs · 120 replies · 14:03:12 · 2 bad frames". */
  private listeningStatus(): NodeStatusLike {
    const stats = this.link.stats;
    const parts = [this.t("pylon-poll.status.listening")];
    const packs = this.view.packCount(this.now());
    if (packs > 0) parts.push(counted(this.t, packs, "pylon-poll.status.passivePack", "pylon-poll.status.passivePacks"));
    parts.push(counted(this.t, stats.decoded, "pylon-poll.status.reply", "pylon-poll.status.replies"));
    if (stats.lastReplyAt !== undefined) parts.push(clock(stats.lastReplyAt));
    if (this.badFrames.count > 0) parts.push(counted(this.t, this.badFrames.count, "pylon-poll.status.badFrame", "pylon-poll.status.badFrames"));
    return { fill: stats.decoded > 0 ? "green" : "grey", shape: "dot", text: parts.join(" · ") };
  }

  private show({ status, notice, confirmInMs }: PortHealthUpdate): void {
    if (this.stopped) return;
    // Connected: what the bus carried says more than "connected".
    if (status) this.hooks.status(!this.health.down && status.fill === "green" ? this.listeningStatus() : status);
    if (notice?.level === "error") this.hooks.error(notice.text, { topic: this.options.topic, payload: notice.text });
    else if (notice) this.hooks.log(notice.text);
    if (confirmInMs !== undefined) {
      clearTimeout(this.confirmTimer);
      this.confirmTimer = setTimeout(() => this.show(this.health.confirm()), confirmInMs);
    }
  }
}
