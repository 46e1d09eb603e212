// The PylonTech limits: the pylon-port and pylon-poll settings declared with a minimum in
// resources/config-schemas.js, and the matching `poll pylon` options. A value below its minimum,
// as an older flow may hold, is raised to it with a note (the node warns once; the CLI refuses it).
import { rangeOf, type NodeType } from "../../common/config-schema";
import { text } from "../../common/config-values";

export interface PylonLimit {
  /** How messages name the value, with its unit: "reply timeout (ms)". */
  what: string;
  min: number;
  max: number;
  integer?: boolean;
  /** 0 is allowed below `min` and means this (e.g. "only on input"). */
  zeroMeans?: string;
}

function pylonLimit(type: NodeType, key: string): PylonLimit {
  const { what, min, max, type: kind, zeroMeans } = rangeOf(type, key);
  return { what, min, max, ...(kind === "integer" && { integer: true }), ...(zeroMeans !== undefined && { zeroMeans }) };
}

export const PYLON_LIMITS = {
  /** pylon-poll: seconds between cycles. */
  interval: pylonLimit("pylon-poll", "interval"),
  /** pylon-poll: identity refresh. */
  identityMinutes: pylonLimit("pylon-poll", "identityMinutes"),
  /** pylon-port: reply timeout per attempt. */
  timeout: pylonLimit("pylon-port", "timeout"),
  /** pylon-port: quiet time between requests. */
  gap: pylonLimit("pylon-port", "gap"),
  /** pylon-port: extra attempts. */
  retries: pylonLimit("pylon-port", "retries"),
  /** pylon-port: reopen delay while the port is down (not in the edit dialog). */
  reconnect: pylonLimit("pylon-port", "reconnect"),
} as const satisfies Record<string, PylonLimit>;

export type PylonLimitName = keyof typeof PYLON_LIMITS;

/** A value raised to its minimum. */
export interface RaisedValue {
  name: PylonLimitName;
  /** `reply timeout (ms) must be at least 100, got "50"`. */
  message: string;
  /** The value used instead. */
  used: number;
}

/** What the value must be, for errors: `reply timeout (ms) must be a number from 100 to 30000`. */
export function limitRule(limit: PylonLimit): string {
  const range = `${limit.integer ? "a whole number" : "a number"} from ${limit.min} to ${limit.max}`;
  return `${limit.what} must be ${limit.zeroMeans ? `0 (${limit.zeroMeans}) or ` : ""}${range}`;
}

/**
 * Reads an editor value (string, possibly from ${ENV}) against its limit: blank gives `fallback`;
 * a number from 0 up to the minimum is raised to it and noted in `raised`; anything else out of
 * range, or not a number, throws.
 */
export function limited(name: PylonLimitName, value: unknown, fallback: number, raised: RaisedValue[]): number {
  const limit: PylonLimit = PYLON_LIMITS[name];
  const s = text(value);
  if (s === "") return fallback;
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0 || n > limit.max || (limit.integer && !Number.isInteger(n))) {
    throw new Error(`${limitRule(limit)}, got "${s}"`);
  }
  if (n === 0 && limit.zeroMeans) return 0;
  if (n >= limit.min) return n;
  raised.push({ name, message: `${limit.what} must be at least ${limit.min}, got "${s}"`, used: limit.min });
  return limit.min;
}

/** One line for the node's warning: every raised value and what is used instead. */
export function raisedWarning(raised: readonly RaisedValue[]): string {
  return `${raised.map((r) => `${r.message}: using ${r.used}`).join("; ")} (raise it in the editor to silence this warning)`;
}
