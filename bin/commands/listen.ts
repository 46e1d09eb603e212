// `lxp-pylon listen lxp`: one JSON line per decoded message until interrupted. Uses the same
// DongleLink as the lxp-dongle node, so it behaves like Node-RED (reconnects, watchdog, resync).
import { DongleLinkOptions } from "../../nodes/lib/lxp/link/dongle-link";
import { parseDongleConfig } from "../../nodes/lib/lxp/link/dongle-config";
import { splitHostPort } from "../../nodes/lib/common/host";
import { DongleLink } from "../../nodes/lib/lxp/link/dongle-link";
import { BadFrameBursts } from "../../nodes/lib/lxp/link/bad-frame-bursts";
import { TIMING_LIMITS } from "../../nodes/lib/lxp/link/timing-limits";
import { defaultText, numbersOf } from "../../nodes/lib/common/config-schema";
import { defineCommand, OptionValues } from "./command-spec";
import { CliError } from "./io";
import { CLI_CONNECT_TIMEOUT_MS, connectFailedError, stateLine } from "./link-log";

// Defaults and minimums: the lxp-dongle schema (resources/config-schemas.js), as the node has them.
const { watchdog, reconnect } = TIMING_LIMITS["lxp-dongle"];

const LISTEN_OPTIONS = {
  tcp: { type: "string", value: "HOST[:PORT]", help: "connect to the dongle's TCP server (port 8000 when not given)" },
  udp: { type: "string", value: "[HOST:]PORT", help: "receive the dongle's UDP datagrams on this local address (host 0.0.0.0 when not given)" },
  datalog: { type: "string", value: "SERIAL", help: "pass on only frames of this 10-character datalog serial", default: "every datalog" },
  watchdog: {
    type: "string",
    value: "S",
    help: `tcp: reconnect after S seconds without any bytes (0 = off, else at least ${watchdog.min})`,
    default: defaultText("lxp-dongle", "watchdog"),
  },
  "current-divisor": {
    type: "string",
    value: numbersOf("lxp-dongle", "currentDivisor").join("|"),
    help: "BMS current divisor of the inverter firmware",
    default: defaultText("lxp-dongle", "currentDivisor"),
  },
  reconnect: {
    type: "string",
    value: "S",
    help: `first reconnect delay after a drop (at least ${reconnect.min}), doubling up to 60 s`,
    default: defaultText("lxp-dongle", "reconnect"),
  },
} as const;

/** A value raised to its minimum (--watchdog 5 → 60), as poll pylon reports its notes. */
const warnOnStderr = (message: string): void => void process.stderr.write(`lxp-pylon: warning: ${message}\n`);

export function listenOptions(values: OptionValues<typeof LISTEN_OPTIONS>): DongleLinkOptions {
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
      return parseDongleConfig({ ...common, transport: "tcp", host, port }, warnOnStderr);
    }
    const spec = values.udp as string;
    const { host, port } = /^\d+$/.test(spec) ? { host: "0.0.0.0", port: Number(spec) } : splitHostPort(spec, 8000);
    return parseDongleConfig({ ...common, transport: "udp", bind: host, port }, warnOnStderr);
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
}

export const listenLxpCommand = defineCommand({
  name: "listen lxp",
  summary: "print each message of a LuxPower dongle as a JSON line until interrupted",
  usage: ["--tcp HOST[:PORT] [options]", "--udp [HOST:]PORT [options]"],
  options: LISTEN_OPTIONS,
  notes: [
    "Messages go to stdout, one JSON line each (topic, payload, lxp: the datalog and inverter serials are in",
    "msg.lxp); connection changes and bad frames go to stderr (the first of a burst at once, the rest summed up",
    "when it ends). Ctrl-C exits 0. If the first connection fails",
    "(refused, unreachable, unknown host; no answer within 5 s; for --udp the address cannot be bound) it",
    "exits 1 naming the address and the cause; after that it reconnects by itself like the lxp-dongle node.",
    "Only one TCP client is served reliably by a dongle: stop other tools connected to it first.",
  ],
  examples: [
    "lxp-pylon listen lxp --tcp 192.168.1.50",
    "lxp-pylon listen lxp --tcp 192.168.1.50:8000 --datalog BA12345678 --watchdog 900",
    "lxp-pylon listen lxp --udp 0.0.0.0:8000",
  ],
  run({ values }) {
    const options = listenOptions(values);
    const link = new DongleLink({ ...options, connectTimeoutMs: CLI_CONNECT_TIMEOUT_MS, idleCloseMs: 0 });
    const log = (line: string): void => {
      process.stderr.write(`${new Date().toISOString()} ${line}\n`);
    };
    return new Promise<number>((resolve, reject) => {
      let reachedOnce = false;
      let failed = false;
      let stopping = false;
      const bursts = new BadFrameBursts(({ message, raw, summary }) => {
        log(summary ? message : `bad frame: ${message} (raw ${raw.slice(0, 120)})`);
      });
      const stop = (result: () => void): void => {
        if (stopping) return;
        stopping = true;
        bursts.flush();
        bursts.close();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        void link.close().then(result);
      };
      const onSignal = (): void => stop(() => resolve(0));
      link.on("state", (change) => {
        if (change.state === "connected" || change.state === "listening") reachedOnce = true;
        if (failed) return; // the error says it all: no "retry in" or "closed" lines before it
        if (change.state === "disconnected" && change.connectFailed && !reachedOnce) {
          failed = true;
          const error = connectFailedError(change, link.description, options.transport === "udp");
          return stop(() => reject(error));
        }
        log(stateLine(change, link.description));
      });
      link.on("watchdog", (ms) => log(`no data for ${Math.round(ms / 1000)} s, reconnecting`));
      link.on("warning", (text) => log(text));
      link.on("bad-frame", (err) => bursts.add(err));
      link.on("message", ({ msg }) => {
        process.stdout.write(`${JSON.stringify(msg)}\n`);
      });
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      link.register(process);
    });
  },
});
