// Per-battery BMS data of the larger families (EG4 18kPV, FlexBOSS, LuxPower 12K): input registers
// 5002–5121, four slots of 30 registers, one battery each (docs/lxp-protocol.md §8.9).

export const BATTERY_PACK_BASE = 5002;
export const BATTERY_PACK_SIZE = 30;
export const BATTERY_PACK_SLOTS = 4;
export const BATTERY_PACK_END = BATTERY_PACK_BASE + BATTERY_PACK_SIZE * BATTERY_PACK_SLOTS; // exclusive

// Seven registers (offsets 17–23), as the published dumps show; one dump names the high byte of
// offset 24 a battery index, which an eighth register would append to a 14-character serial.
const SERIAL_OFFSET = 17;
const SERIAL_REGISTERS = 7;

const s16 = (v: number): number => (v & 0x8000 ? v - 0x10000 : v);

/** offset in the slot → [key, decode] pairs (one register may carry two values). */
const PACK_FIELDS: ReadonlyArray<readonly [number, ReadonlyArray<readonly [string, (raw: number) => number | string]>]> = [
  [1, [["capacity", (r) => r]]],
  [2, [["charge_volt_ref", (r) => r / 10]]],
  [3, [["max_chg_curr", (r) => r / 10]]],
  [4, [["max_dischg_curr", (r) => r / 10]]],
  [5, [["dischg_cut_volt", (r) => r / 10]]],
  [6, [["v_bat", (r) => r / 100]]],
  [7, [["bat_current", (r) => s16(r) / 10]]],
  [8, [["soc", (r) => r & 0xff], ["soh", (r) => r >> 8]]],
  [9, [["cycle_count", (r) => r]]],
  [10, [["max_cell_temp", (r) => s16(r) / 10]]],
  [11, [["min_cell_temp", (r) => s16(r) / 10]]],
  [12, [["max_cell_voltage", (r) => r / 1000]]],
  [13, [["min_cell_voltage", (r) => r / 1000]]],
  // 14 and 15 hold the numbers of the extreme cells, but the sources disagree on which register is
  // temperature and which voltage (lxp-protocol.md §8.9): raw in `registers` until a capture settles it.
  [16, [["firmware", (r) => `${r >> 8}.${String(r & 0xff).padStart(2, "0")}`]]],
];

/** ASCII, low byte first, up to the first NUL. */
function serialText(words: readonly number[]): string {
  let s = "";
  for (const w of words) {
    for (const byte of [w & 0xff, w >> 8]) {
      if (byte === 0) return s;
      s += String.fromCharCode(byte);
    }
  }
  return s;
}

/** True when a reply from `start` of `count` registers touches the battery slots. */
export function coversBatteryPacks(start: number, count: number): boolean {
  return start < BATTERY_PACK_END && start + count > BATTERY_PACK_BASE;
}

/**
 * The occupied slots a reply covers, each with the values whose registers it holds completely.
 * A slot whose covered registers are all zero holds no battery and is left out.
 */
export function decodeBatteryPacks(start: number, values: readonly number[]): Array<Record<string, number | string>> {
  const end = start + values.length;
  const at = (reg: number): number | undefined => (reg >= start && reg < end ? values[reg - start] : undefined);
  const packs: Array<Record<string, number | string>> = [];
  for (let slot = 0; slot < BATTERY_PACK_SLOTS; slot++) {
    const base = BATTERY_PACK_BASE + slot * BATTERY_PACK_SIZE;
    let occupied = false;
    for (let reg = Math.max(base, start); reg < Math.min(base + BATTERY_PACK_SIZE, end); reg++) {
      if (values[reg - start] !== 0) occupied = true;
    }
    if (!occupied) continue;
    const pack: Record<string, number | string> = { slot: slot + 1 };
    for (const [offset, decodes] of PACK_FIELDS) {
      const raw = at(base + offset);
      if (raw === undefined) continue;
      for (const [key, decode] of decodes) pack[key] = decode(raw);
    }
    const serial = Array.from({ length: SERIAL_REGISTERS }, (_, k) => at(base + SERIAL_OFFSET + k));
    if (serial.every((w) => w !== undefined)) pack.serial = serialText(serial as number[]);
    packs.push(pack);
  }
  return packs;
}
