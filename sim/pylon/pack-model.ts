// One simulated pack: state of charge integrating the current, cell voltages from an LFP curve plus
// the IR step, temperatures lagging the I² heating, alarms derived from limits or forced by the
// user. Values are kept as the wire carries them (mV, 0.1 A, 0.1 K, mAh) so what a poller decodes
// equals what the getters report.
import type { PylonAlarmState, PylonAnalogValues } from "../../nodes/lib/pylon/codec";
import { CELL_KNEE_RANGE, kneeOffsetMv, lfpOpenCircuitMv, WEAK_CELL_KNEE } from "../common/cell-curve";
import { noFaults, PylonPackFaults } from "./faults";
import { PACK_LAYOUTS, PylonCapacityLayout, PylonPackLayout, PylonPackModelName } from "./pack-layouts";
import { SeededRandom } from "../common/random";

/** Amperes, + = charging: a constant, or a function of simulated seconds since start. */
export type PylonCurrentSource = number | ((elapsedSeconds: number) => number);

export interface PylonSimPackOptions {
  model?: PylonPackModelName;
  /** Overrides the model's 0x42 layout (a US2000 behind a US3000 master reports 4, pylon-protocol.md §5.3). */
  capacityLayout?: PylonCapacityLayout;
  /** Initial state of charge in %; default: seeded, 40–90. */
  soc?: number;
  /** Initial cycle count; default: seeded, 20–400. */
  cycles?: number;
  /** This pack's current; default: the stack's current times a seeded share of 0.97–1.03. */
  current?: PylonCurrentSource;
  /** °C; default: seeded, 18–26. */
  ambient?: number;
  /** 16 characters; default: the model's prefix plus seeded digits. */
  serial?: string;
  /** Forced states by 1-based cell number, e.g. `{ 7: "high" }`. */
  cellAlarms?: Record<number, PylonAlarmState>;
  /** Forced states by 1-based sensor number (1 = BMS board). */
  temperatureAlarms?: Record<number, PylonAlarmState>;
  /** Reply latency in ms; default: the stack's. */
  latencyMs?: number;
  faults?: Partial<PylonPackFaults>;
}

/** 0x44's per-pack fields besides the flag bytes. */
export interface PylonSimAlarmStates {
  cells: PylonAlarmState[];
  temperatures: PylonAlarmState[];
  chargeCurrent: PylonAlarmState;
  voltage: PylonAlarmState;
  dischargeCurrent: PylonAlarmState;
}

/** 0x92's fields as sent. */
export interface PylonSimChargeManagement {
  chargeVoltageLimitMv: number;
  dischargeVoltageLimitMv: number;
  chargeCurrentLimitDeciAmps: number;
  dischargeCurrentLimitDeciAmps: number;
  status: number;
}

const KELVIN_TENTHS_AT_0C = 2731;
const ALARM_CODES: Readonly<Record<PylonAlarmState, number>> = { normal: 0x00, low: 0x01, high: 0x02, fault: 0xf0 };
/** Thermal time constant of a pack, seconds. */
const THERMAL_TAU_S = 900;
/** °C per A² of steady-state self-heating, cells and BMS board. */
const CELL_HEATING = 0.004;
const BOARD_HEATING = 0.006;
const BOARD_OFFSET_C = 2.5;
const CELL_HIGH_MV = 3600;
const CELL_LOW_MV = 3050;
const TEMPERATURE_HIGH_C = 50;
const TEMPERATURE_LOW_C = 0;
const MODULE_HIGH_MV = 54000;
const MODULE_LOW_MV = 46000;
/** |current| above this counts as charging or discharging in Status3 (0.1 A, pylon-protocol.md §5.4). */
const EFFECTIVE_CURRENT_DECIAMPS = 1;

export function alarmCode(state: PylonAlarmState): number {
  return ALARM_CODES[state];
}

export class PylonPackModel {
  readonly layout: PylonPackLayout;
  readonly capacityLayout: PylonCapacityLayout;
  readonly serial: string;
  /** 1-based position in the stack (1 = master). */
  readonly position: number;
  /** What a poller addresses: the ADR on rs485, the pack number (INFO) on rs232. */
  readonly address: number;
  latencyMs: number;
  /** Mutable: flip `faults.silent` and the next request sees it. */
  readonly faults: PylonPackFaults;
  /** This pack's own current, replacing the stack's share; undefined = follow the stack. */
  currentOverride: PylonCurrentSource | undefined;
  readonly cellAlarmOverrides = new Map<number, PylonAlarmState>();
  readonly temperatureAlarmOverrides = new Map<number, PylonAlarmState>();
  /** Replies this pack has sent, for every-Nth faults. */
  replyCount = 0;

