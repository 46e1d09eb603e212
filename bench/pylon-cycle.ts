// Poll-cycle time for 8 packs × (0x42 + 0x44) against the simulated stack (zero latency) over a
// socat pty, as a ratio to the wire-time limit: bytes on the wire × 10 bits / baud.
// A pty has no baud rate, so the ratio measures what the poller adds on top of the wire time.
import { PylonPortLink } from "../nodes/lib/pylon/link";
import { PylonPoller } from "../nodes/lib/pylon/poll/poller";
import { buildPackRequest, PylonCommand } from "../nodes/lib/pylon/codec/api";
import { PylonStackSimulator } from "../sim/pylon/stack";

const PACKS = 8;
const BAUD = 115200;

export async function pylonCycleBench(cycles: number): Promise<string> {
  const sim = new PylonStackSimulator({ packs: PACKS, clock: "manual", seed: 1 });
  const pty = await sim.openPty();
  const link = new PylonPortLink({ transport: "serial", path: pty.path, baudRate: BAUD, gapMs: 0, timeoutMs: 1000 });
  link.register(process);
  try {
    const poller = new PylonPoller(link, { mode: "rs485", packs: PACKS, identityIntervalMs: 1e12 });
    await poller.poll(); // identity is read once at start; the cycles measured read 0x42 + 0x44 only
    let bytes = 0;
    for (let pack = 1; pack <= PACKS; pack++) {
      for (const cid2 of [PylonCommand.ANALOG_VALUES, PylonCommand.ALARM_INFO]) {
        const request = buildPackRequest(cid2, "rs485", pack);
        bytes += request.length + (sim.reply(request)?.frame.length ?? 0);
      }
    }
    const times: number[] = [];
    for (let i = 0; i < cycles; i++) {
      const result = await poller.poll();
      if (result.payload.packs.length !== PACKS) throw new Error(`cycle ${i}: ${JSON.stringify(result.payload.errors)}`);
      times.push(result.durationMs);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const wireMs = (bytes * 10 * 1000) / BAUD;
    return (
      `pylon poll cycle, ${PACKS} packs × (0x42 + 0x44), ${bytes} bytes: median ${median.toFixed(1)} ms over a pty; ` +
      `wire-time limit at ${BAUD} baud ${wireMs.toFixed(1)} ms; ratio ${(median / wireMs).toFixed(2)} (target ≤ 1.3); ` +
      `on a real line the pty's missing wire time adds on: (wire + ${median.toFixed(1)} ms) / wire = ${((wireMs + median) / wireMs).toFixed(2)}`
    );
  } finally {
    await link.close();
    await sim.close();
  }
}
