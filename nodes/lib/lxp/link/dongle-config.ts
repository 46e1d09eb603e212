// Validates an lxp-dongle configuration (editor values arrive as strings, possibly from ${ENV}
// substitution) into DongleLink options. Shared by the config node and the CLI. Defaults and ranges:
// the lxp-dongle schema in resources/config-schemas.js.
import { blankValue, checkbox, choicesOf, defaultText, field, listOr, numbersOf, rangeOf, wordsOf } from "../../common/config-schema";
import { number, text } from "../../common/config-values";
import { isHost, isIPv4 } from "../../common/host";
import type { DongleLinkOptions } from "./dongle-link";
import { parseRegisterList } from "./write-policy";
import { TIMING_LIMITS, timingValue } from "./timing-limits";

export interface DongleConfigInput {
  transport?: unknown;
  host?: unknown;
  port?: unknown;
  bind?: unknown;
  source?: unknown;
  reconnect?: unknown;
  watchdog?: unknown;
  datalog?: unknown;
  currentDivisor?: unknown;
  inverter?: unknown;
  allowWrites?: unknown;
  writableRegisters?: unknown;
  answerHeartbeats?: unknown;
  /** Requests waiting or running at once (default 50). */
  queueLimit?: unknown;
  /** Not in the editor: seconds between input broadcasts until param 0 is seen (default 300). */
  broadcastInterval?: unknown;
}

const TYPE = "lxp-dongle";

export const DATALOG_PATTERN = new RegExp(field(TYPE, "datalog").pattern ?? "");

const QUEUE_LIMIT = rangeOf(TYPE, "queueLimit");

/** The most requests the queue limit allows (each waiting request holds a message and a timer). */
export const MAX_QUEUE_LIMIT = QUEUE_LIMIT.max;

const TRANSPORTS = wordsOf(TYPE, "transport");
const PORT = rangeOf(TYPE, "port");
const DIVISOR = choicesOf(TYPE, "currentDivisor");
const DIVISORS = numbersOf(TYPE, "currentDivisor");

/**
 * The link options of a configuration; throws on a bad value. A timing value below its minimum is
 * raised to it, and `warn` gets one message per such value (see timing-limits.ts).
 */
export function parseDongleConfig(input: DongleConfigInput, warn?: (message: string) => void): DongleLinkOptions {
  const limits = TIMING_LIMITS["lxp-dongle"];
  const transport = (text(input.transport) || defaultText(TYPE, "transport")) as "tcp" | "udp";
  if (!TRANSPORTS.includes(transport)) throw new Error(`transport must be ${listOr(TRANSPORTS.map((t) => `"${t}"`))}, got "${transport}"`);
  const port = number(input.port, PORT.what, PORT.min, PORT.max, blankValue(TYPE, "port"));
  if (!Number.isInteger(port)) throw new Error(`port must be a whole number, got ${port}`);
  const reconnectMs = timingValue(input.reconnect, limits.reconnect, blankValue(TYPE, "reconnect"), warn) * 1000;
  // UDP has no watchdog: its value is range-checked but not raised with a warning (minimumWhen).
  const watchdogMs = timingValue(input.watchdog, limits.watchdog, blankValue(TYPE, "watchdog"), transport === "tcp" ? warn : undefined) * 1000;
  const datalog = text(input.datalog);
  if (datalog && !DATALOG_PATTERN.test(datalog)) {
    throw new Error(`datalog filter must be the dongle's 10-character serial (letters and digits), got "${datalog}"`);
  }
  const divisor = number(input.currentDivisor, DIVISOR.what, Math.min(...DIVISORS), Math.max(...DIVISORS), blankValue(TYPE, "currentDivisor"));
  if (!DIVISORS.includes(divisor)) throw new Error(`${DIVISOR.what} must be ${listOr(DIVISORS)}, got ${divisor}`);
  const inverter = text(input.inverter);
  if (inverter && !DATALOG_PATTERN.test(inverter)) {
    throw new Error(`inverter serial must be 10 letters/digits, got "${inverter}"`);
  }
  const registers = parseRegisterList(text(input.writableRegisters));
  const broadcastIntervalS = timingValue(input.broadcastInterval, limits.broadcastInterval, blankValue(TYPE, "broadcastInterval"), warn);
  const queueLimit = number(input.queueLimit, QUEUE_LIMIT.what, QUEUE_LIMIT.min, QUEUE_LIMIT.max, blankValue(TYPE, "queueLimit"), true);
  const common = {
    reconnectMs,
    datalog: datalog || undefined,
    currentDivisor: divisor as 10 | 100,
    inverter: inverter || undefined,
    writes: { allowed: checkbox(TYPE, "allowWrites", input.allowWrites), registers },
    answerHeartbeats: checkbox(TYPE, "answerHeartbeats", input.answerHeartbeats),
    broadcastIntervalS,
    queueLimit,
  };

  if (transport === "tcp") {
    const host = text(input.host);
    if (!host) throw new Error("host is required for a TCP connection to the dongle");
    if (!isHost(host)) throw new Error(`host "${host}" is not a valid host name or IP address`);
    return { ...common, transport, host, port, watchdogMs };
  }
  const bind = text(input.bind) || defaultText(TYPE, "bind");
  if (!isIPv4(bind)) throw new Error(`listen address must be an IPv4 address, got "${bind}"`);
  const source = text(input.source);
  if (source && !isIPv4(source)) throw new Error(`source filter must be an IPv4 address, got "${source}"`);
  return { ...common, transport, port, bind, source: source || undefined, watchdogMs: 0 };
}
