// The one battery of a simulated system (sim-system.ts): the inverter's day model (day-model.ts)
// moves its SOC and current, the simulated PylonTech stack (sim/pylon/stack.ts) shows it pack by pack.
// Voltages come from the same LFP cell curve the packs use, so the inverter's battery voltage and
// cell range match what the BMS reports.
import { CELL_KNEE_RANGE, kneeOffsetMv, lfpOpenCircuitMv, WEAK_CELL_KNEE } from "./cell-curve";

const NOMINAL_CELL_VOLTS = 3.2;
/** Cell offsets and reading noise of the simulated packs, mV (sim/pylon/pack-model.ts). */
const CELL_SCATTER_MV = 5.5;
const MEAN_KNEE = (CELL_KNEE_RANGE[0] + CELL_KNEE_RANGE[1]) / 2;

export interface SimBatteryBankOptions {
  /** Usable capacity of all packs together, Ah. */
  capacityAh: number;
  /** Packs in parallel (what the inverter reports as battery count). Default 1. */
  packCount?: number;
  /** Cells in series per pack. Default 15 (PylonTech US2000/US3000). */
  cellsInSeries?: number;
  /** One cell of the bank, Ω (bankCellResistanceOhm). */
  cellResistanceOhm: number;
}

/**
 * One cell of a bank whose packs share the current by capacity (as the simulated stack does), Ω:
 * at the bank's current its step is the average pack's, so the inverter's voltage matches the
 * stack's (the mean of the packs').
 */
export function bankCellResistanceOhm(packs: readonly { cellResistanceOhm: number; capacityMah: number }[]): number {
  const totalAh = packs.reduce((sum, p) => sum + p.capacityMah / 1000, 0);
  const meanOhmAh = packs.reduce((sum, p) => sum + p.cellResistanceOhm * (p.capacityMah / 1000), 0) / packs.length;
  return meanOhmAh / totalAh;
}

export class SimBatteryBank {
  readonly capacityAh: number;
  readonly packCount: number;
  readonly cellsInSeries: number;
  /** One cell of the bank: all cells of all packs in parallel, Ω. */
  private readonly cellResistanceOhm: number;
  /** Simulated time of the state below, epoch ms. */
  time = 0;
  /** State of charge, % (fractional). */
  soc = 50;
  /** A, + = charging. */
  current = 0;
  private ownerRefresh: (() => void) | undefined;

  constructor(options: SimBatteryBankOptions) {
    if (!(options.capacityAh > 0)) throw new RangeError(`battery capacity must be > 0 Ah, got ${options.capacityAh}`);
    this.capacityAh = options.capacityAh;
    this.packCount = options.packCount ?? 1;
    this.cellsInSeries = options.cellsInSeries ?? 15;
    if (!(options.cellResistanceOhm > 0)) throw new RangeError(`cell resistance must be > 0 Ω, got ${options.cellResistanceOhm}`);
    this.cellResistanceOhm = options.cellResistanceOhm;
  }

  /** Wh at the nominal 3.2 V per cell. */
  get capacityWh(): number {
    return this.capacityAh * this.cellsInSeries * NOMINAL_CELL_VOLTS;
  }

  /** The owner (the inverter's day model) sets the state as its time moves; `powerW` + = charging. */
  update(time: number, soc: number, powerW: number): void {
    this.time = time;
    this.soc = soc;
    // The current whose power at the terminal voltage it causes (curve + I·R) is `powerW`.
    const restingVolts = this.cellsInSeries * this.restingCellMv() / 1000;
    const ohms = this.cellsInSeries * this.cellResistanceOhm;
    this.current = (Math.sqrt(Math.max(0, restingVolts * restingVolts + 4 * ohms * powerW)) - restingVolts) / (2 * ohms);
  }

  /** Registers the owner's catch-up, which refresh() runs; a bank has one owner. */
  setOwner(refresh: () => void): void {
    if (this.ownerRefresh) throw new Error("this battery already belongs to an inverter");
    this.ownerRefresh = refresh;
  }

  /** Brings the owner up to the present; readers (the pack stack) call it before reading. */
  refresh(): void {
    this.ownerRefresh?.();
  }

  /** The average cell without current, mV: the curve plus the packs' average drift at this SOC. */
  private restingCellMv(): number {
    const s = this.soc / 100;
    return lfpOpenCircuitMv(s) + kneeOffsetMv(s, MEAN_KNEE);
  }

  /** The average cell under the present current, V. */
  get cellVolts(): number {
    return (this.restingCellMv() + this.current * this.cellResistanceOhm * 1000) / 1000;
  }

  /** Terminal voltage, V. */
  get voltage(): number {
    return this.cellsInSeries * this.cellVolts;
  }

  /** Lowest and highest cell the packs' BMS would report, V. */
  get cellRange(): { min: number; max: number } {
    const s = this.soc / 100;
    const mean = this.cellVolts * 1000 - kneeOffsetMv(s, MEAN_KNEE);
    // Above half charge the weak cell rises highest, below it sinks lowest.
    const kneeLow = kneeOffsetMv(s, s < 0.5 ? WEAK_CELL_KNEE : CELL_KNEE_RANGE[0]);
    const kneeHigh = kneeOffsetMv(s, s < 0.5 ? CELL_KNEE_RANGE[0] : WEAK_CELL_KNEE);
    return { min: (mean + kneeLow - CELL_SCATTER_MV) / 1000, max: (mean + kneeHigh + CELL_SCATTER_MV) / 1000 };
  }
}