  private readonly noise: SeededRandom;
  private readonly cellOffsetsMv: number[];
  private readonly temperatureOffsetsC: number[];
  private readonly knee: number[];
  private readonly currentShare: number;
  private readonly ambientC: number;
  private readonly baseCycles: number;
  private remainingExactMah: number;
  private dischargedMah = 0;
  private temperaturesExactC: number[];
  private cellsMv: number[] = [];
  private currentDeciA = 0;

  constructor(options: PylonSimPackOptions, where: { position: number; address: number; latencyMs: number }, random: SeededRandom) {
    this.layout = PACK_LAYOUTS[options.model ?? "US2000"];
    if (!this.layout) throw new Error(`unknown pack model ${String(options.model)}: use US2000 or US3000`);
    this.capacityLayout = options.capacityLayout ?? this.layout.capacityLayout;
    if (this.capacityLayout === 2 && this.layout.capacityMah > 0xffff) {
      throw new Error(`${this.layout.model} holds ${this.layout.capacityMah} mAh: too much for 16-bit capacities (layout 2)`);
    }
    this.position = where.position;
    this.address = where.address;
    this.latencyMs = options.latencyMs ?? where.latencyMs;
    this.faults = { ...noFaults(), ...options.faults };
    this.currentOverride = options.current;
    for (const [cell, state] of Object.entries(options.cellAlarms ?? {})) this.setCellAlarm(Number(cell), state);
    for (const [n, state] of Object.entries(options.temperatureAlarms ?? {})) this.setTemperatureAlarm(Number(n), state);

    const { cellCount, temperatureCount } = this.layout;
    this.serial = options.serial ?? this.layout.serialPrefix + String(random.int(0, 99999999)).padStart(8, "0");
    if (this.serial.length !== 16) throw new Error(`serial must have 16 characters, got "${this.serial}"`);
    this.cellOffsetsMv = Array.from({ length: cellCount }, () => random.between(-4, 4));
    // How much each cell spreads at the ends of the curve: one weak cell stands out there.
    this.knee = Array.from({ length: cellCount }, () => random.between(...CELL_KNEE_RANGE));
    this.knee[random.int(0, cellCount - 1)] = WEAK_CELL_KNEE;
    this.temperatureOffsetsC = Array.from({ length: temperatureCount }, () => random.between(-0.6, 0.6));
    this.currentShare = random.between(0.97, 1.03);
    this.ambientC = options.ambient ?? random.between(18, 26);
    this.baseCycles = options.cycles ?? random.int(20, 400);
    const socPercent = options.soc ?? random.between(40, 90);
    this.remainingExactMah = (this.layout.capacityMah * Math.min(100, Math.max(0, socPercent))) / 100;
    this.temperaturesExactC = this.temperatureOffsetsC.map(
      (offset, i) => this.ambientC + offset + (i === 0 ? BOARD_OFFSET_C : 0),
    );
    this.noise = random.fork();
    this.sampleCells();
  }

  /**
   * Moves the pack `dtSeconds` forward; `stackCurrent` is the stack's per-pack current. With 0,
   * only the current and a fresh reading are taken (the stack does that once at start).
   */
  advance(dtSeconds: number, elapsedSeconds: number, stackCurrent: PylonCurrentSource): void {
    if (dtSeconds < 0) return;
    const source = this.currentOverride ?? stackCurrent;
    const share = this.currentOverride === undefined ? this.currentShare : 1;
    const requested = (typeof source === "number" ? source : source(elapsedSeconds)) * share;
    let amps = this.limitCurrent(requested);
    this.remainingExactMah += (amps * dtSeconds * 1000) / 3600;
    this.remainingExactMah = Math.min(this.layout.capacityMah, Math.max(0, this.remainingExactMah));
    if (amps < 0) this.dischargedMah += (-amps * dtSeconds * 1000) / 3600;
    amps = this.limitCurrent(amps);
    this.currentDeciA = Math.round(amps * 10);
    this.settleTemperatures(dtSeconds, amps);
    this.sampleCells();
  }

