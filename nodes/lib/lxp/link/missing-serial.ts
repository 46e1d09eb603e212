// The error for a request whose datalog or inverter serial is neither configured nor learned yet.
// It says what was waited for, how often the dongle sends it, and where the user can give the
// serial (the lxp-dongle field in Node-RED, a flag in the CLI).
import { formatSeconds } from "../../common/format-seconds";
import { LxpRequestError } from "./request-error";

/** Where the user gives each serial, as the tail of the message. */
export interface SerialHints {
  datalog: string;
  inverter: string;
}

/** Field labels as the lxp-dongle editor shows them (nodes/lxp-dongle.html). */
export const NODE_RED_SERIAL_HINTS: SerialHints = {
  datalog: 'enter it as "Datalog" in the lxp-dongle configuration, or send the request again later',
  inverter: 'enter it as "Inverter" in the lxp-dongle configuration, or send the request again later',
};

/** Dongles send a heartbeat about this often (any frame tells the datalog serial). */
export const HEARTBEAT_INTERVAL_S = 120;

export interface MissingSerialContext {
  /** How long the request waited for it (0: did not wait). */
  waitedMs: number;
  /** Seconds between the inverter's input broadcasts. */
  broadcastIntervalS: number;
  /** The datalog serial, when only the inverter serial is missing. */
  datalog?: string;
  hints?: SerialHints;
}

export function missingSerialError(serial: "datalog" | "inverter", context: MissingSerialContext): LxpRequestError {
  const hints = context.hints ?? NODE_RED_SERIAL_HINTS;
  const waited = context.waitedMs > 0 ? `in the ${formatSeconds(context.waitedMs / 1000)} waited` : "so far";
  if (serial === "datalog") {
    const every = formatSeconds(HEARTBEAT_INTERVAL_S);
    return new LxpRequestError(
      "unknown_target",
      `the datalog serial is not known yet: no frame came from the dongle ${waited} (it sends a heartbeat about every ${every}); ${hints.datalog}`,
    );
  }
  const every = formatSeconds(context.broadcastIntervalS);
  return new LxpRequestError(
    "unknown_target",
    `the inverter serial behind datalog ${context.datalog} is not known yet: no input broadcast or reply came ${waited} ` +
      `(the inverter broadcasts about every ${every}); ${hints.inverter}`,
  );
}
