// Faults a simulated pack can show, switchable at run time (a test flips them mid-run).
import { SeededRandom } from "../common/random";

export interface PylonPackFaults {
  /** Never answers, as an absent or dead pack. */
  silent: boolean;
  /** Every Nth reply of this pack carries a wrong CHKSUM (0 = never). */
  badChecksumEvery: number;
  /** Probability (0..1) of a wrong CHKSUM on any reply, drawn from the seeded generator. */
  badChecksumProbability: number;
  /** Bytes sent before the `~` of every reply (line noise); empty = none. */
  garbage: string | Uint8Array;
}

export function noFaults(): PylonPackFaults {
  return { silent: false, badChecksumEvery: 0, badChecksumProbability: 0, garbage: "" };
}

/** The frame with its CHKSUM off by one in the last digit, so parseFrame reports `checksum`. */
export function corruptChecksum(frame: string): string {
  const end = frame.endsWith("\r") ? frame.length - 1 : frame.length;
  const chk = parseInt(frame.slice(end - 4, end), 16);
  const wrong = ((chk ^ 0x1) & 0xffff).toString(16).toUpperCase().padStart(4, "0");
  return frame.slice(0, end - 4) + wrong + frame.slice(end);
}

/** Whether reply number `replyNumber` (1-based) of a pack gets a wrong checksum. */
export function wantsBadChecksum(faults: PylonPackFaults, replyNumber: number, random: SeededRandom): boolean {
  const everyNth = faults.badChecksumEvery > 0 && replyNumber % faults.badChecksumEvery === 0;
  const drawn = faults.badChecksumProbability > 0 && random.next() < faults.badChecksumProbability;
  return everyNth || drawn;
}

/** The reply bytes as sent: garbage first, then the frame. */
export function replyBytes(frame: string, faults: PylonPackFaults): Buffer {
  const garbage = typeof faults.garbage === "string" ? Buffer.from(faults.garbage, "latin1") : Buffer.from(faults.garbage);
  return Buffer.concat([garbage, Buffer.from(frame, "latin1")]);
}
