// Errors of the link itself (as opposed to the codec's PylonFrameError for a bad reply).

export type PylonLinkErrorCode =
  | "timeout" // no reply within the request timeout, after all retries
  | "closed" // the link was closed before the request finished
  | "not_connected" // port not open / gateway not connected, or the write failed
  | "invalid_request"; // not a `~…\r` frame

export class PylonLinkError extends Error {
  readonly code: PylonLinkErrorCode;

  constructor(code: PylonLinkErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PylonLinkError";
    this.code = code;
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

/** A failed open or a lost port, as reported with the transport's "disconnected" state. */
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
