// The physics of the simulated LuxPower inverter: PV following the sun through a local day, a
// household load, a battery whose SOC moves with what it absorbs or gives, the grid covering the
// rest. Power flows are a pure function of (seed, time, SOC, controls); energy counters and SOC
// are integrated in one-minute steps, and the daily counters reset at local midnight. Given a
// shared battery (battery-bank.ts), the model keeps it up to date and takes its voltage from it.
import type { SimBatteryBank } from "../common/battery-bank";
import { knotValue, smoothNoise, stepNoise } from "./noise";
import { SeededRandom } from "../common/random";

/** What the hold registers say about charging (rates, limits, AC-charge / forced-discharge windows). */
export interface LxpControls {
  chargeRatePct: number;
  dischargeRatePct: number;
  /** On-grid end-of-discharge SOC (hold 105); the battery never goes below max(10, this). */
  dischargeCutoffSoc: number;
  acCharge: LxpTimedMode;
  forcedDischarge: LxpTimedMode;
}

export interface LxpTimedMode {
  enabled: boolean;
  ratePct: number;
  /** AC charge stops at or above it; forced discharge stops at or below it. */
  socLimit: number;
  /** [start, end) minutes after local midnight; start > end wraps midnight, start = end is off. */
  windows: ReadonlyArray<readonly [number, number]>;
}

export const DEFAULT_CONTROLS: LxpControls = {
  chargeRatePct: 100,
  dischargeRatePct: 100,
  dischargeCutoffSoc: 20,
  acCharge: { enabled: false, ratePct: 50, socLimit: 90, windows: [] },
  forcedDischarge: { enabled: false, ratePct: 100, socLimit: 20, windows: [] },
};

/** Energy counters in Wh. */
export interface LxpEnergy {
  pv1: number;
  pv2: number;
  inverter: number;
  rectifier: number;
  charge: number;
  discharge: number;
  toGrid: number;
  toUser: number;
  load: number;
}

/** Instantaneous power flows in W (all ≥ 0). */
export interface LxpFlows {
  pv1: number;
  pv2: number;
  load: number;
  charge: number;
  discharge: number;
  /** Inverter AC output. */
  inverter: number;
  /** AC into the battery through the rectifier (AC charging). */
  rectifier: number;
  toGrid: number;
  toUser: number;
  acCharging: boolean;
  forcedDischarging: boolean;
}

export interface LxpDayModelOptions {
  /** Simulated start time, epoch ms; the day is replayed from local midnight up to it. */
  start: number;
  seed?: number;
  /** Peak power of PV strings 1 and 2 in W. Default [3200, 2400]. */
  pvPeakW?: readonly [number, number];
  /** Usable battery energy in Wh. Default 10240 (200 Ah at 51.2 V). Not with `battery`: its capacity counts. */
  batteryCapacityWh?: number;
  /** Inverter charge/discharge limit in W. Default 5000. */
  batteryMaxW?: number;
  /** SOC at the local midnight before `start`. Default: drawn from the seed (35–60 %). */
  midnightSoc?: number;
  /** Read at every step, so writes to the hold registers take effect. */
  controls?: () => LxpControls;
  /** A battery shared with a simulated BMS: the model sets its SOC and current at every step. */
  battery?: SimBatteryBank;
}

const STEP_MS = 60_000;
const EFFICIENCY = 0.96;
const MIN_SOC = 10;
const HOUR_MS = 3_600_000;

// Noise channels: one per independent quantity.
const CH = { dayClearness: 1, clouds: 2, baseLoad: 3, appliance: 4, applianceSize: 5, jitter: 6, gridV: 7, gridHz: 8 } as const;

function zeroEnergy(): LxpEnergy {
  return { pv1: 0, pv2: 0, inverter: 0, rectifier: 0, charge: 0, discharge: 0, toGrid: 0, toUser: 0, load: 0 };
}

