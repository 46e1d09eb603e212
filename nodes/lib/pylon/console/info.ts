// `info N`: the pack's identity as "Key : value" lines.
import { PylonConsoleError } from "./errors";
import { keyValues } from "./key-values";
import { defined, integer, milli } from "./values";

export interface ConsoleInfo {
  device_address?: number;
  manufacturer?: string;
  device_name?: string; // model, e.g. US3000C, US2KBPL
  board_version?: string;
  main_soft_version?: string;
  soft_version?: string;
  boot_version?: string;
  comm_version?: string;
  release_date?: string; // as printed (YY-MM-DD)
  barcode?: string;
  pcba_barcode?: string;
  specification?: string; // e.g. "48V/74AH"
  cell_number?: number;
  max_discharge_current?: number; // A (Max Dischg Curr, mA; negative)
  max_charge_current?: number; // A (Max Charge Curr, mA)
  epon_port_rate?: number; // baud (EPONPort rate)
  console_port_rate?: number; // baud (Console Port rate)
  /** Every line as printed, key → value (keys with runs of spaces made one). */
  fields: Record<string, string>;
}

export function parseInfo(lines: readonly string[]): ConsoleInfo {
  const kv = keyValues(lines);
  if (kv.size === 0) throw new PylonConsoleError("garbled", "no 'key : value' line in the info output");
  const get = (key: string): string | undefined => kv.get(key);
  return defined<ConsoleInfo>({
    device_address: integer(get("Device address"), "Device address"),
    manufacturer: get("Manufacturer"),
    device_name: get("Device name"),
    board_version: get("Board version"),
    main_soft_version: get("Main Soft version"),
    soft_version: get("Soft version"),
    boot_version: get("Boot version"),
    comm_version: get("Comm version"),
    release_date: get("Release Date"),
    barcode: get("Barcode"),
    pcba_barcode: get("PCBA Barcode"),
    specification: get("Specification"),
    cell_number: integer(get("Cell Number"), "Cell Number"),
    max_discharge_current: milli(get("Max Dischg Curr"), "Max Dischg Curr"),
    max_charge_current: milli(get("Max Charge Curr"), "Max Charge Curr"),
    epon_port_rate: integer(get("EPONPort rate"), "EPONPort rate"),
    console_port_rate: integer(get("Console Port rate"), "Console Port rate"),
    fields: Object.fromEntries(kv),
  });
}
