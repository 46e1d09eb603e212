// The importable example flows (examples/**/*.json): their shape and conventions, then all of them
// combined and deployed to the real Node-RED runtime with the dashboard, pointed at loopback
// stand-ins (a fake dongle, the simulated PylonTech stack, an aedes broker, a temp directory).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { combineFlows, loadExampleFlows, pointAtDevices, SHARED_CONFIG_IDS } from "../../sim/demo-flows";
import { PylonStackSimulator } from "../../sim/pylon/stack";
import { FakeDongleServer, sleep, waitFor } from "../support/net";
import { NodeRedRuntime } from "../support/runtime";
import { hexBuf, lxpVector } from "../support/vectors";

const ROOT = join(__dirname, "..", "..");
const EXAMPLES = join(ROOT, "examples");
const DASHBOARD = "@flowfuse/node-red-dashboard";
const SHARED_IDS = new Set<string>(Object.values(SHARED_CONFIG_IDS));
/** Node types that are not registered node types but may appear in a flow file. */
const FLOW_STRUCTURE_TYPES = ["tab", "group", "subflow"];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

function registeredTypes(htmlFiles: string[]): string[] {
  const types: string[] = [];
  for (const file of htmlFiles) {
    for (const m of readFileSync(file, "utf8").matchAll(/registerType\(\s*["']([^"']+)["']/g)) types.push(m[1]);
  }
  return types;
}

const coreTypes = (): string[] =>
  registeredTypes(walk(join(ROOT, "node_modules", "@node-red", "nodes", "core")).filter((f) => f.endsWith(".html")));

function ourTypes(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const html = readdirSync(join(ROOT, "nodes"))
    .filter((f) => f.endsWith(".html"))
    .map((f) => join(ROOT, "nodes", f));
  return [...Object.keys(pkg["node-red"].nodes), ...registeredTypes(html)];
}

function dashboardTypes(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, "node_modules", DASHBOARD, "package.json"), "utf8"));
  return Object.keys(pkg["node-red"].nodes);
}

const isDashboardFlow = (flow: any[]): boolean => flow.some((n) => typeof n.type === "string" && n.type.startsWith("ui-"));


