// `soh N`: per-cell state of health. Firmware prints either SOHCount/SOHStatus (with the cell
// voltage) or one SOH percentage per cell.
import { parseTable } from "./table";
import { defined, integer, milli, percent, unknownCells } from "./values";

export interface ConsoleCellHealth {
  cell: number;
  voltage?: number; // V (Voltage, mV)
  soh_count?: number; // SOHCount
  soh_status?: string; // SOHStatus
  soh?: number; // % (SOH)
  other?: Record<string, string>;
}

export interface ConsoleSoh {
  /** The pack the table is about, from a "Power N" line before it (when printed). */
  pack?: number;
  cells: ConsoleCellHealth[];
}

const KNOWN = new Set(["Voltage", "SOHCount", "SOHStatus", "SOH"]);

export function parseSoh(lines: readonly string[]): ConsoleSoh {
  const power = lines.map((line) => /^\s*Power\s+(\d+)\s*$/.exec(line)).find((match) => match !== null);
  const cells = parseTable(lines, "Battery").rows.map(({ index, cells: c }) =>
    defined<ConsoleCellHealth>({
      cell: index,
      voltage: milli(c["Voltage"], "Voltage"),
      soh_count: integer(c["SOHCount"], "SOHCount"),
      soh_status: c["SOHStatus"],
      soh: percent(c["SOH"], "SOH"),
      other: unknownCells(c, KNOWN),
    }),
  );
  return power ? { pack: Number(power[1]), cells } : { cells };
}
