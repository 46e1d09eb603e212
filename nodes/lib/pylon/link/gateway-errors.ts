// Turns a TCP gateway's connection failures into status texts a user can act on.
import { connectFailureCause, describeConnectFailure } from "../../common/connect-failure";
import { PylonPortError } from "./link-error";
import type { StateChange } from "./types";

/** The error of a "disconnected" state from the TCP client, described; the original stays in `cause`. */
export function describeGatewayFailure(change: StateChange, host: string, port: number, wasConnected: boolean): PylonPortError {
  const original = change.error;
  const cause = connectFailureCause(change);
  const options = { cause: original, code: cause.code };
  const where = `gateway ${host}:${port}`;
  if (wasConnected) {
    const why = describeConnectFailure({ error: original, detail: change.detail ?? "connection closed" });
    return new PylonPortError("lost", `${where} lost: ${why}`, options);
  }
  switch (cause.kind) {
    case "refused":
      return new PylonPortError("refused", `cannot connect to ${where}: ${cause.text}`, options);
    case "unreachable":
    case "dns":
      return new PylonPortError("unreachable", `cannot reach ${where}: ${cause.text}`, options);
    case "timeout":
      return new PylonPortError("no_answer", `${where} did not answer (${cause.text})`, options);
    default:
      return new PylonPortError("other", `cannot connect to ${where}: ${cause.text}`, options);
  }
}
