// "Key : value unit" readings of the console's detail views (`pwr N`, `pwrsys`): the number is in
// milli-units when the unit says so (mV, mA, mAH, mC) and is returned in V, A, Ah, °C.
import { PylonConsoleError } from "./errors";

const READING = /^(-?\d+)\s*(mV|mA|mAH|mAh|mC|%|s)?$/;

/** The value as units (milli-units divided by 1000, %, s as printed); undefined when absent or `-`. */
export function reading(text: string | undefined, key: string): number | undefined {
  if (text === undefined || text.trim() === "-") return undefined;
  const match = READING.exec(text.trim());
  if (!match) throw new PylonConsoleError("garbled", `${key}: '${text}' is not a number with a unit`, { line: text });
  const value = Number(match[1]);
  return match[2]?.startsWith("m") ? value / 1000 : value;
}

/** "0x1A" or "0x2  BHV" → 26 / 2 (the flag names after the number are not read here). */
export function hexFlags(text: string | undefined, key: string): number | undefined {
  if (text === undefined) return undefined;
  const match = /^0x([0-9a-f]+)\b/i.exec(text.trim());
  if (!match) throw new PylonConsoleError("garbled", `${key}: '${text}' is not a hex number`, { line: text });
  return parseInt(match[1], 16);
}
