// lxp-request: sends one command of lxp-bridge's vocabulary per message to the inverter through an
// lxp-dongle and outputs the decoded reply (docs/lxp-payloads.md) with msg.result and msg.request. The work is in
// lib/lxp/control/control.ts; this file maps it to Node-RED (status, errors, automatic time sync).
import { setMaxListeners } from "node:events";
import { linkOf } from "./lib/common/config-node";
import { currentConfig } from "./lib/common/config-schema";
import type { Node, NodeAPI, NodeMessage } from "node-red";
import type { LxpDongleNode, LxpRequestDef } from "./types";
import { CommandRequest, ControlOutcome, runCommand } from "./lib/lxp/control/control";
import { parseRequestConfig, RequestSettings, resolveRequest } from "./lib/lxp/control/request-config";
import { clock, connectionStatus, NodeStatusLike } from "./lib/common/status";
import { IgnoredSinceInput, quietHint } from "./lib/lxp/link/quiet-hint";
import { errorText, failureStatus, finishInput, nodeFailed, raiseError } from "./lib/common/node-errors";
import { nodeRedTranslate, type Translate } from "./lib/common/i18n";
import { scheduleTimeSync } from "./lib/lxp/control/time-sync";
import type { StateChange } from "./lib/common/transport";

const STATUS_INTERVAL_MS = 250;
/** How much of a topic the status shows (a msg may carry any topic; only short ones are commands). */
const STATUS_TOPIC_LENGTH = 40;

const shortTopic = (topic: string): string => (topic.length > STATUS_TOPIC_LENGTH ? `${topic.slice(0, STATUS_TOPIC_LENGTH)}…` : topic) || "?";

/** "3 queued · 2 expired · 250 dropped" (queued: waiting or running; shown from 2, one is the blue status itself). */
function queueCounts(t: Translate, queued: number, expired: number, dropped: number): string {
  const parts: string[] = [];
  if (queued > 1) parts.push(t("lxp-request.status.queued", { count: queued }));
  if (expired > 0) parts.push(t("lxp-request.status.expired", { count: expired }));
  if (dropped > 0) parts.push(t("lxp-request.status.dropped", { count: dropped }));
  return parts.join(" · ");
}

export = function register(RED: NodeAPI): void {
  const t = nodeRedTranslate(RED);
  function LxpRequest(this: Node, saved: LxpRequestDef): void {
    RED.nodes.createNode(this, saved);
    const config = currentConfig("lxp-request", saved, this);
    const dongle = RED.nodes.getNode(config.dongle) as LxpDongleNode | null;
    let settings: RequestSettings;
    try {
      settings = parseRequestConfig(config, (message) => this.warn(message));
    } catch (err) {
      nodeFailed(this, t("lxp-request.status.invalidConfig"), t("lxp-request.errors.config", { error: errorText(err) }));
      return;
    }
    const link = linkOf(this, dongle, "lxp-dongle", t);
    if (!link) return;

    let state: StateChange = link.state;
    let last: NodeStatusLike | undefined;
    /** This node's requests waiting or running, and those that failed unsent: expired, or dropped (queue full). */
    let busy = 0;
    let expired = 0;
    let dropped = 0;
    let statusTimer: ReturnType<typeof setTimeout> | undefined;
    let statusShownAt = 0;
    /** Set by the close handler: requests still settling then must not touch this node's (or its successor's) status. */
    let closed = false;
    const renderStatus = (): void => {
      if (closed) return;
      if (statusTimer) clearTimeout(statusTimer);
      statusTimer = undefined;
      statusShownAt = Date.now();
      const status = { ...(last ?? connectionStatus(state, link.description, undefined, t)) };
      const counts = queueCounts(t, busy, expired, dropped);
      if (counts && status.text) status.text += ` · ${counts}`;
      // udp: another lxp-dongle listens on the port too (only one of them gets the replies).
      if (dongle?.portShared && status.text) status.text += ` · ${dongle.portShared}`;
      this.status(status);
    };
    // While requests pile up (a flood of messages) the editor gets the status at most every STATUS_INTERVAL_MS.
    const showStatus = (): void => {
      if (closed) return;
      if (busy <= 1 || Date.now() - statusShownAt >= STATUS_INTERVAL_MS) renderStatus();
      else statusTimer ??= setTimeout(renderStatus, STATUS_INTERVAL_MS);
    };
    const onState = (change: StateChange): void => {
      state = change;
      if (busy === 0) last = undefined;
      showStatus();
    };
    const onQuiet = (silentMs: number, filtered: number, ignored: IgnoredSinceInput): void => {
      if (busy > 0) return;
      last = { fill: "yellow", shape: "ring", text: quietHint(silentMs, link.options.answerHeartbeats === true, filtered, ignored, t) };
      showStatus();
    };

    const closing = new AbortController();
    setMaxListeners(0, closing.signal); // one listener per queued request of this node (the queue limit bounds them)
    const execute = async (request: CommandRequest): Promise<ControlOutcome> => {
      const topic = shortTopic(request.topic);
      busy++;
      last = { fill: "blue", shape: "dot", text: t("lxp-request.status.running", { topic }) };
      showStatus();
      const outcome = await runCommand(link, request, { timeoutMs: settings.timeoutMs, retries: settings.retries, signal: closing.signal });
      if (closed) return outcome;
      busy--;
      if (outcome.error?.code === "expired") expired++;
      if (outcome.error?.code === "overflow") dropped++;
      const at = clock(Date.now());
      last = outcome.error
        ? failureStatus(outcome.error, t("lxp-request.status.fail", { topic }))
        : { fill: "green", shape: "dot", text: t("lxp-request.status.ok", { topic, time: at }) };
      showStatus();
      return outcome;
    };

    this.on("input", (msg: NodeMessage, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
      const request = resolveRequest(settings, msg);
      void execute(request).then(({ msg: reply, error }) => {
        // Keep the rest of the incoming message (e.g. _msgid, dashboard socket ids) and replace its content.
        const out = Object.assign(RED.util.cloneMessage(msg), RED.util.cloneMessage(reply as unknown as NodeMessage));
        if (!reply.lxp) delete (out as { lxp?: unknown }).lxp;
        send(out);
        finishInput(done, error);
      });
    });

    const stopAutoSync = scheduleTimeSync(settings.autoSyncHours, () => {
      void execute({ topic: "sync_time", payload: "auto" }).then(({ msg: reply, error }) => {
        const out = RED.util.cloneMessage(reply as unknown as NodeMessage);
        this.send(out);
        if (error) raiseError(this, error, out);
      });
    });
    if (settings.autoSyncHours > 0 && !link.writePolicy.allowed) {
      const why = link.writeRefusal ?? t("lxp-request.warnings.writesDisabled");
      this.warn(t("lxp-request.warnings.autoSyncRefused", { why }));
    }

    link.on("state", onState);
    link.on("input-quiet", onQuiet);
    link.register(this);
    showStatus();

    this.on("close", (_removed: boolean, done: () => void) => {
      closed = true;
      closing.abort();
      if (statusTimer) clearTimeout(statusTimer);
      stopAutoSync();
      link.off("state", onState);
      link.off("input-quiet", onQuiet);
      link.deregister(this);
      this.status({});
      done();
    });
  }
  RED.nodes.registerType("lxp-request", LxpRequest);
};
