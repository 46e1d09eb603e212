// `lxp-pylon lxp --tcp HOST[:PORT] … <command> [value]`: one command of the lxp-request vocabulary,
// through the same DongleLink, queue, safety checks and write verification as the Node-RED node.
import { parseArgs } from "node:util";
import { parseDongleConfig, splitHostPort } from "../../nodes/lib/dongle-config";
import { DongleLink } from "../../nodes/lib/dongle-link";
import { checkCommand, CommandRequest, ControlOutcome, runCommand } from "../../nodes/lib/lxp-control";
import { LxpRequestError } from "../../nodes/lib/lxp-request-error";
import { parseFixedValue, parseRequestConfig } from "../../nodes/lib/lxp-request-config";
import { CliError } from "./io";

function controlOptions(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      tcp: { type: "string" },
      datalog: { type: "string" },
      inverter: { type: "string" },
      "allow-writes": { type: "boolean", default: false },
      writable: { type: "string" },
      timeout: { type: "string" },
      retries: { type: "string" },
    },
    allowPositionals: true,
  });
  if (!values.tcp) throw new CliError("--tcp HOST[:PORT] is required", 2);
  if (positionals.length < 1 || positionals.length > 2) throw new CliError("give one command and at most one value, e.g. read/hold/12 3", 2);
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
    const settings = parseRequestConfig({ timeout: values.timeout, retries: values.retries });
    const [topic, value] = positionals;
    const request: CommandRequest = { topic, payload: value === undefined ? undefined : parseFixedValue(value) };
    return { link, settings, request };
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
}

function refused(error: LxpRequestError, request: CommandRequest): ControlOutcome {
  return { msg: { topic: request.topic, payload: error.message, result: "fail", request, reason: error.message }, error };
}

export async function lxpControlCommand(argv: string[]): Promise<number> {
  const { link: options, settings, request } = controlOptions(argv);
  const link = new DongleLink({ ...options, idleCloseMs: 0 });
  let outcome: ControlOutcome;
  try {
    checkCommand(link, request); // a refused or invalid command never opens the connection
    link.register(process);
    outcome = await runCommand(link, request, { timeoutMs: settings.timeoutMs, retries: settings.retries });
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
}
