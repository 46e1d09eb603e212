// `lxp-pylon lxp --tcp HOST[:PORT] … <command> [value]`: one command of the lxp-request vocabulary,
// through the same DongleLink, queue, safety checks and write verification as the Node-RED node.
import { parseDongleConfig } from "../../nodes/lib/lxp/link/dongle-config";
import { splitHostPort } from "../../nodes/lib/common/host";
import { DongleLink } from "../../nodes/lib/lxp/link/dongle-link";
import { checkCommand, CommandRequest, ControlOutcome, runCommand } from "../../nodes/lib/lxp/control/control";
import { COMMAND_PATTERNS } from "../../nodes/lib/lxp/control/commands";
import { HEARTBEAT_INTERVAL_S, SerialHints } from "../../nodes/lib/lxp/link/missing-serial";
import { LxpRequestError } from "../../nodes/lib/lxp/link/request-error";
import { parseFixedValue, parseRequestConfig } from "../../nodes/lib/lxp/control/request-config";
import { TIMING_LIMITS } from "../../nodes/lib/lxp/link/timing-limits";
import { defaultText } from "../../nodes/lib/common/config-schema";
import { defineCommand, OptionValues, wrap } from "./command-spec";
import { CliError } from "./io";
import { CLI_CONNECT_TIMEOUT_MS } from "./link-log";
import { numberOption } from "./sim-args";

const CONTROL_OPTIONS = {
  tcp: { type: "string", value: "HOST[:PORT]", help: "the dongle's TCP server, port 8000 when not given; required" },
  datalog: { type: "string", value: "SERIAL", help: "the dongle's 10-character datalog serial", default: "learned from the dongle's frames" },
  inverter: { type: "string", value: "SERIAL", help: "the inverter's 10-character serial", default: "learned from an input broadcast" },
  wait: {
    type: "string",
    value: "S",
    help: "how long to wait for the dongle's frames when a serial is not given",
    default: "the reply timeout × (retries + 1), as lxp-request waits",
  },
  "allow-writes": { type: "boolean", help: "allow set/… and sync_time to change inverter settings", default: "off, writes are refused" },
  writable: { type: "string", value: "LIST", help: "only these holding registers may be written, e.g. 21,64-67", default: "all, with --allow-writes" },
  // Defaults and minimum: the lxp-request schema (resources/config-schemas.js), as the node has them.
  timeout: {
    type: "string",
    value: "S",
    help: `reply timeout per attempt, at least ${TIMING_LIMITS["lxp-request"].timeout.min}`,
    default: defaultText("lxp-request", "timeout"),
  },
  retries: { type: "string", value: "N", help: "extra attempts after a timeout", default: defaultText("lxp-request", "retries") },
} as const;

/** Where the CLI's user gives a serial that was not learned in time. */
const CLI_SERIAL_HINTS: SerialHints = {
  datalog: "give it with --datalog SERIAL (lxp-pylon listen lxp shows it in msg.lxp), or wait longer with --wait S",
  inverter: "give it with --inverter SERIAL (lxp-pylon listen lxp shows it in msg.lxp once the inverter broadcasts), or wait longer with --wait S",
};

