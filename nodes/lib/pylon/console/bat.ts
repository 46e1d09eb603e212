// `bat N`: one row per cell of pack N. Older firmware prints no SOC/BAL and puts "89% 42586 mAH"
// under Coulomb; newer firmware splits Temp. State into DTemp. State and CTemp. State.
import { PylonConsoleError } from "./errors";
import { parseTable } from "./table";
import { defined, milli, percent, unknownCells } from "./values";

export interface ConsoleCell {
  /** Cell number as printed (from 0). */
  cell: number;
  voltage?: number; // V (Volt, mV)
  current?: number; // A (Curr, mA)
  temperature?: number; // °C (Tempr, m°C)
  base_state?: string; // Base State
  voltage_state?: string; // Volt. State
  current_state?: string; // Curr. State
  temperature_state?: string; // Temp. State
  discharge_temperature_state?: string; // DTemp. State
  charge_temperature_state?: string; // CTemp. State
  soc?: number; // % (SOC, or the % part of an old Coulomb cell)
  coulomb?: number; // Ah remaining (Coulomb, mAH)
  balancing?: boolean; // BAL: Y/N
  other?: Record<string, string>;
}

const KNOWN = new Set([
  "Volt", "Curr", "Tempr", "Base State", "Volt. State", "Curr. State", "Temp. State", "DTemp. State", "CTemp. State",
  "SOC", "Coulomb", "BAL",
]);

function coulombCell(text: string | undefined): { soc?: number; coulomb?: number } {
  if (text === undefined) return {};
  const parts = text.split(" ");
  const socPart = parts.find((part) => part.endsWith("%"));
  const rest = parts.filter((part) => part !== socPart).join(" ");
  return { soc: percent(socPart, "Coulomb"), coulomb: rest === "" ? undefined : milli(rest, "Coulomb") };
}

function balancing(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (text === "Y" || text === "N") return text === "Y";
  throw new PylonConsoleError("garbled", `column BAL: '${text}' is not Y or N`, { line: text });
}

export function parseBat(lines: readonly string[]): ConsoleCell[] {
  return parseTable(lines, "Battery").rows.map(({ index, cells: c }) => {
    const fromCoulomb = coulombCell(c["Coulomb"]);
    return defined<ConsoleCell>({
      cell: index,
      voltage: milli(c["Volt"], "Volt"),
      current: milli(c["Curr"], "Curr"),
      temperature: milli(c["Tempr"], "Tempr"),
      base_state: c["Base State"],
      voltage_state: c["Volt. State"],
      current_state: c["Curr. State"],
      temperature_state: c["Temp. State"],
      discharge_temperature_state: c["DTemp. State"],
      charge_temperature_state: c["CTemp. State"],
      soc: percent(c["SOC"], "SOC") ?? fromCoulomb.soc,
      coulomb: fromCoulomb.coulomb,
      balancing: balancing(c["BAL"]),
      other: unknownCells(c, KNOWN),
    });
  });
}
