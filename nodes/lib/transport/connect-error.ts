// Words for why a connection (or a UDP bind) failed, for error messages people read: the errno
// codes alone ("ECONNREFUSED") mean little to most users.
import type { StateChange } from "./types";

const CAUSES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  EHOSTUNREACH: "host unreachable",
  EHOSTDOWN: "host is down",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host name not found (DNS)",
  EAI_AGAIN: "host name lookup failed (DNS not reachable)",
  ETIMEDOUT: "connection timed out",
  EADDRINUSE: "address already in use",
  EADDRNOTAVAIL: "address not available on this machine",
  EACCES: "permission denied",
};

/** "connection refused", "host name not found (DNS)", or the error's own message. */
export function describeConnectFailure(change: Pick<StateChange, "error" | "detail">): string {
  const code = (change.error as NodeJS.ErrnoException | undefined)?.code;
  return (code && CAUSES[code]) ?? change.error?.message ?? change.detail ?? "unknown error";
}
