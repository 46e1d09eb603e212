// INFO decoders of a Seplos V2 BMS (pylon-port protocol "seplos"): the PylonTech frame with other
// layouts and units for 0x42, 0x44 and 0x47 (pylon-protocol.md §11), mapped onto the same payload keys.
// Sources: Seplos "BMS Communication Protocol V2.0" (2019) and the parameter map of its Battery
// Manager software; checked against the replies in test/fixtures/real-captures/pylon-captures.json.
import { PylonFrame } from "./frame";
import { alarmState, bit, celsius, cellStats, sensorCelsius, volts } from "./decode";
import { InfoReader } from "./reader";
import { PylonAlarms, PylonPack, PylonSystemParameters } from "./types";

/** 0x42: DATAFLAG, command group, cells (mV), temperatures (0.1 K), then 10 mA / 10 mV / 10 mAh values. */
export function decodeSeplosAnalog(frame: PylonFrame): PylonPack[] {
  const r = new InfoReader(frame.info, frame.raw);
  r.u8("DATAFLAG");
  r.u8("command group");
  const cellCount = r.u8("cell count");
  const cellsMv: number[] = [];
  for (let i = 0; i < cellCount; i++) cellsMv.push(r.u16(`cell ${i + 1} voltage`));
  const tempCount = r.u8("temperature count");
  const temperatures: (number | null)[] = [];
  for (let i = 0; i < tempCount; i++) temperatures.push(sensorCelsius(r.u16(`temperature ${i + 1}`)));
  const centiAmps = r.s16("current");
  const centiVolts = r.u16("total voltage");
  const residual = r.u16("residual capacity");
  const custom = r.u8("custom item count");
  // Capacity, SOC, rated capacity and cycles are needed for the payload; SOH and port voltage follow on V2.0.
  if (custom < 4) throw r.fail("unsupported_layout", `Seplos 0x42 custom item count ${custom}; expected at least 4`);
  const capacity = r.u16("battery capacity");
  const socPermille = r.u16("SOC");
  const rated = r.u16("rated capacity");
  const cycles = r.u16("cycle count");
  const sohPermille = custom >= 5 ? r.u16("SOH") : undefined;
  const portCentiVolts = custom >= 6 ? r.u16("port voltage") : undefined;
  const pack: PylonPack = {
    address: frame.adr,
    cell_voltages: cellsMv.map(volts),
    temperatures,
    current: centiAmps / 100,
    voltage: centiVolts / 100,
    // 10 mV × 10 mA = 0.1 mW: divide once, as for PylonTech packs.
    power: (centiVolts * centiAmps) / 10000,
    remaining_ah: residual / 100,
    total_ah: capacity / 100,
    // The BMS sends its own SOC (0.1 %); it is not recomputed from the capacities.
    soc: socPermille / 10,
    cycles,
    ...cellStats(cellsMv),
    rated_ah: rated / 100,
  };
  if (sohPermille !== undefined) pack.soh = sohPermille / 10;
  if (portCentiVolts !== undefined) pack.port_voltage = portCentiVolts / 100;
  return [pack];
}

