// 65,536-character topics into lxp-request: how long until it refuses each one (its fail message
// comes out). Target (issue 10): well under a second (the slash-trimming regex once took 2.6 s).
import helper from "node-red-node-test-helper";
import { FakeDongleServer, waitFor } from "../test/support/net";
import { arrivals, LXP_NODES, ms } from "./runtime";

const LENGTH = 65_536;

const TOPICS: Array<[string, string]> = [
  ["slashes only", "/".repeat(LENGTH)],
  ["read/hold/ + slashes", `read/hold/${"/".repeat(LENGTH - 10)}`],
  ["slashes + x", `${"/".repeat(LENGTH - 1)}x`],
  ["set/ + digits", `set/${"1".repeat(LENGTH - 4)}`],
  ["read/hold/1/1/1/…", `read/hold${"/1".repeat((LENGTH - 9) / 2)}`.padEnd(LENGTH, "/")],
];

export async function longTopicBench(): Promise<string[]> {
  const dongle = new FakeDongleServer();
  const port = await dongle.listen();
  await helper.load(LXP_NODES, [
    { id: "f1", type: "tab" },
    { id: "d1", type: "lxp-dongle", transport: "tcp", host: "127.0.0.1", port: String(port), watchdog: "0", datalog: "2222222222", inverter: "5555555555", allowWrites: true },
    { id: "r1", z: "f1", type: "lxp-request", dongle: "d1", timeout: "2", retries: "0", wires: [["out"]] },
    { id: "out", z: "f1", type: "helper" },
  ] as any);
  try {
    await dongle.waitForConnection();
    const out = arrivals("out");
    const lines: string[] = [];
    for (const [what, topic] of TOPICS) {
      if (topic.length !== LENGTH) throw new Error(`${what}: ${topic.length} characters`);
      const before = out.length;
      const start = performance.now();
      (helper.getNode("r1") as any).receive({ topic, payload: 1 });
      await waitFor(() => out.length > before, 10_000, `the answer to ${what}`);
      const reply = out[before];
      const verdict = reply.msg.result === "fail" ? `refused: ${String(reply.msg.reason).slice(0, 90)}…` : `NOT refused (${reply.msg.result})`;
      lines.push(`65,536-character topic (${what}) → lxp-request: ${verdict} after ${ms(reply.at - start)} (target well under 1 s)`);
    }
    const sent = (helper.getNode("d1") as any).link.requester.stats.exchanges;
    lines.push(`  … frames sent to the dongle for them: ${sent}`);
    return lines;
  } finally {
    await helper.unload();
    await dongle.close();
  }
}
