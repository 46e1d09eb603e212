// Turns a TCP gateway's connection failures into status texts a user can act on.
import { PylonPortError } from "./link-error";
import type { StateChange } from "./types";

const UNREACHABLE = new Set(["EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN", "ENOTFOUND", "EAI_AGAIN"]);

/** The error of a "disconnected" state from the TCP client, described; the original stays in `cause`. */
export function describeGatewayFailure(change: StateChange, host: string, port: number, wasConnected: boolean): PylonPortError {
  const original = change.error;
  const code = (original as NodeJS.ErrnoException | undefined)?.code;
  const options = { cause: original, code: typeof code === "string" ? code : undefined };
  const where = `gateway ${host}:${port}`;
  const text = original?.message ?? change.detail ?? "connection closed";
  if (wasConnected) return new PylonPortError("lost", `${where} lost: ${text}`, options);
  if (code === "ECONNREFUSED") return new PylonPortError("refused", `${where} refused the connection (ECONNREFUSED)`, options);
  if (code && UNREACHABLE.has(code)) return new PylonPortError("unreachable", `${where} is unreachable (${code})`, options);
  if (code === "ETIMEDOUT" || /connect timeout/i.test(text)) {
    return new PylonPortError("no_answer", `${where} did not answer (${text})`, options);
  }
  return new PylonPortError("other", `cannot connect to ${where}: ${text}`, options);
}
