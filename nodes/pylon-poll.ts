// pylon-poll: polls a PylonTech stack on an interval and/or per input message; one message per
// completed cycle as in docs/pylon-payloads.md (never the same cycle twice), optionally one per pack.
import { linkOf } from "./lib/common/config-node";
import { currentConfig } from "./lib/common/config-schema";
import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from "node-red";
import { errorMessage, finishInput, nodeFailed, raiseError } from "./lib/common/node-errors";
import { counted, nodeRedTranslate, type Translate } from "./lib/common/i18n";
import { BadFrameBursts } from "./lib/pylon/link/bad-frames";
import { CycleDelivery, type CycleOutcome } from "./lib/pylon/poll/cycle-delivery";
import { LinkCounters } from "./lib/pylon/poll/link-counters";
import { raisedWarning } from "./lib/pylon/link/limits";
import { PortHealth, type PortHealthUpdate } from "./lib/pylon/link/port-health";
import { parsePylonPollConfig } from "./lib/pylon/poll/poll-config";
import type { PackPoller } from "./lib/pylon/poll/pack-poller";
import type { PollResult } from "./lib/pylon/poll/poller";
import type { StateChange } from "./lib/common/transport";
import { PylonPassiveLink, type PylonConsoleLink, type PylonPortLink } from "./lib/pylon/link";
import { listenPassively } from "./lib/pylon/poll/passive-node";
import type { PylonPollDef, PylonPortNode } from "./types";

/**
 * "3 packs · 45 cells · 0.4 s", with the link's counters (retries, queue; the last reply when none
 * came), the failures, skipped ticks and bad frames counted.
 */
function cycleStatus(
  t: Translate,
  result: PollResult,
  counts: { skipped: number; badFrames: number; link: string[]; lastReply?: string },
): { fill: "green" | "yellow" | "red"; shape: "dot" | "ring"; text: string } {
  const { packs, errors } = result.payload;
  const cells = packs.reduce((n, p) => n + (p.cell_voltages?.length ?? 0), 0);
  const took = t("pylon-poll.status.took", { seconds: (result.durationMs / 1000).toFixed(1) });
  const extra = [
    ...(counts.skipped > 0 ? [t("pylon-poll.status.skipped", { count: counts.skipped })] : []),
    ...(counts.badFrames > 0 ? [counted(t, counts.badFrames, "pylon-poll.status.badFrame", "pylon-poll.status.badFrames")] : []),
  ].map((part) => ` · ${part}`).join("");
  const link = counts.link.map((part) => ` · ${part}`).join("");
  if (packs.length === 0) {
    const why = errors[0]?.error ?? t("pylon-poll.status.noPacksFound");
    const last = counts.lastReply ? ` · ${counts.lastReply}` : "";
    return { fill: "red", shape: "ring", text: `${t("pylon-poll.status.noReply", { why, took })}${last}${link}${extra}` };
  }
  const base = `${t(packs.length === 1 ? "pylon-poll.status.pack" : "pylon-poll.status.packs", { count: packs.length, cells, took })}${link}`;
  if (errors.length === 0) return { fill: "green", shape: "dot", text: `${base}${extra}` };
  return { fill: "yellow", shape: "dot", text: `${base} · ${counted(t, errors.length, "pylon-poll.status.error", "pylon-poll.status.errors")}${extra}` };
}

/** An input message waiting for its cycle. */
interface PendingInput {
  msg: NodeMessageInFlow;
  send: (m: NodeMessage) => void;
  done: (err?: Error) => void;
}

