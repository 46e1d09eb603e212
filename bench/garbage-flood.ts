// A 60 kB garbage UDP datagram (and 64 kB over TCP) from the dongle's own address, in the Node-RED
// runtime: how many errors lxp-in raises, how soon a good frame sent right behind it comes out,
// and the longest event-loop stall. Target (issue 10): a handful of errors, answered within 0.5 s.
import dgram from "node:dgram";
import { monitorEventLoopDelay } from "node:perf_hooks";
import helper from "node-red-node-test-helper";
import { SeededRandom } from "../sim/common/random";
import { FakeDongleServer, freeUdpPort, sleep, waitFor } from "../test/support/net";
import { hexBuf, lxpVector } from "../test/support/vectors";
import { arrivals, LXP_NODES, ms } from "./runtime";

const GOOD = hexBuf(lxpVector("lb_parse_read_inputs_all_protocol5_reply").hex);
const SEED = 10;
/** lxp-in sums a burst of bad frames until none came for a second (bad-frame-bursts.ts): wait that out. */
const BURST_QUIET_MS = 1000;

/** `bytes` of `A1 1A` (the frame prefix) only. */
export function prefixGarbage(bytes: number): Buffer {
  return Buffer.alloc(bytes, Buffer.from([0xa1, 0x1a]));
}

/** `bytes` of `A1 1A` each followed by 0–30 random bytes (seeded). */
export function mixedGarbage(bytes: number, seed = SEED): Buffer {
  const random = new SeededRandom(seed);
  const out = Buffer.alloc(bytes);
  let k = 0;
  while (k < bytes) {
    out[k++] = 0xa1;
    if (k < bytes) out[k++] = 0x1a;
    for (let n = random.int(0, 30); n > 0 && k < bytes; n--) out[k++] = random.int(0, 255);
  }
  return out;
}

const flow = (dongle: Record<string, unknown>): any[] => [
  { id: "f1", type: "tab" },
  { id: "d1", ...dongle },
  { id: "in1", z: "f1", type: "lxp-in", dongle: "d1", wires: [["out"]] },
  { id: "out", z: "f1", type: "helper" },
  { id: "catch1", z: "f1", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
  { id: "caught", z: "f1", type: "helper" },
];

interface FloodResult {
  answeredMs: number | undefined;
  stallMs: number;
  errors: number;
  badFrames: number;
}

/**
 * Sends `garbage` then a good frame with `deliver`, and measures: the good frame's way out of
 * lxp-in, the event loop's longest delay, and the errors caught once the burst is over.
 */
async function flood(deliver: (garbage: Buffer, good: Buffer) => Promise<void>, garbage: Buffer): Promise<FloodResult> {
  const out = arrivals("out");
  const caught = arrivals("caught");
  const link = (helper.getNode("d1") as any).link;
  // A good frame first: the dongle's address and serials are known, as on a running system.
  await deliver(Buffer.alloc(0), GOOD);
  await waitFor(() => out.length === 1, 5000, "the first good frame");
  const badBefore = link.stats.badFrames;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const sentAt = performance.now();
  await deliver(garbage, GOOD);
  let answeredMs: number | undefined;
  try {
    await waitFor(() => out.length === 2, 10_000, "the good frame after the garbage");
    answeredMs = out[1].at - sentAt;
  } catch {
    answeredMs = undefined; // lost: reported as such
  }
  await sleep(BURST_QUIET_MS + 500);
  loop.disable();
  return { answeredMs, stallMs: loop.max / 1e6, errors: caught.length, badFrames: link.stats.badFrames - badBefore };
}

function line(what: string, r: FloodResult): string {
  const answered = r.answeredMs === undefined ? "the good frame behind it was LOST" : `the good frame right behind it came out after ${ms(r.answeredMs)}`;
  return (
    `${what}: ${r.errors} error(s) caught for ${r.badFrames.toLocaleString("en")} bad frames; ${answered}; ` +
    `longest event-loop stall ${ms(r.stallMs)} (target: a handful of errors, answered ≤ 500 ms)`
  );
}

async function udpFlood(garbage: Buffer): Promise<FloodResult> {
  const port = await freeUdpPort();
  await helper.load(LXP_NODES, flow({ type: "lxp-dongle", transport: "udp", port: String(port), bind: "127.0.0.1" }));
  await waitFor(() => (helper.getNode("d1") as any).link.state.state === "listening");
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const send = (d: Buffer): Promise<void> => new Promise((resolve, reject) => socket.send(d, port, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
  try {
    return await flood(async (bad, good) => {
      if (bad.length > 0) await send(bad);
      await send(good);
    }, garbage);
  } finally {
    socket.close();
    await helper.unload();
  }
}

async function tcpFlood(garbage: Buffer): Promise<FloodResult> {
  const dongle = new FakeDongleServer();
  const port = await dongle.listen();
  await helper.load(LXP_NODES, flow({ type: "lxp-dongle", transport: "tcp", host: "127.0.0.1", port: String(port), watchdog: "0" }));
  await dongle.waitForConnection();
  await waitFor(() => (helper.getNode("d1") as any).link.state.state === "connected");
  try {
    return await flood(async (bad, good) => dongle.write(Buffer.concat([bad, good])), garbage);
  } finally {
    await helper.unload();
    await dongle.close();
  }
}

export async function garbageFloodBench(): Promise<string[]> {
  const pure = prefixGarbage(60 * 1024);
  const mixed = mixedGarbage(60 * 1024);
  return [
    line("60 kB UDP datagram of A1 1A → lxp-in", await udpFlood(pure)),
    line(`60 kB UDP datagram of A1 1A + 0–30 random bytes (seed ${SEED}) → lxp-in`, await udpFlood(mixed)),
    line("64 kB of A1 1A over TCP → lxp-in", await tcpFlood(prefixGarbage(64 * 1024))),
    line(`64 kB of A1 1A + random bytes over TCP (seed ${SEED}) → lxp-in`, await tcpFlood(mixedGarbage(64 * 1024))),
  ];
}
