// Helpers for node-red-node-test-helper flows: a node under test wired to a helper node, plus a
// Catch node, and ways to read what they received.
import helper from "node-red-node-test-helper";

export type FlowNode = { id: string; type: string; [key: string]: any };

/** Tab f1 with `node` (wired to "out") and a Catch node wired to "caught"; config nodes go first. */
export function testFlow(configs: FlowNode[], node: FlowNode): FlowNode[] {
  return [
    { id: "f1", type: "tab" },
    ...configs,
    { z: "f1", wires: [["out"]], ...node },
    { id: "out", z: "f1", type: "helper" },
    { id: "catch1", z: "f1", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
    { id: "caught", z: "f1", type: "helper" },
  ];
}

/** Collects what a helper node receives from now on. */
export function collect(id: string): any[] {
  const got: any[] = [];
  (helper.getNode(id) as any).on("input", (msg: any) => got.push(msg));
  return got;
}

/** Collects the status objects a node sets from now on. */
export function statuses(id: string): any[] {
  const got: any[] = [];
  (helper.getNode(id) as any).on("call:status", (call: any) => got.push(call.args[0]));
  return got;
}

/** The arguments of each call of a spied method (status, error, log, …) on one node, constructor included. */
export function callsOf(id: string, method: "status" | "error" | "log" | "warn"): any[][] {
  const node = helper.getNode(id) as any;
  return node[method]
    .getCalls()
    .filter((c: any) => c.thisValue === node)
    .map((c: any) => c.args);
}

/** The last status a node set, including the ones set in its constructor. */
export function lastStatus(id: string): any {
  return callsOf(id, "status").at(-1)?.[0];
}
