// Cell-text conversions shared by the table readers: console integers are milli-units.
import { PylonConsoleError } from "./errors";

/** An integer cell in milli-units (mV, mA, m°C, mAh) as units; undefined when absent. */
export function milli(text: string | undefined, column: string): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(-?\d+)(?:\s*m(?:V|A|AH|Ah))?$/.exec(text.trim());
  if (!match) throw new PylonConsoleError("garbled", `column ${column}: '${text}' is not an integer`, { line: text });
  return Number(match[1]) / 1000;
}

export function integer(text: string | undefined, column: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim())) {
    throw new PylonConsoleError("garbled", `column ${column}: '${text}' is not an integer`, { line: text });
  }
  return Number(text.trim());
}

/** "87%" → 87. */
export function percent(text: string | undefined, column: string): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)\s*%$/.exec(text.trim());
  if (!match) throw new PylonConsoleError("garbled", `column ${column}: '${text}' is not a percentage`, { line: text });
  return Number(match[1]);
}

/** Copies the defined entries only, so an absent column is absent from the result. */
export function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/** The cells no field reads, kept by header name. */
export function unknownCells(cells: Record<string, string>, known: ReadonlySet<string>): Record<string, string> | undefined {
  const rest = Object.entries(cells).filter(([name]) => !known.has(name));
  return rest.length === 0 ? undefined : Object.fromEntries(rest);
}
