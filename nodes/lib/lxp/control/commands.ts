// Parses a command of lxp-bridge's vocabulary (docs/lxp-protocol.md §10), given as a topic plus a
// payload, into one plan for the controller. All value checks happen here, before anything is sent:
// topic and payload come from a msg and are untrusted, so every shape is checked, every length is
// bounded before it is scanned, and nothing runs in more than linear time.
import { describeValue, firstHole, isPlainObject, trimSlashes } from "./command-values";
import { HOLD_NAMES, REG21_BITS, TIME_WINDOWS } from "../codec/hold-registers";

export type Command =
  | { kind: "read-input"; register: number; count: number }
  | { kind: "read-hold"; register: number; count: number }
  | { kind: "read-param"; param: number }
  /** One value: write single; an array: write multi. */
  | { kind: "write"; register: number; values: number[]; multi: boolean }
  /** Start and end of a time window, two write singles as lxp-bridge sends them. */
  | { kind: "window"; register: number; values: [number, number] }
  /** Read-modify-write of one bit of a bitfield register. */
  | { kind: "bit"; register: number; bit: number; on: boolean }
  | { kind: "sync-time" };

export class LxpCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LxpCommandError";
  }
}

/** Named percentage settings (lxp-protocol.md §10) → register and allowed range. */
export const PERCENT_SETTINGS: Readonly<Record<string, { register: number; min: number; max: number }>> = {
  charge_rate_pct: { register: 64, min: 0, max: 100 },
  discharge_rate_pct: { register: 65, min: 0, max: 100 },
  ac_charge_rate_pct: { register: 66, min: 0, max: 100 },
  ac_charge_soc_limit_pct: { register: 67, min: 0, max: 100 },
  discharge_cutoff_soc_limit_pct: { register: 105, min: 10, max: 90 },
};

/** Boolean settings (lxp-protocol.md §10) → bit of register 21. */
export const BIT_SETTINGS: Readonly<Record<string, number>> = {
  ac_charge: REG21_BITS.indexOf("ac_charge_en"),
  charge_priority: REG21_BITS.indexOf("charge_priority_en"),
  forced_discharge: REG21_BITS.indexOf("forced_discharge_en"),
};

export const BIT_REGISTER = 21;
export const CLOCK_REGISTER = 12;
/** Banks with named input registers (0–239). */
export const INPUT_BANKS = 6;
export const BANK_REGISTERS = 40;
/** The last bank whose 40 registers end within 0–65535 (40·(n−1) + 39 ≤ 65535): read/inputs/{1-1638}. */
export const MAX_INPUT_BANK = Math.floor((0xffff - (BANK_REGISTERS - 1)) / BANK_REGISTERS) + 1;
export const MAX_READ_COUNT = 127;
/** Longest topic read (the longest command, read/discharge_cutoff_soc_limit_pct, has 35 characters). */
export const MAX_TOPIC_LENGTH = 128;
/** Longest text read as a number or as on/off. */
const MAX_WORD_LENGTH = 32;
/** Longest JSON text read as a time window ({"start":"HH:MM","end":"HH:MM"} has 31 characters). */
const MAX_WINDOW_TEXT_LENGTH = 256;

const TRUE_WORDS = ["1", "t", "true", "on", "y", "yes"];
const FALSE_WORDS = ["0", "f", "false", "off", "n", "no"];

/** Registers holding a time (low byte hour, high byte minute). */
const TIME_REGISTERS = new Set(Object.values(TIME_WINDOWS).flatMap((starts) => starts.flatMap((r) => [r, r + 1])));

/** Every command path, for help texts and the editor's check. */
export const COMMAND_PATTERNS: readonly string[] = [
  `read/inputs/{1-${MAX_INPUT_BANK}}`,
  "read/input/{reg}",
  "read/hold/{reg}",
  "read/param/{n}",
  ...Object.keys(BIT_SETTINGS).map((k) => `read/${k}`),
  ...Object.keys(PERCENT_SETTINGS).map((k) => `read/${k}`),
  ...Object.keys(TIME_WINDOWS).map((k) => `read/${k}/{1-3}`),
  "set/hold/{reg}",
  ...Object.keys(BIT_SETTINGS).map((k) => `set/${k}`),
  ...Object.keys(PERCENT_SETTINGS).map((k) => `set/${k}`),
  ...Object.keys(TIME_WINDOWS).map((k) => `set/${k}/{1-3}`),
  "sync_time",
];

/** A number, or a short text of one ("50", " 50 ", "50.0"); anything else is NaN. */
function numberOf(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value !== "string" || value.length > MAX_WORD_LENGTH) return NaN;
  const s = value.trim();
  return /^-?\d+(\.0*)?$/.test(s) ? Number(s) : NaN;
}