/** 0x44: state bytes as PylonTech's, then P flag bytes (alarm events 1–6, switches, balancing, system state, …). */
export function decodeSeplosAlarms(frame: PylonFrame): PylonPack[] {
  const r = new InfoReader(frame.info, frame.raw);
  r.u8("DATAFLAG");
  r.u8("command group");
  const cellCount = r.u8("cell count");
  const cells = Array.from({ length: cellCount }, (_, i) => alarmState(r.u8(`cell ${i + 1} state`)));
  const tempCount = r.u8("temperature count");
  const temperatures = Array.from({ length: tempCount }, (_, i) => alarmState(r.u8(`temperature ${i + 1} state`)));
  const current = alarmState(r.u8("current state"));
  const voltage = alarmState(r.u8("total voltage state"));
  const flagCount = r.u8("custom alarm count");
  const flags = Array.from(r.bytes(flagCount, "custom alarms"));
  const flag = (index: number): number => flags[index] ?? 0;
  const [event2, event3, event5, switches, system] = [flag(1), flag(2), flag(4), flag(6), flag(9)];
  const cellFaults: number[] = [];
  for (let n = 0; n < 8; n++) if (bit(flag(10), n)) cellFaults.push(n + 1); // disconnection state 1
  for (let n = 0; n < 8; n++) if (bit(flag(11), n)) cellFaults.push(n + 9); // disconnection state 2
  const alarms: PylonAlarms = {
    cells,
    temperatures,
    // Seplos has one state for the current in both directions.
    charge_current: current,
    voltage,
    discharge_current: current,
    module_under_voltage: bit(event2, 7),
    charge_over_temperature: bit(event3, 1),
    discharge_over_temperature: bit(event3, 5),
    discharge_over_current: bit(event5, 3),
    charge_over_current: bit(event5, 1),
    cell_under_voltage: bit(event2, 3),
    module_over_voltage: bit(event2, 5),
    using_battery_power: bit(system, 0),
    discharge_mosfet: bit(switches, 0),
    charge_mosfet: bit(switches, 1),
    effective_charge_current: bit(system, 1),
    effective_discharge_current: bit(system, 0),
    heater: bit(switches, 3),
    fully_charged: bit(system, 3),
    buzzer: false,
    cell_faults: cellFaults,
  };
  return [{ address: frame.adr, alarms }];
}

/** Word indexes of the 0x47 parameter block (Battery Manager map) that fill `system_parameters`. */
const SEPLOS_PARAMETER = {
  cellLowVoltageAlarm: 0x02,
  cellOverVoltageProtection: 0x04,
  cellUnderVoltageProtection: 0x06,
  moduleLowVoltageAlarm: 0x0c,
  moduleOverVoltageProtection: 0x0e,
  moduleUnderVoltageProtection: 0x10,
  chargeOverTemperatureProtection: 0x18,
  chargeUnderTemperatureProtection: 0x1a,
  dischargeOverTemperatureProtection: 0x20,
  dischargeUnderTemperatureProtection: 0x22,
  chargeOverCurrentWarning: 0x32,
  dischargeOverCurrentWarning: 0x34,
} as const;

/** 0x47: DATAFLAG, a count of 16-bit parameters and the parameters (cells mV, pack 10 mV, 0.1 K, 10 mA signed), then byte parameters. */
export function decodeSeplosParameters(frame: PylonFrame): PylonPack[] {
  const r = new InfoReader(frame.info, frame.raw);
  r.u8("DATAFLAG");
  const count = r.u8("parameter count");
  const needed = SEPLOS_PARAMETER.dischargeOverCurrentWarning + 1;
  if (count < needed) throw r.fail("unsupported_layout", `Seplos 0x47 with ${count} parameters; expected at least ${needed}`);
  const words = Array.from({ length: count }, (_, i) => r.u16(`parameter ${i}`));
  const word = (index: number): number => words[index];
  const signed = (index: number): number => (words[index] << 16) >> 16;
  const p = SEPLOS_PARAMETER;
  const parameters: PylonSystemParameters = {
    cell_high_voltage: volts(word(p.cellOverVoltageProtection)),
    cell_low_voltage: volts(word(p.cellLowVoltageAlarm)),
    cell_under_voltage: volts(word(p.cellUnderVoltageProtection)),
    charge_high_temperature: celsius(word(p.chargeOverTemperatureProtection)),
    charge_low_temperature: celsius(word(p.chargeUnderTemperatureProtection)),
    charge_current_limit: signed(p.chargeOverCurrentWarning) / 100,
    module_high_voltage: word(p.moduleOverVoltageProtection) / 100,
    module_low_voltage: word(p.moduleLowVoltageAlarm) / 100,
    module_under_voltage: word(p.moduleUnderVoltageProtection) / 100,
    discharge_high_temperature: celsius(word(p.dischargeOverTemperatureProtection)),
    discharge_low_temperature: celsius(word(p.dischargeUnderTemperatureProtection)),
    discharge_current_limit: signed(p.dischargeOverCurrentWarning) / 100,
  };
  return [{ address: frame.adr, system_parameters: parameters }];
}
