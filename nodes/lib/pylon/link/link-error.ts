// Errors of the link itself (as opposed to the codec's PylonFrameError for a bad reply), in the
// package's one error shape (PylonError: `code`, `message`, optional `details`).
import { PylonError } from "../codec";

export type PylonLinkErrorCode =
  | "timeout" // no reply within the request timeout, after all retries
  | "closed" // the link was closed before the request finished
  | "not_connected" // port not open / gateway not connected, or the write failed
  | "invalid_request" // not a `~…\r` frame, or not a console command line
  | "queue_full" // the console link's queue holds its maximum of commands
  | "cut_off" // console output ended by a prompt before its `$$` line, after all retries
  | "too_long"; // console output beyond the byte or page bound

export class PylonLinkError extends PylonError<PylonLinkErrorCode> {
  constructor(code: PylonLinkErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }
}

/** Why the port or gateway cannot be used; a change of reason is worth telling the user again. */
export type PylonPortFailure =
  | "not_found" // no such device
  | "busy" // locked by another program or a previous deploy
  | "permission_denied"
  | "lost" // was open, then closed (USB unplugged, gateway dropped the connection)
  | "refused" // the gateway refused the connection
  | "unreachable" // no route to the gateway, or its host name does not resolve
  | "no_answer" // the gateway did not answer the connect in time
  | "other";

/**
 * A failed open or a lost port, as reported with the transport's "disconnected" state. The one
 * error class outside the package's shape (`code` + `message` + `details`): a state change's
 * `error` is elsewhere a socket's own error, whose `code` is the errno (connect-failure.ts reads it
 * so), and this one keeps that convention; its snake_case cause is `reason`.
 */
export class PylonPortError extends Error {
  readonly reason: PylonPortFailure;
  /** The system error code when there is one (ENOENT, ECONNREFUSED, …). */
  readonly code?: string;

  constructor(reason: PylonPortFailure, message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options);
    this.name = "PylonPortError";
    this.reason = reason;
    if (options?.code) this.code = options.code;
  }
}
