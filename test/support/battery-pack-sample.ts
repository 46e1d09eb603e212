// Published per-battery register dumps (input registers 5000+, docs/lxp-protocol.md §8.9), for
// tests of the battery-pack decode.

/**
 * Registers 5000–5029 of an EG4 18kPV (firmware fAAB-2525) with EG4 wall-mount packs, as
 * DoubleDoc/EG4-18KPV-BatteryDetails `Reg_Map.md` lists them (its hex column; its decimal column
 * disagrees for 5004 and 5008, so those two are not asserted on).
 */
export const DOUBLEDOC_5000: readonly number[] = [
  0x0000, 0x0000, 0xc040, 0x0118, 0x0239, 0x07d0, 0x07d0, 0x01c2, 0x14b3, 0xffdd,
  0x6456, 0x0145, 0x0078, 0x006e, 0x0cf1, 0x0cef, 0x0103, 0x0303, 0x0211, 0x6142,
  0x7474, 0x7265, 0x5f79, 0x4449, 0x305f, 0x0031, 0x0000, 0x0000, 0x0000, 0x0000,
];

/** Slot 2 of joyfulhouse/pylxpweb's `battery_probe_4512670118_…txt`: header 0xC003, 53.27 V, SOC 72 %, SOH 100 %. */
export function pylxpwebProbeSlot2(): number[] {
  const slot = new Array<number>(30).fill(0);
  slot[0] = 0xc003;
  slot[6] = 5327;
  slot[8] = 72 | (100 << 8);
  [0x6142, 0x7474, 0x7265, 0x5f79, 0x4449, 0x305f, 0x0032].forEach((w, k) => (slot[17 + k] = w));
  return slot;
}

/** Registers 5002–5121 (four slots): DoubleDoc's pack in slot 1, the probe's in slot 2, two empty slots. */
export function fourSlots(): number[] {
  return [...DOUBLEDOC_5000.slice(2), 0, 0, ...pylxpwebProbeSlot2(), ...new Array<number>(60).fill(0)];
}
