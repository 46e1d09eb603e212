// The INFO bytes of each reply the simulator sends, laid out as pylon-protocol.md §5 describes. The envelope
// around them comes from the codec's encodeReply.
import { PylonPackModel, alarmCode } from "./pack-model";

/** Big-endian byte sink; values are range-checked so a model bug cannot wrap silently. */
class InfoWriter {
  private readonly bytes: number[] = [];

  private check(value: number, min: number, max: number, what: string): number {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${what} ${String(value)} does not fit ${min}..${max}`);
    }
    return value;
  }

  u8(value: number, what: string): this {
    this.bytes.push(this.check(value, 0, 0xff, what));
    return this;
  }

  u16(value: number, what: string): this {
    const v = this.check(value, 0, 0xffff, what);
    this.bytes.push(v >> 8, v & 0xff);
    return this;
  }

  s16(value: number, what: string): this {
    return this.u16(this.check(value, -0x8000, 0x7fff, what) & 0xffff, what);
  }

  u24(value: number, what: string): this {
    const v = this.check(value, 0, 0xffffff, what);
    this.bytes.push(v >> 16, (v >> 8) & 0xff, v & 0xff);
    return this;
  }

  /** ASCII, cut or padded with `pad` to `size` bytes. */
  text(value: string, size: number, pad: string): this {
    const padded = value.slice(0, size).padEnd(size, pad);
    for (let i = 0; i < size; i++) this.bytes.push(padded.charCodeAt(i) & 0xff);
    return this;
  }

  raw(values: readonly number[], what: string): this {
    values.forEach((v) => this.u8(v, what));
    return this;
  }

  done(): number[] {
    return this.bytes;
  }
}

const NO_16BIT_CAPACITY = 0xffff;

function analogBlock(w: InfoWriter, pack: PylonPackModel): void {
  w.u8(pack.cellVoltagesMv.length, "cell count");
  pack.cellVoltagesMv.forEach((mv) => w.u16(mv, "cell voltage"));
  const temps = pack.temperaturesDeciKelvin;
  w.u8(temps.length, "temperature count");
  temps.forEach((t) => w.s16(t, "temperature"));
  w.s16(pack.currentDeciAmps, "current");
  w.u16(pack.voltageMv, "module voltage");
  const extended = pack.capacityLayout === 4;
  w.u16(extended ? NO_16BIT_CAPACITY : pack.remainingMah, "remaining capacity");
  w.u8(pack.capacityLayout, "user-defined item count");
  w.u16(extended ? NO_16BIT_CAPACITY : pack.totalMah, "total capacity");
  w.u16(pack.cycles, "cycle count");
  if (extended) w.u24(pack.remainingMah, "remaining capacity 2").u24(pack.totalMah, "total capacity 2");
}

function alarmBlock(w: InfoWriter, pack: PylonPackModel): void {
  const a = pack.alarmStates();
  w.u8(a.cells.length, "cell count");
  a.cells.forEach((s) => w.u8(alarmCode(s), "cell state"));
  w.u8(a.temperatures.length, "temperature count");
  a.temperatures.forEach((s) => w.u8(alarmCode(s), "temperature state"));
  w.u8(alarmCode(a.chargeCurrent), "charge current state");
  w.u8(alarmCode(a.voltage), "module voltage state");
  w.u8(alarmCode(a.dischargeCurrent), "discharge current state");
  w.raw(pack.statusBytes(), "status");
}

/** INFOFLAG/DATAFLAG: bit 0 "unread alarm change" while any of the packs has an alarm. */
function flagByte(packs: readonly PylonPackModel[]): number {
  return packs.some((p) => p.alarmActive) ? 0x11 : 0x00;
}

/**
 * 0x42: INFOFLAG, the command value (one pack) or the pack count (`allPacks`), then the blocks.
 * `commandValue` is what the request's INFO held.
 */
export function analogInfo(packs: readonly PylonPackModel[], commandValue: number, allPacks: boolean): number[] {
  const w = new InfoWriter().u8(flagByte(packs), "INFOFLAG");
  w.u8(allPacks ? packs.length : commandValue, "command value");
  packs.forEach((p) => analogBlock(w, p));
  return w.done();
}

/** 0x44, laid out like 0x42. */
export function alarmInfo(packs: readonly PylonPackModel[], commandValue: number, allPacks: boolean): number[] {
  const w = new InfoWriter().u8(flagByte(packs), "DATAFLAG");
  w.u8(allPacks ? packs.length : commandValue, "command value");
  packs.forEach((p) => alarmBlock(w, p));
  return w.done();
}

/** 0x47: INFOFLAG then 12 words. */
export function systemParametersInfo(pack: PylonPackModel): number[] {
  const w = new InfoWriter().u8(flagByte([pack]), "INFOFLAG");
  const p = pack.layout.systemParameters;
  // Words 3, 4, 5, 6, 10, 11, 12 are signed on the wire (pylon-protocol.md §5.5).
  const signed = new Set([2, 3, 4, 5, 9, 10, 11]);
  p.forEach((v, i) => (signed.has(i) ? w.s16(v, `system parameter ${i + 1}`) : w.u16(v, `system parameter ${i + 1}`)));
  return w.done();
}

/** 0x51: device name[10] NUL-padded, software version[2], manufacturer[20] padded with `-`. */
export function manufacturerInfo(master: PylonPackModel): number[] {
  return new InfoWriter()
    .text(master.layout.deviceName, 10, "\0")
    .raw(master.layout.softwareVersion, "software version")
    .text("Pylon", 20, "-")
    .done();
}

/** 0x92: no INFOFLAG; command value, four limits, status. */
export function chargeManagementInfo(pack: PylonPackModel, commandValue: number): number[] {
  const m = pack.chargeManagement();
  return new InfoWriter()
    .u8(commandValue, "command value")
    .u16(m.chargeVoltageLimitMv, "charge voltage limit")
    .u16(m.dischargeVoltageLimitMv, "discharge voltage limit")
    .s16(m.chargeCurrentLimitDeciAmps, "charge current limit")
    .s16(m.dischargeCurrentLimitDeciAmps, "discharge current limit")
    .u8(m.status, "status")
    .done();
}

/** 0x93: command value, serial[16]. */
export function serialNumberInfo(pack: PylonPackModel, commandValue: number): number[] {
  return new InfoWriter().u8(commandValue, "command value").text(pack.serial, 16, "\0").done();
}

/** 0x96: command value, manufacture version[2], mainline version[3]. */
export function firmwareInfo(pack: PylonPackModel, commandValue: number): number[] {
  return new InfoWriter()
    .u8(commandValue, "command value")
    .raw(pack.layout.manufactureVersion, "manufacture version")
    .raw(pack.layout.mainlineVersion, "mainline version")
    .done();
}

// --- V3.5 system commands, answered by the master for its group (pylon-protocol.md §5.9) ---------

/** 0x60: master name[10], manufacturer[20], software version[2], pack count, one barcode per pack. */
export function systemBasicInfo(packs: readonly PylonPackModel[]): number[] {
  const master = packs[0];
  const w = new InfoWriter()
    .text(master.layout.deviceName, 10, "\0")
    .text("Pylon", 20, "\0")
    .raw(master.layout.softwareVersion, "software version")
    .u8(packs.length, "pack count");
  packs.forEach((p) => w.text(p.serial, 16, "\0"));
  return w.done();
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
/** A signed word's range: a value beyond it is sent at the limit (big groups pass ±327.67 A in 0.01 A). */
const clampS16 = (value: number): number => Math.min(0x7fff, Math.max(-0x8000, value));
const mean = (values: readonly number[]): number => Math.round(sum(values) / values.length);

/** The highest (or lowest) value over the packs with the ADR of the pack that has it. */
function extreme(packs: readonly PylonPackModel[], values: (p: PylonPackModel) => readonly number[], pick: "max" | "min") {
  let best = { value: pick === "max" ? -Infinity : Infinity, address: packs[0].address };
  for (const p of packs) {
    for (const value of values(p)) {
      if (pick === "max" ? value > best.value : value < best.value) best = { value, address: p.address };
    }
  }
  return best;
}

/** 0x61 over the packs that answer: mV, 0.01 A (+ = charging), %, 0.1 K; locations are ADR words. */
export function systemAnalogInfo(packs: readonly PylonPackModel[]): number[] {
  const w = new InfoWriter();
  const totalMah = sum(packs.map((p) => p.totalMah));
  w.u16(mean(packs.map((p) => p.voltageMv)), "average voltage");
  w.s16(clampS16(sum(packs.map((p) => p.currentDeciAmps)) * 10), "total current");
  w.u8(totalMah > 0 ? Math.round((100 * sum(packs.map((p) => p.remainingMah))) / totalMah) : 0, "SOC");
  w.u16(mean(packs.map((p) => p.cycles)), "average cycles");
  w.u16(Math.max(...packs.map((p) => p.cycles)), "maximum cycles");
  w.u8(100, "average SOH").u8(100, "minimum SOH");
  const withLocation = (values: (p: PylonPackModel) => readonly number[], pick: "max" | "min", what: string): void => {
    const e = extreme(packs, values, pick);
    w.u16(e.value, what).u16(e.address, `${what} location`);
  };
  withLocation((p) => p.cellVoltagesMv, "max", "highest cell voltage");
  withLocation((p) => p.cellVoltagesMv, "min", "lowest cell voltage");
  // Sensor 1 is the BMS board, 2–5 the cell groups, a 6th the MOSFET; without one the BMS stands in.
  const sensors: Record<string, (p: PylonPackModel) => readonly number[]> = {
    cell: (p) => p.temperaturesDeciKelvin.slice(1, 5),
    MOSFET: (p) => [p.temperaturesDeciKelvin[5] ?? p.temperaturesDeciKelvin[0]],
    BMS: (p) => p.temperaturesDeciKelvin.slice(0, 1),
  };
  for (const [what, values] of Object.entries(sensors)) {
    w.u16(mean(packs.flatMap(values)), `average ${what} temperature`);
    withLocation(values, "max", `highest ${what} temperature`);
    withLocation(values, "min", `lowest ${what} temperature`);
  }
  return w.done();
}

/** 0x62: alarm 1/2 from the packs' alarm states, protection 1/2 from their Status1 bits. */
export function systemAlarmsInfo(packs: readonly PylonPackModel[]): number[] {
  let a1 = 0;
  let a2 = 0;
  let p1 = 0;
  let p2 = 0;
  for (const pack of packs) {
    const a = pack.alarmStates();
    if (a.voltage === "high") a1 |= 0x80;
    if (a.voltage === "low") a1 |= 0x40;
    if (a.cells.includes("high")) a1 |= 0x20;
    if (a.cells.includes("low")) a1 |= 0x10;
    if (a.temperatures.includes("high")) a1 |= 0x08;
    if (a.temperatures.includes("low")) a1 |= 0x04;
    if (a.chargeCurrent === "high") a2 |= 0x40;
    if (a.dischargeCurrent === "high") a2 |= 0x20;
    const s1 = pack.statusBytes()[0];
    if (s1 & 0x01) p1 |= 0x80; // module over-voltage
    if (s1 & 0x80) p1 |= 0x40; // module under-voltage
    if (s1 & 0x02) p1 |= 0x10; // cell under-voltage
    if (s1 & 0x60) p1 |= 0x08; // charge or discharge over-temperature
    if (s1 & 0x04) p2 |= 0x40; // charge over-current
    if (s1 & 0x10) p2 |= 0x20; // discharge over-current
  }
  return new InfoWriter().u8(a1, "alarm 1").u8(a2, "alarm 2").u8(p1, "protection 1").u8(p2, "protection 2").done();
}

/** 0x63: the group's limits (tightest voltages, summed currents, both positive) and status. */
export function systemChargeManagementInfo(packs: readonly PylonPackModel[]): number[] {
  const m = packs.map((p) => p.chargeManagement());
  const all = (bit: number): boolean => m.every((x) => (x.status & bit) !== 0);
  const any = (bits: number): boolean => m.some((x) => (x.status & bits) !== 0);
  const status = (all(0x80) ? 0x80 : 0) | (all(0x40) ? 0x40 : 0) | (any(0x30) ? 0x20 : 0) | (any(0x08) ? 0x10 : 0);
  return new InfoWriter()
    .u16(Math.min(...m.map((x) => x.chargeVoltageLimitMv)), "charge voltage limit")
    .u16(Math.max(...m.map((x) => x.dischargeVoltageLimitMv)), "discharge voltage limit")
    .s16(sum(m.map((x) => Math.abs(x.chargeCurrentLimitDeciAmps))), "charge current limit")
    .s16(sum(m.map((x) => Math.abs(x.dischargeCurrentLimitDeciAmps))), "discharge current limit")
    .u8(status, "status")
    .done();
}
