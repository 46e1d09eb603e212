// lxp-in: emits one message per frame the dongle sends, decoded as in the payload contract (docs/lxp-payloads.md).
import type { Node, NodeAPI, NodeMessage } from "node-red";
import type { LxpDongleNode, LxpInDef } from "./types";
import { BadFrameBursts, BadFrameReport } from "./lib/lxp/link/bad-frame-bursts";
import { BankMerger } from "./lib/lxp/link/bank-merger";
import { linkOf } from "./lib/shared/config-node";
import type { DecodedMessage } from "./lib/lxp/link/dongle-link";
import type { LxpFrameError, MessageKind } from "./lib/lxp/codec";
import { IgnoredSinceInput, quietHint } from "./lib/lxp/link/quiet-hint";
import { errorText } from "./lib/shared/node-errors";
import { connectionStatus, NodeStatusLike } from "./lib/shared/status";
import type { StateChange } from "./lib/shared/transport";

/** Which message kinds each checkbox lets through; write echoes travel with hold replies. */
function kindFilter(config: LxpInDef): Record<MessageKind, boolean> {
  const on = (v: unknown, fallback: boolean): boolean => (v === undefined ? fallback : v === true || v === "true");
  return {
    inputs: on(config.inputRegs, true),
    holds: on(config.holds, true),
    write: on(config.holds, true),
    heartbeat: on(config.heartbeats, false),
    param: on(config.params, true),
    exception: on(config.exceptions, true),
    request: on(config.requests, false),
  };
}

const STATUS_INTERVAL_MS = 1000;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export = function register(RED: NodeAPI): void {
  function LxpIn(this: Node, config: LxpInDef): void {
    RED.nodes.createNode(this, config);
    const link = linkOf(this, RED.nodes.getNode(config.dongle) as LxpDongleNode | null, "lxp-dongle", "dongle");
    if (!link) return;

    const emit = kindFilter(config);
    const merger = config.mergeBanks === true || String(config.mergeBanks) === "true" ? new BankMerger() : undefined;
    let badFrames = 0;
    let lastFrameAt: number | undefined;
    let state: StateChange = link.state;
    let statusTimer: ReturnType<typeof setTimeout> | undefined;
    let override: NodeStatusLike | undefined;
    /** The override is the "no input data" hint: only input data clears it, not heartbeats. */
    let quiet = false;

    const showStatus = (): void => {
      statusTimer = undefined;
      const s = override ?? connectionStatus(state, link.description, lastFrameAt);
      if (badFrames > 0 && s.text) s.text += ` · ${plural(badFrames, "bad frame")}`;
      // udp: datagrams and frames not from the dongle (another sender or serial), dropped; and whose address counts.
      const ignored = link.stats.otherSenders + link.stats.otherSerials;
      const dongle = link.stats.dongleAddress ? ` (dongle ${link.stats.dongleAddress})` : "";
      if (ignored > 0 && s.text) s.text += ` · ${ignored} ignored${dongle}`;
      this.status(s);
    };
    // Frames can arrive in bursts; the editor only needs the status about once a second.
    const scheduleStatus = (): void => {
      if (!statusTimer) statusTimer = setTimeout(showStatus, STATUS_INTERVAL_MS);
    };

    const onState = (change: StateChange): void => {
      state = change;
      override = undefined;
      quiet = false;
      if (change.state !== "connected" && change.state !== "listening") lastFrameAt = undefined;
      showStatus();
    };
    const onWatchdog = (silentMs: number): void => {
      override = { fill: "yellow", shape: "ring", text: `no data for ${Math.round(silentMs / 1000)} s, reconnecting` };
      showStatus();
    };
    const onQuiet = (silentMs: number, filtered: number, ignored: IgnoredSinceInput): void => {
      override = { fill: "yellow", shape: "ring", text: quietHint(silentMs, link.options.answerHeartbeats === true, filtered, ignored) };
      quiet = true;
      showStatus();
    };
    const onMessage = ({ kind, msg }: DecodedMessage): void => {
      try {
        lastFrameAt = Date.now();
        if (!quiet || kind === "inputs") {
          override = undefined;
          quiet = false;
        }
        scheduleStatus();
        if (!emit[kind]) return;
        let out = RED.util.cloneMessage(msg as unknown as NodeMessage) as unknown as DecodedMessage["msg"];
        if (kind === "inputs" && merger) {
          const merged = merger.add(out);
          if (!merged) return;
          out = merged;
        }
        this.send(out as unknown as NodeMessage);
      } catch (err) {
        this.error(errorText(err), { topic: msg.topic, payload: errorText(err), lxp: msg.lxp } as NodeMessage);
      }
    };
    // One error per burst of bad frames, not per frame: a garbage flood must not flood the flows.
    const bursts = new BadFrameBursts((report: BadFrameReport) => {
      const { message, raw, count, bytes } = report;
      this.error(message, { topic: "lxp/error", payload: message, lxp: { raw, count, bytes } } as NodeMessage);
    });
    const onBadFrame = (err: LxpFrameError): void => {
      badFrames += err.count;
      scheduleStatus();
      bursts.add(err);
    };

    link.on("state", onState);
    link.on("watchdog", onWatchdog);
    link.on("input-quiet", onQuiet);
    link.on("message", onMessage);
    link.on("bad-frame", onBadFrame);
    link.on("ignored", scheduleStatus);
    link.register(this);
    showStatus();

    this.on("close", (_removed: boolean, done: () => void) => {
      if (statusTimer) clearTimeout(statusTimer);
      link.off("state", onState);
      link.off("watchdog", onWatchdog);
      link.off("input-quiet", onQuiet);
      link.off("message", onMessage);
      link.off("bad-frame", onBadFrame);
      link.off("ignored", scheduleStatus);
      bursts.close();
      link.deregister(this);
      merger?.clear();
      this.status({});
      done();
    });
  }
  RED.nodes.registerType("lxp-in", LxpIn);
};
