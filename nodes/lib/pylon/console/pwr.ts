// `pwr`: one row per pack address of the stack (the master answers for all).
import { PylonConsoleError } from "./errors";
import { parseTable } from "./table";
import { defined, integer, milli, percent, unknownCells } from "./values";

export interface ConsolePack {
  /** Pack address (1 = master). */
  pack: number;
  /** True for a `-`/`Absent` row: no other field is set. */
  absent: boolean;
  voltage?: number; // V (Volt, mV)
  current?: number; // A (Curr, mA; negative = discharge)
  temperature?: number; // °C (Tempr, m°C)
  temperature_low?: number; // °C (Tlow)
  temperature_high?: number; // °C (Thigh)
  temperature_low_cell?: number; // Tlow.Id
  temperature_high_cell?: number; // Thigh.Id
  cell_voltage_low?: number; // V (Vlow)
  cell_voltage_high?: number; // V (Vhigh)
  cell_voltage_low_cell?: number; // Vlow.Id
  cell_voltage_high_cell?: number; // Vhigh.Id
  base_state?: string; // Base.St: Charge, Dischg, Idle, …
  voltage_state?: string; // Volt.St
  current_state?: string; // Curr.St
  temperature_state?: string; // Temp.St
  soc?: number; // % (Coulomb)
  time?: string; // Time, the pack's clock as printed
  battery_voltage_state?: string; // B.V.St
  battery_temperature_state?: string; // B.T.St
  mos_temperature?: number; // °C (MosTempr)
  mos_temperature_state?: string; // M.T.St
  system_alarm_state?: string; // SysAlarm.St
  // Only in the one-pack view `pwr N` (pwr-detail.ts):
  full_capacity?: number; // Ah (Total Coulomb, mAH)
  max_voltage?: number; // V (Max Voltage)
  charge_times?: number; // Charge Times, a counter as printed (not full cycles: see stat's CYCLE Times)
  charge_seconds?: number; // s (Charge Sec.)
  coulomb_state?: string; // Coul. Status
  soh_state?: string; // Soh. Status
  heater_state?: string; // Heater Status (ON/OFF)
  protections_enabled?: string[]; // Protect ENA: the protection names switched on
  battery_events?: number; // Bat Events (hex flags)
  power_events?: number; // Power Events (hex flags)
  system_fault?: number; // System Fault (hex flags)
  /** Columns this parser does not know, raw by header name. */
  other?: Record<string, string>;
}

const KNOWN = new Set([
  "Volt", "Curr", "Tempr", "Tlow", "Thigh", "Tlow.Id", "Thigh.Id", "Vlow", "Vhigh", "Vlow.Id", "Vhigh.Id", "Base.St",
  "Volt.St", "Curr.St", "Temp.St", "Coulomb", "Time", "B.V.St", "B.T.St", "MosTempr", "M.T.St", "SysAlarm.St",
]);

export function parsePwr(lines: readonly string[]): ConsolePack[] {
  const { rows } = parseTable(lines, "Power");
  // Every real `pwr` lists each pack address; a bare header is not an answer to read as "no packs".
  if (rows.length === 0) throw new PylonConsoleError("no_table", "a pwr table header without rows");
  return rows.map(({ index, absent, cells: c }) =>
    defined<ConsolePack>({
      pack: index,
      absent,
      voltage: milli(c["Volt"], "Volt"),
      current: milli(c["Curr"], "Curr"),
      temperature: milli(c["Tempr"], "Tempr"),
      temperature_low: milli(c["Tlow"], "Tlow"),
      temperature_high: milli(c["Thigh"], "Thigh"),
      temperature_low_cell: integer(c["Tlow.Id"], "Tlow.Id"),
      temperature_high_cell: integer(c["Thigh.Id"], "Thigh.Id"),
      cell_voltage_low: milli(c["Vlow"], "Vlow"),
      cell_voltage_high: milli(c["Vhigh"], "Vhigh"),
      cell_voltage_low_cell: integer(c["Vlow.Id"], "Vlow.Id"),
      cell_voltage_high_cell: integer(c["Vhigh.Id"], "Vhigh.Id"),
      base_state: c["Base.St"],
      voltage_state: c["Volt.St"],
      current_state: c["Curr.St"],
      temperature_state: c["Temp.St"],
      soc: percent(c["Coulomb"], "Coulomb"),
      time: c["Time"],
      battery_voltage_state: c["B.V.St"],
      battery_temperature_state: c["B.T.St"],
      mos_temperature: milli(c["MosTempr"], "MosTempr"),
      mos_temperature_state: c["M.T.St"],
      system_alarm_state: c["SysAlarm.St"],
      other: unknownCells(c, KNOWN),
    }),
  );
}
