// Open-circuit voltage of an LFP cell against state of charge: steep ends, flat 3.25–3.35 V middle.
const OCV_POINTS: readonly (readonly [soc: number, mv: number])[] = [
  [0, 2950],
  [0.05, 3150],
  [0.1, 3200],
  [0.2, 3250],
  [0.3, 3270],
  [0.5, 3290],
  [0.7, 3310],
  [0.9, 3330],
  [0.95, 3350],
  [0.99, 3400],
  [1, 3450],
];

/** mV at `soc` (0..1), interpolated linearly between the points above. */
export function lfpOpenCircuitMv(soc: number): number {
  const s = Math.min(1, Math.max(0, soc));
  for (let i = 1; i < OCV_POINTS.length; i++) {
    const [s1, v1] = OCV_POINTS[i];
    if (s <= s1) {
      const [s0, v0] = OCV_POINTS[i - 1];
      return v0 + ((v1 - v0) * (s - s0)) / (s1 - s0);
    }
  }
  return OCV_POINTS[OCV_POINTS.length - 1][1];
}

/** How much cells drift apart: 1 in the flat middle, growing towards empty (×7) and full (×5). */
export function cellSpreadFactor(soc: number): number {
  return 1 + (6 * Math.max(0, 0.12 - soc)) / 0.12 + (4 * Math.max(0, soc - 0.9)) / 0.1;
}

/** Spread ("knee") weights of a pack's cells: most within this range, one weak cell at WEAK_CELL_KNEE. */
export const CELL_KNEE_RANGE = [0.5, 1.5] as const;
export const WEAK_CELL_KNEE = 3;

/** mV a cell of spread weight `knee` sits off the curve at `soc`: below it when emptier than half, above when fuller. */
export function kneeOffsetMv(soc: number, knee: number): number {
  const offset = knee * (cellSpreadFactor(soc) - 1) * 3;
  return soc < 0.5 ? -offset : offset;
}
