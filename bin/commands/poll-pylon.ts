// `lxp-pylon poll pylon`: one JSON line per poll cycle, the message pylon-poll would send.
// Uses the same PylonPortLink and PylonPoller as the nodes, and their settings' defaults and limits
// (the pylon-port and pylon-poll schemas in resources/config-schemas.js).
import { CONSOLE_DEFAULT_TIMEOUT_MS, PortHealth, type PortHealthUpdate, PylonConsoleLink, PylonPortLink } from "../../nodes/lib/pylon/link";
import { BadFrameBursts } from "../../nodes/lib/pylon/link/bad-frames";
import { PYLON_LIMITS } from "../../nodes/lib/pylon/link/limits";
import { PylonPoller } from "../../nodes/lib/pylon/poll/poller";
import { ConsolePoller } from "../../nodes/lib/pylon/poll/console-poller";
import type { PackPoller } from "../../nodes/lib/pylon/poll/pack-poller";
import type { PylonAddressMode } from "../../nodes/lib/pylon/codec";
import { parsePacks } from "../../nodes/lib/pylon/poll/poll-config";
import { parsePylonPortConfig, portLabel } from "../../nodes/lib/pylon/link/port-config";
import { defaultText, field, listOr, numbersOf, rangeOf } from "../../nodes/lib/common/config-schema";
import { splitHostPort } from "../../nodes/lib/common/host";
import { defineCommand } from "./command-spec";
import { CliError } from "./io";

/** --interval: 0 (one cycle) or the pylon-poll node's range. */
function cliInterval(value: string | undefined): number {
  const { min, max } = PYLON_LIMITS.interval;
  const s = (value ?? defaultText("pylon-poll", "interval")).trim();
  const n = s === "" ? NaN : Number(s);
  if (n === 0 || (n >= min && n <= max)) return n;
  throw new Error(`--interval must be 0 (one cycle) or seconds from ${min} to ${max}, got "${value}"`);
}

/** "1000; 2000 with --tcp": a pylon-port default that depends on another setting (`usual`: its value without the option). */
function dependentDefault(key: string, usual: string, option: (value: string) => string): string {
  const blank = field("pylon-port", key).blankMeans;
  if (!blank) throw new Error(`pylon-port.${key}: its default depends on no other setting`);
  const others = Object.entries(blank.values).filter(([value]) => value !== usual);
  return [String(blank.values[usual]), ...others.map(([value, n]) => `${n} with ${option(value)}`)].join("; ");
}

const PACKS = rangeOf("pylon-poll", "packs");

