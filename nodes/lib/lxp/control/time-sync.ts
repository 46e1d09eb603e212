// The inverter clock in hold registers 12–14 (lxp-protocol.md §9: year−2000/month, day/hour, minute/second, low byte
// first) against the host's local time, as lxp-bridge's scheduler does it (lxp-protocol.md §10).

/** Inverter clock more than this far off the host's local time is set again. */
export const SYNC_TOLERANCE_S = 120;

/** Local time → values for registers 12, 13, 14. */
export function clockRegisters(date: Date): [number, number, number] {
  const year = date.getFullYear() - 2000;
  if (year < 0 || year > 255) throw new RangeError(`the inverter clock cannot hold the year ${date.getFullYear()}`);
  return [
    year | ((date.getMonth() + 1) << 8),
    date.getDate() | (date.getHours() << 8),
    date.getMinutes() | (date.getSeconds() << 8),
  ];
}

/** Registers 12–14 → a local Date, or undefined when a field is out of range (unset clock). */
export function inverterClock(r12: number, r13: number, r14: number): Date | undefined {
  const [year, month, day, hour, minute, second] = [r12 & 0xff, r12 >> 8, r13 & 0xff, r13 >> 8, r14 & 0xff, r14 >> 8];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(2000 + year, month - 1, day, hour, minute, second);
  return date.getDate() === day ? date : undefined; // 31 April rolls over: not a clock value
}

/** Inverter time minus host time in seconds; Infinity for an unreadable clock. */
export function clockDriftSeconds(registers: readonly number[], now: Date): number {
  const clock = inverterClock(registers[0], registers[1], registers[2]);
  return clock ? Math.round((clock.getTime() - now.getTime()) / 1000) : Infinity;
}

export function needsSync(driftS: number, toleranceS = SYNC_TOLERANCE_S): boolean {
  return !(Math.abs(driftS) <= toleranceS);
}

/** Runs `sync` every `hours` (0 = never); returns a function that stops it. Errors are the caller's. */
export function scheduleTimeSync(hours: number, sync: () => void): () => void {
  if (!(hours > 0)) return () => undefined;
  const timer = setInterval(sync, hours * 3600 * 1000);
  return () => clearInterval(timer);
}
