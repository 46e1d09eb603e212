// Stack totals over the packs of one poll cycle (docs/pylon-payloads.md `stack`). Only packs with analog
// values (0x42) count; the others carry identity or alarms only.
import { PylonPack, PylonStack } from "./types";

const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

type AnalogPack = PylonPack & Required<Pick<PylonPack, "voltage" | "current" | "power" | "remaining_ah" | "total_ah">>;

function hasAnalogValues(pack: PylonPack): pack is AnalogPack {
  return (
    pack.voltage !== undefined &&
    pack.current !== undefined &&
    pack.power !== undefined &&
    pack.remaining_ah !== undefined &&
    pack.total_ah !== undefined
  );
}

/** `time` is unix seconds. Sums are rounded to the resolution of the wire (mV, 0.1 A, mAh). */
export function summarizeStack(packs: readonly PylonPack[], time: number): PylonStack {
  const analog = packs.filter(hasAnalogValues);
  const cells = analog.flatMap((p) => p.cell_voltages ?? []);
  const temperatures = analog.flatMap((p) => p.temperatures ?? []).filter((t): t is number => t !== null);
  // In whole mAh, as on the wire, so sums and the ratio carry no binary fractions.
  const remainingMah = sum(analog.map((p) => Math.round(p.remaining_ah * 1000)));
  const totalMah = sum(analog.map((p) => Math.round(p.total_ah * 1000)));
  const any = analog.length > 0;
  const cellMin = cells.length ? Math.min(...cells) : null;
  const cellMax = cells.length ? Math.max(...cells) : null;
  return {
    pack_count: analog.length,
    voltage: any ? round(sum(analog.map((p) => p.voltage)) / analog.length, 3) : null,
    current: any ? round(sum(analog.map((p) => p.current)), 1) : null,
    power: any ? round(sum(analog.map((p) => p.power)), 4) : null,
    remaining_ah: any ? remainingMah / 1000 : null,
    total_ah: any ? totalMah / 1000 : null,
    soc: totalMah > 0 ? Math.round((1000 * remainingMah) / totalMah) / 10 : null,
    cell_min: cellMin,
    cell_max: cellMax,
    cell_spread_mv: cellMin === null || cellMax === null ? null : Math.round((cellMax - cellMin) * 1000),
    temperature_max: temperatures.length ? Math.max(...temperatures) : null,
    time,
  };
}