/** The parsed contents of a JSON file another process writes, once it is complete. */
async function waitForJsonFile(path: string): Promise<any> {
  let parsed: unknown;
  await waitFor(() => {
    if (!existsSync(path)) return false;
    try {
      parsed = JSON.parse(readFileSync(path, "utf8"));
      return true;
    } catch {
      return false; // still being written
    }
  }, 15000, path);
  return parsed;
}
describe("example flows", function () {
  const examples = loadExampleFlows(EXAMPLES);
  // The inverter control page is the one example that writes: it must bring its own lxp-dongle with
  // writes enabled instead of the shared read-only one, and has its own end-to-end test.
  const WRITE_EXAMPLE = "dashboard/inverter control.json";
  const readOnlyExamples = examples.filter((e) => e.file !== WRITE_EXAMPLE);

  describe("files", () => {
    it("are only *.json files (Node-RED's library lists nothing else), at least the five of this package", () => {
      const files = walk(EXAMPLES).map((f) => f.slice(EXAMPLES.length + 1).split("\\").join("/"));
      assert.deepEqual(
        files.filter((f) => !f.endsWith(".json")),
        [],
        "every file in examples/ must end in .json",
      );
      for (const name of [
        "01 LuxPower to file and HTTP.json",
        "02 PylonTech to file and HTTP.json",
        "03 MQTT with Home Assistant discovery.json",
        "dashboard/energy overview.json",
        "dashboard/battery stack.json",
      ]) {
        assert.ok(files.includes(name), `missing examples/${name}`);
      }
      assert.equal(examples.length, files.length);
    });

    it("parse as arrays of nodes that open with a comment node saying what to set up", () => {
      for (const { file, flow } of examples) {
        assert.ok(Array.isArray(flow) && flow.length > 1, file);
        assert.equal(flow[0].type, "comment", `${file}: the first node must be a comment`);
        assert.ok(String(flow[0].info ?? "").length > 80, `${file}: the comment should explain the setup in its info`);
        for (const n of flow) assert.equal(typeof n.id, "string", `${file}: node without an id`);
      }
    });

    it("have unique ids within a file and across files, except the shared config nodes, which are identical", () => {
      const seen = new Map<string, string>();
      const shared = new Map<string, any>();
      for (const { file, flow } of examples) {
        const inFile = new Set<string>();
        for (const n of flow) {
          assert.ok(!inFile.has(n.id), `${file}: duplicate id ${n.id}`);
          inFile.add(n.id);
          if (SHARED_IDS.has(n.id)) {
            if (shared.has(n.id)) assert.deepEqual(n, shared.get(n.id), `${file}: shared config ${n.id} differs from another example's`);
            else shared.set(n.id, n);
            continue;
          }
          assert.ok(!seen.has(n.id), `${file}: id ${n.id} also used in ${seen.get(n.id)}`);
          seen.set(n.id, file);
        }
      }
    });

    it("share one lxp-dongle, one pylon-port, one ui-base and one ui-theme (by id)", () => {
      const all = examples.flatMap((e) => e.flow.map((n) => ({ file: e.file, n })));
      const byType = (type: string): string[] => [...new Set(all.filter((x) => x.n.type === type).map((x) => x.n.id))];
      const readOnlyDongles = readOnlyExamples.flatMap((e) => e.flow.filter((n) => n.type === "lxp-dongle"));
      assert.deepEqual([...new Set(readOnlyDongles.map((n) => n.id))], [SHARED_CONFIG_IDS.dongle]);
      assert.ok(readOnlyDongles.every((n) => n.allowWrites !== true), "only the control example may enable writes");
      const writer = examples.find((e) => e.file === WRITE_EXAMPLE);
      if (writer) {
        const own = writer.flow.filter((n) => n.type === "lxp-dongle");
        assert.equal(own.length, 1);
        assert.notEqual(own[0].id, SHARED_CONFIG_IDS.dongle, "the control example brings its own dongle config");
        assert.equal(own[0].allowWrites, true);
      }
      assert.deepEqual(byType("pylon-port"), [SHARED_CONFIG_IDS.pylonPort]);
      assert.deepEqual(byType("ui-base"), [SHARED_CONFIG_IDS.uiBase]);
      assert.deepEqual(byType("ui-theme"), [SHARED_CONFIG_IDS.uiTheme]);
      const dongle = all.find((x) => x.n.type === "lxp-dongle")!.n;
      assert.deepEqual([dongle.transport, dongle.host, dongle.port], ["tcp", "192.168.1.50", "8000"]);
      const port = all.find((x) => x.n.type === "pylon-port")!.n;
      assert.deepEqual([port.transport, port.path, port.mode], ["serial", "/dev/ttyUSB0", "rs485"]);
      const base = all.find((x) => x.n.type === "ui-base")!.n;
      assert.equal(base.path, "/dashboard");
    });

    it("use only core nodes, this package's nodes and Dashboard 2.0 nodes", () => {
      const allowed = new Set([...FLOW_STRUCTURE_TYPES, ...coreTypes(), ...ourTypes(), ...dashboardTypes()]);
      assert.ok(allowed.has("http in") && allowed.has("mqtt-broker") && allowed.has("global-config"));
      assert.ok(allowed.has("lxp-in") && allowed.has("pylon-poll") && allowed.has("ui-template"));
      for (const { file, flow } of examples) {
        for (const n of flow) assert.ok(allowed.has(n.type), `${file}: node ${n.id} has type ${n.type}, not allowed`);
      }
    });

    it("wire and reference only nodes that exist (wires, z, config node references)", () => {
      for (const { file, flow } of examples) {
        const ids = new Set(flow.map((n) => n.id));
        for (const n of flow) {
          for (const port of n.wires ?? []) {
            for (const target of port) assert.ok(ids.has(target), `${file}: ${n.id} is wired to missing ${target}`);
          }
          if (n.z !== undefined) assert.ok(ids.has(n.z), `${file}: ${n.id} sits on missing tab ${n.z}`);
          // Config node references; in the config nodes themselves these keys are plain values.
          if (["lxp-dongle", "pylon-port", "mqtt-broker"].includes(n.type)) continue;
          for (const key of ["dongle", "port", "broker", "group", "page", "ui", "theme"]) {
            const ref = n[key];
            if (typeof ref !== "string" || ref === "" || (key === "theme" && n.type !== "ui-page")) continue;
            assert.ok(ids.has(ref), `${file}: ${n.id}.${key} refers to missing ${ref}`);
          }
        }
      }
    });

    it("put dashboard flows in examples/dashboard/ with the Dashboard 2.0 module hint, core flows at the top", () => {
      for (const { file, flow } of examples) {
        const hint = flow.find((n) => n.type === "global-config");
        if (isDashboardFlow(flow)) {
          assert.match(file, /^dashboard\//, `${file}: dashboard flows belong in examples/dashboard/`);
          assert.ok(hint, `${file}: missing the global-config module hint`);
          assert.match(String(hint.modules?.[DASHBOARD] ?? ""), /^\d+\.\d+\.\d+$/, `${file}: module hint for ${DASHBOARD}`);
          assert.deepEqual(hint.env, []);
          for (const page of flow.filter((n) => n.type === "ui-page")) {
            assert.equal(page.ui, SHARED_CONFIG_IDS.uiBase, `${file}: page ${page.id}`);
            assert.equal(page.theme, SHARED_CONFIG_IDS.uiTheme, `${file}: page ${page.id}`);
            assert.match(page.path, /^\/[a-z0-9-]+$/, `${file}: page path`);
          }
        } else {
          assert.doesNotMatch(file, /\//, `${file}: core-only flows belong at the top of examples/`);
        }
      }
      const paths = examples.flatMap((e) => e.flow.filter((n) => n.type === "ui-page").map((n) => n.path));
      assert.ok(paths.includes("/energy") && paths.includes("/battery"), paths.join(", "));
      assert.equal(new Set(paths).size, paths.length, `page paths must differ: ${paths.join(", ")}`);
    });

    it("give every dashboard widget and config node its fields (POST /flows applies no editor defaults)", () => {
      const required: Record<string, string[]> = {
        "ui-base": ["name", "path", "includeClientData", "acceptsClientConfig", "showPathInSidebar", "navigationStyle", "titleBarStyle"],
        "ui-theme": ["name", "colors", "sizes"],
        "ui-page": ["name", "ui", "path", "icon", "layout", "theme", "order", "className", "visible", "disabled"],
        "ui-group": ["name", "page", "width", "height", "order", "showTitle", "className", "visible", "disabled", "groupType"],
        "ui-gauge": ["group", "order", "width", "height", "gtype", "gstyle", "title", "units", "segments", "min", "max"],
        "ui-chart": ["group", "order", "chartType", "category", "categoryType", "xAxisType", "yAxisProperty", "action", "removeOlder", "removeOlderUnit", "width", "height"],
        "ui-text": ["group", "order", "width", "height", "label", "format", "layout", "value", "valueType"],
        "ui-template": ["group", "order", "width", "height", "format", "storeOutMessages", "passthru", "resendOnRefresh", "templateScope"],
      };
      for (const { file, flow } of examples) {
        for (const n of flow) {
          for (const key of required[n.type] ?? []) assert.ok(key in n, `${file}: ${n.type} ${n.id} lacks ${key}`);
          if (n.type.startsWith("ui-") && !["ui-base", "ui-theme", "ui-page", "ui-group"].includes(n.type)) {
            assert.ok(n.z, `${file}: widget ${n.id} must sit on a tab`);
          } else if (["ui-base", "ui-theme", "ui-page", "ui-group", "lxp-dongle", "pylon-port", "mqtt-broker"].includes(n.type)) {
            assert.equal(n.z, undefined, `${file}: config node ${n.id} must not have z`);
          }
        }
      }
    });

    it("chart the last 24 h by msg.topic and keep the battery cards' CSS hooks", () => {
      const energy = examples.find((e) => e.file === "dashboard/energy overview.json")!.flow;
      const chart = energy.find((n) => n.type === "ui-chart");
      assert.deepEqual([chart.category, chart.categoryType, Number(chart.removeOlder), chart.removeOlderUnit], ["topic", "msg", 24, "3600"]);
      assert.equal(energy.filter((n) => n.type === "ui-gauge").length, 5);
      const battery = examples.find((e) => e.file === "dashboard/battery stack.json")!.flow;
      const tpl = battery.find((n) => n.type === "ui-template").format as string;
      for (const hook of ['class="pack-card"', ":data-address", ":data-cell", "'lowest'", "'highest'", 'class="pack-soc"', "v-for=\"pack in packs\""]) {
        assert.ok(tpl.includes(hook), `battery template lacks ${hook}`);
      }
    });

    it("grey the energy gauges with 'waiting for data' until the flow marks their first value live", () => {
      const energy = examples.find((e) => e.file === "dashboard/energy overview.json")!.flow;
      for (const gauge of energy.filter((n) => n.type === "ui-gauge")) assert.match(gauge.className, /\blxp-needs-data\b/, gauge.id);
      const style = energy.find((n) => n.type === "ui-template" && n.templateScope === "page:style");
      assert.equal(style?.page, "lxp-pylon-energy-page");
      assert.match(style.format, /\.lxp-needs-data:not\(\.lxp-live\)::after \{[^}]*content: "waiting for data"/);
      const split = energy.find((n) => n.id === "lxp-pylon-energy-split").func as string;
      assert.match(split, /const gauge = \(v\) => \(v === undefined \? null : \{ topic: msg\.topic, payload: v, class: "lxp-live" \}\);/);
    });
  });

  describe("demo-flows helpers", () => {
    it("combineFlows keeps the first of each id and one global-config", () => {
      const combined = combineFlows([
        [{ id: "a", type: "tab" }, { id: "shared", type: "lxp-dongle", host: "1" }, { id: "g1", type: "global-config", modules: {} }],
        [{ id: "b", type: "tab" }, { id: "shared", type: "lxp-dongle", host: "2" }, { id: "g2", type: "global-config", modules: {} }],
      ]);
      assert.deepEqual(combined.map((n) => n.id), ["a", "shared", "g1", "b"]);
      assert.equal(combined[1].host, "1");
    });

    it("pointAtDevices rewrites dongles, pylon ports, brokers and file paths in a copy", () => {
      const flow = combineFlows(readOnlyExamples.map((e) => e.flow));
      const tcp = pointAtDevices(flow, {
        lxp: { transport: "tcp", host: "127.0.0.1", port: 1234 },
        pylon: { transport: "tcp", host: "127.0.0.1", port: 4321 },
        mqtt: { host: "127.0.0.1", port: 1884 },
        fileDir: "/tmp/x",
      });
      const of = (f: any[], type: string): any[] => f.filter((n) => n.type === type);
      assert.deepEqual(of(tcp, "lxp-dongle").map((n) => [n.transport, n.host, n.port]), [["tcp", "127.0.0.1", "1234"]]);
      assert.deepEqual(of(tcp, "pylon-port").map((n) => [n.transport, n.host, n.port]), [["tcp", "127.0.0.1", "4321"]]);
      assert.ok(of(tcp, "mqtt-broker").every((n) => n.broker === "127.0.0.1" && n.port === "1884"));
      assert.deepEqual(of(tcp, "file").map((n) => n.filename).sort(), ["/tmp/x/lxp.json", "/tmp/x/pylon.json"]);
      const udp = pointAtDevices(flow, { lxp: { transport: "udp", port: 9000 }, pylon: { transport: "serial", path: "/dev/pts/7" } });
      assert.deepEqual(of(udp, "lxp-dongle").map((n) => [n.transport, n.port, n.bind]), [["udp", "9000", "127.0.0.1"]]);
      assert.deepEqual(of(udp, "pylon-port").map((n) => [n.transport, n.path]), [["serial", "/dev/pts/7"]]);
      // The originals are untouched.
      assert.equal(of(flow, "lxp-dongle")[0].host, "192.168.1.50");
      assert.equal(of(flow, "file")[0].filename.startsWith("/tmp/x"), false);
    });
  });

  describe("all examples deployed together in the real runtime", function () {
    this.timeout(90000);
    const red = new NodeRedRuntime();
    const dongle = new FakeDongleServer();
    const sim = new PylonStackSimulator({ packs: ["US2000", "US3000", "US2000"], clock: "manual", seed: 5 });
    let simPort = 0;
    let broker: { close(cb?: () => void): void } | undefined;
    const mqttServer = net.createServer();
    let mqttPort = 0;
    let client: mqtt.MqttClient | undefined;
    const published: { topic: string; payload: string; retain: boolean }[] = [];
    const received: { topic: string; payload: string }[] = [];
    let fileDir = "";
    let logBeforeDeploy = 0;
    let deployedFlow: any[] = [];

    before(async () => {
      fileDir = mkdtempSync(join(tmpdir(), "lxp-pylon-examples-"));
      await dongle.listen(0);
      simPort = (await sim.listenTcp({ host: "127.0.0.1", port: 0 })).port;
      const { Aedes } = await import("aedes");
      const aedes = await Aedes.createBroker();
      aedes.on("publish", (packet, c) => {
        if (c) published.push({ topic: packet.topic, payload: packet.payload.toString(), retain: packet.retain });
      });
      broker = aedes;
      mqttServer.on("connection", (socket) => aedes.handle(socket));
      await new Promise<void>((resolve) => mqttServer.listen(0, "127.0.0.1", resolve));
      mqttPort = (mqttServer.address() as net.AddressInfo).port;
      client = mqtt.connect({ host: "127.0.0.1", port: mqttPort, protocolVersion: 4, reconnectPeriod: 0 });
      client.on("message", (topic, payload) => received.push({ topic, payload: payload.toString() }));
      await new Promise<void>((resolve, reject) => {
        client!.once("connect", () => resolve());
        client!.once("error", reject);
      });
      await client.subscribeAsync(["homeassistant/#", "lxp-pylon/#"]);
      await red.start();
    });

    after(async () => {
      await red.stop();
      await client?.endAsync(true);
      await new Promise<void>((resolve) => (broker ? broker.close(() => resolve()) : resolve()));
      await new Promise<void>((resolve) => mqttServer.close(() => resolve()));
      await dongle.close();
      await sim.close();
      if (fileDir) rmSync(fileDir, { recursive: true, force: true });
    });

    it("lists the examples in the runtime's library (menu Import > Examples)", async () => {
      const top = (await (await red.get("/library/examples/flows/node-red-contrib-lxp-pylon/")).json()) as any[];
      const topNames = top.map((e) => (typeof e === "string" ? `${e}/` : e.fn));
      for (const e of examples.filter((x) => !x.file.includes("/"))) assert.ok(topNames.includes(e.file.replace(/\.json$/, "")), e.file);
      assert.ok(topNames.includes("dashboard/"), topNames.join(", "));
      const sub = (await (await red.get("/library/examples/flows/node-red-contrib-lxp-pylon/dashboard")).json()) as any[];
      const subNames = sub.map((e) => e.fn);
      for (const e of examples.filter((x) => x.file.startsWith("dashboard/"))) {
        assert.ok(subNames.includes(e.file.slice("dashboard/".length).replace(/\.json$/, "")), e.file);
      }
      const one = await red.get(`/library/examples/flows/node-red-contrib-lxp-pylon/${encodeURIComponent("01 LuxPower to file and HTTP")}`);
      assert.equal(one.status, 200);
      assert.equal(((await one.json()) as any[])[0].type, "comment");
    });

    it("deploys every example combined without errors, one dongle connection and one bus", async () => {
      const flow = pointAtDevices(
        combineFlows(readOnlyExamples.map((e) => e.flow)),
        {
          lxp: { transport: "tcp", host: "127.0.0.1", port: dongle.port },
          pylon: { transport: "tcp", host: "127.0.0.1", port: simPort },
          mqtt: { host: "127.0.0.1", port: mqttPort },
          fileDir,
        },
      );
      for (const n of flow) {
        // Make the stand-ins answer fast: a short reply timeout and no gap on the loopback "bus".
        if (n.type === "pylon-port") Object.assign(n, { timeout: "500", gap: "0" });
      }
      logBeforeDeploy = red.log.length;
      deployedFlow = flow;
      await red.deploy(flow);
      await dongle.waitForConnection(1, 10000);
      await waitFor(() => /Dashboard 2\.0.*started at \/dashboard/i.test(red.log), 10000, "the dashboard to start");
      await sleep(500);
      assert.equal(dongle.connections, 1, "the examples must share one dongle connection");
      const deployed = (await (await red.get("/flows")).json()) as any[];
      assert.equal(deployed.filter((n) => n.type === "lxp-dongle").length, 1);
      assert.equal(deployed.filter((n) => n.type === "pylon-port").length, 1);
    });

    it("GET /lxp answers 503 before the first data, then the merged inverter data", async () => {
      const before = await fetch(`${red.url}/lxp`);
      assert.equal(before.status, 503);
      assert.match(String(((await before.json()) as any).error), /no inverter data/);

      for (const id of ["lbi_read_inputs_0_to_39", "lbi_read_inputs_40_to_79", "lbi_read_inputs_80_to_119"]) {
        dongle.write(hexBuf(lxpVector(id).hex));
        await sleep(50);
      }
      let latest: any;
      await waitFor(
        () => {
          void fetch(`${red.url}/lxp`)
            .then((r) => (r.status === 200 ? r.json() : undefined))
            .then((j) => (latest = j ?? latest), () => undefined);
          return latest !== undefined;
        },
        10000,
        "GET /lxp to answer 200",
      );
      // One merged inputs/all: values of all three banks.
      assert.equal(latest.soc, 83);
      assert.equal(latest.v_bat, 52.8);
      assert.equal(latest.e_to_grid_all, 1005.8);
      assert.equal(latest.max_chg_curr, 66);
      assert.equal(latest.datalog, "2222222222");
      await waitFor(() => existsSync(join(fileDir, "lxp.json")), 5000, "lxp.json");
      await waitFor(() => /"soc": 83/.test(readFileSync(join(fileDir, "lxp.json"), "utf8")), 5000, "lxp.json content");
    });

    it("GET /pylon answers the simulated stack's packs, and the poll is written to a file", async () => {
      let latest: any;
      await waitFor(
        () => {
          void fetch(`${red.url}/pylon`)
            .then((r) => (r.status === 200 ? r.json() : undefined))
            .then((j) => (latest = j ?? latest), () => undefined);
          return latest?.packs?.length === 3;
        },
        20000,
        "GET /pylon with three packs",
      );
      assert.deepEqual(latest.packs.map((p: any) => p.address), sim.addresses);
      for (const pack of latest.packs) {
        const model = sim.pack(pack.address);
        assert.deepEqual(pack.cell_voltages, model.cellVoltages, `pack ${pack.address} cells`);
        assert.deepEqual(pack.temperatures, model.temperatures, `pack ${pack.address} temperatures`);
        assert.equal(pack.current, model.current);
        assert.equal(pack.soc, model.soc);
        assert.equal(pack.total_ah, model.totalAh);
      }
      assert.equal(latest.stack.pack_count, 3);
      assert.deepEqual(latest.errors, []);
      // The file node writes in chunks: wait until the file holds a whole JSON document.
      const file = await waitForJsonFile(join(fileDir, "pylon.json"));
      assert.equal(file.packs.length, 3);
    });

    it("serves the dashboard pages", async () => {
      for (const path of ["/dashboard/energy", "/dashboard/battery"]) {
        const res = await red.get(path, "text/html");
        assert.equal(res.status, 200, path);
        assert.match(await res.text(), /<html/i, path);
      }
    });

    it("publishes retained Home Assistant discovery configs and JSON state to the broker", async () => {
      const portId = `127_0_0_1_${simPort}`;
      const socTopic = `homeassistant/sensor/pylon_${portId}/soc/config`;
      const pylonState = `lxp-pylon/pylon/${portId}/state`;
      const lxpSoc = "homeassistant/sensor/lxp_2222222222/soc/config";
      const lxpState = "lxp-pylon/lxp/2222222222/state";
      await waitFor(
        () => [socTopic, pylonState, lxpSoc, lxpState].every((t) => received.some((m) => m.topic === t)),
        20000,
        "discovery and state messages",
      );
      const soc = JSON.parse(published.find((m) => m.topic === socTopic)!.payload);
      assert.equal(published.find((m) => m.topic === socTopic)!.retain, true, "discovery configs are retained");
      assert.equal(soc.device_class, "battery");
      assert.equal(soc.unit_of_measurement, "%");
      assert.equal(soc.state_class, "measurement");
      assert.equal(soc.state_topic, pylonState);
      assert.equal(soc.value_template, "{{ value_json.soc }}");
      assert.equal(soc.unique_id, `pylon_${portId}_soc`);
      assert.deepEqual(soc.device.identifiers, [`pylon_${portId}`]);
      assert.ok(soc.device.manufacturer && soc.device.model && soc.device.name);

      const state = JSON.parse(received.find((m) => m.topic === pylonState)!.payload);
      const expectedSoc = Math.round((1000 * sim.packs.reduce((a, p) => a + p.remainingAh, 0)) / sim.packs.reduce((a, p) => a + p.totalAh, 0)) / 10;
      assert.ok(Math.abs(state.soc - expectedSoc) <= 0.1, `stack soc ${state.soc} vs ${expectedSoc}`);
      assert.equal(state.pack_count, 3);
      assert.deepEqual(Object.keys(state.packs).map(Number), sim.addresses);
      assert.equal(state.packs[String(sim.addresses[1])].soc, sim.packs[1].soc);

      // Every pack is its own device, linked to the stack.
      for (const adr of sim.addresses) {
        const cfg = published.find((m) => m.topic === `homeassistant/sensor/pylon_${portId}_${adr}/soc/config`);
        assert.ok(cfg, `pack ${adr} discovery`);
        assert.equal(JSON.parse(cfg.payload).device.via_device, `pylon_${portId}`);
      }

      const lxpCfg = JSON.parse(published.find((m) => m.topic === lxpSoc)!.payload);
      assert.equal(lxpCfg.state_topic, lxpState);
      assert.equal(lxpCfg.device_class, "battery");
      const energy = JSON.parse(published.find((m) => m.topic === "homeassistant/sensor/lxp_2222222222/e_pv_all/config")!.payload);
      assert.deepEqual([energy.device_class, energy.state_class, energy.unit_of_measurement], ["energy", "total_increasing", "kWh"]);
      const lxp = JSON.parse(received.find((m) => m.topic === lxpState)!.payload);
      assert.equal(lxp.soc, 83);
      assert.equal(lxp.p_load, 502, "p_inv 502 − p_rec 0 + p_to_user 0 − p_to_grid 0");

      // Every discovery topic follows homeassistant/sensor/<node_id>/<object_id>/config.
      for (const m of published.filter((x) => x.topic.startsWith("homeassistant/"))) {
        assert.match(m.topic, /^homeassistant\/sensor\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\/config$/);
        assert.equal(m.retain, true, m.topic);
      }
      // Once per device: the next poll cycles publish state, not the configs again.
      const configs = published.filter((m) => m.topic === socTopic).length;
      const states = received.filter((m) => m.topic === pylonState).length;
      await waitFor(() => received.filter((m) => m.topic === pylonState).length > states, 40000, "another pylon state");
      assert.equal(published.filter((m) => m.topic === socTopic).length, configs);
    });

    it("announces the devices again after a redeploy, on the same single dongle connection", async () => {
      const socTopic = `homeassistant/sensor/pylon_127_0_0_1_${simPort}/soc/config`;
      const lxpSoc = "homeassistant/sensor/lxp_2222222222/soc/config";
      const count = (t: string): number => published.filter((m) => m.topic === t).length;
      const [pylonBefore, lxpBefore] = [count(socTopic), count(lxpSoc)];
      await red.deploy(deployedFlow);
      await dongle.waitForConnection(2, 10000);
      await waitFor(() => count(socTopic) > pylonBefore, 20000, "the pylon discovery again");
      for (const id of ["lbi_read_inputs_0_to_39", "lbi_read_inputs_40_to_79", "lbi_read_inputs_80_to_119"]) {
        dongle.write(hexBuf(lxpVector(id).hex));
        await sleep(50);
      }
      await waitFor(() => count(lxpSoc) > lxpBefore, 10000, "the LuxPower discovery again");
      assert.equal(dongle.sockets.length, 1, "the old connection is closed on redeploy");
    });

    it("logged no errors", () => {
      const errors = red.log
        .slice(logBeforeDeploy)
        .split("\n")
        .filter((l) => /\[error\]/.test(l));
      assert.deepEqual(errors, []);
    });
  });
});
