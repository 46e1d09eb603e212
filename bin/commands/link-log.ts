// Connection state lines for the CLI's stderr log, and the first-connect check that makes a
// wrong address fail at once instead of retrying forever.
import { describeConnectFailure } from "../../nodes/lib/common/connect-failure";
import { formatSeconds } from "../../nodes/lib/common/format-seconds";
import type { StateChange } from "../../nodes/lib/common/transport";
import { CliError } from "./io";

/** A dongle on the LAN answers a connect within milliseconds; this is for addresses that never answer. */
export const CLI_CONNECT_TIMEOUT_MS = 5000;

/** "connecting 192.168.1.50:8000", "disconnected 192.168.1.50:8000: connection refused, retry in 5 s". */
export function stateLine(change: StateChange, where: string): string {
  if (change.state !== "disconnected") return `${change.state} ${where}`;
  const retry = change.retryInMs ? `, retry in ${formatSeconds(change.retryInMs / 1000)}` : "";
  return `${change.state} ${where}: ${describeConnectFailure(change)}${retry}`;
}

/** The error for a first connect (or bind) that failed: exit 1 naming the address and the cause. */
export function connectFailedError(change: StateChange, where: string, udp: boolean): CliError {
  return new CliError(`${udp ? "cannot listen on" : "cannot connect to"} ${where}: ${describeConnectFailure(change)}`, 1);
}
