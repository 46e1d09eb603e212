// Durations in texts people read: retry intervals, waits, broadcast intervals.

/** "2 s", "0.25 s", "5 min" (whole minutes from 2 min on). */
export function formatSeconds(seconds: number): string {
  if (seconds >= 120 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${Number(seconds.toFixed(2))} s`;
}
