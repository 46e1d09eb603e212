// INFO decoders per read command, producing the objects of the payload contract (pylon-protocol.md §5, docs/pylon-payloads.md).
// Lengths come from the counts inside INFO; bytes after the last field are ignored (pylon-protocol.md §9.5).
import { PylonCommand, PylonReadCommand, PylonSystemCommand } from "./commands";
import { PylonFrameError } from "./errors";
import { PylonFrame } from "./frame";
import { InfoReader } from "./reader";
import {
  PylonAlarms,
  PylonAlarmState,
  PylonAnalogValues,
  PylonChargeManagement,
  PylonPack,
  PylonSystemParameters,
} from "./types";

/**
 * How to read the byte after INFOFLAG in 0x42/0x44: `single` = the pack's command value,
 * `all` = a pack count (the request had INFO 0xFF), `auto` = a pack count only when INFO holds
 * exactly that many packs (one trailing byte allowed), as `decode pylon` does without a request.
 */
export type PackSelection = "single" | "all" | "auto";

const KELVIN_TENTHS_AT_0C = 2731;
/** Raw −100.0 °C: what a missing or broken sensor reads (pylon-protocol.md §3). */
const MISSING_SENSOR_RAW = 1731;

export const celsius = (raw: number): number => (raw - KELVIN_TENTHS_AT_0C) / 10;
export const sensorCelsius = (raw: number): number | null => (raw === MISSING_SENSOR_RAW ? null : celsius(raw));
export const volts = (mv: number): number => mv / 1000;
const amps = (deciAmps: number): number => deciAmps / 10;
export const bit = (value: number, n: number): boolean => (value & (1 << n)) !== 0;

/** Trailing NUL, `-` and space padding removed; anything after a NUL is padding too. */
export function paddedString(bytes: Buffer): string {
  const text = bytes.toString("latin1");
  const nul = text.indexOf("\0");
  return (nul >= 0 ? text.slice(0, nul) : text).replace(/[-\s]+$/, "");
}

/** `major.minor[.patch]` from one byte per part. */
export const dotted = (bytes: Buffer): string => Array.from(bytes).join(".");

/** Lowest, highest and spread of the cell voltages in mV; nulls without cells. */
export function cellStats(cellsMv: readonly number[]): Pick<PylonAnalogValues, "cell_min" | "cell_max" | "cell_spread_mv"> {
  if (cellsMv.length === 0) return { cell_min: null, cell_max: null, cell_spread_mv: null };
  const min = Math.min(...cellsMv);
  const max = Math.max(...cellsMv);
  return { cell_min: volts(min), cell_max: volts(max), cell_spread_mv: max - min };
}

function readAnalogPack(r: InfoReader, address: number): PylonPack {
  const cellCount = r.u8("cell count");
  const cellsMv: number[] = [];
  for (let i = 0; i < cellCount; i++) cellsMv.push(r.u16(`cell ${i + 1} voltage`));
  const tempCount = r.u8("temperature count");
  const temperatures: (number | null)[] = [];
  for (let i = 0; i < tempCount; i++) temperatures.push(sensorCelsius(r.s16(`temperature ${i + 1}`)));
  const currentRaw = r.s16("current");
  const voltageMv = r.u16("module voltage");
  const remaining16 = r.u16("remaining capacity");
  const userDefined = r.u8("user-defined item count");
  if (userDefined < 2) {
    throw r.fail("unsupported_layout", `user-defined item count ${userDefined} in 0x42; expected 2 or at least 4`);
  }
  const total16 = r.u16("total capacity");
  const cycles = r.u16("cycle count");
  // Key on the count, not on the 0xFFFF marker (pylon-protocol.md §5.3): >= 4 means 24-bit capacities follow.
  const extended = userDefined >= 4;
  const remainingMah = extended ? r.u24("remaining capacity 2") : remaining16;
  const totalMah = extended ? r.u24("total capacity 2") : total16;

  const analog: PylonAnalogValues = {
    cell_voltages: cellsMv.map(volts),
    temperatures,
    current: amps(currentRaw),
    voltage: volts(voltageMv),
    // mV × 0.1 A = 0.1 mW: divide once so the result is the nearest double to the exact value.
    power: (voltageMv * currentRaw) / 10000,
    remaining_ah: remainingMah / 1000,
    total_ah: totalMah / 1000,
    soc: totalMah > 0 ? Math.round((1000 * remainingMah) / totalMah) / 10 : null,
    cycles,
    ...cellStats(cellsMv),
  };
  return { address, ...analog };
}

