// Why a request to the inverter failed; `reply` is the decoded frame behind the failure, if any.
import type { DecodedMessage } from "../codec";

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

export class LxpRequestError extends Error {
  readonly code: LxpRequestErrorCode;
  readonly reply?: DecodedMessage;

  constructor(code: LxpRequestErrorCode, message: string, reply?: DecodedMessage) {
    super(message);
    this.name = "LxpRequestError";
    this.code = code;
    this.reply = reply;
  }
}