  /**
   * Moves the pack `dtSeconds` forward as part of a shared battery: its state of charge is set to
   * `socPercent` rather than integrated, and it carries `amps` (+ = charging) unless full or empty.
   */
  follow(dtSeconds: number, amps: number, socPercent: number): void {
    if (dtSeconds < 0) return;
    this.remainingExactMah = (this.layout.capacityMah * Math.min(100, Math.max(0, socPercent))) / 100;
    const carried = this.limitCurrent(amps);
    if (carried < 0) this.dischargedMah += (-carried * dtSeconds * 1000) / 3600;
    this.currentDeciA = Math.round(carried * 10);
    this.settleTemperatures(dtSeconds, carried);
    this.sampleCells();
  }

  private settleTemperatures(dtSeconds: number, amps: number): void {
    const settle = 1 - Math.exp(-dtSeconds / THERMAL_TAU_S);
    this.temperaturesExactC = this.temperaturesExactC.map((t, i) => {
      const board = i === 0;
      const heat = (board ? BOARD_HEATING : CELL_HEATING) * amps * amps;
      const target = this.ambientC + this.temperatureOffsetsC[i] + heat + (board ? BOARD_OFFSET_C : 0);
      return t + (target - t) * settle;
    });
  }

  /** The BMS stops charging a full pack and discharging an empty one. */
  private limitCurrent(amps: number): number {
    if (amps > 0 && this.remainingExactMah >= this.layout.capacityMah) return 0;
    if (amps < 0 && this.remainingExactMah <= 0) return 0;
    return amps;
  }

  private sampleCells(): void {
    const soc = this.remainingExactMah / this.layout.capacityMah;
    const ocv = lfpOpenCircuitMv(soc);
    const irMv = (this.currentDeciA / 10) * this.layout.cellResistanceOhm * 1000;
    // Cells drift apart near empty and full, where the LFP curve is steep.
    this.cellsMv = this.cellOffsetsMv.map((offset, i) =>
      Math.round(ocv + irMv + offset + kneeOffsetMv(soc, this.knee[i]) + this.noise.between(-1.5, 1.5)),
    );
  }

  setCellAlarm(cell: number, state: PylonAlarmState | undefined): void {
    if (!Number.isInteger(cell) || cell < 1 || cell > this.layout.cellCount) {
      throw new Error(`cell must be 1..${this.layout.cellCount}, got ${String(cell)}`);
    }
    if (state === undefined || state === "normal") this.cellAlarmOverrides.delete(cell);
    else this.cellAlarmOverrides.set(cell, state);
  }

  setTemperatureAlarm(sensor: number, state: PylonAlarmState | undefined): void {
    if (!Number.isInteger(sensor) || sensor < 1 || sensor > this.layout.temperatureCount) {
      throw new Error(`temperature sensor must be 1..${this.layout.temperatureCount}, got ${String(sensor)}`);
    }
    if (state === undefined || state === "normal") this.temperatureAlarmOverrides.delete(sensor);
    else this.temperatureAlarmOverrides.set(sensor, state);
  }

  get model(): PylonPackModelName {
    return this.layout.model;
  }

  get cellVoltagesMv(): readonly number[] {
    return this.cellsMv;
  }

  /** V, as decoded. */
  get cellVoltages(): number[] {
    return this.cellsMv.map((mv) => mv / 1000);
  }

  /** 0.1 K, as sent. */
  get temperaturesDeciKelvin(): number[] {
    return this.temperaturesExactC.map((c) => Math.round(KELVIN_TENTHS_AT_0C + c * 10));
  }

  /** °C with one decimal, as decoded; first = BMS board. */
  get temperatures(): number[] {
    return this.temperaturesDeciKelvin.map((raw) => (raw - KELVIN_TENTHS_AT_0C) / 10);
  }

  get currentDeciAmps(): number {
    return this.currentDeciA;
  }

  /** A, + = charging. */
  get current(): number {
    return this.currentDeciA / 10;
  }

  get voltageMv(): number {
    return this.cellsMv.reduce((a, b) => a + b, 0);
  }

  get voltage(): number {
    return this.voltageMv / 1000;
  }

  get remainingMah(): number {
    return Math.round(this.remainingExactMah);
  }

  get totalMah(): number {
    return this.layout.capacityMah;
  }

  get remainingAh(): number {
    return this.remainingMah / 1000;
  }

  get totalAh(): number {
    return this.totalMah / 1000;
  }

  /** %, one decimal, from the capacities as sent. */
  get soc(): number {
    return Math.round((1000 * this.remainingMah) / this.totalMah) / 10;
  }

  get cycles(): number {
    return this.baseCycles + Math.floor(this.dischargedMah / this.layout.capacityMah);
  }

  get fullyCharged(): boolean {
    return this.remainingExactMah >= this.layout.capacityMah;
  }

