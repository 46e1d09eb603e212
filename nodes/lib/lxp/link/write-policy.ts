// Which hold registers a dongle configuration lets lxp-request (and the CLI) write. Writes are off
// unless the user turns them on; an optional list narrows them to named registers.

export interface WritePolicy {
  allowed: boolean;
  /** Inclusive [first, last] ranges; undefined = every register (when allowed). */
  registers?: ReadonlyArray<readonly [number, number]>;
}

export const WRITES_OFF: WritePolicy = { allowed: false };

/** "21, 64-67, 68-89, 105" → ranges; "" → undefined (no restriction). Throws on a bad entry. */
export function parseRegisterList(text: string): Array<[number, number]> | undefined {
  const items = text.split(/[\s,;]+/).filter((s) => s.length > 0);
  if (items.length === 0) return undefined;
  return items.map((item) => {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(item);
    if (!m) throw new Error(`writable registers: "${item}" is not a register number or a range like 64-67`);
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    if (last > 0xffff) throw new Error(`writable registers: "${item}" goes beyond register 65535`);
    if (last < first) throw new Error(`writable registers: "${item}" runs backwards`);
    return [first, last];
  });
}

export function describeRegisterList(ranges: ReadonlyArray<readonly [number, number]>): string {
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(", ");
}

const isRegister = (reg: unknown): reg is number => Number.isInteger(reg) && (reg as number) >= 0 && (reg as number) <= 0xffff;

/**
 * The registers of `wanted` the policy does not let through (all of them when writes are off). Walks
 * every index (filter would skip the holes of a sparse array); a hole or a non-register is forbidden.
 */
export function forbiddenRegisters(policy: WritePolicy, wanted: readonly number[]): number[] {
  const ranges = policy.registers;
  const forbidden: number[] = [];
  for (let k = 0; k < wanted.length; k++) {
    const reg = wanted[k];
    const listed = !ranges || (isRegister(reg) && ranges.some(([a, b]) => reg >= a && reg <= b));
    if (!policy.allowed || !isRegister(reg) || !listed) forbidden.push(isRegister(reg) ? reg : NaN);
  }
  return forbidden;
}
