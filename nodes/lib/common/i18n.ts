// Texts people read, from the message catalogs (nodes/locales/<lang>/<node>.json), as Node-RED's
// RED._ gives them. A key names its catalog first: "lxp-in.status.badFrames" is in lxp-in.json, so
// a node may show a text of another node's catalog (lxp-in shows its lxp-dongle's connection
// status). Without Node-RED (the CLI, unit tests, node-red-node-test-helper's RED._ that returns
// the key) the en-US catalog gives the text. No Node-RED imports.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Values put into a text's __name__ placeholders. */
export type MessageVars = Record<string, string | number>;

/** A text by its key: "lxp-dongle.status.connecting", { where: "192.168.1.50:8000" }. */
export type Translate = (key: string, vars?: MessageVars) => string;

/** The package's name: Node-RED's namespace of a node's catalog is "<module>/<node>". */
export const MODULE = "node-red-contrib-lxp-pylon";

/** The nodes that have a catalog (one per node file, as Node-RED loads them). */
export const CATALOGS = ["lxp-dongle", "lxp-in", "lxp-request", "pylon-port", "pylon-poll"] as const;
export type CatalogName = (typeof CATALOGS)[number];

export const LOCALES_DIR = join(__dirname, "..", "..", "locales");

type Catalog = { [key: string]: string | Catalog };

const loaded = new Map<string, Catalog>();

/** A node's en-US catalog, read once. */
export function englishCatalog(name: CatalogName): Catalog {
  let catalog = loaded.get(name);
  if (!catalog) {
    catalog = JSON.parse(readFileSync(join(LOCALES_DIR, "en-US", `${name}.json`), "utf8")) as Catalog;
    loaded.set(name, catalog);
  }
  return catalog;
}

function catalogOf(key: string): CatalogName {
  const name = key.slice(0, key.indexOf("."));
  if (!(CATALOGS as readonly string[]).includes(name)) throw new Error(`message key "${key}" names no catalog (${CATALOGS.join(", ")})`);
  return name as CatalogName;
}

/** Fills __name__ placeholders as Node-RED's i18next does (no escaping). */
export function fill(template: string, vars: MessageVars = {}): string {
  return template.replace(/__([A-Za-z0-9_]+?)__/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The en-US text of a key; a key the catalog lacks is a bug, so it throws. */
export const english: Translate = (key, vars) => {
  let at: string | Catalog | undefined = englishCatalog(catalogOf(key));
  for (const part of key.split(".")) at = typeof at === "object" ? at[part] : undefined;
  if (typeof at !== "string") throw new Error(`no text "${key}" in nodes/locales/en-US/${catalogOf(key)}.json`);
  return fill(at, vars);
};

/** What a node gets as RED: its `_`, which looks a key up in the node's own catalog unless it names one ("ns:key"). */
interface HasTranslate {
  _?: (key: string, vars?: MessageVars) => unknown;
}

/**
 * The runtime's texts: RED._ in the catalog the key names (the user's language, falling back to
 * en-US); where RED._ has no catalog (it returns the key), the en-US text.
 */
export function nodeRedTranslate(red: HasTranslate): Translate {
  return (key, vars) => {
    const qualified = `${MODULE}/${catalogOf(key)}:${key}`;
    const text = typeof red._ === "function" ? red._(qualified, vars) : undefined;
    return typeof text === "string" && text !== qualified && text !== key && text !== "" ? text : english(key, vars);
  };
}

/** "1 frame" or "3 frames": the text of `one` or `many`, with __count__ = n. */
export function counted(t: Translate, n: number, one: string, many: string): string {
  return t(n === 1 ? one : many, { count: n });
}
