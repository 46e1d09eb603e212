// The declared node configurations (resources/config-schemas.js): well formed, in agreement with
// the code's own constants, read the same way for checkboxes everywhere, and versioned: migrations
// run in order, and a flow saved today (no configVersion) loads unchanged.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PYLON_PROTOCOLS } from "../../nodes/lib/pylon/codec";
import { parseDongleConfig } from "../../nodes/lib/lxp/link/dongle-config";
import { DEFAULT_QUEUE_LIMIT } from "../../nodes/lib/lxp/link/requester";
import { parseRequestConfig } from "../../nodes/lib/lxp/control/request-config";
import { PYLON_BAUD_RATES } from "../../nodes/lib/pylon/link/serial-transport";
import { parsePylonPortConfig } from "../../nodes/lib/pylon/link/port-config";
import { parsePylonPollConfig } from "../../nodes/lib/pylon/poll/poll-config";
import { loadExampleFlows } from "../../sim/demo-flows";
import {
  blankValue,
  checkbox,
  checked,
  CONFIG_SCHEMAS,
  currentConfig,
  field,
  migrateConfig,
  packageRoot,
  SCHEMA_FILE,
  VERSION_KEY,
  type ConfigField,
  type NodeSchema,
  type NodeType,
} from "../../nodes/lib/common/config-schema";

const ROOT = join(__dirname, "..", "..");
const TYPES = Object.keys(CONFIG_SCHEMAS) as NodeType[];
const FIELD_TYPES = ["text", "number", "integer", "boolean", "enum", "host", "ipv4", "node"];
/** Properties the Node-RED editor owns or parses itself (see editor-html.spec.ts). */
const RESERVED = ["inputs", "outputs", "id", "type", "x", "y", "z", "g", "w", "h", "wires", "users", "changed", "dirty", "valid", "d"];

/** A node's notices, as currentConfig gives them. */
function notices(): { log: string[]; warn: string[]; node: { log(m: string): void; warn(m: string): void } } {
  const log: string[] = [];
  const warn: string[] = [];
  return { log, warn, node: { log: (m) => log.push(m), warn: (m) => warn.push(m) } };
}

/** lxp-request as a later version might declare it: `timeoutS` renamed to `timeout` (2), then the retries doubled (3). */
function fakeSchema(): NodeSchema {
  const real = CONFIG_SCHEMAS["lxp-request"];
  return {
    ...real,
    version: 3,
    migrations: [
      { to: 2, rename: { timeoutS: "timeout" } },
      { to: 3, change: (c) => ({ ...c, retries: String(Number(c.retries ?? 1) * 2) }) },
    ],
  };
}

