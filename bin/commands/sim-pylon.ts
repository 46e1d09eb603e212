// `lxp-pylon sim pylon`: a simulated PylonTech stack behind a TCP gateway or a socat pty until
// interrupted. stdout starts with "listening tcp H:P" or "pty PATH", then
// "stack mode=… packs=… addresses=…"; the log goes to stderr.
import { isPackModelName, PylonPackFaults, PylonPackModelName, PylonStackSimulator } from "../../sim/pylon/stack";
import { startBusSim } from "../../sim/pylon/bus-sim";
import { consoleSimOptions, serveConsole } from "./sim-pylon-console";
import { defineCommand } from "./command-spec";
import { CliError } from "./io";
import { logLine, numberOption, portOption, runUntilSignal } from "./sim-args";

export const PYLON_FAULTS_SYNTAX =
  "crc[=N|P] garbage[=BYTES] silent=PACK drop[=S] (comma-separated; crc=10 every 10th reply, crc=0.1 a probability; silent=2 mutes pack 2)";

interface PylonCliFaults {
  all: Partial<PylonPackFaults>;
  silentPacks: number[];
  dropEverySeconds: number;
}

function parsePylonFaults(spec: string | undefined): PylonCliFaults {
  const out: PylonCliFaults = { all: {}, silentPacks: [], dropEverySeconds: 0 };
  for (const item of (spec ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const [name, arg] = item.split("=", 2) as [string, string | undefined];
    const value = (fallback: number): number => {
      const v = arg === undefined ? fallback : Number(arg);
      if (!Number.isFinite(v) || v < 0) throw new CliError(`fault ${name} needs a number ≥ 0, got "${arg}"`, 2);
      return v;
    };
    if (name === "crc") {
      const v = value(10);
      if (v > 0 && v < 1) out.all.badChecksumProbability = v;
      else out.all.badChecksumEvery = Math.floor(v);
    } else if (name === "garbage") out.all.garbage = Buffer.alloc(Math.floor(value(5)), 0x55);
    else if (name === "silent" && arg !== undefined) out.silentPacks.push(value(1));
    else if (name === "drop") out.dropEverySeconds = value(30);
    else throw new CliError(`unknown fault "${item}"; known: ${PYLON_FAULTS_SYNTAX}`, 2);
  }
  return out;
}

function packsOption(value: string | undefined): number | PylonPackModelName[] {
  if (value === undefined) return 2;
  if (/^\d+$/.test(value)) return numberOption(value, "packs", 2, 1, 16);
  return value.split(",").map((s) => {
    const name = s.trim().toUpperCase();
    if (!isPackModelName(name)) throw new CliError(`--packs: unknown model "${name}" (use a count or US2000,US3000,…)`, 2);
    return name;
  });
}

export const simPylonCommand = defineCommand({
  name: "sim pylon",
  summary: "run a simulated PylonTech battery stack until interrupted",
  usage: ["[--tcp PORT | --pty] [options]"],
  options: {
    tcp: { type: "string", value: "PORT", help: "serve as an RS485-to-TCP gateway on this port (0 = any free port)", default: "8899" },
    host: { type: "string", value: "H", help: "address the TCP gateway listens on", default: "127.0.0.1" },
    pty: { type: "boolean", help: "serve on a pseudo-terminal instead of TCP (needs socat); its path is printed", default: "off" },
    packs: { type: "string", value: "N|MODELS", help: "number of packs (1–16) or their models, e.g. US3000,US2000,US3000", default: "2" },
    mode: { type: "string", value: "rs485|rs232", help: "answer as the RS485 bus or the console port (RS232)", default: "rs485" },
    faults: { type: "string", value: "LIST", help: `faults: ${PYLON_FAULTS_SYNTAX}`, default: "none" },
    latency: { type: "string", value: "MS", help: "delay before each reply", default: "0" },
    speed: { type: "string", value: "X", help: "simulated seconds per real second", default: "1" },
    seed: { type: "string", value: "N", help: "random seed; the same seed gives the same values", default: "from the clock" },
    master: { type: "boolean", help: "a simulated inverter polls the stack (0x44, 0x42 per pack); --tcp/--pty serve a listen-only bus tap of both directions", default: "off" },
    interval: { type: "string", value: "S", help: "with --master: seconds between the inverter's poll cycles", default: "2" },
    ver: { type: "string", value: "0x25|0x20", help: "with --master: VER byte of the inverter's requests and the packs' replies", default: "0x25" },
    console: { type: "boolean", help: "serve the master pack's text console (pylon>) instead of the binary protocol", default: "off" },
    firmware: { type: "string", value: "us3000c|us2000|pytes", help: "with --console: the console's tables, prompt and line ends", default: "us3000c" },
    wake: { type: "boolean", help: "with --console: start asleep until the wake-up frame arrives", default: "off" },
  },
  notes: [
    'stdout starts with "listening tcp HOST:PORT" or "pty PATH", then "stack mode=… packs=… addresses=…";',
    "the log goes to stderr. Ctrl-C exits 0.",
  ],
  examples: [
    "lxp-pylon sim pylon --tcp 8899 --packs US3000,US2000,US3000",
    "lxp-pylon sim pylon --pty --packs 3",
    "lxp-pylon sim pylon --master --tcp 8899 --packs 3 --interval 1",
    "lxp-pylon sim pylon --console --firmware pytes --wake --tcp 0",
  ],
  async run({ values }) {
    if (values.pty && values.tcp !== undefined) throw new CliError("give one of --tcp PORT or --pty", 2);
    const mode = values.mode ?? "rs485";
    if (mode !== "rs485" && mode !== "rs232") throw new CliError(`--mode must be rs485 or rs232, got "${mode}"`, 2);
    if (values.master && values.console) throw new CliError("give one of --master or --console", 2);
    if (values.master && mode !== "rs485") throw new CliError("--master polls an rs485 bus: leave --mode at rs485", 2);
    const ver = masterVer(values.ver);
    const faults = parsePylonFaults(values.faults);
    const packs = packsOption(values.packs);
    let stack: PylonStackSimulator;
    try {
      stack = new PylonStackSimulator({
        packs,
        mode,
        seed: numberOption(values.seed, "seed", Date.now() % 1_000_000),
        latencyMs: numberOption(values.latency, "latency", 0),
        timeScale: numberOption(values.speed, "speed", 1, 0.001),
        ver: values.master ? ver : undefined,
      });
    } catch (err) {
      throw err instanceof CliError ? err : new CliError((err as Error).message, 2);
    }
    for (const pack of stack.packs) Object.assign(pack.faults, faults.all);
    for (const n of faults.silentPacks) {
      const pack = stack.packs[n - 1];
      if (!pack) throw new CliError(`fault silent=${n}: the stack has ${stack.packs.length} packs`, 2);
      pack.faults.silent = true;
    }
    if (values.master) return serveMaster(stack, values, ver);
    const consoleOptions = consoleSimOptions(values);
    if (consoleOptions) return serveConsole(stack, consoleOptions, values);
    let dropTimer: NodeJS.Timeout | undefined;
    try {
      if (values.pty) {
        const pty = await stack.openPty();
        process.stdout.write(`pty ${pty.path}\n`);
      } else {
        const server = await stack.listenTcp({ host: values.host ?? "127.0.0.1", port: portOption(values.tcp, "tcp", 8899) });
        process.stdout.write(`listening tcp ${server.host}:${server.port}\n`);
        if (faults.dropEverySeconds > 0) dropTimer = setInterval(() => server.dropClients(), faults.dropEverySeconds * 1000);
      }
    } catch (err) {
      await stack.close();
      throw err instanceof CliError ? err : new CliError(`cannot start the simulator: ${(err as Error).message}`);
    }
    const models = stack.packs.map((p) => p.model).join(",");
    process.stdout.write(`stack mode=${stack.mode} packs=${models} addresses=${stack.addresses.join(",")}\n`);
    logLine(`simulating ${stack.packs.length} packs; Ctrl-C stops`);
    return runUntilSignal(async () => {
      clearInterval(dropTimer);
      await stack.close();
    });
  },
});

/** --ver: the two VER bytes real inverters were seen polling with. */
function masterVer(value: string | undefined): number {
  if (value === undefined) return 0x25;
  const n = Number(value);
  if (n !== 0x20 && n !== 0x25) throw new CliError(`--ver must be 0x25 or 0x20, got "${value}"`, 2);
  return n;
}

/** `--master`: the simulated inverter polls; listeners get the bus tap on TCP or a pty. */
async function serveMaster(stack: PylonStackSimulator, values: { tcp?: string; host?: string; pty?: boolean; interval?: string }, ver: number): Promise<number> {
  const intervalS = numberOption(values.interval, "interval", 2, 0.1, 3600);
  const tcp = { host: values.host ?? "127.0.0.1", port: portOption(values.tcp, "tcp", 8899) };
  const bus = await startBusSim(stack, { pty: values.pty, tcp, intervalS, ver }).catch(async (err: Error) => {
    await stack.close();
    throw new CliError(`cannot start the simulator: ${err.message}`);
  });
  process.stdout.write(`${bus.pty ? bus.where : `listening ${bus.where}`}\n`);
  process.stdout.write(`stack mode=${stack.mode} packs=${stack.packs.map((p) => p.model).join(",")} addresses=${stack.addresses.join(",")}\n`);
  process.stdout.write(`master ver=0x${ver.toString(16)} interval=${intervalS} tap=listen-only\n`);
  logLine(`a simulated inverter polls ${stack.packs.length} packs every ${intervalS} s; Ctrl-C stops`);
  return runUntilSignal(async () => {
    await bus.close();
    await stack.close();
    const { cycles, requests, replies } = bus.master.counts;
    logLine(`master: ${cycles} cycles, ${requests} requests, ${replies} replies; tap received ${bus.tap.bytesReceived} bytes from listeners`);
  });
}
