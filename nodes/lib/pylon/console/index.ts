// The PylonTech RS232 text console parser (pure: no Node-RED, no I/O). docs/pylon-protocol.md §7.1.
export { decodeConsole, type ConsoleCommand, type ConsoleResult } from "./decode";
export { PylonConsoleError, type PylonConsoleErrorCode } from "./errors";
export { splitTranscript, type ConsoleTranscript } from "./transcript";
export { parseTable, type ConsoleRow, type ConsoleTable } from "./table";
export { parsePwr, type ConsolePack } from "./pwr";
export { isPwrDetail, parsePwrDetail } from "./pwr-detail";
export { parsePwrsys, type ConsolePowerSystem } from "./pwrsys";
export { parseBat, type ConsoleCell } from "./bat";
export { parseSoh, type ConsoleCellHealth, type ConsoleSoh } from "./soh";
export { parseInfo, type ConsoleInfo } from "./info";
export { parseStat, type ConsoleStat } from "./stat";
