// Static data of the simulated pack models, in wire units (mV, mAh, 0.1 A, 0.1 K). Values come
// from real replies: US2000B and US3000C captures of pylon-vectors.json and pylon-protocol.md §5.
export type PylonPackModelName = "US2000" | "US3000";

/** Capacity layout of 0x42: 2 = 16-bit mAh fields, 4 = 0xFFFF markers + 24-bit fields (pylon-protocol.md §5.3). */
export type PylonCapacityLayout = 2 | 4;

export interface PylonPackLayout {
  model: PylonPackModelName;
  cellCount: number;
  /** First sensor = BMS board, then the four cell groups (pylon-protocol.md §5.3). */
  temperatureCount: number;
  capacityMah: number;
  capacityLayout: PylonCapacityLayout;
  /** 0x51 device name (NUL-padded to 10 on the wire). */
  deviceName: string;
  softwareVersion: readonly [number, number];
  /** 0x96. */
  manufactureVersion: readonly [number, number];
  mainlineVersion: readonly [number, number, number];
  /** First 8 of the 16 serial characters; the rest are seeded digits. */
  serialPrefix: string;
  /** Per cell, for the voltage step under current. */
  cellResistanceOhm: number;
  /** 0x47's 12 words as sent (pylon-protocol.md §5.5). */
  systemParameters: readonly number[];
  /** 0x92 limits as sent (pylon-protocol.md §5.6). */
  chargeVoltageLimitMv: number;
  dischargeVoltageLimitMv: number;
  chargeCurrentLimitDeciAmps: number;
  dischargeCurrentLimitDeciAmps: number;
}

const kelvinTenths = (celsius: number): number => 2731 + celsius * 10;

export const PACK_LAYOUTS: Readonly<Record<PylonPackModelName, PylonPackLayout>> = {
  US2000: {
    model: "US2000",
    cellCount: 15,
    temperatureCount: 5,
    capacityMah: 50000,
    capacityLayout: 2,
    deviceName: "US2KBPL",
    softwareVersion: [2, 3],
    manufactureVersion: [2, 3],
    mainlineVersion: [0, 6, 5],
    serialPrefix: "PPTBH024",
    cellResistanceOhm: 0.0015,
    // prettier-ignore
    systemParameters: [3650, 3050, 2900, kelvinTenths(61), kelvinTenths(-11), 1020,
      54000, 46000, 44500, kelvinTenths(61), kelvinTenths(-11), -1000],
    chargeVoltageLimitMv: 53250,
    dischargeVoltageLimitMv: 47000,
    chargeCurrentLimitDeciAmps: 250,
    dischargeCurrentLimitDeciAmps: -250,
  },
  US3000: {
    model: "US3000",
    cellCount: 15,
    temperatureCount: 5,
    capacityMah: 74000,
    capacityLayout: 4,
    deviceName: "US3000",
    softwareVersion: [1, 3],
    manufactureVersion: [1, 3],
    mainlineVersion: [0, 6, 9],
    serialPrefix: "PPTCR034",
    cellResistanceOhm: 0.001,
    // prettier-ignore
    systemParameters: [3650, 3050, 2800, kelvinTenths(60), kelvinTenths(-10), 900,
      54000, 46000, 43000, kelvinTenths(60), kelvinTenths(-10), -900],
    chargeVoltageLimitMv: 53250,
    dischargeVoltageLimitMv: 45000,
    chargeCurrentLimitDeciAmps: 370,
    dischargeCurrentLimitDeciAmps: -370,
  },
};

export function isPackModelName(name: string): name is PylonPackModelName {
  return Object.prototype.hasOwnProperty.call(PACK_LAYOUTS, name);
}
