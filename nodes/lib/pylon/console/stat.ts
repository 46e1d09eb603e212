// `stat N`: the pack's statistics counters as "Key : value" lines (the set grows with firmware).
import { PylonConsoleError } from "./errors";
import { keyValues } from "./key-values";

export interface ConsoleStat {
  device_address?: number;
  /** Full cycles (CYCLE Times). */
  cycles?: number;
  /** State of health in % (SOH line; newer firmware only). */
  soh?: number;
  /** Every counter as printed: label → number (or the raw text when not an integer). */
  counters: Record<string, number | string>;
}

export function parseStat(lines: readonly string[]): ConsoleStat {
  const kv = keyValues(lines);
  if (kv.size === 0) throw new PylonConsoleError("garbled", "no 'key : value' line in the stat output");
  const counters: Record<string, number | string> = {};
  for (const [key, value] of kv) counters[key] = /^-?\d+$/.test(value) ? Number(value) : value;
  const number = (key: string): number | undefined => (typeof counters[key] === "number" ? (counters[key] as number) : undefined);
  const stat: ConsoleStat = { counters };
  const address = number("Device address");
  const cycles = number("CYCLE Times");
  const soh = number("SOH");
  if (address !== undefined) stat.device_address = address;
  if (cycles !== undefined) stat.cycles = cycles;
  if (soh !== undefined) stat.soh = soh;
  return stat;
}
