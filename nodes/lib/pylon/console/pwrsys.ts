// `pwrsys`: the whole stack's summary as the master computes it ("Key : value unit" lines).
import { PylonConsoleError } from "./errors";
import { keyValues } from "./key-values";
import { reading } from "./units";
import { defined } from "./values";

export interface ConsolePowerSystem {
  /** The status line as printed, e.g. "System is idle". */
  status?: string;
  total_packs?: number; // Total Num
  present_packs?: number; // Present Num
  sleeping_packs?: number; // Sleep Num
  voltage?: number; // V (System Volt)
  current?: number; // A (System Curr; negative = discharge)
  remaining_capacity?: number; // Ah (System RC)
  full_capacity?: number; // Ah (System FCC)
  soc?: number; // % (System SOC)
  soh?: number; // % (System SOH)
  cell_voltage_high?: number; // V (Highest voltage)
  cell_voltage_average?: number; // V (Average voltage)
  cell_voltage_low?: number; // V (Lowest voltage)
  temperature_high?: number; // °C (Highest temperature)
  temperature_average?: number; // °C (Average temperature)
  temperature_low?: number; // °C (Lowest temperature)
  recommended_charge_voltage?: number; // V
  recommended_discharge_voltage?: number; // V
  recommended_charge_current?: number; // A
  recommended_discharge_current?: number; // A (negative as printed)
  /** Every "key : value" line as printed. */
  fields: Record<string, string>;
}

const count = (text: string | undefined, key: string): number | undefined => reading(text, key);

export function parsePwrsys(lines: readonly string[]): ConsolePowerSystem {
  const kv = keyValues(lines.filter((line) => line.includes(":")));
  if (kv.size === 0) throw new PylonConsoleError("garbled", "no 'key : value' line in the pwrsys output");
  const get = (key: string): string | undefined => kv.get(key);
  const status = lines.map((line) => line.trim()).find((line) => /^System is\b/.test(line));
  return defined<ConsolePowerSystem>({
    status,
    total_packs: count(get("Total Num"), "Total Num"),
    present_packs: count(get("Present Num"), "Present Num"),
    sleeping_packs: count(get("Sleep Num"), "Sleep Num"),
    voltage: reading(get("System Volt"), "System Volt"),
    current: reading(get("System Curr"), "System Curr"),
    remaining_capacity: reading(get("System RC"), "System RC"),
    full_capacity: reading(get("System FCC"), "System FCC"),
    soc: reading(get("System SOC"), "System SOC"),
    soh: reading(get("System SOH"), "System SOH"),
    cell_voltage_high: reading(get("Highest voltage"), "Highest voltage"),
    cell_voltage_average: reading(get("Average voltage"), "Average voltage"),
    cell_voltage_low: reading(get("Lowest voltage"), "Lowest voltage"),
    temperature_high: reading(get("Highest temperature"), "Highest temperature"),
    temperature_average: reading(get("Average temperature"), "Average temperature"),
    temperature_low: reading(get("Lowest temperature"), "Lowest temperature"),
    recommended_charge_voltage: reading(get("Recommend chg voltage"), "Recommend chg voltage"),
    recommended_discharge_voltage: reading(get("Recommend dsg voltage"), "Recommend dsg voltage"),
    recommended_charge_current: reading(get("Recommend chg current"), "Recommend chg current"),
    recommended_discharge_current: reading(get("Recommend dsg current"), "Recommend dsg current"),
    fields: Object.fromEntries(kv),
  });
}
