// Turns register values into the named, scaled payload fields of the contract (§8, §9, §15).
import { FAULT_TEXT, fieldWidth, INPUT_FIELDS, InputField, STATUS_TEXT, WARNING_TEXT } from "./input-registers";
import { HOLD_NAMES, LEAD_ACID_TEMPERATURE_REGS, REG110_BITS, REG21_BITS, TIME_WINDOWS } from "./hold-registers";

export interface DecodeOptions {
  /** Divisor for max_chg_curr / max_dischg_curr (regs 81–82): 100 by default, 10 on some models. */
  currentDivisor?: 10 | 100;
}

const s16 = (v: number): number => (v & 0x8000 ? v - 0x10000 : v);
const round1 = (v: number): number => Math.round(v * 10) / 10;

/** Two ASCII characters per register, low byte first; NUL padding dropped. */
export function registersToAscii(values: readonly number[]): string {
  let s = "";
  for (const v of values) {
    for (const c of [v & 0xff, v >> 8]) if (c !== 0) s += String.fromCharCode(c);
  }
  return s;
}

function powerFactor(raw: number): number {
  return raw > 1000 && raw < 2000 ? (1000 - raw) / 1000 : raw / 1000;
}

/** Every set bit as "E019 bus voltage high" style entries. */
function bitNames(value: number, prefix: string, names: readonly string[]): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    if (Math.floor(value / 2 ** bit) % 2 === 1) out.push(`${prefix}${String(bit).padStart(3, "0")} ${names[bit]}`);
  }
  return out;
}

/** Fields fully inside [start, start + count), pre-sorted by register for a fast scan. */
function fieldsCovering(start: number, count: number): InputField[] {
  const end = start + count;
  return INPUT_FIELDS.filter((field) => field.reg >= start && field.reg + fieldWidth(field) <= end);
}

const fieldCache = new Map<number, InputField[]>();

function cachedFields(start: number, count: number): InputField[] {
  const key = start * 65536 + count;
  let fields = fieldCache.get(key);
  if (!fields) {
    fields = fieldsCovering(start, count);
    if (fieldCache.size < 1024) fieldCache.set(key, fields);
  }
  return fields;
}

/** Decodes an input-register reply starting at `start`. Keys appear only for registers present. */
export function decodeInputs(
  start: number,
  values: readonly number[],
  options: DecodeOptions = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const currentDivisor = options.currentDivisor ?? 100;
  for (const field of cachedFields(start, values.length)) {
    const i = field.reg - start;
    const raw = values[i];
    switch (field.decode) {
      case "u16":
        out[field.key] = field.scale === 1 ? raw : raw / field.scale;
        break;
      case "s16":
        out[field.key] = field.scale === 1 ? s16(raw) : s16(raw) / field.scale;
        break;
      case "u32": {
        const v = raw + values[i + 1] * 65536;
        out[field.key] = field.scale === 1 ? v : v / field.scale;
        break;
      }
      case "soc_soh":
        out.soc = raw & 0xff;
        out.soh = raw >> 8;
        break;
      case "pf":
        out[field.key] = powerFactor(raw);
        break;
      case "bms_current":
        out[field.key] = raw / currentDivisor;
        break;
      case "ascii5":
        out[field.key] = registersToAscii(values.slice(i, i + 5));
        break;
    }
  }
  addDerivedInputs(out);
  return out;
}

function sumPresent(out: Record<string, unknown>, keys: readonly string[]): number | undefined {
  let total = 0;
  let any = false;
  for (const key of keys) {
    const v = out[key];
    if (typeof v === "number") {
      total += v;
      any = true;
    }
  }
  return any ? total : undefined;
}

const PV_POWER = ["p_pv_1", "p_pv_2", "p_pv_3", "p_pv_4", "p_pv_5", "p_pv_6"];
const PV_DAY = ["e_pv_day_1", "e_pv_day_2", "e_pv_day_3", "e_pv_day_4", "e_pv_day_5", "e_pv_day_6"];
const PV_ALL = ["e_pv_all_1", "e_pv_all_2", "e_pv_all_3", "e_pv_all_4", "e_pv_all_5", "e_pv_all_6"];

/** lxp-bridge's derived keys, only where their inputs are present. */
function addDerivedInputs(out: Record<string, unknown>): void {
  if ("p_pv_1" in out || "p_pv_4" in out) out.p_pv = sumPresent(out, PV_POWER);
  if ("p_charge" in out && "p_discharge" in out) {
    out.p_battery = (out.p_charge as number) - (out.p_discharge as number);
  }
  if ("p_to_user" in out && "p_to_grid" in out) out.p_grid = (out.p_to_user as number) - (out.p_to_grid as number);
  if ("e_pv_day_1" in out || "e_pv_day_4" in out) out.e_pv_day = round1(sumPresent(out, PV_DAY) as number);
  if ("e_pv_all_1" in out || "e_pv_all_4" in out) out.e_pv_all = round1(sumPresent(out, PV_ALL) as number);
  if (typeof out.status === "number") out.status_text = STATUS_TEXT[out.status] ?? "Unknown";
  if (typeof out.fault_code === "number") out.faults = bitNames(out.fault_code, "E", FAULT_TEXT);
  if (typeof out.warning_code === "number") out.warnings = bitNames(out.warning_code, "W", WARNING_TEXT);
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
  for (const [name, starts] of Object.entries(TIME_WINDOWS)) {
    starts.forEach((reg, k) => {
      if (has(reg, reg + 1)) out[`${name}_${k + 1}`] = { start: hhmm(at(reg)), end: hhmm(at(reg + 1)) };
    });
  }
  for (const [reg, { key, scale, signed }] of Object.entries(HOLD_NAMES)) {
    const r = Number(reg);
    if (!has(r)) continue;
    const raw = signed ? s16(at(r)) : at(r);
    out[key] = scale ? raw / scale : raw;
  }
  if (has(...LEAD_ACID_TEMPERATURE_REGS)) {
    out.lead_acid_temperature_limits = LEAD_ACID_TEMPERATURE_REGS.map((r) => s16(at(r)) / 10);
  }
  return out;
}
