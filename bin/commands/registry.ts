// Every command of lxp-pylon, in the order the overview lists them.
import type { CommandSpec } from "./command-spec";
import { decodeLxpCommand } from "./decode";
import { decodePylonCommand } from "./decode-pylon";
import { decodePylonConsoleCommand } from "./decode-pylon-console";
import { listenLxpCommand } from "./listen";
import { lxpControlCommand } from "./lxp-control";
import { pollPylonCommand } from "./poll-pylon";
import { simLxpCommand } from "./sim-lxp";
import { simPylonCommand } from "./sim-pylon";
import { sniffPylonCommand } from "./sniff-pylon";

// Each spec's run() takes its own option table's values; the dispatcher only passes them through.
export const COMMANDS = [
  decodeLxpCommand,
  decodePylonCommand,
  decodePylonConsoleCommand,
  listenLxpCommand,
  lxpControlCommand,
  pollPylonCommand,
  simLxpCommand,
  simPylonCommand,
  sniffPylonCommand,
] as unknown as CommandSpec[];

/** Words that start several commands: "decode", "listen", "poll", "sim", "sniff". */
export function groupOf(word: string): CommandSpec[] {
  return COMMANDS.filter((c) => c.name.includes(" ") && c.name.split(" ")[0] === word);
}
