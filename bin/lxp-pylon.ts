#!/usr/bin/env node
// lxp-pylon: decode captured frames, listen to a dongle. Thin: the work is in nodes/lib.
import { decodeCommand } from "./commands/decode";
import { decodePylonCommand } from "./commands/decode-pylon";
import { listenCommand } from "./commands/listen";
import { lxpControlCommand } from "./commands/lxp-control";
import { pollPylonCommand } from "./commands/poll-pylon";
import { simLxpCommand } from "./commands/sim-lxp";
import { simPylonCommand } from "./commands/sim-pylon";
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
  lxp-pylon sim lxp [--tcp PORT] [--host H] [--udp HOST:PORT [--broadcast]] [--protocol 2|5]
        [--interval S] [--heartbeat S] [--speed X] [--faults LIST] [--datalog D] [--inverter I] [--seed N]
                                              simulated LuxPower dongle (default --tcp 8000 on 127.0.0.1)
        --faults: split[=MAXBYTES],garbage[=BYTES],crc[=N|P],drop[=S],silence[=S[/EVERY]]
  lxp-pylon sim pylon [--tcp PORT | --pty] [--host H] [--packs N|US2000,US3000,...] [--mode rs485|rs232]
        [--faults crc[=N|P],garbage[=BYTES],silent=PACK,drop[=S]] [--latency MS] [--speed X] [--seed N]
                                              simulated PylonTech stack (default --tcp 8899)
        sims print "listening tcp HOST:PORT" / "sending udp HOST:PORT" / "pty PATH" first; run until SIGINT
  lxp-pylon lxp --tcp HOST[:PORT] [--datalog D] [--inverter I] <command> [value]
        [--allow-writes] [--writable LIST] [--timeout S] [--retries N]
                                              send one lxp-request command (read/hold/21, set/ac_charge on,
                                              sync_time, ...), print the reply message as JSON; exit 1 on failure
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
  if (command === "lxp") return lxpControlCommand(argv.slice(1));
  if (command === "poll" && device === "pylon") return pollPylonCommand(rest);
  if (command === "sim" && device === "lxp") return simLxpCommand(rest);
  if (command === "sim" && device === "pylon") return simPylonCommand(rest);
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