  /** The docs/pylon-payloads.md pack object a poller should decode from this pack's 0x42 reply. */
  analogValues(): PylonAnalogValues {
    const cellsMv = this.cellsMv;
    const minMv = Math.min(...cellsMv);
    const maxMv = Math.max(...cellsMv);
    return {
      cell_voltages: this.cellVoltages,
      temperatures: this.temperatures,
      current: this.current,
      voltage: this.voltage,
      power: (this.voltageMv * this.currentDeciA) / 10000,
      remaining_ah: this.remainingAh,
      total_ah: this.totalAh,
      soc: this.soc,
      cycles: this.cycles,
      cell_min: minMv / 1000,
      cell_max: maxMv / 1000,
      cell_spread_mv: maxMv - minMv,
    };
  }

  alarmStates(): PylonSimAlarmStates {
    const cells = this.cellsMv.map(
      (mv, i): PylonAlarmState =>
        this.cellAlarmOverrides.get(i + 1) ?? (mv >= CELL_HIGH_MV ? "high" : mv <= CELL_LOW_MV ? "low" : "normal"),
    );
    const temperatures = this.temperatures.map(
      (c, i): PylonAlarmState =>
        this.temperatureAlarmOverrides.get(i + 1) ??
        (c >= TEMPERATURE_HIGH_C ? "high" : c <= TEMPERATURE_LOW_C ? "low" : "normal"),
    );
    const { chargeCurrentLimitDeciAmps, dischargeCurrentLimitDeciAmps } = this.layout;
    const moduleMv = this.voltageMv;
    return {
      cells,
      temperatures,
      chargeCurrent: this.currentDeciA > chargeCurrentLimitDeciAmps ? "high" : "normal",
      voltage: moduleMv > MODULE_HIGH_MV ? "high" : moduleMv < MODULE_LOW_MV ? "low" : "normal",
      dischargeCurrent: this.currentDeciA < dischargeCurrentLimitDeciAmps ? "high" : "normal",
    };
  }

  /** Status1..Status5 of 0x44 (pylon-protocol.md §5.4), consistent with alarmStates(). */
  statusBytes(): [number, number, number, number, number] {
    const a = this.alarmStates();
    const charging = this.currentDeciA > EFFECTIVE_CURRENT_DECIAMPS;
    const discharging = this.currentDeciA < -EFFECTIVE_CURRENT_DECIAMPS;
    const hot = a.temperatures.includes("high");
    let s1 = 0;
    if (a.voltage === "low") s1 |= 0x80;
    if (hot && charging) s1 |= 0x40;
    if (hot && discharging) s1 |= 0x20;
    if (a.dischargeCurrent === "high") s1 |= 0x10;
    if (a.chargeCurrent === "high") s1 |= 0x04;
    if (a.cells.includes("low")) s1 |= 0x02;
    if (a.voltage === "high") s1 |= 0x01;
    const s2 = 0x0e | (discharging ? 0x08 : 0);
    const s3 = (charging ? 0x80 : 0) | (discharging ? 0x40 : 0) | (this.fullyCharged ? 0x08 : 0);
    let faultBits = 0;
    a.cells.forEach((state, i) => {
      if (state === "fault") faultBits |= 1 << i;
    });
    return [s1, s2, s3, faultBits & 0xff, (faultBits >> 8) & 0xff];
  }

  /** Whether any alarm is active: INFOFLAG bit 0 ("unread alarm change") is set then. */
  get alarmActive(): boolean {
    const a = this.alarmStates();
    const states = [...a.cells, ...a.temperatures, a.chargeCurrent, a.voltage, a.dischargeCurrent];
    return states.some((s) => s !== "normal");
  }

  /** 0x92 (pylon-protocol.md §5.6): a full pack refuses charge, an empty one discharge; low SOC asks for charge. */
  chargeManagement(): PylonSimChargeManagement {
    const soc = this.soc;
    const full = this.fullyCharged;
    const empty = this.remainingMah <= 0;
    let status = 0;
    if (!full) status |= 0x80;
    if (!empty) status |= 0x40;
    if (soc < 10) status |= 0x20;
    if (soc < 13) status |= 0x10;
    return {
      chargeVoltageLimitMv: this.layout.chargeVoltageLimitMv,
      dischargeVoltageLimitMv: this.layout.dischargeVoltageLimitMv,
      chargeCurrentLimitDeciAmps: full ? 0 : this.layout.chargeCurrentLimitDeciAmps,
      dischargeCurrentLimitDeciAmps: empty ? 0 : this.layout.dischargeCurrentLimitDeciAmps,
      status,
    };
  }
}
