// The soak's Node-RED flow: lxp-dongle + two lxp-in (one merging banks) + lxp-request fed by inject
// nodes against the simulated dongle; per stack port a pylon-port with a pylon-poll that polls again
// as soon as a cycle is out (its output wired back to its input) and one on the 1 s interval with
// per-pack messages. Every output ends in a quiet debug node; a Catch node collects the errors.

export const SOAK_IDS = {
  dongle: "soak-dongle",
  lxpSink: "soak-lxp-sink",
  requestSink: "soak-request-sink",
  pylonSink: "soak-pylon-sink",
  errorSink: "soak-error-sink",
  port: (k: number): string => `soak-port-${k}`,
} as const;

/** Reads lxp-request makes, each from its own inject node, every `requestEverySeconds`. */
const READS = ["read/hold/21", "read/inputs/1", "read/charge_rate_pct", "read/param/0"];

export interface SoakFlowOptions {
  lxpPort: number;
  pylonPorts: readonly number[];
  requestEverySeconds: number;
}

type FlowNode = Record<string, unknown> & { id: string; type: string };

const sink = (id: string): FlowNode => ({ id, z: "soak", type: "debug", active: false, tosidebar: false, console: false, complete: "false" });

function lxpNodes(o: SoakFlowOptions): FlowNode[] {
  const { dongle, lxpSink, requestSink } = SOAK_IDS;
  return [
    // Serials left blank: learned from the first frames, then pinned, as most users configure it.
    { id: dongle, type: "lxp-dongle", transport: "tcp", host: "127.0.0.1", port: String(o.lxpPort), reconnect: "1", watchdog: "600", datalog: "", inverter: "", queueLimit: "50" },
    { id: "soak-in", z: "soak", type: "lxp-in", dongle, inputRegs: true, holds: true, heartbeats: true, params: true, exceptions: true, wires: [[lxpSink]] },
    { id: "soak-in-merged", z: "soak", type: "lxp-in", dongle, inputRegs: true, mergeBanks: true, wires: [[lxpSink]] },
    { id: "soak-request", z: "soak", type: "lxp-request", dongle, timeout: "2", retries: "1", autoSync: "0", wires: [[requestSink]] },
    ...READS.map((topic, k) => ({
      id: `soak-inject-${k}`, z: "soak", type: "inject", props: [{ p: "topic", vt: "str" }], topic,
      repeat: String(o.requestEverySeconds), once: true, onceDelay: 1 + k * 0.01, wires: [["soak-request"]],
    })),
    sink(lxpSink),
    sink(requestSink),
  ];
}

function pylonNodes(port: number, k: number): FlowNode[] {
  const id = SOAK_IDS.port(k);
  const loop = `soak-poll-loop-${k}`;
  return [
    { id, type: "pylon-port", name: `stack${k}`, transport: "tcp", host: "127.0.0.1", port: String(port), mode: "rs485", timeout: "1000", gap: "10", retries: "1" },
    // Interval 0: polls on input only; its own output is the next input, so cycles run back to back.
    // One inject starts it. (A second message while a cycle runs is refused with an error, so there
    // is no periodic restart: were a cycle ever to end without a message, the cycle rate shows it.)
    { id: loop, z: "soak", type: "pylon-poll", port: id, packs: "auto", interval: "0", wires: [[SOAK_IDS.pylonSink, loop]] },
    { id: `soak-start-${k}`, z: "soak", type: "inject", props: [], once: true, onceDelay: 0.5, wires: [[loop]] },
    { id: `soak-poll-timer-${k}`, z: "soak", type: "pylon-poll", port: id, packs: "auto", interval: "1", perPack: true, wires: [[SOAK_IDS.pylonSink]] },
  ];
}

export function soakFlow(o: SoakFlowOptions): FlowNode[] {
  return [
    { id: "soak", type: "tab", label: "soak" },
    ...lxpNodes(o),
    ...o.pylonPorts.flatMap((port, k) => pylonNodes(port, k)),
    sink(SOAK_IDS.pylonSink),
    { id: "soak-catch", z: "soak", type: "catch", scope: null, uncaught: false, wires: [[SOAK_IDS.errorSink]] },
    sink(SOAK_IDS.errorSink),
  ];
}
