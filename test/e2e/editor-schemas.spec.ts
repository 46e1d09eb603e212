// The edit dialogs in a real browser: the Node-RED editor loads resources/config-schemas.js and
// editor-validators.js as plain scripts, and each node registers its defaults from its declared
// schema, without a script error. Needs Chromium (skipped without it, like the dashboard tests).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { CONFIG_SCHEMAS, type NodeType } from "../../nodes/lib/common/config-schema";
import { NodeRedRuntime } from "../support/runtime";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TYPES = Object.keys(CONFIG_SCHEMAS) as NodeType[];

describe("edit dialogs in the browser (config schemas)", function () {
  this.timeout(90000);
  let browser: Browser | undefined;
  let page: Page;
  const errors: string[] = [];
  const requests: string[] = [];
  const red = new NodeRedRuntime();

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      (skipped: ${CHROMIUM} not found; apt-get install chromium)`);
      this.skip();
    }
    await red.start();
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("pageerror", (err) => errors.push(err.message));
    // The editor catches an error in a node's own script and logs it as "[module] error".
    page.on("console", (m) => void (m.text().startsWith("[node-red-contrib-lxp-pylon]") && errors.push(`console: ${m.text()}`)));
    page.on("requestfinished", (r) => requests.push(r.url().replace(red.url, "")));
    page.on("requestfailed", (r) => requests.push(`FAILED ${r.url().replace(red.url, "")}`));
    // Loopback only: the editor also asks the internet (the palette catalogue), which a test must not wait for.
    await page.route((url) => url.hostname !== "127.0.0.1", (route) => route.abort());
    await page.goto(red.url, { waitUntil: "load" });
    const registered = `${JSON.stringify(TYPES)}.every((t) => window.RED && RED.nodes && RED.nodes.getType && RED.nodes.getType(t))`;
    try {
      await page.waitForFunction(registered, undefined, { timeout: 60000 });
    } catch (err) {
      const state = await page.evaluate(`[typeof RED, document.readyState, document.title, ${JSON.stringify(TYPES)}.map((t) => !!(window.RED && RED.nodes && RED.nodes.getType && RED.nodes.getType(t)))]`);
      throw new Error(`${(err as Error).message}; page ${JSON.stringify(state)}; requests ${requests.slice(-15).join(", ")}; errors ${errors.join(" | ")}`);
    }
  });

  after(async () => {
    await browser?.close();
    await red.stop();
  });

  it("registers every node with the declared defaults and the current config version", async () => {
    // Expressions as text: tsx would add helpers to a function that the page does not have.
    const registered = (await page.evaluate(
      `Object.fromEntries(${JSON.stringify(TYPES)}.map((t) => [t, Object.fromEntries(Object.entries(RED.nodes.getType(t).defaults).map(([k, d]) => [k, d.value]))]))`,
    )) as Record<string, Record<string, unknown>>;
    for (const type of TYPES) {
      const schema = CONFIG_SCHEMAS[type];
      const expected = Object.fromEntries(schema.fields.filter((f) => f.editor !== false).map((f) => [f.key, f.default]));
      assert.deepEqual(registered[type], { ...expected, configVersion: schema.version }, type);
    }
    assert.deepEqual(errors, [], "no script error in the editor");
  });

  it("opens and closes a node saved before config versions without changing it", async () => {
    const flow = [{ id: "old1", type: "lxp-request", z: "", name: "old", dongle: "", command: "sync_time", value: "", timeout: "20", retries: "2", autoSync: "0", x: 200, y: 100, wires: [[]] }];
    await page.evaluate(`RED.view.importNodes(${JSON.stringify(flow)}, { generateIds: false })`);
    const depth = await page.evaluate("RED.history.depth()");
    await page.evaluate(`RED.editor.edit(RED.nodes.node("old1"))`);
    await page.waitForSelector("#node-input-timeout", { state: "visible" });
    assert.equal(await page.inputValue("#node-input-timeout"), "20", "the dialog shows the saved value");
    await page.click("#node-dialog-ok");
    await page.waitForSelector("#node-input-timeout", { state: "detached" });
    assert.equal(await page.evaluate("RED.history.depth()"), depth, "no edit recorded: nothing changed");
    const node = (await page.evaluate(`(({ configVersion, timeout, retries }) => ({ configVersion, timeout, retries }))(RED.nodes.node("old1"))`)) as Record<string, unknown>;
    assert.deepEqual(node, { configVersion: undefined, timeout: "20", retries: "2" });
    assert.deepEqual(errors, []);
  });

  it("checks values with the validators built from the schemas", async () => {
    const cases: Array<[string, string, string, Record<string, string>]> = [
      ["pylon-poll", "packs", "17", {}],
      ["pylon-poll", "packs", "auto", {}],
      ["pylon-port", "timeout", "50", {}],
      ["lxp-dongle", "watchdog", "5", { transport: "tcp" }],
      ["lxp-dongle", "host", "", { transport: "udp" }],
      ["pylon-port", "baud", "4800", { transport: "serial" }],
    ];
    const verdicts = await page.evaluate(
      `${JSON.stringify(cases)}.map(([type, key, value, node]) => RED.nodes.getType(type).defaults[key].validate.call(node, value, {}))`,
    );
    assert.deepEqual(verdicts, [
      'packs must be "auto" or a whole number from 1 to 16',
      true,
      "reply timeout (ms) must be a number from 100 to 30000",
      "silence watchdog (s) must be at least 60 (or 0 for off): a smaller value is raised to 60 when deployed",
      true,
      "baud rate must be 115200, 9600 or 1200 (empty = default)",
    ]);
  });

  it("shows the English texts of the message catalogs (nodes/locales/en-US): palette, dialog labels, placeholders, options, tips", async () => {
    const palette = await page.evaluate(`["lxp-in", "lxp-request", "pylon-poll"].map((t) => RED.nodes.getType(t).paletteLabel)`);
    assert.deepEqual(palette, ["lxp in", "lxp request", "pylon poll"]);
    // The runtime registered each node's catalog (the editor got it from /locales/<module>/<node>).
    const runtimeText = await page.evaluate(`RED._("node-red-contrib-lxp-pylon/lxp-in:lxp-in.status.badFrames", { count: 3 })`);
    assert.equal(runtimeText, "3 bad frames");
    const shown = await page.evaluate(`[...document.querySelectorAll("#red-ui-palette .red-ui-palette-label")].map((e) => e.textContent.replace(/\\s+/g, " ").trim())`);
    for (const label of ["lxp in", "lxp request", "pylon poll"]) assert.ok((shown as string[]).includes(label), `palette shows "${label}"`);
    const flow = [{ id: "dongle1", type: "lxp-dongle", transport: "udp", port: "8001" }];
    await page.evaluate(`RED.view.importNodes(${JSON.stringify(flow)}, { generateIds: false })`);
    await page.evaluate(`RED.editor.editConfig("", "lxp-dongle", "dongle1")`);
    await page.waitForSelector("#node-config-input-bind", { state: "visible" });
    // Not deployed: the Statistics section says so (the stats endpoint answered 404).
    await page.waitForFunction(`document.querySelector("#lxp-dongle-stats").textContent.startsWith("not deployed yet")`, undefined, { timeout: 10000 });
    const dialog = (await page.evaluate(`({
      bind: document.querySelector("label[for=node-config-input-bind]").textContent.trim(),
      placeholder: document.querySelector("#node-config-input-bind").getAttribute("placeholder"),
      writes: document.querySelector("#node-config-input-allowWrites + span").innerHTML,
      options: [...document.querySelectorAll("#node-config-input-transport option")].map((o) => o.textContent),
      tip: document.querySelector("#lxp-dongle-tip").textContent,
    })`)) as Record<string, unknown>;
    await page.evaluate(`document.querySelector("#node-config-dialog-cancel").click()`); // a notification may cover it
    assert.deepEqual(dialog, {
      bind: "Listen on",
      placeholder: "0.0.0.0 (all IPv4 interfaces)",
      writes: "allow <code>lxp-request</code> to change inverter settings",
      options: ["TCP client (dongle is the TCP server)", "UDP listener"],
      tip: "Listens for datagrams the dongle sends to this machine. Port is the local port to listen on; set Source to accept only one dongle's address.",
    });
    assert.deepEqual(errors, [], "no script error in the editor");
  });

  it("the pylon-port dialog has a Statistics section too, asking the stats endpoint for its link", async () => {
    const flow = [{ id: "port1", type: "pylon-port", transport: "tcp", host: "127.0.0.1", port: "8899" }];
    await page.evaluate(`RED.view.importNodes(${JSON.stringify(flow)}, { generateIds: false })`);
    await page.evaluate(`RED.editor.editConfig("", "pylon-port", "port1")`);
    await page.waitForSelector("#pylon-port-stats", { state: "attached" });
    // Not deployed: the endpoint answers 404 and the section says so in the catalog's words.
    await page.waitForFunction(`document.querySelector("#pylon-port-stats").textContent.startsWith("not deployed yet: deploy to see the port's counters")`, undefined, { timeout: 10000 });
    const title = await page.evaluate(`document.querySelector("#pylon-port-stats").parentElement.querySelector("label").textContent.trim()`);
    await page.evaluate(`document.querySelector("#node-config-dialog-cancel").click()`);
    assert.equal(title, "Statistics");
    assert.deepEqual(errors, [], "no script error in the editor");
  });
});
