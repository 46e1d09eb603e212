// One transcript in, one typed result out: the command is read from the echo unless given.
import { parseBat, type ConsoleCell } from "./bat";
import { PylonConsoleError } from "./errors";
import { parseInfo, type ConsoleInfo } from "./info";
import { parsePwr, type ConsolePack } from "./pwr";
import { isPwrDetail, parsePwrDetail } from "./pwr-detail";
import { parsePwrsys, type ConsolePowerSystem } from "./pwrsys";
import { parseSoh, type ConsoleSoh } from "./soh";
import { parseStat, type ConsoleStat } from "./stat";
import { splitTranscript } from "./transcript";

export type ConsoleResult =
  | { command: "pwr"; arg?: number; packs: ConsolePack[] }
  | { command: "bat"; arg?: number; cells: ConsoleCell[] }
  | { command: "soh"; arg?: number; soh: ConsoleSoh }
  | { command: "info"; arg?: number; info: ConsoleInfo }
  | { command: "stat"; arg?: number; stat: ConsoleStat }
  | { command: "pwrsys"; arg?: number; system: ConsolePowerSystem };

export type ConsoleCommand = ConsoleResult["command"];

/**
 * Decodes one console transcript (echo, `@`, output, `$$`). `command` overrides the echoed one
 * ("bat 2"). Throws PylonConsoleError for a cut-off, refused or garbled transcript.
 */
export function decodeConsole(text: string, command?: string): ConsoleResult {
  const transcript = splitTranscript(text);
  const asked = (command ?? transcript.command ?? "").trim();
  const match = /^([a-z]+)\s*(\d+)?$/i.exec(asked);
  if (!match) throw new PylonConsoleError("unsupported_command", `cannot tell the command from '${asked}'`, { command: asked });
  const name = match[1].toLowerCase();
  const arg = match[2] === undefined ? {} : { arg: Number(match[2]) };
  const { lines } = transcript;
  switch (name) {
    case "pwr":
      // `pwr N` prints one pack's detail view (newer firmware) rather than a one-row table.
      return { command: "pwr", ...arg, packs: isPwrDetail(lines) ? [parsePwrDetail(lines)] : parsePwr(lines) };
    case "pwrsys":
      return { command: "pwrsys", ...arg, system: parsePwrsys(lines) };
    case "bat":
      return { command: "bat", ...arg, cells: parseBat(lines) };
    case "soh":
      return { command: "soh", ...arg, soh: parseSoh(lines) };
    case "info":
      return { command: "info", ...arg, info: parseInfo(lines) };
    case "stat":
      return { command: "stat", ...arg, stat: parseStat(lines) };
    default:
      throw new PylonConsoleError("unsupported_command", `the console parser does not decode '${name}'`, { command: asked });
  }
}