export = function register(RED: NodeAPI): void {
  const t = nodeRedTranslate(RED);
  function PylonPoll(this: Node, saved: PylonPollDef): void {
    RED.nodes.createNode(this, saved);
    const config = currentConfig("pylon-poll", saved, this);
    const portNode = RED.nodes.getNode(config.port) as PylonPortNode | null;
    const anyLink = linkOf(this, portNode, "pylon-port", t);
    if (anyLink instanceof PylonPassiveLink && portNode) {
      listenPassively(this, anyLink, portNode, config, t);
      return;
    }
    const link = anyLink as PylonPortLink | PylonConsoleLink | undefined;
    const pollers = portNode?.pollers;
    if (!link || !portNode?.mode || !pollers) return; // mode and pollers are set with the link
    let poller: PackPoller;
    let intervalMs: number;
    let perPack: boolean;
    try {
      const parsed = parsePylonPollConfig(config);
      intervalMs = parsed.intervalMs;
      perPack = parsed.perPack;
      poller = pollers.acquire(parsed.settings);
      if (parsed.raised.length > 0) this.warn(raisedWarning(parsed.raised)); // a flow saved before the minimums
    } catch (err) {
      nodeFailed(this, t("pylon-poll.status.configError"), err);
      return;
    }
    for (const note of poller.unavailableOptions) this.warn(note);
    const topic = `pylon/${portNode.label}`;
    let timer: ReturnType<typeof setInterval> | undefined;
    let first: ReturnType<typeof setImmediate> | undefined;
    let closing = false;
    let confirmTimer: ReturnType<typeof setTimeout> | undefined;
    let skipWarned = false;

    // One steady status while the port is down; one error when it goes down or the cause changes.
    const health = new PortHealth(link.description, undefined, t);
    const showHealth = ({ status, notice, confirmInMs }: PortHealthUpdate): void => {
      if (status) this.status(status);
      if (notice?.level === "error") raiseError(this, notice.text, errorMessage(topic, notice.text));
      else if (notice) this.log(notice.text);
      if (confirmInMs !== undefined) {
        clearTimeout(confirmTimer);
        confirmTimer = setTimeout(() => showHealth(health.confirm()), confirmInMs);
      }
    };
    const onState = (change: StateChange): void => {
      if (change.state === "connected") poller.reset(); // a replugged adapter may sit on a changed stack
      showHealth(health.update(change));
    };
    const badFrames = new BadFrameBursts(link.description, undefined, t);
    const counters = new LinkCounters(link);

    const outputs = (shared: PollResult, base?: NodeMessageInFlow): NodeMessage[] => {
      // Other pylon-poll nodes of this port may send the same result: each sends its own copy.
      const result = { ...shared, payload: structuredClone(shared.payload) };
      const cycle = { ...(base ?? {}), topic, payload: result.payload } as NodeMessage;
      if (!perPack) return [cycle];
      const packs = result.payload.packs.map((pack) => ({ topic: `${topic}/${pack.address}`, payload: pack }) as NodeMessage);
      return [cycle, ...packs];
    };

    /** Sends one completed cycle; returns the error to raise for it, if any. */
    const sendCycle = (result: PollResult, send: (m: NodeMessage) => void, msg?: NodeMessageInFlow): Error | undefined => {
      const { packs, errors } = result.payload;
      const portDown = result.portDown !== undefined && packs.length === 0;
      if (packs.length > 0) showHealth(health.confirm()); // a reply proves a reopened port
      const notice = badFrames.add(result.badFrames, result.firstBadFrame, Date.now());
      if (notice?.level === "error") raiseError(this, notice.text, errorMessage(topic, notice.text));
      else if (notice) this.log(notice.text);
      const linkParts = counters.afterCycle();
      if (!health.down) {
        const lastReply = packs.length === 0 ? counters.lastReply() : undefined;
        this.status(cycleStatus(t, result, { skipped: delivery.skipped, badFrames: badFrames.count, link: linkParts, lastReply }));
      }
      for (const out of outputs(result, msg)) send(out);
      if (portDown) {
        // An interval cycle's message says not_connected; the status and one error told the rest.
        return msg ? new Error(t("pylon-poll.errors.cannotPoll", { why: health.downText ?? String(result.portDown) })) : undefined;
      }
      if (packs.length === 0 && errors.length > 0) {
        const first = errors[0];
        return new Error(
          t("pylon-poll.errors.noPackAnswered", { port: link.description, command: String(first.command), address: String(first.address), error: String(first.error) }),
        );
      }
      return undefined;
    };

    const delivery = new CycleDelivery<PendingInput>(poller, (outcome: CycleOutcome, input) => {
      if (closing) {
        input?.done();
        return;
      }
      let err: unknown = outcome.error;
      if (outcome.result) {
        try {
          err = sendCycle(outcome.result, input ? input.send : (m) => this.send(m), input?.msg);
        } catch (e) {
          err = e;
        }
      }
      if (input) finishInput(input.done, err ?? undefined);
      else if (err !== undefined) raiseError(this, err, errorMessage(topic, err));
    });

    link.on("state", onState);
    showHealth(health.update(link.state)); // the port may be shared, and already open or down
    link.register(this);

    if (intervalMs > 0) {
      const tick = (): void => {
        // A cycle another node of this port ran within most of our interval is fresh enough.
        if (delivery.tick(Date.now(), intervalMs * 0.9) !== "skipped" || skipWarned) return;
        skipWarned = true;
        this.warn(t("pylon-poll.warnings.ticksSkipped", { seconds: intervalMs / 1000 }));
      };
      timer = setInterval(tick, intervalMs);
      first = setImmediate(tick);
    }

    this.on("input", (msg: NodeMessageInFlow, send, done) => {
      // A message while this node's cycle already answers another one gets no second copy of it, but
      // a catchable error: a flow waiting for an answer (http-in → http-response) can still reply.
      if (delivery.input({ msg, send: (m) => send(m), done }, Date.now()) === "skipped") finishInput(done, t("pylon-poll.errors.skippedInput"));
    });

    this.on("close", (_removed: boolean, done: () => void) => {
      closing = true;
      pollers.release(poller);
      if (timer) clearInterval(timer);
      if (first) clearImmediate(first);
      clearTimeout(confirmTimer);
      link.off("state", onState);
      link.deregister(this);
      this.status({});
      done();
    });
  }
  RED.nodes.registerType("pylon-poll", PylonPoll);
};
