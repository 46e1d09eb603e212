// Loads the LuxPower test vectors: real frames from public captures, test/fixtures/lxp-vectors.json.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const FIXTURES_DIR = join(__dirname, "..", "fixtures");

export interface LxpVector {
  id: string;
  kind: string;
  hex: string;
  checksum_check: string;
  length_check: string;
  expect: Record<string, any>;
  notes?: string;
}

export function lxpVectors(): LxpVector[] {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, "lxp-vectors.json"), "utf8"));
}

export function lxpVector(id: string): LxpVector {
  const v = lxpVectors().find((x) => x.id === id);
  if (!v) throw new Error(`no LXP vector ${id}`);
  return v;
}

export const hexBuf = (hex: string): Buffer => Buffer.from(hex, "hex");

/** A frame from another project's public issue, test or log: test/fixtures/real-captures/lxp-captures.json. */
export interface LxpCapture {
  id: string;
  source: string;
  kind: string;
  hex: string;
  direction_byte?: number;
  /** What is wrong with the frame, when it must be refused. */
  damaged?: string;
  /** Values the source states. */
  expect: Record<string, any>;
  /** Values worked out by the corpus author; `how` says how. */
  computed?: Record<string, any>;
  notes?: string;
}

export function lxpCaptures(): LxpCapture[] {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, "real-captures", "lxp-captures.json"), "utf8"));
}
