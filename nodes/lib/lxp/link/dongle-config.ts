// Validates an lxp-dongle configuration (editor values arrive as strings, possibly from ${ENV}
// substitution) into DongleLink options. Shared by the config node and the CLI.
import { number, text } from "../../shared/config-values";
import { isHost, isIPv4 } from "../../shared/host";
import type { DongleLinkOptions } from "./dongle-link";
import { DEFAULT_QUEUE_LIMIT } from "./requester";
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

export const DATALOG_PATTERN = /^[A-Za-z0-9]{10}$/;

/** A checkbox: true, or "true" from an ${ENV} value. */
const checked = (v: unknown): boolean => v === true || text(v).toLowerCase() === "true";

/** The most requests the queue limit allows (each waiting request holds a message and a timer). */
export const MAX_QUEUE_LIMIT = 1000;

/**
 * The link options of a configuration; throws on a bad value. A timing value below its minimum is
 * raised to it, and `warn` gets one message per such value (see timing-limits.ts).
 */
export function parseDongleConfig(input: DongleConfigInput, warn?: (message: string) => void): DongleLinkOptions {
  const limits = TIMING_LIMITS["lxp-dongle"];
  const transport = text(input.transport) || "tcp";
  if (transport !== "tcp" && transport !== "udp") throw new Error(`transport must be "tcp" or "udp", got "${transport}"`);
  const port = number(input.port, "port", 1, 65535, 8000);
  if (!Number.isInteger(port)) throw new Error(`port must be a whole number, got ${port}`);
  const reconnectMs = timingValue(input.reconnect, limits.reconnect, 5, warn) * 1000;
  // UDP has no watchdog: its value is range-checked but not raised with a warning.
  const watchdogMs = timingValue(input.watchdog, limits.watchdog, 600, transport === "tcp" ? warn : undefined) * 1000;
  const datalog = text(input.datalog);
  if (datalog && !DATALOG_PATTERN.test(datalog)) {
    throw new Error(`datalog filter must be the dongle's 10-character serial (letters and digits), got "${datalog}"`);
  }
  const divisor = number(input.currentDivisor, "BMS current divisor", 10, 100, 100);
  if (divisor !== 10 && divisor !== 100) throw new Error(`BMS current divisor must be 10 or 100, got ${divisor}`);
  const inverter = text(input.inverter);
  if (inverter && !DATALOG_PATTERN.test(inverter)) {
    throw new Error(`inverter serial must be 10 letters/digits, got "${inverter}"`);
  }
  const registers = parseRegisterList(text(input.writableRegisters));
  const broadcastIntervalS = timingValue(input.broadcastInterval, limits.broadcastInterval, 300, warn);
  const queueLimit = number(input.queueLimit, "queue limit", 1, MAX_QUEUE_LIMIT, DEFAULT_QUEUE_LIMIT, true);
  const common = {
    reconnectMs,
    datalog: datalog || undefined,
    currentDivisor: divisor as 10 | 100,
    inverter: inverter || undefined,
    writes: { allowed: checked(input.allowWrites), registers },
    answerHeartbeats: checked(input.answerHeartbeats),
    broadcastIntervalS,
    queueLimit,
  };

  if (transport === "tcp") {
    const host = text(input.host);
    if (!host) throw new Error("host is required for a TCP connection to the dongle");
    if (!isHost(host)) throw new Error(`host "${host}" is not a valid host name or IP address`);
    return { ...common, transport, host, port, watchdogMs };
  }
  const bind = text(input.bind) || "0.0.0.0";
  if (!isIPv4(bind)) throw new Error(`listen address must be an IPv4 address, got "${bind}"`);
  const source = text(input.source);
  if (source && !isIPv4(source)) throw new Error(`source filter must be an IPv4 address, got "${source}"`);
  return { ...common, transport, port, bind, source: source || undefined, watchdogMs: 0 };
}
