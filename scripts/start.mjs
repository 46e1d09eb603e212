// `npm start`: the demo. Starts a simulated LuxPower dongle, a simulated PylonTech stack and an MQTT
// broker (unless pointed at real ones), deploys the example flows against them, and runs Node-RED
// 4.1 on 127.0.0.1:1880 with this package from the working tree, Dashboard 2.0 and a throwaway
// user directory (.node-red-dev/, git-ignored). Ctrl-C stops everything it started.
//
// Environment (all optional):
//   PORT (1880), HOST (127.0.0.1), NODE_RED_USER_DIR (.node-red-dev)
//   LXP_HOST [LXP_PORT=8000]   a real dongle's TCP server instead of the simulator
//   LXP_UDP_PORT               listen for a real dongle's UDP datagrams instead
//   PYLON_PORT                 a real serial device (e.g. /dev/ttyUSB0) instead of the simulator
//   PYLON_TCP                  a real RS485-to-TCP gateway HOST:PORT instead
//   MQTT_HOST [MQTT_PORT=1883] a real broker instead of the built-in one
//   SIM_SPEED (12)             simulated seconds per second: a day in 2 hours (slow enough that
//                              the 10 s battery poll and the 5 s inverter broadcast agree on SOC)
//   DEMO=0                     plain Node-RED with the package: no simulators, no example flows
// When both devices are simulated they are one system: the stack's packs show the battery the
// inverter charges and discharges (sim/sim-system.ts), so both dashboards and /lxp and /pylon agree.
import { spawn } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);
const require = createRequire(import.meta.url);
const pkg = require(join(root, "package.json"));
const env = process.env;
const port = Number(env.PORT ?? 1880);
const host = env.HOST ?? "127.0.0.1";
const userDir = resolve(env.NODE_RED_USER_DIR ?? join(root, ".node-red-dev"));
const demo = env.DEMO !== "0";
const log = (line) => console.log(`[start] ${line}`);
const closers = [];
const simSpeed = Number(env.SIM_SPEED ?? 12);
const simulateLxp = !env.LXP_HOST && !env.LXP_UDP_PORT;
const simulatePylon = !env.PYLON_PORT && !env.PYLON_TCP;
/** Seconds between the simulated dongle's broadcasts (the examples poll the stack every 10 s). */
const LXP_BROADCAST_SECONDS = 5;
const DEMO_PACKS = ["US3000", "US2000", "US3000"];

/** The simulated dongle starts its day at 10:00, so the demo shows the sun at work straight away. */
function simulatedMorning() {
  const start = new Date();
  start.setHours(10, 0, 0, 0);
  return start;
}

const lxpSimOptions = () => ({ speed: simSpeed, intervalSeconds: LXP_BROADCAST_SECONDS, start: simulatedMorning() });

let system;
/** Both simulators on one battery, made on first use (only when neither device is real). */
function simSystem() {
  if (!system) {
    const { createSimSystem } = require(join(root, "dist", "sim", "sim-system.js"));
    system = createSimSystem({ seed: 42, packs: DEMO_PACKS, lxp: lxpSimOptions() });
    closers.push(() => system.close());
  }
  return system;
}

