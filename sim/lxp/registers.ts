// Register arrays of the simulated inverter. Input registers are built from physical values by
// inverting the codec's register map (input-registers.ts), so offsets and scales live in one place;
// hold registers start from the defaults of a real LXP-LB-EU 12K ("FAAB").
import { fieldWidth, INPUT_FIELDS, InputField } from "../../nodes/lib/lxp/codec/input-registers";
import type { LxpControls, LxpDayModel, LxpEnergy, LxpTimedMode } from "./day-model";

/** Input registers 0–239 (banks 0–5 of the map). */
export const INPUT_REGISTER_COUNT = 240;
/** Hold registers 0–259. */
export const HOLD_REGISTER_COUNT = 260;

export const HOLD = {
  SERIAL: 2,
  MODEL_CODE: 7,
  CLOCK: 12,
  FUNCTION_ENABLE: 21,
  CHARGE_RATE: 64,
  DISCHARGE_RATE: 65,
  AC_CHARGE_RATE: 66,
  AC_CHARGE_SOC_LIMIT: 67,
  AC_CHARGE_WINDOWS: 68,
  FORCED_DISCHARGE_RATE: 82,
  FORCED_DISCHARGE_SOC_LIMIT: 83,
  FORCED_DISCHARGE_WINDOWS: 84,
  DISCHARGE_CUTOFF_SOC: 105,
} as const;

/** Bits of hold register 21 the model acts on. */
export const REG21 = { AC_CHARGE: 1 << 7, FORCED_DISCHARGE: 1 << 10 } as const;

const FIELDS_BY_KEY = new Map<string, InputField>(INPUT_FIELDS.map((f) => [f.key, f]));

const clampU16 = (v: number): number => Math.min(0xffff, Math.max(0, Math.round(v)));

/** Text as registers of two ASCII characters, low byte first, NUL-padded to `count` registers. */
export function asciiToRegisters(text: string, count: number): number[] {
  const bytes = Buffer.alloc(count * 2);
  bytes.write(text, 0, count * 2, "latin1");
  return Array.from({ length: count }, (_, k) => bytes.readUInt16LE(2 * k));
}

export interface InputEncodeOptions {
  /** Divisor the reader applies to max_chg_curr / max_dischg_curr. Default 100. */
  currentDivisor?: number;
}

/**
 * Raw input registers 0–239 from physical values keyed like the decoder's payload (`soc` and
 * `soh` share register 5). Unknown keys throw, so a typo cannot silently leave a register at 0.
 */
export function encodeInputValues(values: Readonly<Record<string, number | string>>, options: InputEncodeOptions = {}): number[] {
  const regs = new Array<number>(INPUT_REGISTER_COUNT).fill(0);
  for (const [key, value] of Object.entries(values)) {
    if (key === "soh") continue; // packed with soc
    const field = FIELDS_BY_KEY.get(key);
    if (!field) throw new Error(`no input register is named ${key}`);
    const at = field.reg;
    const raw = typeof value === "number" ? value * field.scale : 0;
    switch (field.decode) {
      case "u16":
        regs[at] = clampU16(raw);
        break;
      case "s16":
        regs[at] = Math.round(Math.min(32767, Math.max(-32768, raw))) & 0xffff;
        break;
      case "u32": {
        const v = Math.min(0xffffffff, Math.max(0, Math.round(raw)));
        regs[at] = v & 0xffff;
        regs[at + 1] = Math.floor(v / 65536);
        break;
      }
      case "soc_soh":
        regs[at] = (Math.round(Number(value)) & 0xff) | ((Math.round(Number(values.soh ?? 0)) & 0xff) << 8);
        break;
      case "pf": {
        const pf = Number(value);
        regs[at] = pf >= 0 ? clampU16(pf * 1000) : clampU16(1000 - pf * 1000);
        break;
      }
      case "bms_current":
        regs[at] = clampU16(Number(value) * (options.currentDivisor ?? 100));
        break;
      case "ascii5":
        asciiToRegisters(String(value), fieldWidth(field)).forEach((r, k) => (regs[at + k] = r));
        break;
    }
  }
  return regs;
}

