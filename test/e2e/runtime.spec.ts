// The package in the real Node-RED runtime started like `npm start`: nodes load from dist/ with
// their icons and help, and a deployed flow decodes a UDP datagram end to end.
import assert from "node:assert/strict";
import { freeUdpPort, sendUdp, waitFor } from "../support/net";
import { NodeRedRuntime } from "../support/runtime";
import { hexBuf, lxpVector } from "../support/vectors";

describe("package in the real Node-RED runtime", function () {
  this.timeout(60000);
  const red = new NodeRedRuntime();

  before(() => red.start());
  after(() => red.stop());

  it("loads every node set of the package without errors", async () => {
    const sets = (await (await red.get("/nodes")).json()) as any[];
    const ours = sets.filter((s) => s.module === "node-red-contrib-lxp-pylon");
    assert.deepEqual(ours.map((s) => s.types).flat().sort(), ["lxp-dongle", "lxp-in", "lxp-request", "pylon-poll", "pylon-port"]);
    for (const set of ours) {
      assert.equal(set.enabled, true);
      assert.equal(set.err, undefined, `${set.id}: ${set.err}`);
    }
  });

  it("serves the icons and the editor help", async () => {
    const icons = (await (await red.get("/icons")).json()) as Record<string, string[]>;
    assert.deepEqual(icons["node-red-contrib-lxp-pylon"].sort(), ["lxp-dongle.svg", "lxp-in.svg", "lxp-request.svg", "pylon-poll.svg", "pylon-port.svg"]);
    const html = await (await red.get("/nodes", "text/html")).text();
    assert.match(html, /data-help-name="lxp-in"/);
    assert.match(html, /data-template-name="lxp-dongle"/);
    assert.match(html, /data-help-name="pylon-poll"/);
    assert.match(html, /data-template-name="pylon-port"/);
  });

  it("serves the shared editor helpers and config schemas from resources/ at the URL the node HTML loads", async () => {
    const res = await red.get("/resources/node-red-contrib-lxp-pylon/editor-validators.js", "*/*");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /javascript/);
    assert.match(await res.text(), /LxpPylonEditor = /);
    const html = await (await red.get("/nodes", "text/html")).text();
    assert.match(html, /<script src="resources\/node-red-contrib-lxp-pylon\/editor-validators\.js"><\/script>/);
    // The declared schemas the helpers build each node's defaults from, loaded before them.
    const schemas = await red.get("/resources/node-red-contrib-lxp-pylon/config-schemas.js", "*/*");
    assert.equal(schemas.status, 200);
    assert.match(await schemas.text(), /root\.LxpPylonSchemas = api/);
    assert.match(html, /config-schemas\.js"><\/script>\s*<script src="resources\/node-red-contrib-lxp-pylon\/editor-validators\.js">/);
    assert.equal((await red.get("/resources/node-red-contrib-lxp-pylon/missing.js", "*/*")).status, 404);
  });

  it("decodes a datagram in a deployed flow and serves it over HTTP", async () => {
    const port = await freeUdpPort();
    await red.deploy([
      { id: "tab1", type: "tab", label: "e2e" },
      { id: "d1", type: "lxp-dongle", transport: "udp", port: String(port), bind: "127.0.0.1", reconnect: "1", watchdog: "0" },
      { id: "in1", type: "lxp-in", z: "tab1", dongle: "d1", inputRegs: true, holds: true, x: 100, y: 100, wires: [["store"]] },
      {
        id: "store", type: "change", z: "tab1", x: 300, y: 100, wires: [[]],
        rules: [{ t: "set", p: "lxp", pt: "global", to: "payload", tot: "msg" }],
      },
      { id: "http", type: "http in", z: "tab1", url: "/lxp-e2e", method: "get", x: 100, y: 200, wires: [["get"]] },
      {
        id: "get", type: "change", z: "tab1", x: 300, y: 200, wires: [["res"]],
        rules: [{ t: "set", p: "payload", pt: "msg", to: "lxp", tot: "global" }],
      },
      { id: "res", type: "http response", z: "tab1", statusCode: "", headers: {}, x: 500, y: 200, wires: [] },
    ]);
    const bank0 = hexBuf(lxpVector("lbi_read_inputs_0_to_39").hex);
    let latest: any;
    await waitFor(
      () => {
        void sendUdp(port, bank0).catch(() => undefined);
        void fetch(`${red.url}/lxp-e2e`)
          .then((r) => r.json())
          .then((j) => (latest = j), () => undefined);
        return latest?.soc === 83;
      },
      15000,
      "the decoded payload over HTTP",
    );
    assert.equal(latest.v_bat, 52.8);
    assert.equal(latest.datalog, "2222222222");
    assert.doesNotMatch(red.log, /\[error\]/);
  });
});
