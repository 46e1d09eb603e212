#!/usr/bin/env node
// lxp-pylon: decode captured frames, listen to a dongle. Thin: the work is in nodes/lib.
import { decodeCommand } from "./commands/decode";
import { decodePylonCommand } from "./commands/decode-pylon";
import { listenCommand } from "./commands/listen";
import { pollPylonCommand } from "./commands/poll-pylon";
import { CliError } from "./commands/io";

const USAGE = `usage:
  lxp-pylon decode lxp <hex>|- [--file F]     decode LuxPower frames, print the messages as JSON
  lxp-pylon decode pylon --command 0x42 <frame>|- [--request <frame>]
                                              decode one PylonTech reply, print it as JSON
  lxp-pylon listen lxp --tcp HOST[:PORT]      print each decoded message as a JSON line
  lxp-pylon listen lxp --udp [HOST:]PORT        (until interrupted)
  lxp-pylon poll pylon --serial PATH [--baud N] | --tcp HOST:PORT
        [--mode rs485|rs232] [--packs auto|N] [--once | --interval S] [--charge-management]
        [--timeout MS] [--gap MS] [--retries N]   print each poll cycle as a JSON line
options for listen: --datalog SERIAL  --watchdog SECONDS  --current-divisor 10|100`;

async function main(argv: string[]): Promise<number> {
  const [command, device, ...rest] = argv;
  if (!command || command === "-h" || command === "--help" || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command === "decode" && device === "lxp") return decodeCommand(rest);
  if (command === "decode" && device === "pylon") return decodePylonCommand(rest);
  if (command === "listen" && device === "lxp") return listenCommand(rest);
  if (command === "poll" && device === "pylon") return pollPylonCommand(rest);
  throw new CliError(`unknown command "${[command, device].filter(Boolean).join(" ")}"\n${USAGE}`, 2);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = err as Error & { exitCode?: number };
    process.stderr.write(`lxp-pylon: ${e.message}\n`);
    process.exitCode = e instanceof CliError ? e.exitCode : 1;
  },
);
