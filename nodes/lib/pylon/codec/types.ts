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
/** 0x42 values only a Seplos V2 BMS sends (pylon-port protocol "seplos"). */
export interface PylonSeplosAnalogExtras {
  /** State of health, %, 0.1 % resolution. */
  soh: number;
  /** Rated (design) capacity, Ah. */
  rated_ah: number;
  /** Voltage at the pack's output terminals, V. */
  port_voltage: number;
}

export interface PylonPack extends Partial<PylonAnalogValues>, Partial<PylonManufacturerInfo>, Partial<PylonSeplosAnalogExtras> {
  /** ADR of the pack; for an INFO = 0xFF reply, the pack's 1-based position. */
  address: number;
  alarms?: PylonAlarms;
  charge_management?: PylonChargeManagement;
  serial?: string;
  firmware?: PylonFirmware;
  protocol_version?: string;
  system_parameters?: PylonSystemParameters;
}

/** 0x60. */
export interface PylonSystemBasicInfo {
  device_name: string;
  manufacturer: string;
  software_version: string;
  /** Packs in the group, as the master counts them. */
  pack_count: number;
  /** The 16-character barcodes that follow (real masters may send fewer than pack_count). */
  barcodes: string[];
}

/**
 * 0x61. Volts, amperes (+ = charging), %, °C. A value the product does not support (sent as FF…)
 * is null. `*_address` is the location word: the ADR of the pack (group in the high nibble).
 */
export interface PylonSystemAnalog {
  voltage: number | null;
  current: number;
  soc: number | null;
  cycles_avg: number | null;
  cycles_max: number | null;
  soh_avg: number | null;
  soh_min: number | null;
  cell_max: number | null;
  cell_max_address: number | null;
  cell_min: number | null;
  cell_min_address: number | null;
  cell_temperature_avg: number | null;
  cell_temperature_max: number | null;
  cell_temperature_max_address: number | null;
  cell_temperature_min: number | null;
  cell_temperature_min_address: number | null;
  mosfet_temperature_avg: number | null;
  mosfet_temperature_max: number | null;
  mosfet_temperature_max_address: number | null;
  mosfet_temperature_min: number | null;
  mosfet_temperature_min_address: number | null;
  bms_temperature_avg: number | null;
  bms_temperature_max: number | null;
  bms_temperature_max_address: number | null;
  bms_temperature_min: number | null;
  bms_temperature_min_address: number | null;
}

/** 0x62: alarm 1/2 and protection 1/2 bits. */
export interface PylonSystemAlarms {
  module_high_voltage_alarm: boolean;
  module_low_voltage_alarm: boolean;
  cell_high_voltage_alarm: boolean;
  cell_low_voltage_alarm: boolean;
  cell_high_temperature_alarm: boolean;
  cell_low_temperature_alarm: boolean;
  mosfet_high_temperature_alarm: boolean;
  cell_voltage_imbalance_alarm: boolean;
  cell_temperature_imbalance_alarm: boolean;
  charge_over_current_alarm: boolean;
  discharge_over_current_alarm: boolean;
  internal_communication_error: boolean;
  module_over_voltage_protection: boolean;
  module_under_voltage_protection: boolean;
  cell_over_voltage_protection: boolean;
  cell_under_voltage_protection: boolean;
  cell_over_temperature_protection: boolean;
  cell_under_temperature_protection: boolean;
  mosfet_over_temperature_protection: boolean;
  charge_over_current_protection: boolean;
  discharge_over_current_protection: boolean;
  system_fault_protection: boolean;
}

/** 0x63. Limits in V and A, signed as sent. */
export interface PylonSystemChargeManagement {
  charge_voltage_limit: number;
  discharge_voltage_limit: number;
  charge_current_limit: number;
  discharge_current_limit: number;
  charge_enable: boolean;
  discharge_enable: boolean;
  charge_immediately: boolean;
  full_charge_request: boolean;
}

/** The V3.5 system values of a battery group, asked at its master (docs/pylon-payloads.md `system`). */
export interface PylonSystem {
  /** ADR of the group master that answered. */
  address: number;
  basic_info?: PylonSystemBasicInfo;
  analog?: PylonSystemAnalog;
  alarms?: PylonSystemAlarms;
  charge_management?: PylonSystemChargeManagement;
}

/** What `decode pylon` prints for one reply frame. */
export interface PylonReply {
  command: string;
  packs: PylonPack[];
  /** For the system commands 0x60–0x63 (their `packs` is empty). */
  system?: PylonSystem;
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
