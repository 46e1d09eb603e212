// Deterministic "weather" for the day model: random values tied to (seed, knot index), so the
// same simulated moment gives the same value however often or rarely the model is advanced.
import { SeededRandom } from "../common/random";

/** Uniform [0, 1) for one integer knot of one noise channel. */
export function knotValue(seed: number, channel: number, knot: number): number {
  const mixed = (seed ^ Math.imul(channel + 1, 0x85ebca6b) ^ Math.imul(knot, 0x9e3779b1)) >>> 0;
  return new SeededRandom(mixed).next();
}

/** Smooth noise in [0, 1): cosine interpolation between knots `spacing` apart. */
export function smoothNoise(seed: number, channel: number, t: number, spacing: number): number {
  const x = t / spacing;
  const k = Math.floor(x);
  const w = (1 - Math.cos(Math.PI * (x - k))) / 2;
  return knotValue(seed, channel, k) * (1 - w) + knotValue(seed, channel, k + 1) * w;
}

/** Step noise in [0, 1): constant between knots (appliances switching on and off). */
export function stepNoise(seed: number, channel: number, t: number, spacing: number): number {
  return knotValue(seed, channel, Math.floor(t / spacing));
}
