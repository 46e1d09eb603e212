// Header-driven reading of the console's column tables (pwr, bat, soh). Columns are found by their
// header names; each value goes to the column whose header starts nearest to it, because firmware
// pads values loosely (" 5%" one column right, "27500" one column left of "MosTempr"). A value
// never shifts into a neighbour: a missing cell stays missing.
import { PylonConsoleError } from "./errors";

export interface ConsoleTable {
  /** Header names in order, multi-word ones joined by one space ("Base State", "Volt. State"). */
  headers: string[];
  /** One record per row: header name → raw text; a `-` cell is left out. */
  rows: ConsoleRow[];
}

export interface ConsoleRow {
  /** The row's first cell (pack or cell number). */
  index: number;
  /** True when the row says `Absent` (no pack at that address). */
  absent: boolean;
  cells: Record<string, string>;
}

interface Token {
  text: string;
  start: number;
}

function tokens(line: string): Token[] {
  return [...line.matchAll(/\S+/g)].map((match) => ({ text: match[0], start: match.index ?? 0 }));
}

// Words that continue the previous header word rather than start a column ("Base State").
const HEADER_CONTINUATION = new Set(["State"]);
// Value words that belong to the value before them: units and the time after a date.
const VALUE_CONTINUATION = /^(?:mAH|mAh|mA|mV|%|\d{1,2}:\d{2}:\d{2})$/;

function headerColumns(line: string): Token[] {
  const columns: Token[] = [];
  for (const token of tokens(line)) {
    const previous = columns[columns.length - 1];
    if (previous && HEADER_CONTINUATION.has(token.text)) previous.text += ` ${token.text}`;
    else columns.push({ ...token });
  }
  return columns;
}

function valueTokens(line: string): Token[] {
  const values: Token[] = [];
  for (const token of tokens(line)) {
    const previous = values[values.length - 1];
    if (previous && VALUE_CONTINUATION.test(token.text)) previous.text += ` ${token.text}`;
    else values.push({ ...token });
  }
  return values;
}

function nearestColumn(columns: Token[], start: number): Token {
  let best = columns[0];
  for (const column of columns) {
    if (Math.abs(column.start - start) < Math.abs(best.start - start)) best = column;
  }
  return best;
}

/**
 * Reads the table whose header line starts with `firstHeader` ("Power", "Battery"). Rows are the
 * following lines that start with a number; the table ends at the first line that does not.
 */
export function parseTable(lines: readonly string[], firstHeader: string): ConsoleTable {
  const headerAt = lines.findIndex((line) => line.trimStart().split(/\s+/)[0] === firstHeader);
  if (headerAt < 0) throw new PylonConsoleError("no_table", `no table header starting with '${firstHeader}'`);
  const columns = headerColumns(lines[headerAt]);
  if (columns.length < 2) throw new PylonConsoleError("garbled", "a table header with one column", { line: lines[headerAt] });
  const rows: ConsoleRow[] = [];
  for (const line of lines.slice(headerAt + 1)) {
    const values = valueTokens(line);
    if (values.length === 0 || !/^\d+$/.test(values[0].text)) break;
    const absent = values.some((value) => value.text === "Absent");
    const cells: Record<string, string> = {};
    for (const value of values.slice(1)) {
      if (value.text === "-" || absent) continue;
      const name = nearestColumn(columns, value.start).text;
      cells[name] = name in cells ? `${cells[name]} ${value.text}` : value.text;
    }
    rows.push({ index: Number(values[0].text), absent, cells });
  }
  return { headers: columns.map((column) => column.text), rows };
}