/** Local calendar facts of an instant. */
function localDay(t: number): { hour: number; minuteOfDay: number; dayNumber: number; dayOfYear: number; midnight: number } {
  const d = new Date(t);
  const midnight = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const dayNumber = Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86_400_000;
  const dayOfYear = dayNumber - Date.UTC(d.getFullYear(), 0, 1) / 86_400_000;
  const hour = d.getHours() + d.getMinutes() / 60 + d.getSeconds() / 3600;
  return { hour, minuteOfDay: d.getHours() * 60 + d.getMinutes(), dayNumber, dayOfYear, midnight };
}

const gauss = (x: number, mean: number, sigma: number): number => Math.exp(-((x - mean) ** 2) / (2 * sigma * sigma));

function inWindow(minute: number, [start, end]: readonly [number, number]): boolean {
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

export class LxpDayModel {
  readonly seed: number;
  readonly pvPeakW: readonly [number, number];
  readonly batteryCapacityWh: number;
  readonly batteryMaxW: number;
  /** Simulated time the state below belongs to, epoch ms. */
  time: number;
  /** State of charge, % (fractional; registers carry it rounded). */
  soc: number;
  /** State of health, %. */
  readonly soh: number;
  readonly today: LxpEnergy = zeroEnergy();
  readonly total: LxpEnergy;
  /** Cumulative inverter run time, s. */
  runtimeS: number;
  /** The shared battery, when there is one. */
  readonly battery: SimBatteryBank | undefined;
  private readonly controls: () => LxpControls;
  private dayNumber: number;
  private current: LxpFlows;

  constructor(options: LxpDayModelOptions) {
    this.seed = (options.seed ?? 1) >>> 0;
    this.pvPeakW = options.pvPeakW ?? [3200, 2400];
    this.battery = options.battery;
    if (options.battery && options.batteryCapacityWh !== undefined) {
      throw new Error("batteryCapacityWh cannot be set with a shared battery: the battery's packs give the capacity");
    }
    this.batteryCapacityWh = options.battery?.capacityWh ?? options.batteryCapacityWh ?? 10240;
    this.batteryMaxW = options.batteryMaxW ?? 5000;
    this.controls = options.controls ?? (() => DEFAULT_CONTROLS);
    const random = new SeededRandom(this.seed);
    const years = random.between(1, 3);
    const kWh = (perYear: number): number => Math.round(perYear * years) * 1000;
    this.total = {
      pv1: kWh(3300),
      pv2: kWh(2400),
      inverter: kWh(4900),
      rectifier: kWh(250),
      charge: kWh(2300),
      discharge: kWh(2150),
      toGrid: kWh(1500),
      toUser: kWh(2700),
      load: kWh(5900),
    };
    this.runtimeS = Math.round(years * 365 * 86400);
    this.soh = random.int(96, 100);
    this.soc = options.midnightSoc ?? random.between(35, 60);
    const { midnight, dayNumber } = localDay(options.start);
    this.time = midnight;
    this.dayNumber = dayNumber;
    this.current = this.flowsAt(this.time);
    this.publishBattery();
    this.advanceTo(options.start);
  }

  /** Power flows at `time`. */
  get flows(): LxpFlows {
    return this.current;
  }

  /** Integrates SOC and counters up to `t`; a `t` in the past is a clock jump (see jumpTo). */
  advanceTo(t: number): void {
    if (t < this.time) {
      this.jumpTo(t);
      return;
    }
    while (this.time < t) {
      const next = Math.min(t, (Math.floor(this.time / STEP_MS) + 1) * STEP_MS);
      this.integrate(next - this.time);
      this.time = next;
      this.rollDay();
      this.setFlows(this.flowsAt(this.time));
    }
  }

  /** Moves to `t` without integrating (the inverter's clock was set); a new day resets the daily counters. */
  jumpTo(t: number): void {
    this.time = t;
    this.rollDay();
    this.setFlows(this.flowsAt(t));
  }

  /** Recomputes the present flows without moving time: a control (hold register) changed. */
  refreshFlows(): void {
    this.setFlows(this.flowsAt(this.time));
  }

  /** Takes the flows of the present moment and passes the battery's on to the shared battery. */
  private setFlows(flows: LxpFlows): void {
    this.current = flows;
    this.publishBattery();
  }

  private publishBattery(): void {
    this.battery?.update(this.time, this.soc, this.current.charge - this.current.discharge);
  }

  /** Full-capacity discharges so far. */
  get cycleCount(): number {
    return Math.floor(this.total.discharge / this.batteryCapacityWh);
  }

  /** Operating state for input register 0 (lxp-protocol.md §8.6). */
  get status(): number {
    const f = this.current;
    const pv = f.pv1 + f.pv2 > 0;
    if (f.acCharging) return pv ? 0x28 : 0x20;
    if (pv) return f.charge > 0 ? 0x0c : f.discharge > 0 ? 0x14 : 0x04;
    return f.discharge > 0 ? 0x10 : 0x00;
  }

  /** Battery terminal voltage: ~48 V empty to ~54 V full, a little higher while charging (or the shared battery's). */
  get batteryVolts(): number {
    if (this.battery) return this.battery.voltage;
    const f = this.current;
    return 48 + 0.06 * this.soc + (0.8 * (f.charge - f.discharge)) / this.batteryMaxW;
  }

  /** Battery current in A, + = charging. */
  get batteryAmps(): number {
    if (this.battery) return this.battery.current;
    return (this.current.charge - this.current.discharge) / this.batteryVolts;
  }

  /** Open-ish string voltage while the sun is up, 0 at night. */
  pvVolts(string: 1 | 2): number {
    const sun = this.sun(localDay(this.time), string === 1 ? 0 : -0.5);
    if (sun <= 0) return 0;
    return (string === 1 ? 250 : 220) + 130 * Math.min(1, 4 * sun) - 40 * sun;
  }

  get gridVolts(): number {
    return 230 + 6 * (smoothNoise(this.seed, CH.gridV, this.time / 1000, 300) - 0.5) + (3 * this.current.toGrid) / this.batteryMaxW;
  }

  get gridHz(): number {
    return 50 + 0.1 * (smoothNoise(this.seed, CH.gridHz, this.time / 1000, 120) - 0.5);
  }

  /** Temperatures in °C. */
  get temperatures(): { inner: number; radiator1: number; radiator2: number; battery: number } {
    const { hour, dayOfYear } = localDay(this.time);
    const f = this.current;
    const ambient = 14 + 6 * this.season(dayOfYear) + 5 * Math.sin((Math.PI * (hour - 9)) / 12);
    const inner = ambient + 10 + (12 * (f.inverter + f.rectifier)) / this.batteryMaxW;
    const radiator1 = inner - 2 + (6 * (f.pv1 + f.pv2)) / (this.pvPeakW[0] + this.pvPeakW[1]);
    const battery = 20 + 2 * this.season(dayOfYear) + (5 * (f.charge + f.discharge)) / this.batteryMaxW;
    return { inner, radiator1, radiator2: radiator1 - 1, battery };
  }

  /** -1 midwinter .. +1 midsummer (northern hemisphere). */
  private season(dayOfYear: number): number {
    return Math.sin((2 * Math.PI * (dayOfYear - 80)) / 365.25);
  }

  /** 0 at night, a bell peaking after midday; `shiftHours` < 0 = an east-facing string. */
  private sun(day: ReturnType<typeof localDay>, shiftHours: number): number {
    const length = 12 + 3.5 * this.season(day.dayOfYear);
    const x = (day.hour - (12.5 + shiftHours - length / 2)) / length;
    return x > 0 && x < 1 ? Math.sin(Math.PI * x) ** 1.6 : 0;
  }

  private pvWatts(day: ReturnType<typeof localDay>, t: number): [number, number] {
    const clearness = 0.55 + 0.45 * knotValue(this.seed, CH.dayClearness, day.dayNumber);
    const clouds = 1 - 0.6 * Math.max(0, 2 * smoothNoise(this.seed, CH.clouds, t / 1000, 1200) - 1);
    const strength = (0.75 + 0.25 * this.season(day.dayOfYear)) * clearness * clouds;
    return [
      Math.round(this.pvPeakW[0] * this.sun(day, 0) * strength),
      Math.round(this.pvPeakW[1] * this.sun(day, -0.5) * strength),
    ];
  }

  private loadWatts(day: ReturnType<typeof localDay>, t: number): number {
    const s = t / 1000;
    const h = day.hour;
    const base = 220 + 120 * smoothNoise(this.seed, CH.baseLoad, s, 1800);
    const routine = 900 * gauss(h, 7.3, 0.7) + 350 * gauss(h, 12.8, 0.8) + 1400 * gauss(h, 19, 1.4);
    const awake = h >= 6 && h < 23;
    const appliance =
      awake && stepNoise(this.seed, CH.appliance, s, 600) > 0.88 ? 1800 + 800 * stepNoise(this.seed, CH.applianceSize, s, 600) : 0;
    const jitter = 60 * (stepNoise(this.seed, CH.jitter, s, 60) - 0.5);
    return Math.round(Math.max(120, base + routine + appliance + jitter));
  }

  private flowsAt(t: number): LxpFlows {
    const day = localDay(t);
    const c = this.controls();
    const [pv1, pv2] = this.pvWatts(day, t);
    const load = this.loadWatts(day, t);
    const max = this.batteryMaxW;
    const taper = this.soc >= 100 ? 0 : this.soc > 95 ? (100 - this.soc) / 5 : 1;
    const chargeLimit = ((max * c.chargeRatePct) / 100) * taper;
    const floor = Math.max(MIN_SOC, c.dischargeCutoffSoc);
    const dischargeLimit = this.soc <= floor ? 0 : ((max * c.dischargeRatePct) / 100) * Math.min(1, (this.soc - floor) / 2);
    const active = (mode: LxpTimedMode): boolean => mode.enabled && mode.windows.some((w) => inWindow(day.minuteOfDay, w));
    const acCharging = active(c.acCharge) && this.soc < c.acCharge.socLimit && chargeLimit > 0;
    const forcedDischarging = !acCharging && active(c.forcedDischarge) && this.soc > Math.max(floor, c.forcedDischarge.socLimit);
    const surplus = pv1 + pv2 - load;
    let charge = 0;
    let discharge = 0;
    if (forcedDischarging) discharge = Math.min((max * c.forcedDischarge.ratePct) / 100, dischargeLimit);
    else if (acCharging) charge = Math.min(chargeLimit, Math.max(surplus, 0) + (max * c.acCharge.ratePct) / 100);
    else if (surplus >= 0) charge = Math.min(surplus, chargeLimit);
    else discharge = Math.min(-surplus, dischargeLimit);
    charge = Math.round(charge);
    discharge = Math.round(discharge);
    const net = pv1 + pv2 + discharge - charge;
    const grid = load - net;
    return {
      pv1,
      pv2,
      load,
      charge,
      discharge,
      inverter: Math.max(0, net),
      rectifier: Math.max(0, -net),
      toGrid: Math.max(0, -grid),
      toUser: Math.max(0, grid),
      acCharging,
      forcedDischarging,
    };
  }

  private integrate(dtMs: number): void {
    const f = this.current;
    const hours = dtMs / HOUR_MS;
    for (const counters of [this.today, this.total]) {
      counters.pv1 += f.pv1 * hours;
      counters.pv2 += f.pv2 * hours;
      counters.inverter += f.inverter * hours;
      counters.rectifier += f.rectifier * hours;
      counters.charge += f.charge * hours;
      counters.discharge += f.discharge * hours;
      counters.toGrid += f.toGrid * hours;
      counters.toUser += f.toUser * hours;
      counters.load += f.load * hours;
    }
    const storedWh = (f.charge * EFFICIENCY - f.discharge / EFFICIENCY) * hours;
    this.soc = Math.min(100, Math.max(0, this.soc + (100 * storedWh) / this.batteryCapacityWh));
    this.runtimeS += dtMs / 1000;
  }

  private rollDay(): void {
    const { dayNumber } = localDay(this.time);
    if (dayNumber === this.dayNumber) return;
    this.dayNumber = dayNumber;
    Object.assign(this.today, zeroEnergy());
  }
}
