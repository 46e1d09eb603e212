// The demo in a real browser: `npm start`'s script with the example flows pointed at simulators
// this test owns, Debian's Chromium driven by playwright-core. The dashboard must show the
// simulators' current values, and one card per simulated pack. Screenshots go to test-output/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { LxpDongleSimulator } from "../../sim/lxp-dongle";
import { PylonStackSimulator } from "../../sim/pylon-stack";
import { NodeRedRuntime } from "../support/runtime";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = join(__dirname, "..", "..", "test-output", "screenshots");

describe("dashboard pages in Chromium", function () {
  this.timeout(90000);
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
    const noon = new Date();
    noon.setHours(12, 0, 0, 0);
    lxp = new LxpDongleSimulator({ clock: "manual", start: noon, intervalSeconds: 1, heartbeatSeconds: 0, seed: 9 });
    pylon = new PylonStackSimulator({ packs: ["US3000", "US2000", "US3000", "US2000"], clock: "manual", seed: 9 });
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
    await lxp?.close();
    await pylon?.close();
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

  it("the inverter control page switches AC charging on the simulated inverter (verified write)", async () => {
    const AC_CHARGE_BIT = 1 << 7;
    const before = lxp.holds[21];
    assert.equal(before & AC_CHARGE_BIT, 0, "the simulator starts with AC charging off");
    await page.goto(`${red.url}/dashboard/control`);
    const toggle = page.locator("#nrdb-ui-widget-lxp-pylon-control-switch-ac input");
    await toggle.waitFor({ state: "attached", timeout: 30000 });
    // Vuetify overlays the checkbox with its own track; click the input itself.
    await toggle.click({ force: true });
    const deadline = Date.now() + 20000;
    while ((lxp.holds[21] & AC_CHARGE_BIT) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(lxp.holds[21], before | AC_CHARGE_BIT, "only bit 7 of register 21 changed");
    await page.locator("#nrdb-ui-widget-lxp-pylon-control-text-result", { hasText: /ok/i }).waitFor({ timeout: 20000 });
    await page.screenshot({ path: join(SHOTS, "control.png") });
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
});
