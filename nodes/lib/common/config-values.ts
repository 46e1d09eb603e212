// Reading editor values at runtime: they arrive as strings (or ${ENV} substitutions), so every
// config parser trims and range-checks them the same way.

export const text = (v: unknown): string => (v === undefined || v === null ? "" : String(v).trim());

/** A number in [min, max] (a whole one when `integer`); blank gives `fallback`. */
export function number(v: unknown, what: string, min: number, max: number, fallback: number, integer = false): number {
  const s = text(v);
  if (s === "") return fallback;
  const n = Number(s);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new Error(`${what} must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}, got "${s}"`);
  }
  return n;
}