function integerIn(value: unknown, what: string, min: number, max: number): number {
  const n = numberOf(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new LxpCommandError(`${what} must be a whole number from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return n;
}

/** A number in the topic path: digits only. */
function pathNumber(text: string, what: string, min: number, max: number): number {
  if (!/^\d{1,5}$/.test(text)) throw new LxpCommandError(`${what} must be a whole number from ${min} to ${max}, got ${describeValue(text)}`);
  return integerIn(text, what, min, max);
}

/** `1 t true on y yes` (any case) → true; `0 f false off n no` → false; anything else is refused. */
export function parseBoolean(value: unknown, what: string): boolean {
  if (typeof value === "boolean") return value;
  if (value === 1 || value === 0) return value === 1;
  const s = typeof value === "string" && value.length <= MAX_WORD_LENGTH ? value.trim().toLowerCase() : undefined;
  if (s !== undefined && TRUE_WORDS.includes(s)) return true;
  if (s !== undefined && FALSE_WORDS.includes(s)) return false;
  throw new LxpCommandError(`${what} needs on or off (1 t true on y yes / 0 f false off n no), got ${describeValue(value)}`);
}

/** "HH:MM" → hour in the low byte, minute in the high byte (lxp-protocol.md §9). */
export function encodeTime(value: unknown, what: string): number {
  const m = typeof value === "string" && value.length <= MAX_WORD_LENGTH ? /^\s*(\d{1,2}):(\d{2})\s*$/.exec(value) : null;
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) {
    throw new LxpCommandError(`${what} must be a time HH:MM from 00:00 to 23:59, got ${describeValue(value)}`);
  }
  return Number(m[1]) | (Number(m[2]) << 8);
}

/** {"start":"HH:MM","end":"HH:MM"}, as an object or its JSON text; no other keys. */
function parseWindow(payload: unknown, what: string): [number, number] {
  const needs = (): LxpCommandError => new LxpCommandError(`${what} needs {"start":"HH:MM","end":"HH:MM"}, got ${describeValue(payload)}`);
  let value = payload;
  if (typeof value === "string") {
    if (value.length > MAX_WINDOW_TEXT_LENGTH) throw needs();
    try {
      value = JSON.parse(value);
    } catch {
      throw needs();
    }
  }
  if (!isPlainObject(value)) throw needs();
  const others = Object.keys(value).filter((key) => key !== "start" && key !== "end");
  if (others.length > 0) {
    const named = others.slice(0, 3).map((key) => describeValue(key)).join(", ");
    throw new LxpCommandError(`${what} takes only "start" and "end", got also ${named}${others.length > 3 ? ", …" : ""}`);
  }
  // Own properties only: a key inherited from a polluted Object.prototype is not a value.
  const start = Object.hasOwn(value, "start") ? value.start : undefined;
  const end = Object.hasOwn(value, "end") ? value.end : undefined;
  return [encodeTime(start, `${what} start`), encodeTime(end, `${what} end`)];
}

/**
 * Hold registers a raw write keeps within 0–100: the percentages whose documented range lies inside
 * 0–100 (lxp-protocol.md §9). A reviewed list, not derived from payload names, so naming a key never
 * changes what a write accepts. 221 (0–255) and 227 (10–101) are percentages outside it: u16 only.
 */
export const PERCENT_HOLD_REGISTERS: readonly number[] = [
  64, 65, 66, 67, 74, 75, 82, 83, 103, 125, 160, 161, 164, 165, 167, 196, 197, 207, 215, 216, 220,
];
const PERCENT_HOLDS: ReadonlySet<number> = new Set(PERCENT_HOLD_REGISTERS);

/**
 * Checks a value for a hold register: u16 always, plus the register's own range where it has one
 * (percentages 0–100, cut-off SOC 10–90, times of the windows).
 */
export function checkHoldValue(register: number, value: unknown): number {
  const what = `value for register ${register}`;
  for (const [name, s] of Object.entries(PERCENT_SETTINGS)) {
    if (s.register === register) return integerIn(value, `${what} (${name})`, s.min, s.max);
  }
  if (PERCENT_HOLDS.has(register)) {
    const name = HOLD_NAMES[register]?.key;
    return integerIn(value, name ? `${what} (${name})` : what, 0, 100);
  }
  const n = integerIn(value, what, 0, 0xffff);
  if (TIME_REGISTERS.has(register) && ((n & 0xff) > 23 || n >> 8 > 59)) {
    throw new LxpCommandError(`${what} is a time window (hour in the low byte 0–23, minute in the high byte 0–59), got ${n}`);
  }
  return n;
}

/**
 * The values of a write multi: a dense array of 1–127 values, each checked for its register. A hole
 * (`new Array(1)`, `[1, , 3]`) would be skipped by map/forEach and go out as 0, so it is refused.
 */
function multiValues(payload: readonly unknown[], register: number, path: string): number[] {
  const length = payload.length;
  if (length < 1 || length > MAX_READ_COUNT) {
    throw new LxpCommandError(`${path}: a multi-register write takes 1–${MAX_READ_COUNT} values, got ${length}`);
  }
  if (register + length - 1 > 0xffff) throw new LxpCommandError(`${path}: registers end beyond 65535`);
  const hole = firstHole(payload);
  if (hole >= 0) {
    throw new LxpCommandError(`${path}: value ${hole} of the array is missing (a sparse array such as new Array(${length}) or [1, , 3]); give every value`);
  }
  if (Object.keys(payload).length !== length) throw new LxpCommandError(`${path}: the array has properties besides its ${length} values`);
  const values: number[] = [];
  for (let k = 0; k < length; k++) values.push(checkHoldValue(register + k, payload[k]));
  return values;
}

function countOf(payload: unknown, what: string): number {
  if (payload === undefined || payload === null || payload === "") return 1;
  return integerIn(payload, `${what} count`, 1, MAX_READ_COUNT);
}

function windowRegister(name: string, slot: string, path: string): number {
  const starts = TIME_WINDOWS[name];
  const n = pathNumber(slot, `${path}: window number`, 1, starts.length);
  return starts[n - 1];
}

const own = (table: object, key: string | undefined): key is string => key !== undefined && Object.hasOwn(table, key);

function unknown(path: string): LxpCommandError {
  return new LxpCommandError(`unknown command "${path}"; known: ${COMMAND_PATTERNS.join(", ")}`);
}

/** The command a topic and payload ask for. Throws LxpCommandError with the reason. */
export function parseCommand(topic: unknown, payload: unknown): Command {
  if (typeof topic === "string" && topic.length > MAX_TOPIC_LENGTH) {
    throw new LxpCommandError(`the command has ${topic.length} characters, at most ${MAX_TOPIC_LENGTH} are read: ${describeValue(topic)}`);
  }
  const path = typeof topic === "string" ? trimSlashes(topic.trim()) : "";
  if (!path) throw new LxpCommandError("no command: set msg.topic (e.g. read/hold/21) or a command in the node");
  const [verb, name, arg, ...extra] = path.split("/");
  if (extra.length > 0) throw unknown(path);
  if (path === "sync_time") return { kind: "sync-time" };

  if (verb === "read") {
    if (name === "inputs" && arg !== undefined) {
      // Topics go on beyond bank 6 (inputs/7 = 240–279, …), so reads do too.
      const bank = pathNumber(arg, `${path}: bank`, 1, MAX_INPUT_BANK);
      return { kind: "read-input", register: (bank - 1) * BANK_REGISTERS, count: BANK_REGISTERS };
    }
    if ((name === "input" || name === "hold") && arg !== undefined) {
      const register = pathNumber(arg, `${path}: register`, 0, 0xffff);
      const count = countOf(payload, path);
      if (register + count - 1 > 0xffff) throw new LxpCommandError(`${path}: registers end beyond 65535`);
      return { kind: name === "input" ? "read-input" : "read-hold", register, count };
    }
    if (name === "param" && arg !== undefined) return { kind: "read-param", param: pathNumber(arg, `${path}: param`, 0, 0xffff) };
    if (own(TIME_WINDOWS, name) && arg !== undefined) return { kind: "read-hold", register: windowRegister(name, arg, path), count: 2 };
    if (arg !== undefined) throw unknown(path);
    if (own(BIT_SETTINGS, name)) return { kind: "read-hold", register: BIT_REGISTER, count: 1 };
    if (own(PERCENT_SETTINGS, name)) return { kind: "read-hold", register: PERCENT_SETTINGS[name].register, count: 1 };
    throw unknown(path);
  }

  if (verb === "set") {
    if (name === "hold" && arg !== undefined) {
      const register = pathNumber(arg, `${path}: register`, 0, 0xffff);
      if (Array.isArray(payload)) return { kind: "write", register, values: multiValues(payload, register, path), multi: true };
      return { kind: "write", register, values: [checkHoldValue(register, payload)], multi: false };
    }
    if (own(TIME_WINDOWS, name) && arg !== undefined) {
      return { kind: "window", register: windowRegister(name, arg, path), values: parseWindow(payload, path) };
    }
    if (arg !== undefined) throw unknown(path);
    if (own(BIT_SETTINGS, name)) return { kind: "bit", register: BIT_REGISTER, bit: BIT_SETTINGS[name], on: parseBoolean(payload, path) };
    if (own(PERCENT_SETTINGS, name)) {
      const s = PERCENT_SETTINGS[name];
      return { kind: "write", register: s.register, values: [integerIn(payload, path, s.min, s.max)], multi: false };
    }
  }
  throw unknown(path);
}

/** The hold registers a command may write; empty for reads. */
export function writtenRegisters(command: Command): number[] {
  switch (command.kind) {
    case "write":
    case "window":
      // Array.from visits every index (map would skip holes of a sparse array).
      return Array.from({ length: command.values.length }, (_, k) => command.register + k);
    case "bit":
      return [command.register];
    case "sync-time":
      return [CLOCK_REGISTER, CLOCK_REGISTER + 1, CLOCK_REGISTER + 2];
    default:
      return [];
  }
}
