// `lxp-pylon listen lxp`: one JSON line per decoded message until interrupted. Uses the same
// DongleLink as the lxp-dongle node, so it behaves like Node-RED (reconnects, watchdog, resync).
import { parseArgs } from "node:util";
import { parseDongleConfig, splitHostPort } from "../../nodes/lib/dongle-config";
import { DongleLink } from "../../nodes/lib/dongle-link";
import { CliError } from "./io";

export function listenOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      tcp: { type: "string" },
      udp: { type: "string" },
      datalog: { type: "string" },
      watchdog: { type: "string" },
      "current-divisor": { type: "string" },
      reconnect: { type: "string" },
    },
  });
  if (!values.tcp === !values.udp) throw new CliError("give exactly one of --tcp HOST[:PORT] or --udp [HOST:]PORT", 2);
  const common = {
    datalog: values.datalog,
    watchdog: values.watchdog,
    currentDivisor: values["current-divisor"],
    reconnect: values.reconnect,
  };
  try {
    if (values.tcp) {
      const { host, port } = splitHostPort(values.tcp, 8000);
      return parseDongleConfig({ ...common, transport: "tcp", host, port });
    }
    const spec = values.udp as string;
    const { host, port } = /^\d+$/.test(spec) ? { host: "0.0.0.0", port: Number(spec) } : splitHostPort(spec, 8000);
    return parseDongleConfig({ ...common, transport: "udp", bind: host, port });
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
}

export function listenCommand(argv: string[]): Promise<number> {
  const link = new DongleLink({ ...listenOptions(argv), idleCloseMs: 0 });
  const log = (line: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  link.on("state", (change) => {
    const why = change.error?.message ?? change.detail;
    const where = link.description;
    log(`${change.state} ${where}${why ? `: ${why}` : ""}`);
  });
  link.on("watchdog", (ms) => log(`no data for ${Math.round(ms / 1000)} s, reconnecting`));
  link.on("bad-frame", (err) => log(`bad frame: ${err.message} (raw ${err.raw.slice(0, 120)})`));
  link.on("message", ({ msg }) => {
    process.stdout.write(`${JSON.stringify(msg)}\n`);
  });
  link.register(process);
  return new Promise((resolve) => {
    const stop = (): void => {
      void link.close().then(() => resolve(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
