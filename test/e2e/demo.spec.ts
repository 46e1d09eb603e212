// `npm start` as a user runs it: no devices given, so it starts its own simulators and broker,
// deploys the examples, serves live data, and stops everything on SIGTERM.
import assert from "node:assert/strict";
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

  before(() => red.start({ DEMO: "1", SIM_SPEED: "600" }));
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
    assert.match(red.log, /\[start\] simulated PylonTech stack \(3 packs\) on 127\.0\.0\.1:\d+/);
    assert.match(red.log, /\[start\] MQTT broker on 127\.0\.0\.1:\d+/);
    assert.match(red.log, /\[start\] deployed \d+ example flows: .*inverter control\.json/);
    assert.match(red.log, /\[start\] dashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard\/energy/);
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
