// `lxp-pylon sim lxp`: a simulated LuxPower dongle + inverter on TCP and/or UDP until interrupted.
// stdout starts with one line per transport ("listening tcp H:P", "sending udp H:P"), then
// "identity datalog=… inverter=… protocol=…"; the log goes to stderr.
import { splitHostPort } from "../../nodes/lib/common/host";
import { LXP_FAULTS_SYNTAX, LxpDongleSimulator, parseLxpFaults } from "../../sim/lxp/dongle";
import { defineCommand } from "./command-spec";
import { CliError } from "./io";
import { logLine, numberOption, portOption, runUntilSignal } from "./sim-args";

export const simLxpCommand = defineCommand({
  name: "sim lxp",
  summary: "run a simulated LuxPower dongle with its inverter until interrupted",
  usage: ["[--tcp PORT] [--udp HOST:PORT [--broadcast]] [options]"],
  options: {
    tcp: { type: "string", value: "PORT", help: "serve the dongle's TCP server on this port (0 = any free port)", default: "8000 unless only --udp is given" },
    host: { type: "string", value: "H", help: "address to listen on (tcp) or send from (udp)", default: "127.0.0.1" },
    udp: { type: "string", value: "HOST:PORT", help: "also send every frame as a UDP datagram to HOST:PORT" },
    broadcast: { type: "boolean", help: "allow --udp to a broadcast address", default: "off" },
    protocol: { type: "string", value: "2|5", help: "frame protocol: 2 sends three 40-register banks, 5 one 0–126 reply", default: "2" },
    interval: { type: "string", value: "S", help: "seconds between input broadcasts (real seconds, not scaled by --speed)", default: "10" },
    heartbeat: { type: "string", value: "S", help: "seconds between heartbeats (real seconds, not scaled by --speed)", default: "60" },
    speed: { type: "string", value: "X", help: "simulated seconds per real second", default: "1" },
    faults: { type: "string", value: "LIST", help: `faults: ${LXP_FAULTS_SYNTAX}`, default: "none" },
    datalog: { type: "string", value: "D", help: "the dongle's 10-character serial", default: "BJ43900001" },
    inverter: { type: "string", value: "I", help: "the inverter's 10-character serial", default: "4390000001" },
    seed: { type: "string", value: "N", help: "random seed; the same seed gives the same values", default: "from the clock" },
  },
  notes: [
    'stdout starts with "listening tcp HOST:PORT" and/or "sending udp HOST:PORT", then',
    '"identity datalog=… inverter=… protocol=…"; the log goes to stderr. Ctrl-C exits 0.',
  ],
  examples: [
    "lxp-pylon sim lxp --tcp 8000",
    "lxp-pylon sim lxp --udp 127.0.0.1:9000 --protocol 5 --speed 600 --faults split,garbage,crc=10",
  ],
  async run({ values }) {
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
  },
});
