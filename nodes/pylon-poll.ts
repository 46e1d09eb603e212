// pylon-poll: polls a PylonTech stack on an interval and/or per input message; one message per
// cycle as in docs/pylon-payloads.md, optionally one per pack.
import { linkOf } from "./lib/config-node";
import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from "node-red";
import { errorText, finishInput } from "./lib/node-errors";
import { PortHealth, type PortHealthUpdate } from "./lib/pylon-link/port-health";
import type { PollResult, PylonPoller } from "./lib/pylon-poller";
import type { StateChange } from "./lib/transport";
import type { PylonPollDef, PylonPortNode } from "./types";

function parsePacks(value: unknown): number | "auto" {
  const s = String(value ?? "auto").trim() || "auto";
  if (s === "auto") return "auto";
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new Error(`packs must be "auto" or 1–16, got "${s}"`);
  return n;
}

function parseSeconds(value: unknown, what: string, fallback: number, max: number): number {
  const s = String(value ?? "").trim();
  if (s === "") return fallback;
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0 || n > max) throw new Error(`${what} must be 0–${max}, got "${s}"`);
  return n;
}

function parseIdentityMinutes(value: unknown): number {
  const s = String(value ?? "").trim();
  if (s === "") return 60;
  const n = Number(s);
  if (!Number.isFinite(n) || n < 1 || n > 10080) throw new Error(`identity refresh must be 1–10080 minutes, got "${s}"`);
  return n;
}

/** "3 packs · 45 cells · 0.4 s", with the failures counted. */
function cycleStatus(result: PollResult): { fill: "green" | "yellow" | "red"; shape: "dot" | "ring"; text: string } {
  const { packs, errors } = result.payload;
  const cells = packs.reduce((n, p) => n + (p.cell_voltages?.length ?? 0), 0);
  const took = `${(result.durationMs / 1000).toFixed(1)} s`;
  if (packs.length === 0) {
    const why = errors[0]?.error ?? "no packs found";
    return { fill: "red", shape: "ring", text: `no reply (${why}) · ${took}` };
  }
  const base = `${packs.length} pack${packs.length === 1 ? "" : "s"} · ${cells} cells · ${took}`;
  if (errors.length === 0) return { fill: "green", shape: "dot", text: base };
  return { fill: "yellow", shape: "dot", text: `${base} · ${errors.length} error${errors.length === 1 ? "" : "s"}` };
}

export = function register(RED: NodeAPI): void {
  function PylonPoll(this: Node, config: PylonPollDef): void {
    RED.nodes.createNode(this, config);
    const portNode = RED.nodes.getNode(config.port) as PylonPortNode | null;
    const link = linkOf(this, portNode, "pylon-port", "port");
    const pollers = portNode?.pollers;
    if (!link || !portNode?.mode || !pollers) return; // mode and pollers are set with the link
    let poller: PylonPoller;
    let intervalMs: number;
    try {
      intervalMs = parseSeconds(config.interval, "interval (s)", 10, 86400) * 1000;
      poller = pollers.acquire({
        packs: parsePacks(config.packs),
        chargeManagement: config.chargeManagement === true,
        system: config.system === true,
        identityIntervalMs: parseIdentityMinutes(config.identityMinutes) * 60_000,
      });
    } catch (err) {
      this.status({ fill: "red", shape: "ring", text: "config error" });
      this.error((err as Error).message);
      return;
    }
    for (const note of poller.unavailableOptions) this.warn(note);
    const topic = `pylon/${portNode.label}`;
    const perPack = config.perPack === true;
    let timer: ReturnType<typeof setInterval> | undefined;
    let first: ReturnType<typeof setImmediate> | undefined;
    let closing = false;
    let confirmTimer: ReturnType<typeof setTimeout> | undefined;

    // One steady status while the port is down; one error when it goes down or the cause changes.
    const health = new PortHealth(link.description);
    const showHealth = ({ status, notice, confirmInMs }: PortHealthUpdate): void => {
      if (status) this.status(status);
      if (notice?.level === "error") this.error(notice.text, { topic, payload: notice.text });
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

    const outputs = (shared: PollResult, base?: NodeMessageInFlow): NodeMessage[] => {
      // Other pylon-poll nodes of this port may send the same result: each sends its own copy.
      const result = { ...shared, payload: structuredClone(shared.payload) };
      const cycle = { ...(base ?? {}), topic, payload: result.payload } as NodeMessage;
      if (!perPack) return [cycle];
      const packs = result.payload.packs.map((pack) => ({ topic: `${topic}/${pack.address}`, payload: pack }) as NodeMessage);
      return [cycle, ...packs];
    };

    const runCycle = async (
      msg?: NodeMessageInFlow,
      send = (m: NodeMessage) => this.send(m),
      maxAgeMs?: number,
    ): Promise<void> => {
      const result = await poller.poll(Date.now(), { maxAgeMs });
      if (closing) return;
      const { packs, errors } = result.payload;
      const portDown = result.portDown !== undefined && packs.length === 0;
      if (packs.length > 0) showHealth(health.confirm()); // a reply proves a reopened port
      if (!health.down) this.status(cycleStatus(result));
      for (const out of outputs(result, msg)) send(out);
      if (portDown) {
        // An interval cycle's message says not_connected; the status and one error told the rest.
        if (!msg) return;
        throw new Error(`cannot poll: ${health.downText ?? result.portDown}`);
      }
      if (packs.length === 0 && errors.length > 0) {
        const first = errors[0];
        throw new Error(`no pack answered on ${link.description}: ${first.command} to ${first.address}: ${first.error}`);
      }
    };

    link.on("state", onState);
    showHealth(health.update(link.state)); // the port may be shared, and already open or down
    link.register(this);

    if (intervalMs > 0) {
      const tick = (): void => {
        // A cycle another node of this port ran within most of our interval is fresh enough.
        runCycle(undefined, undefined, intervalMs * 0.9).catch((err: unknown) => this.error(errorText(err), { topic, payload: errorText(err) }));
      };
      timer = setInterval(tick, intervalMs);
      first = setImmediate(tick);
    }

    this.on("input", (msg: NodeMessageInFlow, send, done) => {
      runCycle(msg, (m) => send(m)).then(
        () => done(),
        (err: unknown) => finishInput(done, err),
      );
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
