// lxp-in: emits one message per frame the dongle sends, decoded as in the payload contract (docs/lxp-payloads.md).
import type { Node, NodeAPI, NodeMessage } from "node-red";
import type { LxpDongleNode, LxpInDef } from "./types";
import { BadFrameBursts, BadFrameReport } from "./lib/lxp/link/bad-frame-bursts";
import { BankMerger } from "./lib/lxp/link/bank-merger";
import { linkOf } from "./lib/common/config-node";
import { checkbox, currentConfig } from "./lib/common/config-schema";
import type { DecodedMessage } from "./lib/lxp/link/dongle-link";
import type { LxpFrameError, MessageKind } from "./lib/lxp/codec";
import { IgnoredSinceInput, quietHint } from "./lib/lxp/link/quiet-hint";
import { errorMessage, raiseError } from "./lib/common/node-errors";
import { counted, nodeRedTranslate } from "./lib/common/i18n";
import { connectionStatus, NodeStatusLike } from "./lib/common/status";
import type { StateChange } from "./lib/common/transport";

/** Which message kinds each checkbox lets through (absent: the schema's default); write echoes travel with hold replies. */
function kindFilter(config: LxpInDef): Record<MessageKind, boolean> {
  const on = (key: keyof LxpInDef): boolean => checkbox("lxp-in", key, config[key]);
  return {
    inputs: on("inputRegs"),
    holds: on("holds"),
    write: on("holds"),
    heartbeat: on("heartbeats"),
    param: on("params"),
    exception: on("exceptions"),
    request: on("requests"),
  };
}

const STATUS_INTERVAL_MS = 1000;

export = function register(RED: NodeAPI): void {
  const t = nodeRedTranslate(RED);
  function LxpIn(this: Node, saved: LxpInDef): void {
    RED.nodes.createNode(this, saved);
    const config = currentConfig("lxp-in", saved, this);
    const dongle = RED.nodes.getNode(config.dongle) as LxpDongleNode | null;
    const link = linkOf(this, dongle, "lxp-dongle", t);
    if (!link) return;

    const emit = kindFilter(config);
    const merger = checkbox("lxp-in", "mergeBanks", config.mergeBanks) ? new BankMerger() : undefined;
    let badFrames = 0;
    let lastFrameAt: number | undefined;
    let state: StateChange = link.state;
    let statusTimer: ReturnType<typeof setTimeout> | undefined;
    let override: NodeStatusLike | undefined;
    /** The override is the "no input data" hint: only input data clears it, not heartbeats. */
    let quiet = false;

    const showStatus = (): void => {
      statusTimer = undefined;
      const s = override ?? connectionStatus(state, link.description, lastFrameAt, t);
      if (badFrames > 0 && s.text) s.text += ` · ${counted(t, badFrames, "lxp-in.status.badFrame", "lxp-in.status.badFrames")}`;
      // udp: datagrams and frames not from the dongle (another sender or serial), dropped; and whose address counts.
      const ignored = link.stats.otherSenders + link.stats.otherSerials;
      const address = link.stats.dongleAddress;
      if (ignored > 0 && s.text) {
        s.text += ` · ${address ? t("lxp-in.status.ignoredFromDongle", { count: ignored, address }) : t("lxp-in.status.ignored", { count: ignored })}`;
      }
      // udp: another lxp-dongle listens on the port too (only one of them gets the datagrams).
      if (dongle?.portShared && s.text) s.text += ` · ${dongle.portShared}`;
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
      override = { fill: "yellow", shape: "ring", text: t("lxp-in.status.watchdog", { seconds: Math.round(silentMs / 1000) }) };
      showStatus();
    };
    const onQuiet = (silentMs: number, filtered: number, ignored: IgnoredSinceInput): void => {
      override = { fill: "yellow", shape: "ring", text: quietHint(silentMs, link.options.answerHeartbeats === true, filtered, ignored, t) };
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
        raiseError(this, err, errorMessage(msg.topic, err, { lxp: msg.lxp }));
      }
    };
    // One error per burst of bad frames, not per frame: a garbage flood must not flood the flows.
    const bursts = new BadFrameBursts(
      (report: BadFrameReport) => {
        const { message, raw, count, bytes } = report;
        raiseError(this, message, errorMessage("lxp/error", message, { lxp: { raw, count, bytes } }));
      },
      { t },
    );
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
