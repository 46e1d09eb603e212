// The output lines of pwr, bat N, soh N, info N and stat N for a simulated stack, in a firmware's
// column set. Values are the model's (mV, mA, m°C, as the console prints them), so a poller's
// decoded result can be checked against PylonPackModel.
import type { ConsoleFirmware } from "./console-firmware";
import type { PylonPackModel } from "./pack-model";

/** Pack rows `pwr` prints: present packs, then `Absent` up to this. */
const PWR_ROWS = 16;

/** Columns placed at their header's start, each as wide as its widest cell plus two spaces. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)) + 2);
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join("").trimEnd();
  return [line(headers), ...rows.map(line)];
}

const milli = (value: number): string => String(Math.round(value * 1000));

function baseState(pack: PylonPackModel): string {
  return pack.currentDeciAmps > 0 ? "Charge" : pack.currentDeciAmps < 0 ? "Dischg" : "Idle";
}

function consoleTime(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`;
}

/** Whole-percent SOC as the console prints it. */
export function consoleSoc(pack: PylonPackModel): number {
  return Math.round(pack.soc);
}

/** Cell temperatures (the model's sensors after the BMS board one), °C. */
function cellTemperatures(pack: PylonPackModel): number[] {
  const [board, ...cells] = pack.temperatures;
  return cells.length > 0 ? cells : [board];
}

/** The sensor the console shows for cell `i`: cells share the sensors in order. */
export function cellTemperature(pack: PylonPackModel, i: number): number {
  const sensors = cellTemperatures(pack);
  return sensors[Math.floor((i * sensors.length) / pack.cellVoltagesMv.length)];
}

/** A cell balances while it is 6 mV or more above the pack's lowest (the BMS bleeds it down). */
export function cellBalancing(pack: PylonPackModel, i: number): boolean {
  const cells = pack.cellVoltagesMv;
  return cells[i] >= Math.min(...cells) + 6;
}

/** The model's SOH: a point lost per 60 cycles, not below 70. */
export function consoleSoh(pack: PylonPackModel): number {
  return Math.max(70, 100 - Math.floor(pack.cycles / 60));
}

export function pwrLines(packs: readonly PylonPackModel[], fw: ConsoleFirmware, now: Date): string[] {
  const headers = ["Power", "Volt", "Curr", "Tempr", "Tlow", "Thigh", "Vlow", "Vhigh", "Base.St", "Volt.St", "Curr.St", "Temp.St", "Coulomb", "Time", "B.V.St", "B.T.St"];
  if (fw.pwrMosColumns) headers.push("MosTempr", "M.T.St");
  const rows: string[][] = [];
  for (let n = 1; n <= PWR_ROWS; n++) {
    const pack = packs[n - 1];
    if (!pack) {
      rows.push([String(n), ...headers.slice(1).map((h) => (h === "Base.St" ? "Absent" : "-"))]);
      continue;
    }
    const temps = cellTemperatures(pack);
    const cells = pack.cellVoltagesMv;
    const row = [
      String(n),
      String(pack.voltageMv),
      String(pack.currentDeciAmps * 100),
      milli(pack.temperatures[0]),
      milli(Math.min(...temps)),
      milli(Math.max(...temps)),
      String(Math.min(...cells)),
      String(Math.max(...cells)),
      baseState(pack),
      "Normal",
      "Normal",
      "Normal",
      `${consoleSoc(pack)}%`,
      consoleTime(now),
      "Normal",
      "Normal",
    ];
    if (fw.pwrMosColumns) row.push(milli(pack.temperatures[0]), "Normal");
    rows.push(row);
  }
  return formatTable(headers, rows);
}

export function batLines(pack: PylonPackModel, fw: ConsoleFirmware): string[] {
  const headers = ["Battery", "Volt", "Curr", "Tempr", "Base State", "Volt. State", "Curr. State"];
  headers.push(...(fw.batSplitTemperatureStates ? ["DTemp. State", "CTemp. State"] : ["Temp. State"]));
  headers.push(...(fw.batLayout === "soc" ? ["SOC", "Coulomb", "BAL"] : ["Coulomb"]));
  const rows = pack.cellVoltagesMv.map((mv, i) => {
    const row = [String(i), String(mv), String(pack.currentDeciAmps * 100), milli(cellTemperature(pack, i)), baseState(pack), "Normal", "Normal"];
    row.push(...(fw.batSplitTemperatureStates ? ["Normal", "Normal"] : ["Normal"]));
    if (fw.batLayout === "soc") row.push(`${consoleSoc(pack)}%`, `${pack.remainingMah} mAH`, cellBalancing(pack, i) ? "Y" : "N");
    else row.push(`${consoleSoc(pack)}%  ${pack.remainingMah} mAH`);
    return row;
  });
  return formatTable(headers, rows);
}

export function sohLines(pack: PylonPackModel, fw: ConsoleFirmware): string[] {
  if (fw.sohLayout === "percent") {
    return formatTable(["Battery", "SOH"], pack.cellVoltagesMv.map((_, i) => [String(i), `${consoleSoh(pack)}%`]));
  }
  const status = fw.name === "pytes" ? [] : ["Normal"];
  return [
    `Power   ${pack.position}`,
    ...formatTable(
      ["Battery", "Voltage", "SOHCount", ...(status.length ? ["SOHStatus"] : [])],
      pack.cellVoltagesMv.map((mv, i) => [String(i), String(mv), fw.name === "pytes" ? "00000000" : "0", ...status]),
    ),
  ];
}

function keyValueLines(pairs: readonly (readonly [string, string | number])[]): string[] {
  return pairs.map(([k, v]) => `${k.padEnd(20)}: ${v}`);
}

export function infoLines(pack: PylonPackModel, fw: ConsoleFirmware): string[] {
  const cells = pack.cellVoltagesMv.length;
  return keyValueLines([
    ["Device address", pack.position],
    ["Manufacturer", fw.name === "pytes" ? "PYTES" : "Pylon"],
    ["Device name", fw.deviceName ?? pack.layout.deviceName],
    ["Main Soft version", `B${pack.layout.mainlineVersion.join(".")}`],
    ["Soft  version", `V${pack.layout.softwareVersion.join(".")}`],
    ["Barcode", pack.serial],
    ["Specification", `48V/${Math.round(pack.totalAh)}AH`],
    ["Cell Number", cells],
    ["Max Dischg Curr", `${pack.layout.dischargeCurrentLimitDeciAmps * 100}mA`],
    ["Max Charge Curr", `${pack.layout.chargeCurrentLimitDeciAmps * 100}mA`],
    ["EPONPort rate", 1200],
    ["Console Port rate", 115200],
  ]);
}

export function statLines(pack: PylonPackModel, fw: ConsoleFirmware): string[] {
  const lines = [`Device address           ${pack.position}`];
  const pairs: [string, number][] = [
    ["Charge Cnt.", 0],
    ["Discharge Cnt.", 0],
    ["CYCLE Times", pack.cycles],
  ];
  if (fw.statSoh) pairs.push(["SOH", consoleSoh(pack)]);
  return [...lines, ...pairs.map(([k, v]) => `${k.padEnd(16)}:${String(v).padStart(9)}`)];
}
