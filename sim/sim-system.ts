// One simulated installation: a LuxPower inverter (behind its dongle) and a PylonTech stack that
// share one battery (battery-bank.ts). The inverter's day model owns the energy flows and time;
// the stack shows the same SOC, current direction and voltages pack by pack, so /lxp, /pylon and
// the dashboards agree. Each simulator still serves its own protocol on its own port.
import { bankCellResistanceOhm, SimBatteryBank } from "./common/battery-bank";
import { LxpDongleSimOptions, LxpDongleSimulator } from "./lxp/dongle";
import { isPackModelName, PACK_LAYOUTS, PylonPackModelName } from "./pylon/pack-layouts";
import { PylonStackOptions, PylonStackSimulator } from "./pylon/stack";

/** Lowest terminal voltage of a 15-cell LFP pack in normal use, V: power limits hold down to it. */
const LOW_PACK_VOLTS = 46;
/** Keeps the busiest pack below its BMS current limit despite the uneven current share. */
const CURRENT_MARGIN = 0.9;

export interface SimSystemOptions {
  /** Pack models in stack order. Default US3000, US2000, US3000. */
  packs?: readonly PylonPackModelName[];
  /** Seeds both simulators. Default 1. */
  seed?: number;
  /** The inverter side: clock, speed, start, intervals, serials, faults, PV and load sizes. */
  lxp?: Omit<LxpDongleSimOptions, "battery" | "seed">;
  /** The stack side: addressing, latency, faults. Its time and current come from the battery. */
  pylon?: Omit<PylonStackOptions, "battery" | "packs" | "seed" | "current" | "clock" | "timeScale">;
}

export interface SimSystem {
  lxp: LxpDongleSimulator;
  pylon: PylonStackSimulator;
  battery: SimBatteryBank;
  /** Closes both simulators and their servers. */
  close(): Promise<void>;
}

/**
 * The inverter's charge/discharge limit, W, for a stack of `packs`: the current at which the pack
 * with the smallest limit for its share of the capacity reaches it, at a low battery voltage.
 */
export function stackPowerLimitW(packs: readonly PylonPackModelName[]): number {
  const layouts = packs.map((m) => PACK_LAYOUTS[m]);
  const totalMah = layouts.reduce((a, l) => a + l.capacityMah, 0);
  const amps = Math.min(
    ...layouts.map((l) => ((Math.min(l.chargeCurrentLimitDeciAmps, -l.dischargeCurrentLimitDeciAmps) / 10) * totalMah) / l.capacityMah),
  );
  return Math.floor((amps * CURRENT_MARGIN * LOW_PACK_VOLTS) / 100) * 100;
}

export function createSimSystem(options: SimSystemOptions = {}): SimSystem {
  const packs = options.packs ?? ["US3000", "US2000", "US3000"];
  if (packs.length === 0) throw new Error("a system needs at least one pack");
  for (const model of packs) {
    if (!isPackModelName(model)) throw new Error(`unknown pack model ${String(model)}: use US2000 or US3000`);
  }
  const seed = options.seed ?? 1;
  const battery = new SimBatteryBank({
    capacityAh: packs.reduce((a, m) => a + PACK_LAYOUTS[m].capacityMah, 0) / 1000,
    packCount: packs.length,
    cellsInSeries: PACK_LAYOUTS[packs[0]].cellCount,
    cellResistanceOhm: bankCellResistanceOhm(packs.map((m) => PACK_LAYOUTS[m])),
  });
  const lxpOptions = options.lxp ?? {};
  const lxp = new LxpDongleSimulator({
    ...lxpOptions,
    seed,
    battery,
    plant: { batteryMaxW: stackPowerLimitW(packs), ...lxpOptions.plant },
  });
  const pylon = new PylonStackSimulator({ ...options.pylon, packs, seed, battery, clock: "manual" });
  return {
    lxp,
    pylon,
    battery,
    close: async () => {
      await Promise.all([lxp.close(), pylon.close()]);
    },
  };
}
