// INFO decoders of the V3.5 system commands 0x60–0x63, asked at a group master (pylon-protocol.md §5.9).
// Units follow the real replies and the decoders that read them: 0x61 current 0.01 A, 0x63 currents 0.1 A.
import { PylonCommand, PylonSystemCommand } from "./commands";
import { bit, celsius, dotted, paddedString, volts } from "./decode";
import { PylonFrame } from "./frame";
import { InfoReader } from "./reader";
import {
  PylonSystem,
  PylonSystemAlarms,
  PylonSystemAnalog,
  PylonSystemBasicInfo,
  PylonSystemChargeManagement,
} from "./types";

const BARCODE_BYTES = 16;

/** 0x60: name[10], manufacturer[20], software version[2], pack count[1], barcode[16] per pack sent. */
export function decodeSystemBasicInfo(frame: PylonFrame): Omit<PylonSystem, "address"> {
  const r = new InfoReader(frame.info, frame.raw);
  const deviceName = paddedString(r.bytes(10, "device name"));
  const manufacturer = paddedString(r.bytes(20, "manufacturer"));
  const softwareVersion = dotted(r.bytes(2, "software version"));
  const packCount = r.u8("pack count");
  // A real UP5000 master counts 2 packs and sends only its own barcode (pylon-protocol.md §5.9).
  const barcodes: string[] = [];
  while (barcodes.length < packCount && r.remaining >= BARCODE_BYTES) {
    barcodes.push(paddedString(r.bytes(BARCODE_BYTES, `barcode ${barcodes.length + 1}`)));
  }
  const basic: PylonSystemBasicInfo = {
    device_name: deviceName,
    manufacturer,
    software_version: softwareVersion,
    pack_count: packCount,
    barcodes,
  };
  return { basic_info: basic };
}

/** "Not supported by this product" is sent as FF… (pylon-protocol.md §5.9). */
const orNull = (raw: number, unsupported: number, convert: (raw: number) => number = (v) => v): number | null =>
  raw === unsupported ? null : convert(raw);

/** 0x61: 49 bytes; locations are 16-bit ADR words (0x0002 = ADR 2). */
export function decodeSystemAnalog(frame: PylonFrame): Omit<PylonSystem, "address"> {
  const r = new InfoReader(frame.info, frame.raw);
  const u16 = (what: string, convert?: (raw: number) => number): number | null => orNull(r.u16(what), 0xffff, convert);
  const u8 = (what: string): number | null => orNull(r.u8(what), 0xff);
  const voltage = u16("average voltage", volts);
  const current = r.s16("total current") / 100;
  const soc = u8("SOC");
  const cyclesAvg = u16("average cycles");
  const cyclesMax = u16("maximum cycles");
  const sohAvg = u8("average SOH");
  const sohMin = u8("minimum SOH");
  const cellMax = u16("highest cell voltage", volts);
  const cellMaxAddress = u16("highest cell voltage location");
  const cellMin = u16("lowest cell voltage", volts);
  const cellMinAddress = u16("lowest cell voltage location");
  const temperatures = (what: string) => {
    const avg = u16(`average ${what} temperature`, celsius);
    const max = u16(`highest ${what} temperature`, celsius);
    const maxAddress = u16(`highest ${what} temperature location`);
    const min = u16(`lowest ${what} temperature`, celsius);
    const minAddress = u16(`lowest ${what} temperature location`);
    return { avg, max, maxAddress, min, minAddress };
  };
  const cell = temperatures("cell");
  const mosfet = temperatures("MOSFET");
  const bms = temperatures("BMS");
  const analog: PylonSystemAnalog = {
    voltage,
    current,
    soc,
    cycles_avg: cyclesAvg,
    cycles_max: cyclesMax,
    soh_avg: sohAvg,
    soh_min: sohMin,
    cell_max: cellMax,
    cell_max_address: cellMaxAddress,
    cell_min: cellMin,
    cell_min_address: cellMinAddress,
    cell_temperature_avg: cell.avg,
    cell_temperature_max: cell.max,
    cell_temperature_max_address: cell.maxAddress,
    cell_temperature_min: cell.min,
    cell_temperature_min_address: cell.minAddress,
    mosfet_temperature_avg: mosfet.avg,
    mosfet_temperature_max: mosfet.max,
    mosfet_temperature_max_address: mosfet.maxAddress,
    mosfet_temperature_min: mosfet.min,
    mosfet_temperature_min_address: mosfet.minAddress,
    bms_temperature_avg: bms.avg,
    bms_temperature_max: bms.max,
    bms_temperature_max_address: bms.maxAddress,
    bms_temperature_min: bms.min,
    bms_temperature_min_address: bms.minAddress,
  };
  return { analog };
}