describe("config schemas (resources/config-schemas.js)", () => {
  it("are loaded from the package root, under tsx and from dist/ alike", () => {
    assert.equal(packageRoot(), ROOT);
    assert.equal(packageRoot(join(ROOT, "dist", "nodes", "lib", "common")), ROOT);
    assert.throws(() => packageRoot("/"), /config-schemas\.js not found/);
    assert.deepEqual(TYPES.sort(), ["lxp-dongle", "lxp-in", "lxp-request", "pylon-poll", "pylon-port"]);
    assert.ok(Object.isFrozen(CONFIG_SCHEMAS["pylon-port"].fields[0]), "frozen: no node can change another's defaults");
  });

  it("declare each node once: well-formed fields, consistent defaults and ranges", () => {
    for (const type of TYPES) {
      const schema = CONFIG_SCHEMAS[type];
      const keys = schema.fields.map((f) => f.key);
      assert.equal(new Set(keys).size, keys.length, `${type}: a key declared twice`);
      assert.ok(!keys.includes(VERSION_KEY), `${type}: ${VERSION_KEY} is the runner's`);
      const byKey = new Map<string, ConfigField>(schema.fields.map((f) => [f.key, f]));
      for (const f of schema.fields) {
        const where = `${type}.${f.key}`;
        assert.ok(FIELD_TYPES.includes(f.type), `${where}: type ${f.type}`);
        assert.ok(!RESERVED.includes(f.key) && !f.key.startsWith("_"), `${where}: reserved by the editor`);
        assert.equal(typeof f.default, f.type === "boolean" ? "boolean" : "string", `${where}: default ${JSON.stringify(f.default)}`);
        if (f.type !== "boolean" && f.type !== "node" && f.key !== "name") assert.ok(f.what, `${where}: messages need a name (what)`);
        if (f.type === "node") assert.ok(f.node && TYPES.includes(f.node), `${where}: picks ${f.node}`);
        if (f.pattern) new RegExp(f.pattern);
        for (const match of [f.when, f.requiredWhen, f.minimumWhen]) {
          for (const [key, value] of Object.entries(match ?? {})) {
            assert.ok(byKey.get(key)?.values?.includes(value), `${where}: depends on ${key} = ${value}, which ${type} does not declare`);
          }
        }
        if (f.type === "number" || f.type === "integer") {
          assert.ok(f.min !== undefined && f.max !== undefined && f.min <= f.max, `${where}: range ${f.min}–${f.max}`);
          const values = f.default === "" ? Object.values(f.blankMeans?.values ?? {}) : [f.default];
          // A field without a default must be filled in wherever it is used.
          assert.ok(values.length > 0 || f.required || f.requiredWhen, `${where}: blank means nothing`);
          for (const v of values) {
            const n = Number(v);
            const fine = f.also?.includes(String(v)) || (f.zeroMeans !== undefined && n === 0) || (n >= f.min! && n <= f.max!);
            assert.ok(fine, `${where}: default ${v} outside ${f.min}–${f.max}`);
            if (f.type === "integer" && !f.also?.includes(String(v))) assert.ok(Number.isInteger(n), `${where}: default ${v} is not whole`);
          }
        }
        if (f.type === "enum") {
          assert.ok(f.values && f.values.length > 1, `${where}: choices`);
          const defaults = f.default === "" ? Object.values(f.blankMeans?.values ?? {}) : [f.default];
          for (const v of defaults) assert.ok(f.values.map(String).includes(String(v)), `${where}: default ${v} is no choice`);
        }
        if (f.blankMeans) {
          const by = byKey.get(f.blankMeans.by);
          assert.deepEqual(Object.keys(f.blankMeans.values).sort(), by?.values?.map(String).sort(), `${where}: a blank value for every ${f.blankMeans.by}`);
        }
      }
    }
  });

  it("agree with the table of defaults and limits in docs/pylon-protocol.md §8", () => {
    const doc = readFileSync(join(ROOT, "docs", "pylon-protocol.md"), "utf8");
    const rows: Array<[string, NodeType, string]> = [
      ["reply timeout", "pylon-port", "timeout"],
      ["gap", "pylon-port", "gap"],
      ["retries", "pylon-port", "retries"],
      ["reopen delay", "pylon-port", "reconnect"],
      ["poll interval (`pylon-poll`)", "pylon-poll", "interval"],
      ["identity refresh (`pylon-poll`)", "pylon-poll", "identityMinutes"],
    ];
    for (const [label, type, key] of rows) {
      const line = doc.split("\n").find((l) => l.startsWith(`| ${label} |`));
      assert.ok(line, `no row "${label}"`);
      const [, , defaults, limits] = line.split("|").map((cell) => cell.trim());
      const f = field(type, key);
      const expected = f.blankMeans ? Object.values(f.blankMeans.values) : [f.default];
      for (const value of expected) assert.match(defaults, new RegExp(`(^|\\s)${String(value).replace(".", "\\.")}(\\s|$)`), `${label}: default ${value}`);
      assert.ok(limits.includes(`${f.min}–${f.max}`), `${label}: limits ${f.min}–${f.max}, the docs say "${limits}"`);
    }
  });

  it("agree with the constants of the code that uses the same values", () => {
    assert.deepEqual(field("pylon-port", "baud").values, [...PYLON_BAUD_RATES]);
    assert.deepEqual(field("pylon-port", "protocol").values, [...PYLON_PROTOCOLS]);
    assert.equal(blankValue("lxp-dongle", "queueLimit"), DEFAULT_QUEUE_LIMIT);
    assert.equal(blankValue("pylon-port", "timeout", { transport: "tcp" }), 2000);
    assert.equal(blankValue("pylon-port", "baud", { mode: "rs232" }), 1200);
    assert.throws(() => field("pylon-poll", "pack"), /pylon-poll declares no config field "pack"/);
  });

  it("give the runtime parsers their defaults: an empty configuration gets every declared default", () => {
    const dongle = parseDongleConfig({ host: "10.0.0.7" });
    assert.deepEqual(
      [dongle.port, dongle.reconnectMs, dongle.watchdogMs, dongle.currentDivisor, dongle.queueLimit, dongle.broadcastIntervalS],
      [8000, 5000, 600_000, 100, 50, 300],
    );
    const request = parseRequestConfig({});
    assert.deepEqual([request.timeoutMs, request.retries, request.autoSyncHours], [10_000, 1, 0]);
    const port = parsePylonPortConfig({ path: "/dev/ttyUSB0" });
    assert.deepEqual([port.mode, port.protocol, port.link.transport, port.link.timeoutMs, port.link.gapMs, port.link.retries, port.link.reconnectMs], [
      "rs485", "pylontech", "serial", 1000, 50, 1, 2000,
    ]);
    assert.equal(port.link.transport === "serial" && port.link.baudRate, 115200);
    const poll = parsePylonPollConfig({});
    assert.deepEqual([poll.intervalMs, poll.settings.packs, poll.settings.identityIntervalMs, poll.settings.chargeManagement, poll.perPack], [10_000, "auto", 3_600_000, false, false]);
  });
});

