// Console results (pwr row, bat, soh, info, stat) → one pack of the pylon-poll payload: the binary
// mode's keys and units where the console has the value, plus what only the console prints
// (docs/pylon-payloads.md "Console mode"). Pure: no I/O, no Node-RED.
import type { ConsoleCell, ConsoleInfo, ConsolePack, ConsoleSoh, ConsoleStat } from "../console";
import type { PylonPack } from "../codec";

/** What the identity interval reads of one pack: `info N`, `stat N`, `soh N` (each may have failed). */
export interface ConsoleIdentity {
  info?: ConsoleInfo;
  stat?: ConsoleStat;
  soh?: ConsoleSoh;
}

/** One `stat` counter as printed: its label and its number (or raw text). */
export interface ConsoleStatCounter {
  name: string;
  value: number | string;
}

/** The keys only console mode sets (docs/pylon-payloads.md "Console mode"). */
export interface ConsolePackExtras {
  temperature: number;
  temperature_low: number;
  temperature_high: number;
  mos_temperature: number;
  base_state: string;
  voltage_state: string;
  current_state: string;
  temperature_state: string;
  battery_voltage_state: string;
  battery_temperature_state: string;
  mos_temperature_state: string;
  system_alarm_state: string;
  pack_time: string;
  cell_temperatures: (number | null)[];
  cell_currents: (number | null)[];
  cell_soc: (number | null)[];
  cell_remaining_ah: (number | null)[];
  cell_balancing: (boolean | null)[];
  cell_base_state: (string | null)[];
  cell_voltage_state: (string | null)[];
  cell_current_state: (string | null)[];
  cell_temperature_state: (string | null)[];
  cell_discharge_temperature_state: (string | null)[];
  cell_charge_temperature_state: (string | null)[];
  cell_soh: (number | null)[];
  cell_soh_count: (number | null)[];
  cell_soh_status: (string | null)[];
  stat_counters: ConsoleStatCounter[];
  board_version: string;
  main_soft_version: string;
  soft_version: string;
  boot_version: string;
  comm_version: string;
  release_date: string;
  pcba_barcode: string;
  specification: string;
  cell_count: number;
  max_charge_current: number;
  max_discharge_current: number;
}

export type ConsolePylonPack = PylonPack & Partial<ConsolePackExtras>;

const round = (value: number, decimals: number): number => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** One value per cell, `null` where the row lacks it; undefined when no row has it. */
function perCell<R, T>(rows: readonly R[] | undefined, pick: (row: R) => T | undefined): (T | null)[] | undefined {
  if (!rows || rows.length === 0) return undefined;
  const values = rows.map((row) => pick(row) ?? null);
  return values.every((value) => value === null) ? undefined : values;
}

/** The design capacity of "48V/74AH" → 74. */
function specifiedAh(specification: string | undefined): number | undefined {
  const match = /\/\s*(\d+(?:\.\d+)?)\s*AH?\b/i.exec(specification ?? "");
  return match ? Number(match[1]) : undefined;
}

function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/**
 * One pack of a console cycle: `row` is its `pwr` line (present, not absent), `cells` its `bat N`
 * table (undefined when that command failed), `identity` what the identity interval last read.
 */
export function consolePack(row: ConsolePack, cells: readonly ConsoleCell[] | undefined, identity: ConsoleIdentity): ConsolePylonPack {
  const { info, stat, soh } = identity;
  const voltages = cells?.map((cell) => cell.voltage).filter((v): v is number => v !== undefined) ?? [];
  const cellVoltages = cells && voltages.length === cells.length ? voltages : undefined;
  const cellMin = cellVoltages?.length ? Math.min(...cellVoltages) : row.cell_voltage_low;
  const cellMax = cellVoltages?.length ? Math.max(...cellVoltages) : row.cell_voltage_high;
  const cellTemperatures = perCell(cells, (cell) => cell.temperature);
  const cellRemaining = perCell(cells, (cell) => cell.coulomb);
  const soc = row.soc;
  const specified = specifiedAh(info?.specification);
  // Cells in series: the pack holds what its emptiest cell holds. Without `bat` (or a firmware
  // that prints no Coulomb), the pwr SOC of the specified capacity.
  const remainingAh = cellRemaining?.every((ah) => ah !== null)
    ? Math.min(...(cellRemaining as number[]))
    : specified !== undefined && soc !== undefined
      ? round((specified * soc) / 100, 3)
      : undefined;
  const totalAh =
    specified ?? (remainingAh !== undefined && soc !== undefined && soc > 0 ? round((remainingAh * 100) / soc, 3) : undefined);
  const power = row.voltage !== undefined && row.current !== undefined ? round(row.voltage * row.current, 4) : undefined;
  const temperatures =
    row.temperature === undefined && !cellTemperatures ? undefined : [row.temperature ?? null, ...(cellTemperatures ?? [])];
  return defined<ConsolePylonPack>({
    address: row.pack,
    voltage: row.voltage,
    current: row.current,
    power,
    soc: soc,
    remaining_ah: remainingAh,
    total_ah: totalAh,
    cycles: stat?.cycles,
    soh: stat?.soh,
    cell_voltages: cellVoltages,
    cell_min: cellMin,
    cell_max: cellMax,
    cell_spread_mv: cellMin !== undefined && cellMax !== undefined ? Math.round((cellMax - cellMin) * 1000) : undefined,
    temperatures,
    temperature: row.temperature,
    temperature_low: row.temperature_low,
    temperature_high: row.temperature_high,
    mos_temperature: row.mos_temperature,
    base_state: row.base_state,
    voltage_state: row.voltage_state,
    current_state: row.current_state,
    temperature_state: row.temperature_state,
    battery_voltage_state: row.battery_voltage_state,
    battery_temperature_state: row.battery_temperature_state,
    mos_temperature_state: row.mos_temperature_state,
    system_alarm_state: row.system_alarm_state,
    pack_time: row.time,
    cell_temperatures: cellTemperatures,
    cell_currents: perCell(cells, (cell) => cell.current),
    cell_soc: perCell(cells, (cell) => cell.soc),
    cell_remaining_ah: cellRemaining,
    cell_balancing: perCell(cells, (cell) => cell.balancing),
    cell_base_state: perCell(cells, (cell) => cell.base_state),
    cell_voltage_state: perCell(cells, (cell) => cell.voltage_state),
    cell_current_state: perCell(cells, (cell) => cell.current_state),
    cell_temperature_state: perCell(cells, (cell) => cell.temperature_state),
    cell_discharge_temperature_state: perCell(cells, (cell) => cell.discharge_temperature_state),
    cell_charge_temperature_state: perCell(cells, (cell) => cell.charge_temperature_state),
    cell_soh: perCell(soh?.cells, (cell) => cell.soh),
    cell_soh_count: perCell(soh?.cells, (cell) => cell.soh_count),
    cell_soh_status: perCell(soh?.cells, (cell) => cell.soh_status),
    stat_counters: stat ? Object.entries(stat.counters).map(([name, value]) => ({ name, value })) : undefined,
    serial: info?.barcode,
    manufacturer: info?.manufacturer,
    device_name: info?.device_name,
    board_version: info?.board_version,
    main_soft_version: info?.main_soft_version,
    soft_version: info?.soft_version,
    boot_version: info?.boot_version,
    comm_version: info?.comm_version,
    release_date: info?.release_date,
    pcba_barcode: info?.pcba_barcode,
    specification: info?.specification,
    cell_count: info?.cell_number,
    max_charge_current: info?.max_charge_current,
    max_discharge_current: info?.max_discharge_current,
  });
}
