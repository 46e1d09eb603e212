// The ranges of the timing settings of lxp-dongle and lxp-request, with their minimums. The editor
// checks the same table (TIMING in resources/editor-validators.js; test/unit/editor-html.spec.ts
// compares the two). A saved value below a minimum is raised to it with a warning, not refused, so
// an existing flow still starts; the editor marks it invalid.
import { text } from "../../shared/config-values";

export interface TimingLimit {
  /** How messages name the setting: "silence watchdog (s)". */
  what: string;
  min: number;
  max: number;
  /** 0 is allowed and turns the feature off. */
  zeroIsOff?: boolean;
}

export const TIMING_LIMITS = {
  "lxp-dongle": {
    // A dongle that drops each connection at once is not reconnected more than once a second.
    reconnect: { what: "reconnect delay (s)", min: 1, max: 3600 },
    // The dongle sends a heartbeat about once a minute: a shorter watchdog drops healthy connections.
    watchdog: { what: "silence watchdog (s)", min: 60, max: 86400, zeroIsOff: true },
    // Not in the editor; the input-quiet check runs every quarter of it.
    broadcastInterval: { what: "broadcast interval (s)", min: 1, max: 86400 },
  },
  "lxp-request": {
    // A reply passes the dongle's serial link to the inverter: a shorter timeout only resends requests.
    timeout: { what: "timeout (s)", min: 0.5, max: 300 },
    // The clock is set only when it is more than 120 s off: checking more often than hourly gains nothing.
    autoSync: { what: "automatic time sync (hours)", min: 1, max: 168, zeroIsOff: true },
  },
} as const satisfies Record<string, Record<string, TimingLimit>>;

/** "0 (off) or a number from 60 to 86400" / "a number from 0.5 to 300". */
export function describeRange(limit: TimingLimit): string {
  return `${limit.zeroIsOff ? "0 (off) or " : ""}a number from ${limit.min} to ${limit.max}`;
}

/**
 * A timing setting from the editor (a string, possibly from ${ENV}): blank gives `fallback`; above
 * the maximum, negative, not a number (or 0 where 0 does not mean off) throws; from 0 to the minimum
 * it is raised to the minimum and `warn` is told once.
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