const kWh = (wh: number): number => wh / 1000;

function dayEnergy(e: LxpEnergy): Record<string, number> {
  return {
    e_pv_day_1: kWh(e.pv1),
    e_pv_day_2: kWh(e.pv2),
    e_inv_day: kWh(e.inverter),
    e_rec_day: kWh(e.rectifier),
    e_chg_day: kWh(e.charge),
    e_dischg_day: kWh(e.discharge),
    e_to_grid_day: kWh(e.toGrid),
    e_to_user_day: kWh(e.toUser),
    e_load_day: kWh(e.load),
  };
}

function totalEnergy(e: LxpEnergy): Record<string, number> {
  return {
    e_pv_all_1: kWh(e.pv1),
    e_pv_all_2: kWh(e.pv2),
    e_inv_all: kWh(e.inverter),
    e_rec_all: kWh(e.rectifier),
    e_chg_all: kWh(e.charge),
    e_dischg_all: kWh(e.discharge),
    e_to_grid_all: kWh(e.toGrid),
    e_to_user_all: kWh(e.toUser),
    e_load_all: kWh(e.load),
  };
}

/** The model's present state as named physical values (the decoder's keys and units). */
export function inputValuesOf(model: LxpDayModel, inverterSerial: string): Record<string, number | string> {
  const f = model.flows;
  const vBat = model.batteryVolts;
  const vGrid = model.gridVolts;
  const t = model.temperatures;
  const bank = model.battery;
  // A shared battery reports its cells as its BMS does; otherwise 16 cells around the average.
  const cells = bank ? bank.cellRange : { min: vBat / 16 - 0.004, max: vBat / 16 + 0.004 };
  return {
    status: model.status,
    v_pv_1: model.pvVolts(1),
    v_pv_2: model.pvVolts(2),
    v_bat: vBat,
    soc: Math.round(model.soc),
    soh: model.soh,
    p_pv_1: f.pv1,
    p_pv_2: f.pv2,
    p_charge: f.charge,
    p_discharge: f.discharge,
    v_ac_r: vGrid,
    f_ac: model.gridHz,
    p_inv: f.inverter,
    p_rec: f.rectifier,
    i_inv_rms: (f.inverter + f.rectifier) / vGrid,
    pf: 1,
    v_eps_r: vGrid,
    f_eps: model.gridHz,
    p_to_grid: f.toGrid,
    p_to_user: f.toUser,
    v_bus_1: 380 + 0.2 * vBat,
    v_bus_2: 300 + 0.1 * vBat,
    ...dayEnergy(model.today),
    ...totalEnergy(model.total),
    t_inner: t.inner,
    t_rad_1: t.radiator1,
    t_rad_2: t.radiator2,
    t_bat: t.battery,
    runtime: model.runtimeS,
    bat_type: 2,
    max_chg_curr: Math.round(model.batteryMaxW / 50),
    max_dischg_curr: Math.round(model.batteryMaxW / 50),
    charge_volt_ref: 55.2,
    dischg_cut_volt: 47,
    bat_count: bank?.packCount ?? 2,
    bat_capacity: Math.round(bank?.capacityAh ?? model.batteryCapacityWh / 51.2),
    bat_current: model.batteryAmps,
    max_cell_voltage: cells.max,
    min_cell_voltage: cells.min,
    max_cell_temp: t.battery + 1,
    min_cell_temp: t.battery - 0.5,
    cycle_count: model.cycleCount,
    vbat_inv: vBat - 0.1,
    t1: t.battery,
    p_load_ongrid: f.load,
    inverter_serial: inverterSerial,
    v_bus_half: 190 + 0.1 * vBat,
    p_load: f.load,
  };
}

/** Hold registers 12–14 for a local time: year−2000 | month<<8, day | hour<<8, minute | second<<8. */
export function clockRegisters(time: number): [number, number, number] {
  const d = new Date(time);
  return [
    (d.getFullYear() - 2000) | ((d.getMonth() + 1) << 8),
    d.getDate() | (d.getHours() << 8),
    d.getMinutes() | (d.getSeconds() << 8),
  ];
}