/** 0x00 normal, 0x01 below the lower limit, 0x02 above the upper one; 0xF0 and any other code is a fault. */
export function alarmState(code: number): PylonAlarmState {
  return code === 0 ? "normal" : code === 1 ? "low" : code === 2 ? "high" : "fault";
}

function readAlarmPack(r: InfoReader, address: number): PylonPack {
  const cellCount = r.u8("cell count");
  const cells: PylonAlarmState[] = [];
  for (let i = 0; i < cellCount; i++) cells.push(alarmState(r.u8(`cell ${i + 1} state`)));
  const tempCount = r.u8("temperature count");
  const temperatures: PylonAlarmState[] = [];
  for (let i = 0; i < tempCount; i++) temperatures.push(alarmState(r.u8(`temperature ${i + 1} state`)));
  const chargeCurrent = alarmState(r.u8("charge current state"));
  const voltage = alarmState(r.u8("module voltage state"));
  const dischargeCurrent = alarmState(r.u8("discharge current state"));
  const s1 = r.u8("Status1");
  const s2 = r.u8("Status2");
  const s3 = r.u8("Status3");
  const s4 = r.u8("Status4");
  const s5 = r.u8("Status5");
  const cellFaults: number[] = [];
  for (let n = 0; n < 8; n++) if (bit(s4, n)) cellFaults.push(n + 1);
  for (let n = 0; n < 8; n++) if (bit(s5, n)) cellFaults.push(n + 9);
  const alarms: PylonAlarms = {
    cells,
    temperatures,
    charge_current: chargeCurrent,
    voltage,
    discharge_current: dischargeCurrent,
    module_under_voltage: bit(s1, 7),
    charge_over_temperature: bit(s1, 6),
    discharge_over_temperature: bit(s1, 5),
    discharge_over_current: bit(s1, 4),
    charge_over_current: bit(s1, 2),
    cell_under_voltage: bit(s1, 1),
    module_over_voltage: bit(s1, 0),
    using_battery_power: bit(s2, 3),
    discharge_mosfet: bit(s2, 2),
    charge_mosfet: bit(s2, 1),
    effective_charge_current: bit(s3, 7),
    effective_discharge_current: bit(s3, 6),
    heater: bit(s3, 5),
    fully_charged: bit(s3, 3),
    buzzer: bit(s3, 0),
    cell_faults: cellFaults,
  };
  return { address, alarms };
}

/** 0x42/0x44: INFOFLAG, then a command value (one pack) or a pack count (INFO = 0xFF). */
function decodePackBlocks(
  frame: PylonFrame,
  selection: PackSelection,
  readPack: (r: InfoReader, address: number) => PylonPack,
): PylonPack[] {
  const r = new InfoReader(frame.info, frame.raw);
  r.u8("INFOFLAG");
  const selector = r.u8("command value");
  const blocksStart = r.offset;
  if (selection !== "single") {
    try {
      const packs: PylonPack[] = [];
      for (let position = 1; position <= selector; position++) packs.push(readPack(r, position));
      if (selection === "all" || r.remaining <= 1) return packs;
    } catch (err) {
      if (selection === "all" || !(err instanceof PylonFrameError)) throw err;
    }
  }
  return [readPack(new InfoReader(frame.info, frame.raw, blocksStart), selector)];
}

export function decodeAnalogValues(frame: PylonFrame, selection: PackSelection = "auto"): PylonPack[] {
  return decodePackBlocks(frame, selection, readAnalogPack);
}

export function decodeAlarmInfo(frame: PylonFrame, selection: PackSelection = "auto"): PylonPack[] {
  return decodePackBlocks(frame, selection, readAlarmPack);
}

