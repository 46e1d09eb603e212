// `pwr N`: one pack's detail as "Key : value unit" lines between dashed rules, read into the same
// ConsolePack as a `pwr` table row plus what only this view prints.
import { PylonConsoleError } from "./errors";
import { keyValues } from "./key-values";
import type { ConsolePack } from "./pwr";
import { hexFlags, reading } from "./units";
import { defined } from "./values";

const POWER_LINE = /^\s*Power\s+(\d+)\s*$/;

/** True when the output is the one-pack detail view (a `Power N` line) rather than the table. */
export function isPwrDetail(lines: readonly string[]): boolean {
  return lines.some((line) => POWER_LINE.test(line));
}

const KNOWN = new Set([
  "Voltage", "Current", "Temperature", "Coulomb", "Total Coulomb", "Max Voltage", "Charge Times", "Basic Status",
  "Charge Sec.", "Volt Status", "Current Status", "Tmpr. Status", "Coul. Status", "Soh. Status", "Heater Status",
  "Protect ENA", "Bat Events", "Power Events", "System Fault",
]);

export function parsePwrDetail(lines: readonly string[]): ConsolePack {
  const powerLine = lines.find((line) => POWER_LINE.test(line));
  if (powerLine === undefined) throw new PylonConsoleError("no_table", "no 'Power N' line in the pwr N output");
  const pack = Number(POWER_LINE.exec(powerLine)?.[1]);
  const kv = keyValues(lines.filter((line) => line.includes(":")));
  if (kv.size === 0) throw new PylonConsoleError("garbled", "no 'key : value' line in the pwr N output", { line: powerLine });
  const get = (key: string): string | undefined => kv.get(key);
  if (get("Basic Status") === "Absent") return { pack, absent: true };
  const other = Object.fromEntries([...kv].filter(([key]) => !KNOWN.has(key)));
  const protect = get("Protect ENA");
  return defined<ConsolePack>({
    pack,
    absent: false,
    voltage: reading(get("Voltage"), "Voltage"),
    current: reading(get("Current"), "Current"),
    temperature: reading(get("Temperature"), "Temperature"),
    soc: reading(get("Coulomb"), "Coulomb"),
    full_capacity: reading(get("Total Coulomb"), "Total Coulomb"),
    max_voltage: reading(get("Max Voltage"), "Max Voltage"),
    charge_times: reading(get("Charge Times"), "Charge Times"),
    charge_seconds: reading(get("Charge Sec."), "Charge Sec."),
    base_state: get("Basic Status"),
    voltage_state: get("Volt Status"),
    current_state: get("Current Status"),
    temperature_state: get("Tmpr. Status"),
    coulomb_state: get("Coul. Status"),
    soh_state: get("Soh. Status"),
    heater_state: get("Heater Status"),
    protections_enabled: protect === undefined ? undefined : protect.split(/\s+/).filter((word) => word !== ""),
    battery_events: hexFlags(get("Bat Events"), "Bat Events"),
    power_events: hexFlags(get("Power Events"), "Power Events"),
    system_fault: hexFlags(get("System Fault"), "System Fault"),
    other: Object.keys(other).length === 0 ? undefined : other,
  });
}
