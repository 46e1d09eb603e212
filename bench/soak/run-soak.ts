// The soak: the simulated installation (sim-system: a LuxPower dongle and a PylonTech stack on one
// battery) at high speed against a real Node-RED running the package (flow.ts), sampled every few
// seconds; prints the memory growth per hour and per simulated day, what was processed, the errors
// and whether the queues and bad-frame counters stayed put. Prints numbers; asserts only that it ran.
import { createSimSystem } from "../../sim/sim-system";
import { sleep } from "../../test/support/net";
import { soakFlow, SOAK_IDS } from "./flow";
import { SoakNodeRed } from "./node-red-process";
import { reportSoak, type SoakSample, type SoakSetup } from "./report";
import { simulatedDays } from "./simulated-day";

export interface SoakOptions {
  minutes: number;
  /** Seconds between samples; default: a sixtieth of the run, 2–10 s. */
  sampleSeconds?: number;
  /** Stack ports (each its own pylon-port on the same simulated stack). Default 2. */
  pylonPorts?: number;
}

/** Simulated dongle: a broadcast (3 frames) and a heartbeat every 20 ms stand for every 2 minutes. */
const BROADCAST_SECONDS = 0.02;
const SIM_SPEED = 120 / BROADCAST_SECONDS;
const REQUEST_EVERY_SECONDS = 0.25;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function toSample(raw: any, startedAt: number): SoakSample {
  const lxp = raw.lxp ?? {};
  const pylon: any[] = (raw.pylon ?? []).filter(Boolean);
  const counts = {
    lxpFrames: lxp.frames ?? 0,
    lxpRequests: lxp.requests?.exchanges ?? 0,
    pylonCycles: pylon.reduce((n, p) => n + p.cycles, 0),
  };
  return { seconds: (raw.at - startedAt) / 1000, days: simulatedDays(counts).overall, counts, raw };
}

export async function runSoak(options: SoakOptions): Promise<void> {
  const seconds = options.minutes * 60;
  const sampleSeconds = options.sampleSeconds ?? clamp(seconds / 60, 2, 10);
  const warmupSeconds = clamp(seconds / 4, 15, 120);
  const portCount = options.pylonPorts ?? 2;
  const system = createSimSystem({
    seed: 10,
    lxp: { intervalSeconds: BROADCAST_SECONDS, heartbeatSeconds: BROADCAST_SECONDS, speed: SIM_SPEED, protocol: 2 },
  });
  const red = new SoakNodeRed();
  const ids = { dongle: SOAK_IDS.dongle, ports: Array.from({ length: portCount }, (_, k) => SOAK_IDS.port(k)) };
  const samples: SoakSample[] = [];
  try {
    const lxpServer = await system.lxp.listenTcp();
    const pylonServers = [];
    for (let k = 0; k < portCount; k++) pylonServers.push(await system.pylon.listenTcp());
    await red.start(soakFlow({ lxpPort: lxpServer.port, pylonPorts: pylonServers.map((s) => s.port), requestEverySeconds: REQUEST_EVERY_SECONDS }));
    console.log(`soak: ${options.minutes} min against Node-RED (pid ${red.pid}); samples every ${sampleSeconds} s, the first ${warmupSeconds} s are warm-up`);
    // Running: both sides have delivered something.
    const startedAt = Date.now();
    for (;;) {
      const s = toSample(await red.sample(ids), startedAt);
      if (s.counts.lxpFrames > 0 && s.counts.pylonCycles > 0 && s.counts.lxpRequests > 0) break;
      if (Date.now() - startedAt > 60_000) throw new Error(`the flow did not start within 60 s:\n${JSON.stringify(s.raw)}\n${red.logTail()}`);
      await sleep(200);
    }
    const runFrom = Date.now();
    let nextProgress = runFrom + 60_000;
    for (let next = runFrom; next <= runFrom + seconds * 1000; next += sampleSeconds * 1000) {
      await sleep(Math.max(0, next - Date.now()));
      const s = toSample(await red.sample(ids), runFrom);
      samples.push(s);
      if (Date.now() >= nextProgress) {
        nextProgress += 60_000;
        const m = s.raw.memory;
        console.log(
          `  ${(s.seconds / 60).toFixed(0)} min: heap ${(m.heapUsed / 2 ** 20).toFixed(1)} MB, rss ${(m.rss / 2 ** 20).toFixed(1)} MB, ` +
            `${s.counts.lxpFrames} frames, ${s.counts.lxpRequests} requests, ${s.counts.pylonCycles} cycles, ${s.days.toFixed(2)} simulated days`,
        );
      }
    }
    const setup: SoakSetup = { minutes: options.minutes, sampleSeconds, warmupSeconds, portCount, broadcastSeconds: BROADCAST_SECONDS, requestEverySeconds: REQUEST_EVERY_SECONDS };
    console.log(reportSoak(setup, samples));
  } finally {
    await red.stop();
    await system.close();
  }
}

/** `--minutes N` (default 10), `--sample S`, `--ports K` from the command line. */
export function soakOptionsFromArgs(args: readonly string[]): SoakOptions {
  const value = (name: string): number | undefined => {
    const k = args.indexOf(name);
    if (k < 0) return undefined;
    const n = Number(args[k + 1]);
    if (!(n > 0)) throw new Error(`${name} needs a positive number, got ${JSON.stringify(args[k + 1])}`);
    return n;
  };
  return { minutes: value("--minutes") ?? 10, sampleSeconds: value("--sample"), pylonPorts: value("--ports") };
}
