// The message catalogs (nodes/locales/en-US/<node>.json): one per node file, every key the code and
// the editor files use is in them, and every text in them is used.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { CATALOGS, english, fill, MODULE, nodeRedTranslate } from "../../nodes/lib/common/i18n";

const ROOT = join(__dirname, "..", "..");
const EN = join(ROOT, "nodes", "locales", "en-US");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; "node-red": { nodes: Record<string, string> } };

type Catalog = { [key: string]: string | Catalog };

/** Every text of a catalog by its full key. */
function leaves(catalog: Catalog, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(full, value);
    else for (const [k, v] of leaves(value, full)) out.set(k, v);
  }
  return out;
}

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "locales" ? [] : files(path, ext);
    return ext.test(name) ? [path] : [];
  });
}

const catalogs = new Map(CATALOGS.map((name) => [name, JSON.parse(readFileSync(join(EN, `${name}.json`), "utf8")) as Catalog]));
const texts = new Map([...catalogs.values()].flatMap((c) => [...leaves(c)]));

/**
 * A key in code: a quoted "<node>.<group>.<name>", or "<node>.paletteLabel" (not "lxp-dongle.read",
 * a permission, nor "lxp-in.svg", an icon).
 */
const KEY_IN_CODE = new RegExp(`["'\`]((?:${CATALOGS.join("|")})(?:\\.[A-Za-z0-9_]+){2,}|(?:${CATALOGS.join("|")})\\.paletteLabel)["'\`]`, "g");

/** Where the code and the editor files use keys, by file. */
function usedKeys(): Map<string, string[]> {
  const sources = [
    ...files(join(ROOT, "nodes"), /\.(ts|html)$/),
    ...files(join(ROOT, "resources"), /\.js$/),
    ...files(join(ROOT, "bin"), /\.ts$/),
  ];
  const used = new Map<string, string[]>();
  const add = (key: string, file: string): void => {
    used.set(key, [...(used.get(key) ?? []), relative(ROOT, file)]);
  };
  for (const file of sources) {
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(KEY_IN_CODE)) add(m[1], file);
    // data-i18n="[placeholder]lxp-dongle.placeholder.host;[title]…": the editor prefixes the node's namespace.
    for (const m of source.matchAll(/data-i18n="([^"]+)"/g)) {
      for (const part of m[1].split(";")) add(part.replace(/^\[[a-z]+\]/, ""), file);
    }
  }
  return used;
}

describe("message catalogs (nodes/locales/en-US)", () => {
  it("one per node file of package.json, named after it, holding that node's texts only", () => {
    const nodes = Object.keys(pkg["node-red"].nodes).sort();
    assert.equal(pkg.name, MODULE);
    assert.deepEqual([...CATALOGS].sort(), nodes);
    assert.deepEqual(readdirSync(EN).sort(), nodes.map((n) => `${n}.json`));
    for (const [name, catalog] of catalogs) assert.deepEqual(Object.keys(catalog), [name], `${name}.json has one top-level key, "${name}"`);
  });

  it("hold non-empty texts whose placeholders are __name__", () => {
    for (const [key, text] of texts) {
      assert.ok(text.trim().length > 0, `${key} is empty`);
      const stray = text.replace(/__[A-Za-z0-9_]+?__/g, "").includes("__");
      assert.ok(!stray, `${key}: an unpaired "__" in "${text}"`);
      assert.ok(!text.includes("$t("), `${key}: i18next would nest another text into it`);
    }
  });

  it("have every key the code and the editor files use", () => {
    const missing = [...usedKeys()].filter(([key]) => !texts.has(key)).map(([key, where]) => `${key} (${[...new Set(where)].join(", ")})`);
    assert.deepEqual(missing, []);
  });

  it("have no key nothing uses", () => {
    const used = usedKeys();
    assert.deepEqual([...texts.keys()].filter((key) => !used.has(key)), []);
  });

  it("keep the editor's labels in English as they were", () => {
    assert.equal(english("lxp-in.paletteLabel"), "lxp in");
    assert.equal(english("lxp-dongle.label.bind"), "Listen on");
    assert.equal(english("pylon-port.hint.defaultBaud", { baud: 1200 }), "default (1200)");
  });
});

describe("texts through RED._ (nodes/lib/common/i18n.ts)", () => {
  it("asks RED._ in the namespace of the catalog the key names, with the values", () => {
    const asked: unknown[][] = [];
    const t = nodeRedTranslate({ _: (key, vars) => (asked.push([key, vars]), "verbunden mit 1.2.3.4") });
    assert.equal(t("lxp-dongle.status.connected", { where: "1.2.3.4" }), "verbunden mit 1.2.3.4");
    assert.deepEqual(asked, [[`${MODULE}/lxp-dongle:lxp-dongle.status.connected`, { where: "1.2.3.4" }]]);
  });

  it("falls back to the en-US text where RED._ has no catalog (it returns the key, as the test helper's does)", () => {
    const asIs = nodeRedTranslate({ _: (key) => key });
    assert.equal(asIs("lxp-in.status.badFrames", { count: 3 }), "3 bad frames");
    const i18next = nodeRedTranslate({ _: (key) => key.slice(key.indexOf(":") + 1) });
    assert.equal(i18next("pylon-poll.status.skipped", { count: 2 }), "2 skipped");
    assert.equal(nodeRedTranslate({})("lxp-request.status.queued", { count: 4 }), "4 queued");
  });

  it("refuses a key no catalog has", () => {
    assert.throws(() => english("lxp-in.status.nothing"), /no text "lxp-in.status.nothing"/);
    assert.throws(() => english("mqtt.status.connected"), /names no catalog/);
  });

  it("fills __name__ placeholders once, as Node-RED's i18next does", () => {
    assert.equal(fill("__a__ and __b__", { a: "__b__", b: 2 }), "__b__ and 2");
    assert.equal(fill("kept __c__", {}), "kept __c__");
  });
});