function controlOptions(values: OptionValues<typeof CONTROL_OPTIONS>, positionals: string[]) {
  if (!values.tcp) throw new CliError("--tcp HOST[:PORT] is required", 2);
  if (positionals.length < 1 || positionals.length > 2) throw new CliError("give one command and at most one value, e.g. read/hold/12 3", 2);
  // Without --wait, runCommand waits as the node does: timeout × (retries + 1).
  const waitMs = values.wait === undefined ? undefined : numberOption(values.wait, "wait", 0, 0, 3600) * 1000;
  try {
    const { host, port } = splitHostPort(values.tcp, 8000);
    const link = parseDongleConfig({
      transport: "tcp",
      host,
      port,
      datalog: values.datalog,
      inverter: values.inverter,
      allowWrites: values["allow-writes"],
      writableRegisters: values.writable,
      reconnect: "1",
      watchdog: "0",
    });
    const settings = parseRequestConfig({ timeout: values.timeout, retries: values.retries }, warnOnStderr);
    const [topic, value] = positionals;
    const request: CommandRequest = { topic, payload: value === undefined ? undefined : parseFixedValue(value) };
    return { link, settings, request, waitMs };
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
}

/** A value raised to its minimum, as poll pylon reports its notes. */
const warnOnStderr = (message: string): void => void process.stderr.write(`lxp-pylon: warning: ${message}\n`);

function refused(error: LxpRequestError, request: CommandRequest): ControlOutcome {
  return { msg: { topic: request.topic, payload: error.message, result: "fail", request, reason: error.message }, error };
}

export const lxpControlCommand = defineCommand({
  name: "lxp",
  summary: "send one lxp-request command to a LuxPower inverter, print the reply message as JSON",
  usage: ["--tcp HOST[:PORT] [options] <command> [value]"],
  arguments: [
    ["<command>", "an lxp-request command (the topic), e.g. read/hold/12, read/ac_charge, set/ac_charge, sync_time"],
    ["[value]", "its value (the payload): a register count for reads, the new value for set/…; JSON or text"],
  ],
  options: CONTROL_OPTIONS,
  notes: [
    ...wrap(`commands: ${COMMAND_PATTERNS.join(", ")}`),
    "",
    "Prints the message lxp-request would send (topic, payload, lxp, result, request) as JSON. Exit 0 when",
    "the inverter answered; 1 on a failure or refusal (the reason also goes to stderr); 2 on bad usage.",
    "A refused or invalid command never connects. Writes are verified by the echo and a read-back.",
    "",
    "Serials: requests name the dongle (datalog) and the inverter. Without --datalog/--inverter they are",
    `learned from what the dongle sends, waiting up to --wait seconds: any frame gives the datalog (dongles`,
    `send a heartbeat about every ${HEARTBEAT_INTERVAL_S / 60} minutes), only an input broadcast the inverter (every 5 minutes by`,
    "default; read/param/… needs the datalog only). So give both serials, or a --wait long enough.",
    `If the dongle cannot be reached (refused, unreachable, unknown host, no answer within ${CLI_CONNECT_TIMEOUT_MS / 1000} s) the`,
    "command fails at once naming the address and the cause. Stop other tools connected to the dongle first.",
  ],
  examples: [
    "lxp-pylon lxp --tcp 192.168.1.50 --datalog BA12345678 --inverter 1234567890 read/hold/12 3",
    "lxp-pylon lxp --tcp 192.168.1.50 --wait 330 read/ac_charge",
    "lxp-pylon lxp --tcp 192.168.1.50 --datalog BA12345678 --inverter 1234567890 set/ac_charge on --allow-writes",
    "lxp-pylon lxp --tcp 192.168.1.50 --datalog BA12345678 --inverter 1234567890 sync_time --allow-writes",
  ],
  async run({ values, positionals }) {
    const { link: options, settings, request, waitMs } = controlOptions(values, positionals);
    const link = new DongleLink({ ...options, connectTimeoutMs: CLI_CONNECT_TIMEOUT_MS, serialHints: CLI_SERIAL_HINTS, idleCloseMs: 0 });
    let outcome: ControlOutcome;
    try {
      checkCommand(link, request); // a refused or invalid command never opens the connection
      link.register(process);
      outcome = await runCommand(link, request, { timeoutMs: settings.timeoutMs, retries: settings.retries, serialWaitMs: waitMs });
    } catch (err) {
      if (!(err instanceof LxpRequestError)) throw err;
      outcome = refused(err, request);
    } finally {
      await link.close();
    }
    process.stdout.write(`${JSON.stringify(outcome.msg)}\n`);
    if (!outcome.error) return 0;
    process.stderr.write(`lxp-pylon: ${outcome.error.message}\n`);
    return 1;
  },
});
