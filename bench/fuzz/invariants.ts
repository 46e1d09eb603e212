// What a target checks beyond "no untyped error": a FuzzFailure fails the run like an untyped error.

/** A broken invariant (a lost frame, a wrong value encoded): fails the run like an untyped error. */
export class FuzzFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FuzzFailure";
  }
}

/** Throws a FuzzFailure unless `ok`. */
export function check(ok: boolean, message: () => string): asserts ok {
  if (!ok) throw new FuzzFailure(message());
}

/** Checks every number in a decoded payload is finite: NaN or Infinity would reach flows as null. */
export function nonFiniteKey(value: unknown, path = "payload", depth = 0): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value !== "object" || depth > 6 || Buffer.isBuffer(value)) return undefined;
  for (const key of Object.keys(value)) {
    const bad = nonFiniteKey((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    if (bad) return bad;
  }
  return undefined;
}
