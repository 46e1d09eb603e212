// `lxp-pylon sniff pylon`: listens to an RS485 bus where the inverter polls the packs and prints one
// JSON line per decoded reply, the message pylon-poll sends on a passive pylon-port
// (docs/pylon-payloads.md §13). Sends nothing: the live link has no write path, --file reads a capture.
import { createReadStream } from "node:fs";
import { once } from "node:events";
import { basename } from "node:path";
import { PortHealth, type PortHealthUpdate } from "../../nodes/lib/pylon/link";
import { PylonPassiveLink } from "../../nodes/lib/pylon/link/passive-link";
import { parsePylonPortConfig, portLabel } from "../../nodes/lib/pylon/link/port-config";
import { BusPairer, type BusPairerCounters, type PassiveReply } from "../../nodes/lib/pylon/passive";
import { PassiveView } from "../../nodes/lib/pylon/poll/passive-view";
import { blankValue, defaultText } from "../../nodes/lib/common/config-schema";
import { splitHostPort } from "../../nodes/lib/common/host";
import { defineCommand } from "./command-spec";
import { CliError } from "./io";
import { runUntilSignal } from "./sim-args";

/** "counters: requests=553 replies=217 decoded=145 …" (BusPairer's counters, pylon-protocol.md §12). */
export function countersLine(counters: BusPairerCounters): string {
  const c = counters;
  const pairs: Array<[string, number]> = [
    ["requests", c.requests],
    ["replies", c.replies],
    ["decoded", c.decoded],
    ["unpaired", c.unpaired],
    ["unanswered", c.unanswered],
    ["unsupported", c.unsupported],
    ["rejected", c.rejected],
    ["bad_frames", c.badFrames],
  ];
  return `counters: ${pairs.map(([k, v]) => `${k}=${v}`).join(" ")}`;
}

const line = (topic: string, view: PassiveView, reply: PassiveReply): string => `${JSON.stringify({ topic, payload: view.take(reply, Date.now()) })}\n`;

/** --file: the capture read in chunks through one pairer; exit 0 when a reply was decoded, 1 when none. */
async function sniffFile(path: string, protocol: "pylontech" | "seplos"): Promise<number> {
  const pairer = new BusPairer({ protocol });
  const view = new PassiveView();
  const topic = `pylon/${basename(path)}`;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
      let out = "";
      for (const reply of pairer.push(chunk as Buffer)) out += line(topic, view, reply);
      if (out && !process.stdout.write(out)) await once(process.stdout, "drain");
    }
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  process.stderr.write(`${countersLine(pairer.counters)}\n`);
  if (pairer.counters.decoded > 0) return 0;
  process.stderr.write(`lxp-pylon: no reply decoded from ${path} (is it a raw capture of a PylonTech bus?)\n`);
  return 1;
}

export const sniffPylonCommand = defineCommand({
  name: "sniff pylon",
  summary: "listen to an inverter polling PylonTech packs (sends nothing), print each decoded reply as a JSON line",
  usage: ["--serial PATH [--baud N] [options]", "--tcp HOST:PORT [options]", "--file CAPTURE [options]"],
  options: {
    serial: { type: "string", value: "PATH", help: "serial port of an RS485 adapter wired in parallel to the inverter's battery bus" },
    baud: { type: "string", value: "N", help: "serial baud rate: the inverter's, usually 9600", default: String(blankValue("pylon-port", "baud", { mode: "passive" })) },
    tcp: { type: "string", value: "HOST:PORT", help: "RS485-to-TCP gateway on the same bus, raw mode (or `sim pylon --master`'s tap)" },
    file: { type: "string", value: "CAPTURE", help: "a raw byte capture of the bus (both directions, as the wire carried them); exits at its end" },
    protocol: {
      type: "string",
      value: "pylontech|seplos",
      help: "whose layouts the replies use",
      default: defaultText("pylon-port", "protocol"),
    },
  },
  notes: [
    "Each line is the message pylon-poll sends on a passive pylon-port: { topic, payload: { stack, packs, errors: [],",
    "request: { command, address, raw } } }, one per reply the inverter's poll drew. Nothing is written to the bus.",
    'At the end (Ctrl-C, or the end of --file) stderr gets "counters: requests=… replies=… decoded=… unpaired=…',
    'unanswered=… unsupported=… rejected=… bad_frames=…". Exit 0; with --file 1 when no reply was decoded.',
  ],
  examples: [
    "lxp-pylon sniff pylon --serial /dev/ttyUSB0",
    "lxp-pylon sniff pylon --tcp 192.168.1.60:8899",
    "lxp-pylon sniff pylon --file bus-capture.bin",
  ],
  async run({ values }) {
    const sources = [values.serial, values.tcp, values.file].filter((v) => v !== undefined);
    if (sources.length !== 1) throw new CliError("give exactly one of --serial PATH, --tcp HOST:PORT or --file CAPTURE", 2);
    if (values.baud !== undefined && !values.serial) throw new CliError("--baud goes with --serial", 2);
    let config: ReturnType<typeof parsePylonPortConfig>;
    try {
      const gateway = values.tcp ? splitHostPort(values.tcp, 0) : undefined;
      config = parsePylonPortConfig({
        transport: values.tcp ? "tcp" : "serial",
        path: values.serial ?? values.file,
        baud: values.baud,
        host: gateway?.host,
        port: gateway?.port || "",
        mode: "passive",
        protocol: values.protocol,
      });
    } catch (err) {
      throw new CliError((err as Error).message, 2);
    }
    if (values.file !== undefined) return sniffFile(values.file, config.protocol);

    const link = new PylonPassiveLink(config.link, { protocol: config.protocol });
    const view = new PassiveView();
    const topic = `pylon/${portLabel(undefined, config.link)}`;
    const health = new PortHealth(link.description);
    let confirmTimer: ReturnType<typeof setTimeout> | undefined;
    const report = ({ status, notice, confirmInMs }: PortHealthUpdate): void => {
      const text = notice?.text ?? (health.down ? undefined : status?.text);
      if (text) process.stderr.write(`${new Date().toISOString()} ${text}\n`);
      if (confirmInMs === undefined) return;
      clearTimeout(confirmTimer);
      confirmTimer = setTimeout(() => report(health.confirm()), confirmInMs);
      confirmTimer.unref();
    };
    link.on("state", (change) => report(health.update(change)));
    link.on("reply", (reply) => {
      report(health.confirm()); // a reply proves a reopened port
      process.stdout.write(line(topic, view, reply));
    });
    link.register(process);
    return runUntilSignal(async () => {
      clearTimeout(confirmTimer);
      const counters = link.stats;
      await link.close();
      process.stderr.write(`${countersLine(counters)}\n`);
    });
  },
});
