// `lxp-pylon poll pylon`: one JSON line per poll cycle, the message pylon-poll would send.
// Uses the same PylonPortLink and PylonPoller as the nodes.
import { parseArgs } from "node:util";
import { PortHealth, PylonPortLink } from "../../nodes/lib/pylon-link";
import { PylonPoller } from "../../nodes/lib/pylon-poller";
import { parsePylonPortConfig, portLabel } from "../../nodes/lib/pylon-port-config";
import { splitHostPort } from "../../nodes/lib/dongle-config";
import { CliError } from "./io";

export async function pollPylonCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      serial: { type: "string" },
      baud: { type: "string" },
      tcp: { type: "string" },
      mode: { type: "string" },
      packs: { type: "string" },
      once: { type: "boolean" },
      interval: { type: "string" },
      "charge-management": { type: "boolean" },
      timeout: { type: "string" },
      gap: { type: "string" },
      retries: { type: "string" },
    },
  });
  if (!values.serial === !values.tcp) throw new CliError("give exactly one of --serial PATH or --tcp HOST:PORT", 2);
  const packsText = values.packs ?? "auto";
  const packs = packsText === "auto" ? "auto" : Number(packsText);
  const intervalS = values.once ? 0 : Number(values.interval ?? 10);
  if (!Number.isFinite(intervalS) || intervalS < 0) throw new CliError(`--interval must be seconds ≥ 0, got "${values.interval}"`, 2);
  let link: PylonPortLink;
  let poller: PylonPoller;
  let topic: string;
  try {
    const gateway = values.tcp ? splitHostPort(values.tcp, 0) : undefined;
    const config = parsePylonPortConfig({
      transport: values.tcp ? "tcp" : "serial",
      path: values.serial,
      baud: values.baud,
      host: gateway?.host,
      port: gateway?.port || "",
      mode: values.mode,
      timeout: values.timeout,
      gap: values.gap,
      retries: values.retries,
    });
    link = new PylonPortLink(config.link);
    poller = new PylonPoller(link, { mode: config.mode, packs: packs as number | "auto", chargeManagement: values["charge-management"] });
    topic = `pylon/${portLabel(undefined, config.link)}`;
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }

  // One line per change of the port's condition, not one per reopen attempt.
  const health = new PortHealth(link.description);
  link.on("state", (change) => {
    const { status, notice } = health.update(change);
    const line = notice?.text ?? status?.text;
    if (line) process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  });
  link.register(process);
  let stopping = false;
  const stop = (): void => {
    stopping = true;
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  let code = 0;
  try {
    for (;;) {
      const started = Date.now();
      const result = await poller.poll();
      if (stopping) break;
      process.stdout.write(`${JSON.stringify({ topic, payload: result.payload })}\n`);
      code = result.payload.packs.length > 0 ? 0 : 1;
      if (intervalS === 0) break;
      while (!stopping && Date.now() - started < intervalS * 1000) await new Promise((r) => setTimeout(r, 50));
      if (stopping) break;
    }
  } finally {
    await link.close();
  }
  return stopping ? 0 : code;
}
