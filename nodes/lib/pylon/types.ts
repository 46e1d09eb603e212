// The decoded objects: keys and units of the payload contract (docs/pylon-payloads.md).

export type PylonAlarmState = "normal" | "low" | "high" | "fault";

/** 0x42, one pack. Volts, amperes (+ = charging), ampere-hours, °C, percent, watts. */
export interface PylonAnalogValues {
  cell_voltages: number[];
  /** First = BMS board; null for a missing sensor (raw −100.0 °C). */
  temperatures: (number | null)[];
  current: number;
  voltage: number;
  power: number;
  remaining_ah: number;
  total_ah: number;
  /** null when the total capacity reads 0. */
  soc: number | null;
  cycles: number;
  /** null when the pack reports no cells. */
  cell_min: number | null;
  cell_max: number | null;
  cell_spread_mv: number | null;
}

/** 0x44, one pack. */
export interface PylonAlarms {
  cells: PylonAlarmState[];
  temperatures: PylonAlarmState[];
  charge_current: PylonAlarmState;
  voltage: PylonAlarmState;
  discharge_current: PylonAlarmState;
  module_under_voltage: boolean;
  charge_over_temperature: boolean;
  discharge_over_temperature: boolean;
  discharge_over_current: boolean;
  charge_over_current: boolean;
  cell_under_voltage: boolean;
  module_over_voltage: boolean;
  using_battery_power: boolean;
  discharge_mosfet: boolean;
  charge_mosfet: boolean;
  effective_charge_current: boolean;
  effective_discharge_current: boolean;
  heater: boolean;
  fully_charged: boolean;
  buzzer: boolean;
  /** 1-based numbers of the cells flagged in Status4/Status5. */
  cell_faults: number[];
}

/** 0x92. Limits in V and A, signed as sent (the discharge limit is negative on real packs). */
export interface PylonChargeManagement {
  charge_voltage_limit: number;
  discharge_voltage_limit: number;
  charge_current_limit: number;
  discharge_current_limit: number;
  charge_enable: boolean;
  discharge_enable: boolean;
  charge_immediately_1: boolean;
  charge_immediately_2: boolean;
  full_charge_request: boolean;
}

/** 0x96. */
export interface PylonFirmware {
  manufacture_version: string;
  mainline_version: string;
}

/** 0x47. Voltages in V, temperatures in °C, currents in A (signed as sent). */
export interface PylonSystemParameters {
  cell_high_voltage: number;
  cell_low_voltage: number;
  cell_under_voltage: number;
  charge_high_temperature: number;
  charge_low_temperature: number;
  charge_current_limit: number;
  module_high_voltage: number;
  module_low_voltage: number;
  module_under_voltage: number;
  discharge_high_temperature: number;
  discharge_low_temperature: number;
  discharge_current_limit: number;
}

/** 0x51. Padding removed. */
export interface PylonManufacturerInfo {
  device_name: string;
  software_version: string;
  manufacturer: string;
}

/**
 * One pack of the payload. A reply fills the keys its command carries; pylon-poll merges the
 * replies of one cycle into one object per pack.
 */
export interface PylonPack extends Partial<PylonAnalogValues>, Partial<PylonManufacturerInfo> {
  /** ADR of the pack; for an INFO = 0xFF reply, the pack's 1-based position. */
  address: number;
  alarms?: PylonAlarms;
  charge_management?: PylonChargeManagement;
  serial?: string;
  firmware?: PylonFirmware;
  protocol_version?: string;
  system_parameters?: PylonSystemParameters;
}

/** What `decode pylon` prints for one reply frame. */
export interface PylonReply {
  command: string;
  packs: PylonPack[];
}

/** Stack totals over the packs of one poll cycle (docs/pylon-payloads.md `stack`). */
export interface PylonStack {
  pack_count: number;
  voltage: number | null;
  current: number | null;
  power: number | null;
  remaining_ah: number | null;
  total_ah: number | null;
  soc: number | null;
  cell_min: number | null;
  cell_max: number | null;
  cell_spread_mv: number | null;
  temperature_max: number | null;
  time: number;
}