/** 0x62: alarm status 1 and 2, protection status 1 and 2. */
export function decodeSystemAlarms(frame: PylonFrame): Omit<PylonSystem, "address"> {
  const r = new InfoReader(frame.info, frame.raw);
  const a1 = r.u8("alarm status 1");
  const a2 = r.u8("alarm status 2");
  const p1 = r.u8("protection status 1");
  const p2 = r.u8("protection status 2");
  const alarms: PylonSystemAlarms = {
    module_high_voltage_alarm: bit(a1, 7),
    module_low_voltage_alarm: bit(a1, 6),
    cell_high_voltage_alarm: bit(a1, 5),
    cell_low_voltage_alarm: bit(a1, 4),
    cell_high_temperature_alarm: bit(a1, 3),
    cell_low_temperature_alarm: bit(a1, 2),
    mosfet_high_temperature_alarm: bit(a1, 1),
    cell_voltage_imbalance_alarm: bit(a1, 0),
    cell_temperature_imbalance_alarm: bit(a2, 7),
    charge_over_current_alarm: bit(a2, 6),
    discharge_over_current_alarm: bit(a2, 5),
    internal_communication_error: bit(a2, 4),
    module_over_voltage_protection: bit(p1, 7),
    module_under_voltage_protection: bit(p1, 6),
    cell_over_voltage_protection: bit(p1, 5),
    cell_under_voltage_protection: bit(p1, 4),
    cell_over_temperature_protection: bit(p1, 3),
    cell_under_temperature_protection: bit(p1, 2),
    mosfet_over_temperature_protection: bit(p1, 1),
    charge_over_current_protection: bit(p2, 6),
    discharge_over_current_protection: bit(p2, 5),
    system_fault_protection: bit(p2, 3),
  };
  return { alarms };
}

/** 0x63: like 0x92 without the command value; currents in 0.1 A, signed as sent. */
export function decodeSystemChargeManagement(frame: PylonFrame): Omit<PylonSystem, "address"> {
  const r = new InfoReader(frame.info, frame.raw);
  const chargeVoltage = r.u16("charge voltage limit");
  const dischargeVoltage = r.u16("discharge voltage limit");
  const chargeCurrent = r.s16("charge current limit");
  const dischargeCurrent = r.s16("discharge current limit");
  const status = r.u8("status");
  const m: PylonSystemChargeManagement = {
    charge_voltage_limit: volts(chargeVoltage),
    discharge_voltage_limit: volts(dischargeVoltage),
    charge_current_limit: chargeCurrent / 10,
    discharge_current_limit: dischargeCurrent / 10,
    charge_enable: bit(status, 7),
    discharge_enable: bit(status, 6),
    charge_immediately: bit(status, 5),
    full_charge_request: bit(status, 4),
  };
  return { charge_management: m };
}

export const SYSTEM_DECODERS: Readonly<Record<PylonSystemCommand, (frame: PylonFrame) => Omit<PylonSystem, "address">>> = {
  [PylonCommand.SYSTEM_BASIC_INFO]: decodeSystemBasicInfo,
  [PylonCommand.SYSTEM_ANALOG]: decodeSystemAnalog,
  [PylonCommand.SYSTEM_ALARMS]: decodeSystemAlarms,
  [PylonCommand.SYSTEM_CHARGE_MANAGEMENT]: decodeSystemChargeManagement,
};
