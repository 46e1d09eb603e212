// The ranges of the timing settings of lxp-dongle and lxp-request, with their minimums, as declared
// in resources/config-schemas.js (the editor builds its TIMING table from the same declarations;
// test/unit/editor-html.spec.ts compares the two). A saved value below a minimum is raised to it
// with a warning, not refused, so an existing flow still starts; the editor marks it invalid.
import { rangeOf, type NodeType } from "../../common/config-schema";
import { text } from "../../common/config-values";

export interface TimingLimit {
  /** How messages name the setting: "silence watchdog (s)". */
  what: string;
  min: number;
  max: number;
  /** 0 is allowed and turns the feature off. */
  zeroIsOff?: boolean;
}

function timingLimit(type: NodeType, key: string): TimingLimit {
  const { what, min, max, zeroMeans } = rangeOf(type, key);
  return { what, min, max, ...(zeroMeans === "off" && { zeroIsOff: true }) };
}

export const TIMING_LIMITS = {
  "lxp-dongle": {
    reconnect: timingLimit("lxp-dongle", "reconnect"),
    watchdog: timingLimit("lxp-dongle", "watchdog"),
    broadcastInterval: timingLimit("lxp-dongle", "broadcastInterval"),
  },
  "lxp-request": {
    timeout: timingLimit("lxp-request", "timeout"),
    autoSync: timingLimit("lxp-request", "autoSync"),
  },
} as const satisfies Record<string, Record<string, TimingLimit>>;

/** "0 (off) or a number from 60 to 86400" / "a number from 0.5 to 300". */
export function describeRange(limit: TimingLimit): string {
  return `${limit.zeroIsOff ? "0 (off) or " : ""}a number from ${limit.min} to ${limit.max}`;
}

/**
 * A timing setting from the editor (a string, possibly from ${ENV}): blank gives `fallback`; above
 * the maximum, negative, not a number (or 0 where 0 does not mean off) throws; above 0 and below the
 * minimum it is raised to the minimum and `warn` is told once.
 */
export function timingValue(v: unknown, limit: TimingLimit, fallback: number, warn?: (message: string) => void): number {
  const s = text(v);
  if (s === "") return fallback;
  const n = Number(s);
  if (n === 0 && limit.zeroIsOff) return 0;
  if (!Number.isFinite(n) || n <= 0 || n > limit.max) throw new Error(`${limit.what} must be ${describeRange(limit)}, got "${s}"`);
  if (n >= limit.min) return n;
  warn?.(`${limit.what} ${s} is below the minimum of ${limit.min}: using ${limit.min}${limit.zeroIsOff ? " (0 turns it off)" : ""}`);
  return limit.min;
}