function prepareUserDir() {
  mkdirSync(join(userDir, "node_modules"), { recursive: true });
  // The package is linked, not installed, so edits + `npm run build` show up on the next start.
  const link = join(userDir, "node_modules", pkg.name);
  if (existsSync(link) || isLink(link)) rmSync(link, { recursive: true, force: true });
  symlinkSync(root, link, "dir");
  writeFileSync(join(userDir, "package.json"), JSON.stringify({ name: "node-red-dev", private: true }, null, 2));
  const settings = {
    uiHost: host,
    uiPort: port,
    flowFile: "flows.json",
    credentialSecret: false,
    telemetry: { enabled: false },
    editorTheme: { tours: false },
    logging: { console: { level: "info", metrics: false, audit: false } },
  };
  writeFileSync(join(userDir, "settings.js"), `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
}

function isLink(p) {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

async function lxpTarget() {
  if (env.LXP_HOST) return { transport: "tcp", host: env.LXP_HOST, port: Number(env.LXP_PORT ?? 8000) };
  if (env.LXP_UDP_PORT) return { transport: "udp", port: Number(env.LXP_UDP_PORT), bind: "0.0.0.0" };
  let sim;
  if (simulatePylon) {
    sim = simSystem().lxp;
  } else {
    const { LxpDongleSimulator } = require(join(root, "dist", "sim", "lxp", "dongle.js"));
    sim = new LxpDongleSimulator({ ...lxpSimOptions(), seed: 42 });
    closers.push(() => sim.close());
  }
  const server = await sim.listenTcp({ host: "127.0.0.1", port: 0 });
  log(`simulated LuxPower dongle on 127.0.0.1:${server.port} (datalog ${sim.datalog})`);
  return { transport: "tcp", host: "127.0.0.1", port: server.port };
}

async function pylonTarget() {
  if (env.PYLON_PORT) return { transport: "serial", path: env.PYLON_PORT };
  if (env.PYLON_TCP) {
    const [h, p] = env.PYLON_TCP.split(":");
    return { transport: "tcp", host: h, port: Number(p) };
  }
  let sim;
  if (simulateLxp) {
    sim = simSystem().pylon;
  } else {
    const { PylonStackSimulator } = require(join(root, "dist", "sim", "pylon", "stack.js"));
    sim = new PylonStackSimulator({ packs: DEMO_PACKS, seed: 42, timeScale: simSpeed });
    closers.push(() => sim.close());
  }
  const server = await sim.listenTcp({ host: "127.0.0.1", port: 0 });
  const shared = simulateLxp ? ", one battery with the simulated inverter" : "";
  log(`simulated PylonTech stack (${sim.packs.length} packs) on 127.0.0.1:${server.port}${shared}`);
  return { transport: "tcp", host: "127.0.0.1", port: server.port };
}

async function mqttTarget() {
  if (env.MQTT_HOST) return { host: env.MQTT_HOST, port: Number(env.MQTT_PORT ?? 1883) };
  const { Aedes } = require("aedes");
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const brokerPort = server.address().port;
  closers.push(() => new Promise((ok) => broker.close(() => server.close(() => ok()))));
  log(`MQTT broker on 127.0.0.1:${brokerPort}`);
  return { host: "127.0.0.1", port: brokerPort };
}

async function writeDemoFlows() {
  const { loadExampleFlows, combineFlows, pointAtDevices } = require(join(root, "dist", "sim", "demo-flows.js"));
  const targets = { lxp: await lxpTarget(), pylon: await pylonTarget(), mqtt: await mqttTarget(), fileDir: userDir };
  // The inverter control page writes to the inverter: demo it only against a simulator on this machine.
  const realDongle = targets.lxp.transport === "udp" || !["127.0.0.1", "localhost", "::1"].includes(targets.lxp.host);
  const examples = loadExampleFlows(join(root, "examples")).filter((e) => !(realDongle && e.file.includes("inverter control")));
  const flow = pointAtDevices(combineFlows(examples.map((e) => e.flow)), targets);
  writeFileSync(join(userDir, "flows.json"), JSON.stringify(flow, null, 2));
  log(`deployed ${examples.length} example flows: ${examples.map((e) => e.file).join(", ")}`);
  return examples.map((e) => e.file);
}

async function stopAll() {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
}

async function main() {
  prepareUserDir();
  const deployed = demo ? await writeDemoFlows() : [];
  const red = require.resolve("node-red/red.js");
  const child = spawn(process.execPath, [red, "--userDir", userDir, "--port", String(port)], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  log(`Node-RED (pid ${child.pid}) with ${pkg.name} from ${root}`);
  log(`editor:    http://${host}:${port}/`);
  if (demo) {
    const pages = ["energy", "battery"];
    if (deployed.some((file) => file.includes("inverter control"))) pages.push("control");
    log(`dashboard: ${pages.map((page) => `http://${host}:${port}/dashboard/${page}`).join("  ")}`);
    log(`JSON:      http://${host}:${port}/lxp  and  http://${host}:${port}/pylon`);
  }
  log(`user dir:  ${userDir}   (Ctrl-C stops everything)`);
  const stop = (signal) => {
    if (child.exitCode === null) child.kill(signal);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  child.on("exit", (code, signal) => {
    void stopAll().then(() => process.exit(code ?? (signal ? 0 : 1)));
  });
}

main().catch(async (err) => {
  console.error(`[start] ${err.stack ?? err}`);
  await stopAll();
  process.exit(1);
});