describe("checkboxes", () => {
  it("are true for true and the text true (an ${ENV} value), in any case and with spaces", () => {
    for (const v of [true, "true", "TRUE", " True "]) assert.equal(checked(v), true, JSON.stringify(v));
    for (const v of [false, "false", "", "yes", "1", 1, null, {}]) assert.equal(checked(v, true), false, JSON.stringify(v));
  });

  it("take the declared default when the flow has none (saved before the checkbox existed)", () => {
    assert.equal(checkbox("lxp-in", "inputRegs", undefined), true);
    assert.equal(checkbox("lxp-in", "heartbeats", undefined), false);
    assert.equal(checkbox("lxp-dongle", "allowWrites", undefined), false);
  });

  it('pylon-poll reads "true" as lxp-in and lxp-dongle do (it read only true before)', () => {
    const poll = parsePylonPollConfig({ chargeManagement: "true", system: "TRUE", perPack: "true" });
    assert.deepEqual([poll.settings.chargeManagement, poll.settings.system, poll.perPack], [true, true, true]);
    const off = parsePylonPollConfig({ chargeManagement: "false", system: false });
    assert.deepEqual([off.settings.chargeManagement, off.settings.system, off.perPack], [false, false, false]);
    const dongle = parseDongleConfig({ host: "10.0.0.7", allowWrites: "true", answerHeartbeats: "TRUE" });
    assert.deepEqual([dongle.writes?.allowed, dongle.answerHeartbeats], [true, true]);
  });
});

