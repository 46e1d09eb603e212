// `lxp-pylon sim lxp`: a simulated LuxPower dongle + inverter on TCP and/or UDP until interrupted.
// stdout starts with one line per transport ("listening tcp H:P", "sending udp H:P"), then
// "identity datalog=… inverter=… protocol=…"; the log goes to stderr.
import { parseArgs } from "node:util";
import { splitHostPort } from "../../nodes/lib/dongle-config";
import { LxpDongleSimulator, parseLxpFaults } from "../../sim/lxp-dongle";
import { CliError } from "./io";
import { logLine, numberOption, portOption, runUntilSignal } from "./sim-args";

export async function simLxpCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      tcp: { type: "string" },
      host: { type: "string" },
      udp: { type: "string" },
      broadcast: { type: "boolean" },
      protocol: { type: "string" },
      interval: { type: "string" },
      heartbeat: { type: "string" },
      speed: { type: "string" },
      faults: { type: "string" },
      datalog: { type: "string" },
      inverter: { type: "string" },
      seed: { type: "string" },
    },
  });
  const protocol = numberOption(values.protocol, "protocol", 2, 2, 5);
  if (protocol !== 2 && protocol !== 5) throw new CliError(`--protocol must be 2 or 5, got "${values.protocol}"`, 2);
  const tcpPort = values.tcp !== undefined || values.udp === undefined ? portOption(values.tcp, "tcp", 8000) : undefined;
  let udpTarget: { host: string; port: number } | undefined;
  let sim: LxpDongleSimulator;
  try {
    udpTarget = values.udp === undefined ? undefined : splitHostPort(values.udp, 0);
    if (udpTarget && !(udpTarget.port > 0)) throw new Error(`--udp needs HOST:PORT, got "${values.udp}"`);
    sim = new LxpDongleSimulator({
      protocol,
      intervalSeconds: numberOption(values.interval, "interval", 10),
      heartbeatSeconds: numberOption(values.heartbeat, "heartbeat", 60),
      speed: numberOption(values.speed, "speed", 1, 0.001),
      seed: numberOption(values.seed, "seed", Date.now() % 1_000_000),
      datalog: values.datalog,
      inverter: values.inverter,
      faults: values.faults === undefined ? undefined : parseLxpFaults(values.faults),
    });
  } catch (err) {
    throw err instanceof CliError ? err : new CliError((err as Error).message, 2);
  }
  sim.on("clients", (n) => logLine(`${n} tcp client${n === 1 ? "" : "s"} connected`));
  sim.on("bad-frame", (err) => logLine(`bad frame from a client: ${err.message}`));
  try {
    if (tcpPort !== undefined) {
      const server = await sim.listenTcp({ host: values.host ?? "127.0.0.1", port: tcpPort });
      process.stdout.write(`listening ${server.description}\n`);
    }
    if (udpTarget) {
      // Loopback targets are sent from loopback; others need an interface that reaches them.
      const bindHost = values.host ?? (udpTarget.host.startsWith("127.") || udpTarget.host === "localhost" ? "127.0.0.1" : undefined);
      const sender = await sim.sendUdp({ ...udpTarget, broadcast: values.broadcast, bindHost });
      process.stdout.write(`sending ${sender.description}\n`);
    }
  } catch (err) {
    await sim.close();
    throw new CliError(`cannot start the simulator: ${(err as Error).message}`);
  }
  process.stdout.write(`identity datalog=${sim.datalog} inverter=${sim.inverter} protocol=${sim.protocol}\n`);
  logLine(`simulating at ${sim.clock.speed}× speed, broadcasts every ${sim.intervalSeconds} s; Ctrl-C stops`);
  return runUntilSignal(() => sim.close());
}
