// The console variants the simulator prints, modelled on the real transcripts in
// test/fixtures/pylon-console/ (README there names their sources): prompt, line end, column sets.
export type ConsoleFirmwareName = "us3000c" | "us2000" | "pytes";

export interface ConsoleFirmware {
  name: ConsoleFirmwareName;
  prompt: string;
  /** Line end after every printed line. */
  eol: string;
  /** `pwr` has MosTempr and M.T.St (the B69 generation); without them the 16-column set. */
  pwrMosColumns: boolean;
  /** `bat`: "soc" = separate SOC, Coulomb (mAH) and BAL; "old" = `89%  42586 mAH` under Coulomb, no BAL. */
  batLayout: "soc" | "old";
  /** `bat`: DTemp./CTemp. State instead of Temp. State (newer firmware and the clone). */
  batSplitTemperatureStates: boolean;
  /** `soh`: "percent" = `Battery SOH`; "count" = `Power N` + Voltage/SOHCount/SOHStatus. */
  sohLayout: "percent" | "count";
  /** `stat` prints an `SOH` line. */
  statSoh: boolean;
  /** Output lines per page before "Press [Enter] to be continued". */
  pageLines: number;
  deviceName?: string;
}

export const CONSOLE_FIRMWARES: Readonly<Record<ConsoleFirmwareName, ConsoleFirmware>> = {
  // pwr/bat/stat/info-us3000c fixtures: 18-column pwr, SOC/Coulomb/BAL bat, SOH line in stat.
  us3000c: {
    name: "us3000c",
    prompt: "pylon>",
    eol: "\r\n",
    pwrMosColumns: true,
    batLayout: "soc",
    batSplitTemperatureStates: false,
    sohLayout: "percent",
    statSoh: true,
    pageLines: 12,
  },
  // Older firmware (docs §7.1): no MosTempr, Coulomb carries SOC and mAh, `\n\r` line ends (the
  // prompt `\n\rpylon>` a console initialisation script waits for).
  us2000: {
    name: "us2000",
    prompt: "pylon>",
    eol: "\n\r",
    pwrMosColumns: false,
    batLayout: "old",
    batSplitTemperatureStates: false,
    sohLayout: "count",
    statSoh: false,
    pageLines: 12,
  },
  // soh-pytes-sohcount fixture: PYTES> prompt, Power N + SOHCount/SOHStatus; split DTemp/CTemp bat.
  pytes: {
    name: "pytes",
    prompt: "PYTES>",
    eol: "\r\n",
    pwrMosColumns: true,
    batLayout: "soc",
    batSplitTemperatureStates: true,
    sohLayout: "count",
    statSoh: true,
    pageLines: 12,
    deviceName: "E-BOX-48100R",
  },
};

export function isConsoleFirmwareName(value: string): value is ConsoleFirmwareName {
  return Object.prototype.hasOwnProperty.call(CONSOLE_FIRMWARES, value);
}
