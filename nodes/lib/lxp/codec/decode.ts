// Turns register values into the named, scaled payload fields of the contract (lxp-protocol.md §8, §9; docs/lxp-payloads.md).
import { decodeInputRegisters, InputIds, registersToAscii } from "./input-decoder";
import { DECODED_TIME_WINDOWS, HOLD_NAMES, LEAD_ACID_TEMPERATURE_REGS, REG110_BITS, REG21_BITS, TIME_WINDOWS } from "./hold-registers";

export { registersToAscii };
export type { InputIds };

export interface DecodeOptions {
  /** Divisor for max_chg_curr / max_dischg_curr (regs 81–82): 100 by default, 10 on some models. */
  currentDivisor?: 10 | 100;
}

const s16 = (v: number): number => (v & 0x8000 ? v - 0x10000 : v);

/** Decodes an input-register reply starting at `start`. Keys appear only for registers present. */
export function decodeInputs(
  start: number,
  values: readonly number[],
  options: DecodeOptions = {},
  ids?: InputIds,
): Record<string, unknown> {
  return decodeInputRegisters(start, values, options.currentDivisor ?? 100, ids);
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

function hhmm(raw: number): string {
  return `${pad2(raw & 0xff)}:${pad2(raw >> 8)}`;
}

/** Decodes hold registers 12–14 into "YYYY-MM-DD HH:MM:SS". */
export function decodeInverterTime(r12: number, r13: number, r14: number): string {
  return (
    `${2000 + (r12 & 0xff)}-${pad2(r12 >> 8)}-${pad2(r13 & 0xff)} ` +
    `${pad2(r13 >> 8)}:${pad2(r14 & 0xff)}:${pad2(r14 >> 8)}`
  );
}

/** Every decoded window as [name, start registers], and the named registers as numbers: built once, not per frame. */
const WINDOWS: ReadonlyArray<readonly [string, readonly number[]]> = [...Object.entries(TIME_WINDOWS), ...Object.entries(DECODED_TIME_WINDOWS)];
const NAMED_HOLDS = Object.entries(HOLD_NAMES).map(([reg, name]) => ({ reg: Number(reg), ...name }));

function bitObject(value: number, names: readonly string[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  names.forEach((name, bit) => {
    out[name] = ((value >> bit) & 1) === 1;
  });
  return out;
}

/** Decodes a hold-register block: raw `registers` plus the named decodes it fully covers. */
export function decodeHolds(start: number, values: readonly number[]): Record<string, unknown> {
  const registers: Record<string, number> = {};
  values.forEach((v, k) => {
    registers[String(start + k)] = v;
  });
  const out: Record<string, unknown> = { registers };
  const has = (...regs: number[]): boolean => regs.every((r) => r >= start && r < start + values.length);
  const at = (reg: number): number => values[reg - start];

  if (has(2, 3, 4, 5, 6)) out.inverter_serial = registersToAscii([2, 3, 4, 5, 6].map(at));
  if (has(7, 8)) out.model_code = registersToAscii([at(7), at(8)]);
  if (has(12, 13, 14)) out.inverter_time = decodeInverterTime(at(12), at(13), at(14));
  if (has(21)) out.reg21 = bitObject(at(21), REG21_BITS);
  if (has(110)) out.reg110 = bitObject(at(110), REG110_BITS);
  for (const [name, starts] of WINDOWS) {
    starts.forEach((reg, k) => {
      if (has(reg, reg + 1)) out[`${name}_${k + 1}`] = { start: hhmm(at(reg)), end: hhmm(at(reg + 1)) };
    });
  }
  for (const { reg, key, scale, signed } of NAMED_HOLDS) {
    if (!has(reg)) continue;
    const raw = signed ? s16(at(reg)) : at(reg);
    out[key] = scale ? raw / scale : raw;
  }
  if (has(...LEAD_ACID_TEMPERATURE_REGS)) {
    out.lead_acid_temperature_limits = LEAD_ACID_TEMPERATURE_REGS.map((r) => s16(at(r)) / 10);
  }
  return out;
}
