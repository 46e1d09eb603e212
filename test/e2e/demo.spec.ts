// `npm start` as a user runs it: no devices given, so it starts its own simulators (one system on
// one battery) and broker, deploys the examples, serves live data, and stops everything on SIGTERM.
import assert from "node:assert/strict";
import { sleep } from "../support/net";
import { NodeRedRuntime } from "../support/runtime";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the npm start demo with its own simulators", function () {
  this.timeout(90000);
  const red = new NodeRedRuntime();

  // Simulated time at the wall clock's pace, so snapshots taken seconds apart show nearly one moment.
  before(() => red.start({ DEMO: "1", SIM_SPEED: "1" }));
  after(() => red.stop());

  async function liveJson(path: string): Promise<any> {
    const deadline = Date.now() + 40000;
    while (Date.now() < deadline) {
      const res = await fetch(`${red.url}${path}`);
      if (res.status === 200) return res.json();
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`GET ${path} never answered 200`);
  }

  it("prints where everything is and deploys every example", () => {
    assert.match(red.log, /\[start\] simulated LuxPower dongle on 127\.0\.0\.1:\d+/);
    assert.match(red.log, /\[start\] simulated PylonTech stack \(3 packs\) on 127\.0\.0\.1:\d+, one battery with the simulated inverter/);
    assert.match(red.log, /\[start\] MQTT broker on 127\.0\.0\.1:\d+/);
    assert.match(red.log, /\[start\] deployed \d+ example flows: .*inverter control\.json/);
    assert.match(red.log, /\[start\] dashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard\/energy {2}\S+\/dashboard\/battery {2}\S+\/dashboard\/control/);
  });

  it("serves live inverter and battery data from the simulators", async () => {
    const lxp = await liveJson("/lxp");
    assert.equal(lxp.datalog, "BJ43900001");
    assert.ok(lxp.soc >= 10 && lxp.soc <= 100, `soc ${lxp.soc}`);
    assert.ok(typeof lxp.p_pv === "number");
    const pylon = await liveJson("/pylon");
    assert.equal(pylon.stack.pack_count, 3);
    assert.equal(pylon.packs[0].cell_voltages.length, 15);
  });

  /** Where an /lxp and a /pylon snapshot contradict each other about the one battery. */
  function contradictions(lxp: any, stack: any): string[] {
    const out: string[] = [];
    if (Math.abs(lxp.soc - stack.soc) > 2) out.push(`SOC ${lxp.soc} % vs ${stack.soc} %`);
    // LuxPower p_battery = p_charge − p_discharge, PylonTech current: + = charging in both.
    if (Math.abs(stack.current) >= 1 && Math.abs(lxp.p_battery) >= 50 && Math.sign(lxp.p_battery) !== Math.sign(stack.current)) {
      out.push(`p_battery ${lxp.p_battery} W vs ${stack.current} A`);
    }
    if (Math.abs(lxp.v_bat - stack.voltage) > 0.3) out.push(`${lxp.v_bat} V vs ${stack.voltage} V`);
    if (Math.abs(lxp.max_cell_voltage - stack.cell_max) > 0.02) out.push(`max cell ${lxp.max_cell_voltage} V vs ${stack.cell_max} V`);
    if (Math.abs(lxp.min_cell_voltage - stack.cell_min) > 0.02) out.push(`min cell ${lxp.min_cell_voltage} V vs ${stack.cell_min} V`);
    return out;
  }

  it("serves one battery: /lxp and /pylon agree on SOC, current direction, voltage and cells", async () => {
    // Each is a snapshot (broadcast every 5 s, poll every 10 s): a pair taken across a change of the
    // load may differ, so most pairs, taken 2 s apart over more than one poll, must agree.
    const PAIRS = 7;
    const disagreeing: string[] = [];
    for (let i = 0; i < PAIRS; i++) {
      if (i > 0) await sleep(2000);
      const lxp = await liveJson("/lxp");
      const { stack } = await liveJson("/pylon");
      const found = contradictions(lxp, stack);
      if (found.length > 0) disagreeing.push(found.join("; "));
    }
    assert.ok(disagreeing.length < PAIRS / 2, `${disagreeing.length} of ${PAIRS} pairs contradict each other: ${disagreeing.join(" | ")}`);
  });

  it("stops Node-RED and the simulators on SIGTERM", async () => {
    const pid = red.redPid!;
    assert.ok(alive(pid));
    const child = red.child!;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    assert.equal(alive(pid), false, "Node-RED is gone");
    assert.match(red.log, /Stopped flows/);
  });
});
