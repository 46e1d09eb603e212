// Loads test/fixtures/pylon-vectors.json: real PylonTech frames from public captures, each with its source.
import fs from "node:fs";
import path from "node:path";

export interface VerificationFlags {
  lchksum_ok: boolean;
  chksum_ok: boolean;
  lenid_matches_info: boolean;
  chksum_expected?: string;
}

export interface PylonVector {
  id: string;
  command: string;
  request: string | null;
  reply: string | null;
  expect: Record<string, any>;
  verification: { request?: VerificationFlags; reply?: VerificationFlags };
  verifies: boolean;
}


export const vectors: PylonVector[] = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../fixtures/pylon-vectors.json"), "utf8"),
);

export function vector(id: string): PylonVector {
  const v = vectors.find((x) => x.id === id);
  if (!v) throw new Error(`no vector ${id} in pylon-vectors.json`);
  return v;
}

/** The error reason a frame must be rejected with, from its verification flags; undefined = valid. */
export function expectedRejection(flags: VerificationFlags): string | undefined {
  if (!flags.lchksum_ok) return "length_checksum";
  if (!flags.lenid_matches_info) return "length_mismatch";
  if (!flags.chksum_ok) return "checksum";
  return undefined;
}
