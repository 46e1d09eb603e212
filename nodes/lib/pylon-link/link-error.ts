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
