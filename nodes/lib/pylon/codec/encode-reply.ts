// Reply frames: the envelope of encodeFrame with the return code (RTN) where a request has CID2
// (pylon-protocol.md §2, §2.3). Simulators and tests build replies with it; pylon-poll never sends one.
import { encodeFrame } from "./frame";

/** RTN of a successful reply. */
export const RTN_NORMAL = 0x00;

export interface PylonReplyFields {
  /** Default 0x20, the VER of every real PylonTech reply (pylon-protocol.md §4.4). */
  ver?: number;
  adr: number;
  /** Default RTN_NORMAL. */
  rtn?: number;
  /** Error replies carry no INFO on real packs (pylon-protocol.md §2.3): leave it out when rtn ≠ 0. */
  info?: Uint8Array | readonly number[];
}

/** Wire text of a reply frame, `~` to CR. */
export function encodeReply(fields: PylonReplyFields): string {
  return encodeFrame({ ver: fields.ver, adr: fields.adr, cid2: fields.rtn ?? RTN_NORMAL, info: fields.info });
}
