// 300 reads through lxp-request to a dongle that accepts the connection and never answers, timeout
// 2 s and no retry (so each request's deadline is 2 s after it was queued): how long after its
// deadline each one settles, how many the queue refused at once, and how many reached the dongle.
// Target (issue 10): all settle within a few seconds of their deadline; the dongle gets almost none.
// A request that reaches its turn just before its deadline is still sent, and then has its own
// timeout: it settles up to one timeout after the deadline (the deadline bounds the wait for a turn).
import helper from "node-red-node-test-helper";
import { FakeDongleServer, waitFor } from "../test/support/net";
import { type Arrival, arrivals, LXP_NODES, ms, percentile } from "./runtime";

const REQUESTS = 300;
const TIMEOUT_S = 2;

async function flood(queueLimit: string | undefined): Promise<string> {
  const dongle = new FakeDongleServer(); // accepts, reads, never writes
  const port = await dongle.listen();
  await helper.load(LXP_NODES, [
    { id: "f1", type: "tab" },
    {
      id: "d1", type: "lxp-dongle", transport: "tcp", host: "127.0.0.1", port: String(port), watchdog: "0",
      datalog: "2222222222", inverter: "5555555555", ...(queueLimit ? { queueLimit } : {}),
    },
    { id: "r1", z: "f1", type: "lxp-request", dongle: "d1", timeout: String(TIMEOUT_S), retries: "0", wires: [["out"]] },
    { id: "out", z: "f1", type: "helper" },
  ] as any);
  try {
    await dongle.waitForConnection();
    await waitFor(() => (helper.getNode("d1") as any).link.state.state === "connected");
    const out = arrivals("out");
    const queuedAt: number[] = [];
    const started = performance.now();
    for (let k = 0; k < REQUESTS; k++) {
      queuedAt.push(performance.now());
      (helper.getNode("r1") as any).receive({ topic: `read/hold/${k % 120}`, bench: k });
    }
    // How long the runtime takes to hand all of them to the queue (counted in the lateness below).
    const stats = (helper.getNode("d1") as any).link.requester.stats;
    while (stats.queued + stats.overflow < REQUESTS) await new Promise((resolve) => setImmediate(resolve));
    const intakeMs = performance.now() - started;
    await waitFor(() => out.length === REQUESTS, 60_000, "every request to settle");
    const lastSettled = Math.max(...out.map((a) => a.at)) - started;
    /** Deadline: the timeout after the message was handed to the node (the queue's own clock starts a little later). */
    const late = (a: Arrival): number => a.at - (queuedAt[a.msg.bench] + TIMEOUT_S * 1000);
    const byReason = (pattern: RegExp): Arrival[] => out.filter((a) => pattern.test(a.msg.reason ?? ""));
    const refused = byReason(/not sent: \d+ requests for the dongle/);
    const expired = byReason(/not sent: still waiting for its turn/);
    const timedOut = byReason(/no reply from datalog/);
    const other = REQUESTS - refused.length - expired.length - timedOut.length;
    const spread = (list: Arrival[]): string => {
      if (list.length === 0) return "";
      const values = list.map(late);
      if (values.length <= 3) return ` (after their deadline by ${values.map(ms).join(", ")})`;
      return ` (after their deadline by median ${ms(percentile(values, 0.5))}, max ${ms(Math.max(...values))})`;
    };
    const refusal = refused.length > 0 ? ` (each within ${ms(Math.max(...refused.map((a) => a.at - queuedAt[a.msg.bench])))})` : "";
    const limit = queueLimit ?? "50 (default)";
    return (
      `${REQUESTS} reads to a silent dongle, timeout ${TIMEOUT_S} s, no retry, queue limit ${limit}: ${refused.length} refused at once for overflow${refusal}; ` +
      `${expired.length} expired unsent${spread(expired)}; ${timedOut.length} sent and timed out${spread(timedOut)}` +
      `${other > 0 ? `; ${other} OTHER outcomes` : ""}; the last settled ${ms(lastSettled)} after the first was handed over; ` +
      `handing all ${REQUESTS} to the queue took ${ms(intakeMs)}, included in the lateness (target: all settle within a few seconds of their deadline)`
    );
  } finally {
    await helper.unload();
    await dongle.close();
  }
}

export async function silentDongleQueueBench(): Promise<string[]> {
  return [await flood(undefined), await flood("1000")];
}
