// `lxp-pylon sim pylon --console`: the stack behind its master pack's text console, on TCP or a
// pty. stdout: "listening tcp H:P" or "pty PATH", then "console firmware=… prompt=… awake=… packs=…".
import { isConsoleFirmwareName } from "../../sim/pylon/console-firmware";
import { PylonConsoleSimulator, type PylonConsoleSimOptions } from "../../sim/pylon/console-sim";
import type { PylonStackSimulator } from "../../sim/pylon/stack";
import { CliError } from "./io";
import { logLine, portOption, runUntilSignal } from "./sim-args";

interface ConsoleValues {
  console?: boolean;
  firmware?: string;
  wake?: boolean;
  tcp?: string;
  host?: string;
  pty?: boolean;
  faults?: string;
}

/** The console options, or undefined without --console (refusing --firmware/--wake alone). */
export function consoleSimOptions(values: ConsoleValues): PylonConsoleSimOptions | undefined {
  if (!values.console) {
    if (values.firmware !== undefined || values.wake) throw new CliError("--firmware and --wake need --console", 2);
    return undefined;
  }
  const firmware = values.firmware ?? "us3000c";
  if (!isConsoleFirmwareName(firmware)) throw new CliError(`--firmware must be us3000c, us2000 or pytes, got "${firmware}"`, 2);
  if (values.faults) throw new CliError("--faults applies to the binary protocol, not to --console", 2);
  return { firmware, asleep: values.wake === true };
}

export async function serveConsole(stack: PylonStackSimulator, options: PylonConsoleSimOptions, values: ConsoleValues): Promise<number> {
  const sim = new PylonConsoleSimulator(stack, options);
  try {
    if (values.pty) {
      const pty = await sim.openPty();
      process.stdout.write(`pty ${pty.path}\n`);
    } else {
      const server = await sim.listenTcp({ host: values.host ?? "127.0.0.1", port: portOption(values.tcp, "tcp", 8899) });
      process.stdout.write(`listening tcp ${server.host}:${server.port}\n`);
    }
  } catch (err) {
    await sim.close();
    throw new CliError(`cannot start the simulator: ${(err as Error).message}`);
  }
  const models = stack.packs.map((p) => p.model).join(",");
  process.stdout.write(`console firmware=${sim.firmware.name} prompt=${sim.firmware.prompt} awake=${sim.awake} packs=${models}\n`);
  logLine(
    sim.awake
      ? `console of ${stack.packs.length} packs; Ctrl-C stops`
      : `console of ${stack.packs.length} packs, asleep until the wake-up frame (a pty/TCP carries no baud rate: the sim models the state, not the speed); Ctrl-C stops`,
  );
  return runUntilSignal(() => sim.close());
}