export function decodeSystemParameters(frame: PylonFrame): PylonPack[] {
  const r = new InfoReader(frame.info, frame.raw);
  r.u8("INFOFLAG");
  const p: PylonSystemParameters = {
    cell_high_voltage: volts(r.u16("cell high voltage")),
    cell_low_voltage: volts(r.u16("cell low voltage")),
    cell_under_voltage: volts(r.s16("cell under-voltage")),
    charge_high_temperature: celsius(r.s16("charge high temperature")),
    charge_low_temperature: celsius(r.s16("charge low temperature")),
    charge_current_limit: amps(r.s16("charge current limit")),
    module_high_voltage: volts(r.u16("module high voltage")),
    module_low_voltage: volts(r.u16("module low voltage")),
    module_under_voltage: volts(r.u16("module under-voltage")),
    discharge_high_temperature: celsius(r.s16("discharge high temperature")),
    discharge_low_temperature: celsius(r.s16("discharge low temperature")),
    discharge_current_limit: amps(r.s16("discharge current limit")),
  };
  return [{ address: frame.adr, system_parameters: p }];
}

/** 0x92 has no INFOFLAG: the command value comes first (pylon-protocol.md §9.9). */
export function decodeChargeManagement(frame: PylonFrame): PylonPack[] {
  const r = new InfoReader(frame.info, frame.raw);
  const address = r.u8("command value");
  const chargeVoltage = r.u16("charge voltage limit");
  const dischargeVoltage = r.u16("discharge voltage limit");
  const chargeCurrent = r.s16("charge current limit");
  const dischargeCurrent = r.s16("discharge current limit");
  const status = r.u8("status");
  const m: PylonChargeManagement = {
    charge_voltage_limit: volts(chargeVoltage),
    discharge_voltage_limit: volts(dischargeVoltage),
    charge_current_limit: amps(chargeCurrent),
    discharge_current_limit: amps(dischargeCurrent),
    charge_enable: bit(status, 7),
    discharge_enable: bit(status, 6),
    charge_immediately_1: bit(status, 5),
    charge_immediately_2: bit(status, 4),
    full_charge_request: bit(status, 3),
  };
  return [{ address, charge_management: m }];
}

export function decodeSerialNumber(frame: PylonFrame): PylonPack[] {
  const r = new InfoReader(frame.info, frame.raw);
  const address = r.u8("command value");
  return [{ address, serial: paddedString(r.bytes(16, "serial number")) }];
}

export function decodeFirmwareVersion(frame: PylonFrame): PylonPack[] {
  const r = new InfoReader(frame.info, frame.raw);
  const address = r.u8("command value");
  const manufacture = dotted(r.bytes(2, "manufacture version"));
  const mainline = dotted(r.bytes(3, "mainline version"));
  return [{ address, firmware: { manufacture_version: manufacture, mainline_version: mainline } }];
}

/** 0x51 has neither INFOFLAG nor command value: name[10], version[2], manufacturer[20]. */
export function decodeManufacturerInfo(frame: PylonFrame): PylonPack[] {
  const r = new InfoReader(frame.info, frame.raw);
  const deviceName = paddedString(r.bytes(10, "device name"));
  const softwareVersion = dotted(r.bytes(2, "software version"));
  const manufacturer = paddedString(r.bytes(20, "manufacturer"));
  return [
    { address: frame.adr, device_name: deviceName, software_version: softwareVersion, manufacturer },
  ];
}

/** The answer to 0x4F is the reply's VER byte, one digit per nibble: 0x20 → "2.0". */
export function decodeProtocolVersion(frame: PylonFrame): PylonPack[] {
  return [{ address: frame.adr, protocol_version: `${frame.ver >> 4}.${frame.ver & 0xf}` }];
}

/** The commands answered about packs (the system commands 0x60–0x63 are in SYSTEM_DECODERS). */
export type PylonPackCommand = Exclude<PylonReadCommand, PylonSystemCommand>;

export const INFO_DECODERS: Readonly<
  Record<PylonPackCommand, (frame: PylonFrame, selection: PackSelection) => PylonPack[]>
> = {
  [PylonCommand.ANALOG_VALUES]: decodeAnalogValues,
  [PylonCommand.ALARM_INFO]: decodeAlarmInfo,
  [PylonCommand.SYSTEM_PARAMETERS]: decodeSystemParameters,
  [PylonCommand.PROTOCOL_VERSION]: decodeProtocolVersion,
  [PylonCommand.MANUFACTURER_INFO]: decodeManufacturerInfo,
  [PylonCommand.CHARGE_MANAGEMENT]: decodeChargeManagement,
  [PylonCommand.SERIAL_NUMBER]: decodeSerialNumber,
  [PylonCommand.FIRMWARE_VERSION]: decodeFirmwareVersion,
};
