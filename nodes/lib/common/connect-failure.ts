// Words for why a connection (or a UDP bind) failed, for texts people read: the errno codes alone
// ("ECONNREFUSED") mean little to most users. The one place that maps the codes, for the LuxPower
// dongle, the PylonTech gateway and the node status alike.

/** A failure as the transports report it (a "disconnected" state change of either device). */
export interface FailureReport {
  error?: Error;
  detail?: string;
}

export type ConnectFailureKind = "refused" | "unreachable" | "dns" | "timeout" | "reset" | "address" | "permission" | "other";

export interface ConnectFailureCause {
  kind: ConnectFailureKind;
  /** The errno code, when the error has one. */
  code?: string;
  /** "connection refused", "host name not found (DNS)", or the error's own message. */
  text: string;
}

const CAUSES: Record<string, { kind: ConnectFailureKind; text: string }> = {
  ECONNREFUSED: { kind: "refused", text: "connection refused" },
  ECONNRESET: { kind: "reset", text: "connection reset by peer" },
  EHOSTUNREACH: { kind: "unreachable", text: "host unreachable" },
  EHOSTDOWN: { kind: "unreachable", text: "host is down" },
  ENETUNREACH: { kind: "unreachable", text: "network unreachable" },
  ENETDOWN: { kind: "unreachable", text: "network is down" },
  ENOTFOUND: { kind: "dns", text: "host name not found (DNS)" },
  EAI_AGAIN: { kind: "dns", text: "host name lookup failed (DNS not reachable)" },
  ETIMEDOUT: { kind: "timeout", text: "connection timed out" },
  EADDRINUSE: { kind: "address", text: "address already in use" },
  EADDRNOTAVAIL: { kind: "address", text: "address not available on this machine" },
  EACCES: { kind: "permission", text: "permission denied" },
};

/** What kind of failure it was and how to say it. */
export function connectFailureCause(change: FailureReport): ConnectFailureCause {
  const raw = (change.error as NodeJS.ErrnoException | undefined)?.code;
  const code = typeof raw === "string" ? raw : undefined;
  const known = code ? CAUSES[code] : undefined;
  if (known) return { ...known, code };
  return { kind: "other", code, text: change.error?.message ?? change.detail ?? "unknown error" };
}

/** "connection refused", "host name not found (DNS)", or the error's own message. */
export function describeConnectFailure(change: FailureReport): string {
  return connectFailureCause(change).text;
}