export const pollPylonCommand = defineCommand({
  name: "poll pylon",
  summary: "poll a PylonTech battery stack, print each cycle as a JSON line",
  usage: ["--serial PATH [options]", "--tcp HOST:PORT [options]"],
  options: {
    serial: { type: "string", value: "PATH", help: "serial port of the RS485/RS232 adapter, e.g. /dev/ttyUSB0" },
    baud: {
      type: "string",
      value: "N",
      help: `serial baud rate: ${listOr(numbersOf("pylon-port", "baud"))}`,
      default: dependentDefault("baud", "rs485", (mode) => `--mode ${mode}`),
    },
    tcp: { type: "string", value: "HOST:PORT", help: "RS485-to-TCP gateway in raw mode (ser2net, USR, Waveshare, Elfin)" },
    mode: {
      type: "string",
      value: "rs485|rs232|console",
      help: "rs485: the packs answer at addresses 2, 3, …; rs232: the console port's binary protocol (address 1); console: its text shell (pwr, bat N; woken at 1200 baud if asleep)",
      default: defaultText("pylon-port", "mode"),
    },
    packs: { type: "string", value: "auto|N", help: `how many packs to poll (${PACKS.min}-${PACKS.max}); auto asks the stack`, default: defaultText("pylon-poll", "packs") },
    once: { type: "boolean", help: "poll one cycle and exit (1 when no pack answered)", default: "off, poll every --interval" },
    interval: {
      type: "string",
      value: "S",
      help: `seconds between cycle starts, until interrupted: ${PYLON_LIMITS.interval.min}-${PYLON_LIMITS.interval.max} (0 = one cycle, as --once)`,
      default: defaultText("pylon-poll", "interval"),
    },
    "charge-management": { type: "boolean", help: "also read 0x92 (charge/discharge limits and request flags) every cycle; not with --protocol seplos (a warning on stderr)", default: "off" },
    system: { type: "boolean", help: "also read the group's V3.5 values (0x60-0x63) from the master into payload.system; rs485 and pylontech only (otherwise a warning on stderr)", default: "off" },
    protocol: {
      type: "string",
      value: "pylontech|seplos",
      help: "whose layouts the replies use (seplos: a Seplos V2 BMS, packs at 0, 1, …)",
      default: defaultText("pylon-port", "protocol"),
    },
    timeout: {
      type: "string",
      value: "MS",
      help: `reply timeout per request: ${PYLON_LIMITS.timeout.min}-${PYLON_LIMITS.timeout.max}`,
      default: `${dependentDefault("timeout", "serial", (transport) => `--${transport}`)}; ${CONSOLE_DEFAULT_TIMEOUT_MS} with --mode console (a whole paged output)`,
    },
    gap: {
      type: "string",
      value: "MS",
      help: `pause between requests on the bus: ${PYLON_LIMITS.gap.min}-${PYLON_LIMITS.gap.max}`,
      default: defaultText("pylon-port", "gap"),
    },
    retries: {
      type: "string",
      value: "N",
      help: `extra attempts after a timeout or a corrupt reply: ${PYLON_LIMITS.retries.min}-${PYLON_LIMITS.retries.max}`,
      default: defaultText("pylon-port", "retries"),
    },
  },
  notes: [
    "Each line is the message pylon-poll sends (topic, payload). Connection changes go to stderr, and so do",
    "bad frames: one line per burst. Ctrl-C exits 0; with --once the exit code is 1 when no pack answered.",
    "Values below the minimums of the pylon-poll and pylon-port nodes are usage errors (exit 2).",
  ],
  examples: [
    "lxp-pylon poll pylon --serial /dev/ttyUSB0 --once",
    "lxp-pylon poll pylon --tcp 192.168.1.60:8899 --packs 3 --interval 10",
    "lxp-pylon poll pylon --serial /dev/ttyUSB0 --mode rs232 --once",
    "lxp-pylon poll pylon --serial /dev/ttyUSB0 --mode console --once",
  ],
  async run({ values }) {
    if (!values.serial === !values.tcp) throw new CliError("give exactly one of --serial PATH or --tcp HOST:PORT", 2);
    let link: PylonPortLink | PylonConsoleLink;
    let intervalS: number;
    let poller: PackPoller;
    let topic: string;
    try {
      // The nodes raise a value below its minimum (with a warning); here it is a usage error.
      intervalS = values.once ? 0 : cliInterval(values.interval);
      const packs = parsePacks(values.packs);
      const gateway = values.tcp ? splitHostPort(values.tcp, 0) : undefined;
      const config = parsePylonPortConfig({
        transport: values.tcp ? "tcp" : "serial",
        path: values.serial,
        baud: values.baud,
        host: gateway?.host,
        port: gateway?.port || "",
        mode: values.mode,
        protocol: values.protocol,
        timeout: values.timeout,
        gap: values.gap,
        retries: values.retries,
      });
      const below = config.raised[0];
      if (below) throw new Error(`--${below.name}: ${below.message}`);
      if (config.mode === "passive") throw new Error("--mode passive sends nothing: use `lxp-pylon sniff pylon` to listen to an inverter's polls");
      const asked = { packs, chargeManagement: values["charge-management"], system: values.system };
      if (config.mode === "console") {
        const consoleLink = new PylonConsoleLink(config.link);
        link = consoleLink;
        poller = new ConsolePoller(consoleLink, asked);
      } else {
        const binaryLink = new PylonPortLink(config.link);
        link = binaryLink;
        poller = new PylonPoller(binaryLink, { ...asked, mode: config.mode as PylonAddressMode, protocol: config.protocol });
      }
      topic = `pylon/${portLabel(undefined, config.link)}`;
    } catch (err) {
      throw new CliError((err as Error).message, 2);
    }
    for (const note of poller.unavailableOptions) process.stderr.write(`lxp-pylon: warning: ${note}\n`);

    // One line per change of the port's condition, not one per reopen attempt.
    const health = new PortHealth(link.description);
    const badFrames = new BadFrameBursts(link.description);
    let confirmTimer: ReturnType<typeof setTimeout> | undefined;
    const report = ({ status, notice, confirmInMs }: PortHealthUpdate): void => {
      // While down, a new wording of the same outage (reset, then closed by peer) is no news: notices only.
      const line = notice?.text ?? (health.down ? undefined : status?.text);
      if (line) process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      if (confirmInMs === undefined) return;
      // A reopen counts once it lasts (a gateway that drops every connection at once never does).
      clearTimeout(confirmTimer);
      confirmTimer = setTimeout(() => report(health.confirm()), confirmInMs);
      confirmTimer.unref();
    };
    link.on("state", (change) => report(health.update(change)));
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
        if (result.payload.packs.length > 0) report(health.confirm()); // a reply proves a reopened port
        const notice = badFrames.add(result.badFrames, result.firstBadFrame, Date.now());
        if (notice) process.stderr.write(`${new Date().toISOString()} ${notice.text}\n`);
        process.stdout.write(`${JSON.stringify({ topic, payload: result.payload })}\n`);
        code = result.payload.packs.length > 0 ? 0 : 1;
        if (intervalS === 0) break;
        while (!stopping && Date.now() - started < intervalS * 1000) await new Promise((r) => setTimeout(r, 50));
        if (stopping) break;
      }
    } finally {
      clearTimeout(confirmTimer);
      await link.close();
    }
    return stopping ? 0 : code;
  },
});
