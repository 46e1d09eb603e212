// What the request queue needs of a link: kept apart from dongle-link.ts so the requester does not
// import the link that owns it.
import type { DecodedMessage } from "../codec";
import type { StateChange } from "../../common/transport";
import type { LxpRequestError } from "./request-error";

export type { DecodedMessage };

/** The part of a dongle link the request queue uses. */
export interface RequestChannel {
  on(event: "message", listener: (decoded: DecodedMessage) => void): unknown;
  on(event: "state", listener: (change: StateChange) => void): unknown;
  off(event: "state", listener: (change: StateChange) => void): unknown;
  /** "tcp 192.168.1.50:8000" and the like, for messages. */
  readonly description: string;
  /** False when the frame could not be handed to the transport. */
  write(buf: Buffer): boolean;
  /** Bytes written that have not gone out yet: more than 0 on a stalled TCP connection. */
  unsentBytes(): number;
  /** Why the last connect failed, while the link is down after a failed connect. */
  connectionError(): LxpRequestError | undefined;
  /** True once this datalog's dongle was seen answering reads with 00 in the direction byte. */
  sendsDirectionZeroReplies(datalog: string): boolean;
}
