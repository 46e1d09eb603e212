// What a real installation's nodes process in 24 hours, to turn the soak's counts into simulated
// days: the inverter broadcasts its input registers every 2 minutes (2–5 minutes depending on the
// firmware; the fast end) in three frames (banks 0/40/80), the dongle sends a heartbeat about every
// 2 minutes, a flow reads one setting a minute (one reply frame each), and the stack is polled every
// 10 s (pylon-poll's default).

const MINUTES_PER_DAY = 24 * 60;

export const REAL_DAY = {
  /** Frames lxp-dongle receives: input banks + heartbeats + request replies. */
  lxpFrames: (MINUTES_PER_DAY / 2) * 3 + MINUTES_PER_DAY / 2 + MINUTES_PER_DAY,
  /** lxp-request reads. */
  lxpRequests: MINUTES_PER_DAY,
  /** pylon-poll cycles. */
  pylonCycles: (MINUTES_PER_DAY * 60) / 10,
} as const;

export interface SoakCounts {
  lxpFrames: number;
  lxpRequests: number;
  pylonCycles: number;
}

/** Simulated days per side, and overall: the smallest, so every side has done at least that much. */
export function simulatedDays(c: SoakCounts): { lxpFrames: number; lxpRequests: number; pylonCycles: number; overall: number } {
  const lxpFrames = c.lxpFrames / REAL_DAY.lxpFrames;
  const lxpRequests = c.lxpRequests / REAL_DAY.lxpRequests;
  const pylonCycles = c.pylonCycles / REAL_DAY.pylonCycles;
  return { lxpFrames, lxpRequests, pylonCycles, overall: Math.min(lxpFrames, lxpRequests, pylonCycles) };
}

export function describeRealDay(): string {
  return (
    `a simulated day = what one installation does in 24 h: ${REAL_DAY.lxpFrames} LuxPower frames (input broadcast every 2 min ` +
    `in 3 banks, heartbeat every 2 min, one read a minute), ${REAL_DAY.lxpRequests} lxp-request reads, ` +
    `${REAL_DAY.pylonCycles} Pylon cycles (stack polled every 10 s); the soak's day count is the smallest of the three`
  );
}
