// Compiles the input-register table (input-registers.ts) into one function per reply range that
// returns the payload as a single object literal. A 127-register reply has ~150 keys; building
// them one by one is ~5x slower (dictionary-mode stores), and the dongle path must decode
// 200,000 frames/s. The source is generated only from our own table, never from input.
import { coversBatteryPacks, decodeBatteryPacks } from "./battery-packs";
import { FAULT_TEXT, fieldWidth, INPUT_FIELDS, InputField, STATUS_TEXT, WARNING_TEXT } from "./input-registers";

export interface InputIds {
  time: number;
  datalog: string;
  inverter: string;
}

type Compiled = (v: readonly number[], divisor: number, h: typeof helpers, ids: InputIds | undefined) => Record<string, unknown>;

const s16 = (v: number): number => (v & 0x8000 ? v - 0x10000 : v);

/** Two ASCII characters per register, low byte first; NUL padding dropped. */
export function registersToAscii(values: readonly number[]): string {
  let s = "";
  for (const v of values) {
    const lo = v & 0xff;
    const hi = v >> 8;
    if (lo !== 0) s += String.fromCharCode(lo);
    if (hi !== 0) s += String.fromCharCode(hi);
  }
  return s;
}

/** Every set bit as "E019 bus voltage high" style entries. */
function bitNames(value: number, prefix: string, names: readonly string[]): string[] {
  const out: string[] = [];
  if (value === 0) return out;
  for (let bit = 0; bit < 32; bit++) {
    if ((value >>> bit) & 1) out.push(`${prefix}${String(bit).padStart(3, "0")} ${names[bit]}`);
  }
  return out;
}

const helpers = {
  s16,
  pf: (raw: number): number => (raw > 1000 && raw < 2000 ? (1000 - raw) / 1000 : raw / 1000),
  round1: (v: number): number => Math.round(v * 10) / 10,
  ascii: (v: readonly number[], i: number): string => registersToAscii(v.slice(i, i + 5)),
  status: (raw: number): string => STATUS_TEXT[raw] ?? "Unknown",
  faults: (raw: number): string[] => bitNames(raw, "E", FAULT_TEXT),
  warnings: (raw: number): string[] => bitNames(raw, "W", WARNING_TEXT),
  packs: decodeBatteryPacks,
};

function scaled(expr: string, scale: number): string {
  return scale === 1 ? expr : `${expr} / ${scale}`;
}

/** JS expression(s) for one field: [key, expression] pairs. */
function fieldEntries(field: InputField, i: number): Array<[string, string]> {
  const v = `v[${i}]`;
  switch (field.decode) {
    case "u16":
      return [[field.key, scaled(v, field.scale)]];
    case "s16":
      return [[field.key, scaled(`h.s16(${v})`, field.scale)]];
    case "u32":
      return [[field.key, scaled(`(${v} + v[${i + 1}] * 65536)`, field.scale)]];
    case "soc_soh":
      return [
        ["soc", `${v} & 255`],
        ["soh", `${v} >> 8`],
      ];
    case "pf":
      return [[field.key, `h.pf(${v})`]];
    case "bms_current":
      return [[field.key, `${v} / d`]];
    case "ascii5":
      return [[field.key, `h.ascii(v, ${i})`]];
  }
}

/** lxp-bridge's derived keys, only where their inputs are present (expressions over other keys). */
function derivedEntries(present: Map<string, string>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const sum = (keys: string[]): string | undefined => {
    const have = keys.filter((k) => present.has(k)).map((k) => `(${present.get(k)})`);
    return have.length ? have.join(" + ") : undefined;
  };
  const pv = (what: string): string[] => [1, 2, 3, 4, 5, 6].map((n) => `${what}_${n}`);
  const pPv = sum(pv("p_pv"));
  if (pPv) out.push(["p_pv", pPv]);
  if (present.has("p_charge") && present.has("p_discharge")) {
    out.push(["p_battery", `(${present.get("p_charge")}) - (${present.get("p_discharge")})`]);
  }
  if (present.has("p_to_user") && present.has("p_to_grid")) {
    out.push(["p_grid", `(${present.get("p_to_user")}) - (${present.get("p_to_grid")})`]);
  }
  const eDay = sum(pv("e_pv_day"));
  if (eDay) out.push(["e_pv_day", `h.round1(${eDay})`]);
  const eAll = sum(pv("e_pv_all"));
  if (eAll) out.push(["e_pv_all", `h.round1(${eAll})`]);
  if (present.has("status")) out.push(["status_text", `h.status(${present.get("status")})`]);
  if (present.has("fault_code")) out.push(["faults", `h.faults(${present.get("fault_code")})`]);
  if (present.has("warning_code")) out.push(["warnings", `h.warnings(${present.get("warning_code")})`]);
  return out;
}

/** `registers`: every register of the reply, number → raw value, as hold payloads carry it. */
function registersLiteral(start: number, count: number): string {
  const pairs = Array.from({ length: count }, (_, k) => `"${start + k}": v[${k}]`);
  return `{ ${pairs.join(", ")} }`;
}

function compile(start: number, count: number, withIds: boolean): Compiled {
  const end = start + count;
  const entries: Array<[string, string]> = [["registers", registersLiteral(start, count)]];
  for (const field of INPUT_FIELDS) {
    if (field.reg >= start && field.reg + fieldWidth(field) <= end) entries.push(...fieldEntries(field, field.reg - start));
  }
  entries.push(...derivedEntries(new Map(entries)));
  if (coversBatteryPacks(start, count)) entries.push(["battery_packs", `h.packs(${start}, v)`]);
  if (withIds) entries.push(["time", "ids.time"], ["datalog", "ids.datalog"], ["inverter", "ids.inverter"]);
  const body = `return {\n${entries.map(([k, e]) => `  ${JSON.stringify(k)}: ${e}`).join(",\n")}\n};`;
  return new Function("v", "d", "h", "ids", body) as Compiled;
}

const cache = new Map<number, Compiled>();

/** Decodes an input-register reply starting at `start`. Keys appear only for registers present. */
export function decodeInputRegisters(
  start: number,
  values: readonly number[],
  currentDivisor: number,
  ids?: InputIds,
): Record<string, unknown> {
  const key = (start * 256 + values.length) * 2 + (ids ? 1 : 0);
  let fn = cache.get(key);
  if (!fn) {
    fn = compile(start, values.length, ids !== undefined);
    if (cache.size < 4096) cache.set(key, fn);
  }
  return fn(values, currentDivisor, helpers, ids);
}
