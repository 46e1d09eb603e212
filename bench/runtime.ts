// The in-process Node-RED runtime (node-red-node-test-helper) the short benchmarks load their flows
// into, and a collector that stamps when each message reached a helper node.
import helper from "node-red-node-test-helper";
import lxpDongleNode from "../nodes/lxp-dongle";
import lxpInNode from "../nodes/lxp-in";
import lxpRequestNode from "../nodes/lxp-request";

export const LXP_NODES = [lxpDongleNode, lxpInNode, lxpRequestNode];

/** Starts the runtime, runs `measure`, and stops the runtime again whatever happens. */
export async function withRuntime<T>(measure: () => Promise<T>): Promise<T> {
  helper.init(require.resolve("node-red"));
  await helper.startServer();
  try {
    return await measure();
  } finally {
    await helper.unload();
    await new Promise<void>((resolve) => helper.stopServer(resolve));
  }
}

export interface Arrival {
  /** performance.now() when the helper node got it. */
  at: number;
  msg: any;
}

/** Everything helper node `id` receives from now on, with its arrival time. */
export function arrivals(id: string): Arrival[] {
  const got: Arrival[] = [];
  (helper.getNode(id) as any).on("input", (msg: any) => got.push({ at: performance.now(), msg }));
  return got;
}

export const ms = (n: number): string => `${n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString("en")} ms`;

/** The value at fraction `p` (0–1) of `values` sorted ascending. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}
