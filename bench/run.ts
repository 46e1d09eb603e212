// `npm run bench`: decode throughput of a 127-register reply, the cost of cloning its message (lxp-in
// clones it once per node per frame), the PylonTech 0x42 decode against a plain JavaScript decoder,
// the latency from a UDP datagram arriving to the message leaving lxp-in in the Node-RED runtime,
// a PylonTech poll cycle over a pty, and the hardening figures of issue 10 (garbage floods, a silent
// dongle's queue, huge topics), passive listening and the console reader (issue 12). Prints results;
// asserts nothing.
// `npm run bench -- --soak [--minutes N]` runs the soak instead (as `npm run soak`).
import RED from "node-red";
import helper from "node-red-node-test-helper";
import { frameToMessage, parseFrame, LxpStreamParser } from "../nodes/lib/lxp/codec/api";
import { freeUdpPort, sendUdp, waitFor } from "../test/support/net";
import { hexBuf, lxpVector } from "../test/support/vectors";
import { garbageFloodBench } from "./garbage-flood";
import { longTopicBench } from "./long-topic";
import { pylonCycleBench } from "./pylon-cycle";
import { pylonDecodeBench } from "./pylon-decode";
import { pylonListenConsoleBench } from "./pylon-listen-console";
import { LXP_NODES, withRuntime } from "./runtime";
import { silentDongleQueueBench } from "./silent-dongle-queue";
import { runSoak, soakOptionsFromArgs } from "./soak/run-soak";

const combined = hexBuf(lxpVector("lb_parse_read_inputs_all_protocol5_reply").hex);

function decodeThroughput(seconds: number): number {
  const until = performance.now() + seconds * 1000;
  let frames = 0;
  let sink = 0; // uses each result so the work cannot be optimised away
  while (performance.now() < until) {
    for (let k = 0; k < 1000; k++) {
      sink += frameToMessage(parseFrame(combined)).msg.payload.soc as number;
    }
    frames += 1000;
  }
  if (sink === 0) throw new Error("nothing decoded");
  return frames / seconds;
}

/** RED.util.cloneMessage calls per second on `msg`. */
function cloneThroughput(seconds: number, msg: object): number {
  const until = performance.now() + seconds * 1000;
  let clones = 0;
  let sink = 0;
  while (performance.now() < until) {
    for (let k = 0; k < 100; k++) sink += Object.keys(RED.util.cloneMessage(msg as never)).length;
    clones += 100;
  }
  if (sink === 0) throw new Error("nothing cloned");
  return clones / seconds;
}

/** The input message lxp-in clones, with and without its raw `registers` (127 keys). */
function cloneCost(seconds: number): string {
  const msg = frameToMessage(parseFrame(combined)).msg;
  const { registers: _registers, ...named } = msg.payload;
  const withRegisters = cloneThroughput(seconds, msg);
  const without = cloneThroughput(seconds, { ...msg, payload: named });
  const fmt = (n: number): string => Math.round(n).toLocaleString("en");
  return (
    `RED.util.cloneMessage of the 127-register input message (once per lxp-in node per frame): ${fmt(withRegisters)}/s; ` +
    `without payload.registers ${fmt(without)}/s (registers take ${Math.round((1 - withRegisters / without) * 100)} % of the clone rate)`
  );
}

function streamThroughput(seconds: number): number {
  const chunk = Buffer.concat(Array.from({ length: 100 }, () => combined));
  const parser = new LxpStreamParser();
  const until = performance.now() + seconds * 1000;
  let frames = 0;
  while (performance.now() < until) frames += parser.push(chunk).length;
  return frames / seconds;
}

async function runtimeLatency(samples: number): Promise<number[]> {
  const port = await freeUdpPort();
  await helper.load(
    LXP_NODES,
    [
      { id: "f1", type: "tab" },
      { id: "d1", type: "lxp-dongle", transport: "udp", port: String(port), bind: "127.0.0.1" },
      { id: "in1", z: "f1", type: "lxp-in", dongle: "d1", wires: [["out"]] },
      { id: "out", z: "f1", type: "helper" },
    ] as any,
  );
  await waitFor(() => (helper.getNode("d1") as any).link.state.state === "listening");
  // Stamp the moment the datagram reaches the process (the socket's 'message' event fires first).
  const link = (helper.getNode("d1") as any).link;
  let arrived = 0n;
  link.prependListener("message", () => undefined);
  const transport = link.transport;
  transport.prependListener("data", () => {
    arrived = process.hrtime.bigint();
  });
  const latencies: number[] = [];
  let pending: ((ns: bigint) => void) | undefined;
  (helper.getNode("out") as any).on("input", () => pending?.(process.hrtime.bigint()));
  for (let i = 0; i < samples; i++) {
    const done = new Promise<bigint>((resolve) => (pending = resolve));
    await sendUdp(port, combined);
    const left = await done;
    latencies.push(Number(left - arrived) / 1000);
  }
  await helper.unload();
  return latencies.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes("--soak")) return runSoak(soakOptionsFromArgs(args));
  const fps = decodeThroughput(3);
  console.log(`decode 127-register reply (parse + message): ${Math.round(fps).toLocaleString("en")} frames/s on one core (target ≥ 200,000)`);
  console.log(`stream parser (100 frames per chunk, no decode): ${Math.round(streamThroughput(2)).toLocaleString("en")} frames/s`);
  console.log(cloneCost(2));
  for (const line of pylonDecodeBench(2)) console.log(line);
  for (const line of pylonListenConsoleBench(2)) console.log(line);
  await withRuntime(async () => {
    const lat = await runtimeLatency(2000);
    const pct = (p: number): string => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))].toFixed(0);
    console.log(`UDP datagram → lxp-in output in the runtime: median ${pct(0.5)} µs, p95 ${pct(0.95)} µs, max ${pct(1)} µs (${lat.length} samples)`);
  });
  console.log(await pylonCycleBench(50));
  console.log("hardening (issue 10), in the Node-RED runtime:");
  await withRuntime(async () => {
    for (const line of await garbageFloodBench()) console.log(`  ${line}`);
    for (const line of await silentDongleQueueBench()) console.log(`  ${line}`);
    for (const line of await longTopicBench()) console.log(`  ${line}`);
  });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
