// The demo in a real browser: `npm start`'s script with the example flows pointed at a simulated
// system this test owns (inverter and stack on one battery, time frozen), Debian's Chromium driven
// by playwright-core. The dashboards must show "waiting for data" before the first values, then the
// simulators' values; the Energy and Battery pages, and /lxp and /pylon, must tell the same story
// about the battery. Screenshots go to test-output/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { DeviceFunction, LxpFrame } from "../../nodes/lib/lxp/codec";
import { LxpDongleSimulator } from "../../sim/lxp/dongle";
import { PylonStackSimulator } from "../../sim/pylon/stack";
import { createSimSystem, SimSystem } from "../../sim/sim-system";
import { waitFor } from "../support/net";
import { NodeRedRuntime } from "../support/runtime";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = join(__dirname, "..", "..", "test-output", "screenshots");

describe("dashboard pages in Chromium", function () {
  this.timeout(90000);
  let system: SimSystem | undefined;
  let lxp: LxpDongleSimulator;
  let pylon: PylonStackSimulator;
  let browser: Browser | undefined;
  let page: Page;
  const red = new NodeRedRuntime();

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      (skipped: ${CHROMIUM} not found; apt-get install chromium)`);
      this.skip();
    }
    // A midsummer noon with this seed: the sun is up and the battery charges at about 1.8 kW.
    const noon = new Date(2024, 5, 21, 12, 0, 0);
    system = createSimSystem({
      seed: 9,
      packs: ["US3000", "US2000", "US3000", "US2000"],
      lxp: { clock: "manual", start: noon, intervalSeconds: 1, heartbeatSeconds: 0 },
    });
    ({ lxp, pylon } = system);
    lxp.setSilent(true); // until the first test has seen the pages wait for data (later ones send)
    const lxpServer = await lxp.listenTcp({ host: "127.0.0.1", port: 0 });
    const pylonServer = await pylon.listenTcp({ host: "127.0.0.1", port: 0 });
    await red.start({
      DEMO: "1",
      LXP_HOST: "127.0.0.1",
      LXP_PORT: String(lxpServer.port),
      PYLON_TCP: `127.0.0.1:${pylonServer.port}`,
    });
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await red.stop();
    await system?.close();
  });

  /** GET a JSON endpoint of the demo, waiting until it has data (it answers 503 before). */
  async function liveJson(path: string): Promise<any> {
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      const res = await fetch(`${red.url}${path}`);
      if (res.status === 200) return res.json();
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`GET ${path} never answered 200`);
  }

  /** The CSS content of an element's ::after (the "waiting for data" overlay), "none" without one. */
  const afterContent = (selector: string): Promise<string> =>
    page.locator(selector).evaluate((el) => getComputedStyle(el, "::after").content);

  it("the energy overview shows 'waiting for data' in its gauges until the inverter's first values", async () => {
    await page.goto(`${red.url}/dashboard/energy`);
    const gauges = ["soc", "pv", "battery", "grid", "load"].map((g) => `.lxp-gauge-${g}`);
    for (const gauge of gauges) {
      await page.locator(gauge).waitFor({ timeout: 30000 });
      assert.equal(await afterContent(gauge), '"waiting for data"', gauge);
      assert.equal(await page.locator(`${gauge}.lxp-live`).count(), 0, `${gauge} is not live yet`);
    }
    // The battery gauge's "0%" is hidden, not shown in red.
    assert.equal(await page.locator(".lxp-gauge-soc .nrdb-ui-gauge-battery--bglabel").isVisible(), false);
    await page.screenshot({ path: join(SHOTS, "energy-waiting.png") });

    lxp.setSilent(false);
    const soc = lxp.inputs()[5] & 0xff;
    await page.locator(".lxp-gauge-soc.lxp-live", { hasText: `${soc}%` }).waitFor({ timeout: 30000 });
    for (const gauge of gauges) {
      await page.locator(`${gauge}.lxp-live`).waitFor({ timeout: 30000 });
      assert.equal(await afterContent(gauge), "none", `${gauge} without the overlay`);
    }
  });

  // Every test from here on needs the inverter sending (the one above runs first: it needs silence).
  describe("with the simulators sending", () => {
    before(() => lxp.setSilent(false));

    it("the demo's HTTP endpoints serve the simulators' live values", async () => {
      const inputs = lxp.inputs();
      const latest = await liveJson("/lxp");
      assert.equal(latest.soc, inputs[5] & 0xff);
      assert.equal(latest.p_pv, inputs[7] + inputs[8] + inputs[9]);
      assert.equal(latest.datalog, lxp.datalog);
      const stack = await liveJson("/pylon");
      assert.equal(stack.packs.length, 4);
      for (const pack of stack.packs) assert.deepEqual(pack.cell_voltages, pylon.pack(pack.address).cellVoltages);
    });

    it("/lxp and /pylon agree on the battery: SOC, direction of the current, voltage, cells", async () => {
      const inverter = await liveJson("/lxp");
      const { stack } = await liveJson("/pylon");
      assert.ok(Math.abs(inverter.soc - stack.soc) <= 2, `SOC ${inverter.soc} % vs ${stack.soc} %`);
      // LuxPower p_battery = p_charge − p_discharge and PylonTech current: + = charging in both.
      assert.ok(inverter.p_battery > 1000 && stack.current > 15, `charging: ${inverter.p_battery} W vs ${stack.current} A`);
      assert.ok(Math.abs(inverter.bat_current - stack.current) <= 0.5, `${inverter.bat_current} A vs ${stack.current} A`);
      assert.ok(Math.abs(inverter.v_bat - stack.voltage) <= 0.15, `${inverter.v_bat} V vs ${stack.voltage} V`);
      assert.ok(Math.abs(inverter.max_cell_voltage - stack.cell_max) <= 0.01, `max cell ${inverter.max_cell_voltage} vs ${stack.cell_max}`);
      assert.ok(Math.abs(inverter.min_cell_voltage - stack.cell_min) <= 0.01, `min cell ${inverter.min_cell_voltage} vs ${stack.cell_min}`);
    });

    it("the energy overview shows the inverter's current SOC and PV power in its gauges", async () => {
      const inputs = lxp.inputs();
      const soc = inputs[5] & 0xff;
      const pv = inputs[7] + inputs[8] + inputs[9];
      assert.ok(pv > 0, "the simulated sun is up at noon");
      await page.goto(`${red.url}/dashboard/energy`);
      await page.locator(".lxp-gauge-soc", { hasText: `${soc}%` }).waitFor({ timeout: 30000 });
      await page.locator(".lxp-gauge-pv", { hasText: String(pv) }).waitFor({ timeout: 30000 });
      const eToday = ((inputs[28] + inputs[29] + inputs[30]) / 10).toFixed(1);
      await page.locator(".lxp-energy-e_pv_day", { hasText: `${eToday} kWh` }).waitFor({ timeout: 30000 });
      await page.screenshot({ path: join(SHOTS, "energy.png") });
    });

    it("the Energy and Battery pages agree on SOC and on whether the battery charges", async () => {
      await page.goto(`${red.url}/dashboard/energy`);
      // A freshly loaded gauge can carry its class before it has drawn its value (it reads "0%"
      // for a moment): wait until it shows the simulator's SOC and a battery power.
      const simSoc = lxp.inputs()[5] & 0xff;
      const socLabel = page.locator(".lxp-gauge-soc.lxp-live .nrdb-ui-gauge-battery--bglabel", { hasText: `${simSoc}%` });
      await socLabel.waitFor({ timeout: 30000 });
      const energySoc = Number((await socLabel.innerText()).replace("%", ""));
      const batteryValue = page.locator(".lxp-gauge-battery.lxp-live .nrdb-ui-gauge-value span");
      await page.waitForFunction(
        (el) => el !== null && Number(el.textContent) !== 0,
        await batteryValue.elementHandle({ timeout: 30000 }),
        { timeout: 30000 },
      );
      const batteryWatts = Number(await batteryValue.innerText());
      await page.goto(`${red.url}/dashboard/battery`);
      await page.locator(".pack-card").nth(3).waitFor({ timeout: 30000 });
      const stackSoc = Number(await page.locator(".stack-soc").getAttribute("data-value"));
      const stackWatts = Number(await page.locator(".stack-power").getAttribute("data-value"));
      const packAmps = await page.locator(".pack-current").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-value"))));
      assert.ok(Math.abs(energySoc - stackSoc) <= 2, `Energy page ${energySoc} %, Battery page ${stackSoc} %`);
      assert.ok(batteryWatts > 1000, `the Energy page shows charging: ${batteryWatts} W`);
      assert.ok(stackWatts > 1000, `the Battery page shows charging: ${stackWatts} W`);
      assert.ok(Math.abs(batteryWatts - stackWatts) <= 30, `${batteryWatts} W vs ${stackWatts} W`);
      assert.equal(packAmps.length, 4);
      for (const amps of packAmps) assert.ok(amps > 0, `every pack charges: ${packAmps.join(", ")} A`);
    });

    it("the battery page shows one card per simulated pack with its cells, SOC and Ah", async () => {
      await page.goto(`${red.url}/dashboard/battery`);
      await page.locator(".pack-card").nth(3).waitFor({ timeout: 30000 });
      assert.equal(await page.locator(".pack-card").count(), 4);
      for (const address of [2, 3, 4, 5]) {
        const model = pylon.pack(address);
        const card = page.locator(`.pack-card[data-address="${address}"]`);
        const cells = await card.locator(".cell").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-value"))));
        assert.deepEqual(cells, model.cellVoltages, `pack ${address} cells`);
        const soc = await card.locator(".pack-soc").innerText();
        assert.equal(soc.trim(), `${model.analogValues().soc!.toFixed(1)} %`);
        assert.equal(Number(await card.locator(".pack-ah").getAttribute("data-total")), model.totalAh);
      }
      await page.screenshot({ path: join(SHOTS, "battery.png"), fullPage: true });
    });

    it("the charge-rate slider shows its value without dragging and writes what the arrow keys set", async () => {
      const CHARGE_RATE = 64;
      // The page shows what the inverter held when it was read; two arrow steps of 5 move away from it.
      const start = lxp.holds[CHARGE_RATE];
      const step = start >= 10 ? -5 : 5;
      const written: number[] = [];
      lxp.on("request", (f: LxpFrame) => {
        if (f.kind === "translated" && f.deviceFunction === DeviceFunction.WRITE_SINGLE && "value" in f && f.register === CHARGE_RATE) written.push(f.value);
      });
      await page.goto(`${red.url}/dashboard/control`);
      const slider = page.locator("#nrdb-ui-widget-lxp-pylon-control-slider-rate");
      await page.locator("#nrdb-ui-widget-lxp-pylon-control-slider-rate.lxp-live").waitFor({ timeout: 30000 });
      const label = slider.locator(".v-slider-thumb__label");
      // The widget can take its class a moment before it draws the value (it reads 0 meanwhile).
      await slider.locator(".v-slider-thumb__label", { hasText: new RegExp(`^\\s*${start}\\s*$`) }).waitFor({ timeout: 30000 });
      assert.equal(await label.isVisible(), true, "the value is on the thumb");
      assert.equal((await label.innerText()).trim(), String(start));
      await slider.locator(".v-slider-thumb").focus();
      const key = step < 0 ? "ArrowLeft" : "ArrowRight";
      await page.keyboard.press(key);
      await page.keyboard.press(key);
      const end = start + 2 * step;
      assert.equal((await label.innerText()).trim(), String(end));
      await waitFor(() => lxp.holds[CHARGE_RATE] !== start, 20000, "the charge rate to be written");
      assert.equal(lxp.holds[CHARGE_RATE], end, "the value the slider rests at");
      assert.equal(written.at(-1), end);
      assert.ok(written.every((v) => v === start + step || v === end), `writes ${written.join(", ")}: only values the slider passed`);
      await page.locator("#nrdb-ui-widget-lxp-pylon-control-text-result", { hasText: /set\/charge_rate_pct: ok/ }).waitFor({ timeout: 20000 });
    });

    it("the inverter control flow reads left to right and fits the editor of a 1280×800 window", async () => {
      const TAB = "lxp-pylon-control-tab";
      await page.setViewportSize({ width: 1280, height: 800 });
      try {
        await page.goto(`${red.url}/#flow/${TAB}`);
        await page.waitForFunction((tab) => {
          const red = (window as any).RED;
          return red?.workspaces?.active?.() === tab && red.nodes.filterNodes({ z: tab }).every((n: any) => n.w > 0);
        }, TAB, { timeout: 30000 });
        interface EditorNode {
          id: string;
          x: number;
          y: number;
          w: number;
          h: number;
          wires: string[][];
        }
        const editor = await page.evaluate((tab): { width: number; height: number; scale: number; nodes: EditorNode[] } => {
          const red = (window as any).RED;
          const chart = document.getElementById("red-ui-workspace-chart")!;
          const nodes = red.nodes.filterNodes({ z: tab }).map((n: any) => ({ id: n.id, x: n.x, y: n.y, w: n.w, h: n.h, wires: n.wires ?? [] }));
          return { width: chart.clientWidth, height: chart.clientHeight, scale: red.view.scale(), nodes };
        }, TAB);
        assert.equal(editor.scale, 1);
        const file = JSON.parse(readFileSync(join(__dirname, "..", "..", "examples", "dashboard", "inverter control.json"), "utf8")) as any[];
        assert.deepEqual(editor.nodes.map((n) => n.id).sort(), file.filter((n) => n.z === TAB).map((n) => n.id).sort(), "every node of the tab");
        const byId = new Map(editor.nodes.map((n) => [n.id, n]));
        for (const n of editor.nodes) {
          const box = `${n.id} at ${n.x - n.w / 2}..${n.x + n.w / 2} × ${n.y - n.h / 2}..${n.y + n.h / 2}`;
          assert.ok(n.x - n.w / 2 >= 0 && n.y - n.h / 2 >= 0, `${box} starts off the canvas`);
          assert.ok(n.x + n.w / 2 <= editor.width && n.y + n.h / 2 <= editor.height, `${box} is cut off by the ${editor.width}×${editor.height} workspace`);
          for (const target of n.wires.flat()) {
            const t = byId.get(target)!;
            assert.ok(n.x + n.w / 2 < t.x - t.w / 2, `${n.id} → ${target} runs backwards`);
          }
        }
        await page.screenshot({ path: join(SHOTS, "control-flow.png") });
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });

    it("the inverter control page switches AC charging on the simulated inverter (verified write)", async () => {
      const AC_CHARGE_BIT = 1 << 7;
      const before = lxp.holds[21];
      const wanted = before ^ AC_CHARGE_BIT; // the switch shows the current setting; a click flips it
      await page.goto(`${red.url}/dashboard/control`);
      const toggle = page.locator("#nrdb-ui-widget-lxp-pylon-control-switch-ac input");
      await toggle.waitFor({ state: "attached", timeout: 30000 });
      // Vuetify overlays the checkbox with its own track; click the input itself.
      await toggle.click({ force: true });
      const deadline = Date.now() + 20000;
      while (lxp.holds[21] === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(lxp.holds[21], wanted, "only bit 7 of register 21 changed");
      await page.locator("#nrdb-ui-widget-lxp-pylon-control-text-result", { hasText: /ok/i }).waitFor({ timeout: 20000 });
      await page.screenshot({ path: join(SHOTS, "control.png") });
    });
  });
});