/** The local time hold registers 12–14 name, or undefined when they are not a valid date. */
export function timeFromClockRegisters(r12: number, r13: number, r14: number): number | undefined {
  const [year, month, day] = [2000 + (r12 & 0xff), r12 >> 8, r13 & 0xff];
  const [hour, minute, second] = [r13 >> 8, r14 & 0xff, r14 >> 8];
  const d = new Date(year, month - 1, day, hour, minute, second);
  const valid =
    month >= 1 && d.getMonth() === month - 1 && d.getDate() === day && hour < 24 && minute < 60 && second < 60;
  return valid ? d.getTime() : undefined;
}

/** A window register: low byte hour, high byte minute. */
export const windowRegister = (hour: number, minute = 0): number => hour | (minute << 8);

const windowMinutes = (raw: number): number => (raw & 0xff) * 60 + (raw >> 8);

function timedMode(holds: readonly number[], enabled: boolean, rate: number, limit: number, windows: number): LxpTimedMode {
  return {
    enabled,
    ratePct: holds[rate],
    socLimit: holds[limit],
    windows: [0, 2, 4].map((k) => [windowMinutes(holds[windows + k]), windowMinutes(holds[windows + k + 1])] as const),
  };
}

/** What the day model needs to know from the hold registers. */
export function controlsFromHolds(holds: readonly number[]): LxpControls {
  const reg21 = holds[HOLD.FUNCTION_ENABLE];
  return {
    chargeRatePct: holds[HOLD.CHARGE_RATE],
    dischargeRatePct: holds[HOLD.DISCHARGE_RATE],
    dischargeCutoffSoc: holds[HOLD.DISCHARGE_CUTOFF_SOC],
    acCharge: timedMode(holds, (reg21 & REG21.AC_CHARGE) !== 0, HOLD.AC_CHARGE_RATE, HOLD.AC_CHARGE_SOC_LIMIT, HOLD.AC_CHARGE_WINDOWS),
    forcedDischarge: timedMode(
      holds,
      (reg21 & REG21.FORCED_DISCHARGE) !== 0,
      HOLD.FORCED_DISCHARGE_RATE,
      HOLD.FORCED_DISCHARGE_SOC_LIMIT,
      HOLD.FORCED_DISCHARGE_WINDOWS,
    ),
  };
}

/** Factory-like hold registers 0–259 (values from real 3600ACS/12K dumps where known). */
export function defaultHolds(inverterSerial: string, modelCode: string): number[] {
  const holds = new Array<number>(HOLD_REGISTER_COUNT).fill(0);
  const set = (reg: number, ...values: number[]): void => values.forEach((v, k) => (holds[reg + k] = v));
  set(0, 35462, 1);
  set(HOLD.SERIAL, ...asciiToRegisters(inverterSerial, 5));
  set(HOLD.MODEL_CODE, ...asciiToRegisters(modelCode, 2));
  set(9, 2561, 266); // firmware versions
  set(15, 1, 1); // Modbus address, language
  set(19, 4);
  set(HOLD.FUNCTION_ENABLE, 62292, 1200); // 0xF354; PV start voltage 120.0 V
  set(25, 2530, 1960, 5150, 4850); // grid voltage/frequency limits (0.1 V, 0.01 Hz)
  set(HOLD.CHARGE_RATE, 100, 100, 50, 90); // charge, discharge, AC charge %, AC charge SOC limit
  set(HOLD.AC_CHARGE_WINDOWS, windowRegister(2), windowRegister(5), 0, 0, 0, 0); // 02:00–05:00
  set(74, 100, 100); // charge priority rate, SOC limit
  set(HOLD.FORCED_DISCHARGE_RATE, 100, 20);
  set(90, 230, 50); // EPS voltage, frequency
  set(99, 540, 480, 150, 150, 100); // lead-acid volts, current limits, feed-in limit
  set(HOLD.DISCHARGE_CUTOFF_SOC, 20, 65336, 600, 65336, 500); // cut-off SOC, lead-acid temperatures ±°C ×10
  set(125, 20);
  set(144, 540);
  set(160, 20, 90); // AC charge start / end SOC
  return holds;
}
