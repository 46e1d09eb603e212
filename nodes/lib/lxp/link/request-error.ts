// Why a request to the inverter failed, in the package's one error shape (LxpError: `code`,
// `message`, optional `details`); `details.reply` is the decoded frame behind the failure, if any.
import { LxpError, type DecodedMessage } from "../codec";

export type LxpRequestErrorCode =
  | "invalid" // the command or its value is wrong: nothing was sent
  | "refused" // writes are off, or the register is not in the writable list: nothing was sent
  | "unknown_target" // datalog or inverter serial neither configured nor learned yet
  | "not_connected" // the dongle connection is down
  | "timeout" // no matching reply after all attempts
  | "exception" // the inverter answered with a Modbus exception
  | "verify" // the echo or the read-back does not show the value written
  | "closed" // the connection or the requesting node was closed while the request waited
  | "overflow" // the dongle's request queue was full: nothing was sent
  | "expired"; // the request waited in the queue past its deadline: nothing was sent

export class LxpRequestError extends LxpError<LxpRequestErrorCode, { reply: DecodedMessage }> {
  constructor(code: LxpRequestErrorCode, message: string, reply?: DecodedMessage, options?: { cause?: unknown }) {
    super(code, message, reply ? { reply } : undefined, options);
  }

  /** The decoded frame behind the failure (an exception reply, a wrong echo), if any. */
  get reply(): DecodedMessage | undefined {
    return this.details?.reply;
  }
}
