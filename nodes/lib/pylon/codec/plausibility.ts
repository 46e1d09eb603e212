// Values no PylonTech pack can send: a clone BMS that speaks the same frame with other units or
// layouts (Seplos V2 at ADR 0 is the common one) decodes into nonsense instead of failing a check.
// Such a reply is refused, saying what is wrong and what it probably is (pylon-protocol.md §11).
import { formatCid2 } from "./commands";
import { PylonFrameError } from "./errors";
import { PylonFrame } from "./frame";
import { PylonProtocol } from "./request";
import { PylonPack } from "./types";

/** The largest LV PylonTech packs hold 100 Ah; anything far above is another unit. */
const MAX_PACK_AH = 500;
/** A full pack's remaining capacity can run a little past its total (coulomb-counter drift); a clone's units land far beyond. */
const MAX_SOC_PCT = 105;
/** PylonTech 0x47 INFO: INFOFLAG and 12 words. */
const PYLON_0x47_BYTES = 25;
/** Alarm codes PylonTech defines: normal, below, above, user-defined 0x80–0xEF, other fault 0xF0. */
const isPylonAlarmCode = (code: number): boolean => code <= 0x02 || (code >= 0x80 && code <= 0xf0);

/** What the values point to, per protocol the reply was read with. */
const LIKELY: Record<PylonProtocol, { expected: string; hint: string }> = {
  pylontech: {
    expected: "a PylonTech pack",
    hint: 'likely a clone BMS with other units or layout (e.g. Seplos V2: 10 mV, 10 mA, 10 mAh at ADR 0); if it is one, set the pylon-port protocol to "seplos"',
  },
  seplos: {
    expected: "a Seplos V2 BMS",
    hint: 'likely a PylonTech pack or another BMS; for PylonTech set the pylon-port protocol to "pylontech"',
  },
};

function refuse(frame: PylonFrame, cid2: number, about: string, problems: string[], protocol: PylonProtocol = "pylontech"): never {
  const { expected, hint } = LIKELY[protocol];
  throw new PylonFrameError(
    "implausible_values",
    `${formatCid2(cid2)} reply${about} cannot come from ${expected}: ${problems.join("; ")}; ${hint}`,
    frame.raw,
  );
}

const fixed = (value: number, decimals: number): string => value.toFixed(decimals);
const packName = (pack: PylonPack): string => ` about pack ${formatCid2(pack.address)}`;

/** 0x42 (either protocol): module voltage against its cells, SOC, capacities. */
export function checkAnalogValues(frame: PylonFrame, packs: readonly PylonPack[], protocol: PylonProtocol = "pylontech"): void {
  for (const pack of packs) {
    const problems: string[] = [];
    const cells = pack.cell_voltages ?? [];
    const sum = cells.reduce((a, b) => a + b, 0);
    // Measured apart, the two agree within millivolts on real packs; 10 % + 0.5 V leaves room for a bad sense wire.
    if (cells.length > 0 && pack.voltage !== undefined && Math.abs(pack.voltage - sum) > 0.1 * sum + 0.5) {
      problems.push(`module voltage ${fixed(pack.voltage, 2)} V but its ${cells.length} cells add up to ${fixed(sum, 2)} V`);
    }
    if (pack.soc !== undefined && pack.soc !== null && pack.soc > MAX_SOC_PCT) {
      problems.push(`SOC ${pack.soc} % (${pack.remaining_ah} Ah of ${pack.total_ah} Ah)`);
    }
    if ((pack.total_ah ?? 0) > MAX_PACK_AH) problems.push(`total capacity ${pack.total_ah} Ah`);
    else if ((pack.remaining_ah ?? 0) > MAX_PACK_AH) problems.push(`remaining capacity ${pack.remaining_ah} Ah`);
    if (problems.length > 0) refuse(frame, 0x42, packName(pack), problems, protocol);
  }
}

/**
 * 0x44: a state byte that is no PylonTech alarm code together with more than the one spare byte
 * newer firmware adds: a Seplos reply has its flag count (0x14) where the discharge-current state
 * belongs, and its 20 flag bytes after it. An unknown code alone stays a "fault" (pylon-payloads.md §4.2).
 */
export function checkAlarmInfo(frame: PylonFrame, packs: readonly PylonPack[]): void {
  let offset = 2; // DATAFLAG, command value / pack count
  const invalid: { pack: PylonPack; bad: { what: string; at: number }[] }[] = [];
  for (const pack of packs) {
    const cells = pack.alarms?.cells.length ?? 0;
    const temps = pack.alarms?.temperatures.length ?? 0;
    const states = [
      ...Array.from({ length: cells }, (_, i) => ({ what: `cell ${i + 1} state`, at: offset + 1 + i })),
      ...Array.from({ length: temps }, (_, i) => ({ what: `temperature ${i + 1} state`, at: offset + 2 + cells + i })),
      { what: "charge-current state", at: offset + 2 + cells + temps },
      { what: "module-voltage state", at: offset + 3 + cells + temps },
      { what: "discharge-current state", at: offset + 4 + cells + temps },
    ];
    const bad = states.filter((s) => !isPylonAlarmCode(frame.info[s.at]));
    offset += 2 + cells + temps + 3 + 5;
    if (bad.length > 0) invalid.push({ pack, bad });
  }
  const extra = frame.info.length - offset;
  if (invalid.length === 0 || extra <= 1) return;
  const { pack, bad } = invalid[0];
  const problems = bad.slice(0, 2).map((s) => `${s.what} ${formatCid2(frame.info[s.at])} is not a PylonTech alarm code`);
  problems.push(`${extra} bytes follow the last field`);
  refuse(frame, 0x44, packName(pack), problems);
}

/** 0x47: the limits must be cell and module voltages and temperatures a pack can have. */
export function checkSystemParameters(frame: PylonFrame, packs: readonly PylonPack[]): void {
  const p = packs[0]?.system_parameters;
  if (!p) return;
  const problems: string[] = [];
  const cells = [p.cell_high_voltage, p.cell_low_voltage, p.cell_under_voltage];
  const modules = [p.module_high_voltage, p.module_low_voltage, p.module_under_voltage];
  const temps = [p.charge_high_temperature, p.charge_low_temperature, p.discharge_high_temperature, p.discharge_low_temperature];
  const outside = (values: number[], min: number, max: number): number[] => values.filter((v) => v < min || v > max);
  const badCells = outside(cells, 1.5, 5);
  const badModules = outside(modules, 5, 100);
  const badTemps = outside(temps, -60, 130);
  if (badCells.length) problems.push(`cell voltage limits ${badCells.map((v) => `${v} V`).join(", ")}`);
  if (badModules.length) problems.push(`module voltage limits ${badModules.map((v) => `${v} V`).join(", ")}`);
  if (badTemps.length) problems.push(`temperature limits ${badTemps.map((v) => `${v} °C`).join(", ")}`);
  if (problems.length === 0) return;
  if (frame.info.length > 2 * PYLON_0x47_BYTES) problems.push(`INFO has ${frame.info.length} bytes, a PylonTech 0x47 has ${PYLON_0x47_BYTES}`);
  refuse(frame, 0x47, "", problems);
}
