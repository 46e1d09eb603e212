// Runs inside the soak's Node-RED process (its settings.js requires this file): counts log lines and
// the messages each sink receives, and answers the driver's IPC "sample" request with the memory
// after a forced gc (node --expose-gc) and the counters of the package's nodes. Reading the links'
// stats reaches into the nodes' internals: this is a benchmark probe, not an API.
const { monitorEventLoopDelay } = require("node:perf_hooks");
const v8 = require("node:v8");

const ERROR = 20;
const WARN = 30;
const logs = { errors: 0, warnings: 0, first: [] };
const received = new Map();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let hooked = false;

/** A Node-RED logging handler (settings.logging.soak.handler): counts errors and warnings, keeps the first few. */
function logHandler() {
  return (entry) => {
    if (entry.level > WARN) return;
    if (entry.level <= ERROR) logs.errors++;
    else logs.warnings++;
    if (logs.first.length < 5) logs.first.push(`[${entry.level <= ERROR ? "error" : "warn"}] [${entry.type ?? ""}:${entry.id ?? ""}] ${String(entry.msg?.message ?? entry.msg).slice(0, 300)}`);
  };
}

function red() {
  return require("node-red");
}

/** Counts messages per receiving node id from the first sample on (hooks cost a little per message). */
function hookReceives() {
  if (hooked) return;
  hooked = true;
  red().hooks.add("onReceive.soak", (event) => {
    const id = event.destination.id;
    received.set(id, (received.get(id) ?? 0) + 1);
  });
}

function lxpCounters(dongleId) {
  const link = red().nodes.getNode(dongleId)?.link;
  if (!link) return undefined;
  const requester = link.requester;
  return { state: link.state.state, ...link.stats, queueDepth: requester.pending, requests: { ...requester.stats } };
}

function pylonCounters(portId) {
  const node = red().nodes.getNode(portId);
  const link = node?.link;
  if (!link) return undefined;
  let cycles = 0;
  for (const entry of node.pollers?.entries?.values() ?? []) cycles += entry.poller.cycles;
  return { state: link.state.state, ...link.stats, queueDepth: link.pending, cycles };
}

function sample(ids) {
  hookReceives();
  const gcMs = performance.now();
  global.gc?.();
  const afterGc = performance.now();
  const memory = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]));
  const loop = { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 };
  loopDelay.reset();
  return {
    at: Date.now(),
    gc: typeof global.gc === "function",
    gcMs: afterGc - gcMs,
    memory,
    spaces,
    loop,
    logs: { errors: logs.errors, warnings: logs.warnings, first: logs.first },
    received: Object.fromEntries(received),
    lxp: lxpCounters(ids.dongle),
    pylon: ids.ports.map(pylonCounters),
  };
}

process.on("message", (request) => {
  if (request?.type !== "sample") return;
  let reply;
  try {
    reply = { type: "sample", sample: sample(request.ids) };
  } catch (err) {
    reply = { type: "sample", error: String(err?.stack ?? err) };
  }
  process.send?.(reply);
});

module.exports = { logHandler };
