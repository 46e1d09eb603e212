// The soak's printout: memory growth fitted after the warm-up, per hour of wall time and per
// simulated day (target < 10 MB/day), what was processed, errors, and the counters that must not grow.
import { linearFit } from "./linear-fit";
import { describeRealDay, simulatedDays, type SoakCounts } from "./simulated-day";

export interface SoakSample {
  /** Since the run began (after the flow was up). */
  seconds: number;
  /** Simulated days so far (simulated-day.ts). */
  days: number;
  counts: SoakCounts;
  /** What probe.cjs answered. */
  raw: any;
}

export interface SoakSetup {
  minutes: number;
  sampleSeconds: number;
  warmupSeconds: number;
  portCount: number;
  broadcastSeconds: number;
  requestEverySeconds: number;
}

export const TARGET_MB_PER_DAY = 10;
const MB = 2 ** 20;

const fixed = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const int = (n: number): string => Math.round(n).toLocaleString("en");

function growthLine(name: string, samples: readonly SoakSample[], pick: (s: SoakSample) => number): string {
  const mb = samples.map((s) => pick(s) / MB);
  const perHour = linearFit(samples.map((s) => s.seconds / 3600), mb);
  const perDay = linearFit(samples.map((s) => s.days), mb);
  const verdict = perDay.slope + 2 * (perDay.slopeError || 0) < TARGET_MB_PER_DAY ? "met" : perDay.slope < TARGET_MB_PER_DAY ? "met, within noise" : "MISSED";
  return (
    `  ${name}: ${fixed(mb[0])} → ${fixed(mb.at(-1)!)} MB; ${fixed(perHour.slope, 2)} ± ${fixed(perHour.slopeError, 2)} MB/h of wall time = ` +
    `${fixed(perDay.slope, 2)} ± ${fixed(perDay.slopeError, 2)} MB per simulated day (target < ${TARGET_MB_PER_DAY} MB/day: ${verdict})`
  );
}

/** Max and last of a counter over the samples after the warm-up. */
function maxLast(samples: readonly SoakSample[], pick: (s: SoakSample) => number): string {
  const values = samples.map(pick);
  return `max ${Math.max(...values)}, last ${values.at(-1)}`;
}

/** "old_space +0.21 MB, code_space +0.05 MB, …": where the heap grew or shrank, largest first. */
function spaceChanges(from: SoakSample, to: SoakSample): string {
  return Object.entries(to.raw.spaces as Record<string, number>)
    .map(([name, used]) => [name, (used - (from.raw.spaces[name] ?? 0)) / MB] as const)
    .filter(([, change]) => Math.abs(change) >= 0.005)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .map(([name, change]) => `${name} ${change >= 0 ? "+" : ""}${change.toFixed(2)} MB`)
    .join(", ") || "none";
}

export function reportSoak(setup: SoakSetup, all: readonly SoakSample[]): string {
  const steady = all.filter((s) => s.seconds >= setup.warmupSeconds);
  if (steady.length < 3) throw new Error(`only ${steady.length} samples after the warm-up: run longer or sample more often`);
  const last = all.at(-1)!;
  const first = steady[0];
  const wall = last.seconds;
  const lxp = last.raw.lxp;
  const ports: any[] = last.raw.pylon;
  const sum = (pick: (p: any) => number): number => ports.reduce((n, p) => n + pick(p), 0);
  const got = last.raw.received;
  const days = simulatedDays(last.counts);
  const loopP99 = Math.max(...steady.map((s) => s.raw.loop.p99Ms));
  const loopMax = Math.max(...steady.map((s) => s.raw.loop.maxMs));
  const gcMs = Math.max(...steady.map((s) => s.raw.gcMs));
  const logs = last.raw.logs;
  const lines = [
    `soak over ${fixed(wall / 60)} min: simulated dongle broadcasting every ${setup.broadcastSeconds * 1000} ms (3 banks) + a heartbeat as often, ` +
      `4 lxp-request reads every ${setup.requestEverySeconds} s each; ${setup.portCount} pylon-port(s) on the simulated 3-pack stack, polled back to back + every 1 s`,
    `  processed: ${int(last.counts.lxpFrames)} LuxPower frames (${int(last.counts.lxpFrames / wall)}/s), ` +
      `${int(lxp.requests.exchanges)} requests (${int(lxp.requests.replies)} answered, ${lxp.requests.timeouts} timeouts), ` +
      `${int(last.counts.pylonCycles)} Pylon cycles (${fixed(last.counts.pylonCycles / wall)}/s, ${int(sum((p) => p.requests))} bus requests)`,
    `  messages out: lxp-in ${int(got["soak-lxp-sink"] ?? 0)}, lxp-request ${int(got["soak-request-sink"] ?? 0)}, pylon-poll ${int(got["soak-pylon-sink"] ?? 0)} ` +
      `(counted from the first sample on)`,
    `  simulated days: ${fixed(days.overall, 2)} (LuxPower frames ${fixed(days.lxpFrames, 1)}, requests ${fixed(days.lxpRequests, 1)}, Pylon cycles ${fixed(days.pylonCycles, 2)})`,
    `  ${describeRealDay()}`,
    `  errors: ${got["soak-error-sink"] ?? 0} caught, ${logs.errors} logged errors, ${logs.warnings} warnings ` +
      `(after warm-up: +${logs.errors - first.raw.logs.errors} errors, +${logs.warnings - first.raw.logs.warnings} warnings)` +
      (logs.first.length > 0 ? `; first: ${logs.first.join(" | ")}` : ""),
    `  counters after warm-up: lxp request queue depth ${maxLast(steady, (s) => s.raw.lxp.queueDepth)}; ` +
      `pylon queue depth ${maxLast(steady, (s) => Math.max(...s.raw.pylon.map((p: any) => p.queueDepth)))}; ` +
      `bad frames lxp ${first.raw.lxp.badFrames} → ${lxp.badFrames}, pylon ${first.raw.pylon.reduce((n: number, p: any) => n + p.badFrames, 0)} → ${sum((p) => p.badFrames)}; ` +
      `requests expired ${lxp.requests.expired}, refused ${lxp.requests.overflow}, timed out ${first.raw.lxp.requests.timeouts} → ${lxp.requests.timeouts}; ` +
      `pylon timeouts ${first.raw.pylon.reduce((n: number, p: any) => n + p.timeouts, 0)} → ${sum((p) => p.timeouts)}; ` +
      `frames ignored (other sender/serial) ${lxp.otherSenders + lxp.otherSerials}; lxp link ${lxp.state}, ports ${ports.map((p) => p.state).join(", ")}`,
    `  memory after a forced gc (${steady.length} samples every ${setup.sampleSeconds} s after ${setup.warmupSeconds} s of warm-up; ± is one standard error):`,
    growthLine("heapUsed", steady, (s) => s.raw.memory.heapUsed),
    growthLine("rss", steady, (s) => s.raw.memory.rss),
    growthLine("external (Buffers)", steady, (s) => s.raw.memory.external),
    `  heap spaces, change after warm-up: ${spaceChanges(first, last)}`,
    `  event loop after warm-up, per sample period: p99 ≤ ${fixed(loopP99)} ms, max ${fixed(loopMax)} ms; each sample's forced full gc took up to ${fixed(gcMs)} ms`,
  ];
  if (setup.minutes < 5) lines.push("  note: RSS keeps settling for the first few minutes (allocator and JIT); runs under 5 minutes overstate its growth");
  if (!last.raw.gc) lines.push("  warning: gc() was not exposed in the Node-RED process: heap figures include garbage");
  return lines.join("\n");
}