describe("config versions and migrations", () => {
  it("ship at version 1 with no migrations", () => {
    for (const type of TYPES) {
      const schema = CONFIG_SCHEMAS[type];
      assert.ok(Number.isInteger(schema.version) && schema.version >= 1, type);
      // Migration N turns version N-1 into N: one per version after the first, in order.
      assert.deepEqual(schema.migrations.map((m) => m.to), Array.from({ length: schema.version - 1 }, (_, k) => k + 2), type);
    }
  });

  it("apply a rename to a node saved at an older version, and only the migrations after its version", () => {
    const schema = fakeSchema();
    const saved = Object.freeze({ id: "n1", type: "lxp-request", timeoutS: "20", retries: "2" });
    const v1 = migrateConfig(schema, saved);
    assert.deepEqual(v1.config, { id: "n1", type: "lxp-request", timeout: "20", retries: "4", configVersion: 3 });
    assert.deepEqual([v1.from, v1.to, v1.applied], [1, 3, [2, 3]]);
    const v2 = migrateConfig(schema, { timeout: "20", retries: "2", configVersion: 2 });
    assert.deepEqual(v2.config, { timeout: "20", retries: "4", configVersion: 3 }, "the rename is not applied twice");
    assert.deepEqual(v2.applied, [3]);
    const current = { timeout: "20", configVersion: 3 };
    assert.equal(migrateConfig(schema, current).config, current, "a node at the current version is read as it is");
    // The runtime parses what the migration gives.
    assert.equal(parseRequestConfig(v1.config).timeoutMs, 20_000);
  });

  it("leave a node saved by a newer version as it is, with a warning; log an applied migration", () => {
    const newer = { timeout: "5", configVersion: 9 };
    const n = notices();
    assert.equal(currentConfig("lxp-request", newer, n.node), newer);
    assert.deepEqual(n.log, []);
    assert.match(n.warn.join(), /saved by a newer version of this package \(config version 9; this one reads up to 1\)/);
    const m = notices();
    assert.deepEqual(currentConfig("lxp-request", { timeoutS: "20" }, m.node, fakeSchema()), { timeout: "20", retries: "2", configVersion: 3 });
    assert.deepEqual(m.warn, []);
    assert.deepEqual(m.log, ["configuration saved at config version 1, read as version 3 (open and save the node to store it so)"]);
  });

  it("load every node of a flow saved today (no configVersion) unchanged: the example flows", () => {
    let count = 0;
    for (const { flow } of loadExampleFlows()) {
      for (const node of flow as Array<Record<string, unknown> & { type: string }>) {
        if (!(node.type in CONFIG_SCHEMAS)) continue;
        count++;
        assert.equal(node[VERSION_KEY], undefined, `${node.type} ${String(node.id)} was saved before config versions`);
        const n = notices();
        assert.equal(currentConfig(node.type as NodeType, node, n.node), node, `${node.type} ${String(node.id)}`);
        assert.deepEqual([n.log, n.warn], [[], []]);
      }
    }
    assert.ok(count >= 10, `${count} nodes of the package in the examples`);
  });

  it("are applied by every node on start, before its configuration is parsed", () => {
    for (const type of TYPES) {
      const source = readFileSync(join(ROOT, "nodes", `${type}.ts`), "utf8");
      const read = source.indexOf(`currentConfig("${type}", saved, this)`);
      assert.ok(read > 0, `${type}.ts reads its configuration through currentConfig`);
      assert.ok(read > source.indexOf("RED.nodes.createNode(this, saved)"), `${type}.ts: after createNode (it logs through the node)`);
      assert.match(source.slice(read), /(?:parse\w+Config|kindFilter)\(config[,)]/, `${type}.ts parses the migrated configuration`);
      assert.doesNotMatch(source.slice(read), /parse\w+Config\(saved|kindFilter\(saved/, `${type}.ts parses the saved, not the migrated, configuration`);
    }
  });

  it("name the schema file the editor loads", () => {
    const html = readFileSync(join(ROOT, "nodes", "pylon-poll.html"), "utf8");
    assert.ok(html.includes(`src="resources/node-red-contrib-lxp-pylon/${SCHEMA_FILE.replace(/^resources\//, "")}"`));
  });
});
