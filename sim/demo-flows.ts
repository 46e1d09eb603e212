// The importable example flows (examples/**/*.json) as data: load them, combine several into one
// deployable flow, and point their device and broker settings at simulators or other stand-ins.
// Used by the one-command demo and the tests; no Node-RED imports.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";

/** Config node ids every example shares, so deploying several gives one dongle connection and one bus. */
export const SHARED_CONFIG_IDS = {
  dongle: "lxp-pylon-example-dongle",
  pylonPort: "lxp-pylon-example-pylon-port",
  uiBase: "lxp-pylon-ui-base",
  uiTheme: "lxp-pylon-ui-theme",
} as const;

export interface ExampleFlow {
  /** Path relative to the examples directory with "/" separators, e.g. "dashboard/battery stack.json". */
  file: string;
  flow: any[];
}

export type LxpTarget =
  | { transport: "tcp"; host: string; port: number }
  | { transport: "udp"; port: number; bind?: string };

export type PylonTarget = { transport: "serial"; path: string } | { transport: "tcp"; host: string; port: number };

export interface DemoTargets {
  /** Every lxp-dongle config node. */
  lxp?: LxpTarget;
  /** Every pylon-port config node. */
  pylon?: PylonTarget;
  /** Every mqtt-broker config node. */
  mqtt?: { host: string; port: number };
  /** File nodes (file, file in) write/read `<fileDir>/<basename of their path>` instead. */
  fileDir?: string;
}

/** The examples directory of the package, from sim/ (tsx) or dist/sim/ (compiled). */
export function defaultExamplesDir(): string {
  const candidates = [join(__dirname, "..", "examples"), join(__dirname, "..", "..", "examples")];
  const found = candidates.find((d) => existsSync(d) && statSync(d).isDirectory());
  if (!found) throw new Error(`examples directory not found (looked in ${candidates.join(", ")})`);
  return found;
}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsonFiles(path));
    else if (entry.isFile() && entry.name.endsWith(".json")) out.push(path);
  }
  return out;
}

/** Every examples/**\/*.json (as Node-RED's library lists them), sorted by path. */
export function loadExampleFlows(dir: string = defaultExamplesDir()): ExampleFlow[] {
  return jsonFiles(dir)
    .map((path) => {
      const flow: unknown = JSON.parse(readFileSync(path, "utf8"));
      const file = relative(dir, path).split(sep).join("/");
      if (!Array.isArray(flow)) throw new Error(`${file}: an example flow must be a JSON array of nodes`);
      return { file, flow };
    })
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/**
 * Concatenates flows into one. A node whose id was already seen is dropped (the first wins: the
 * shared config nodes), and so is every `global-config` node after the first (Node-RED keeps one).
 */
export function combineFlows(flows: any[][]): any[] {
  const ids = new Set<string>();
  let globalConfig = false;
  const out: any[] = [];
  for (const flow of flows) {
    for (const node of flow) {
      if (node?.type === "global-config") {
        if (globalConfig) continue;
        globalConfig = true;
      }
      if (typeof node?.id === "string") {
        if (ids.has(node.id)) continue;
        ids.add(node.id);
      }
      out.push(node);
    }
  }
  return out;
}

/** A deep copy of `flow` with its device, broker and file settings pointed at `targets`. */
export function pointAtDevices(flow: any[], targets: DemoTargets): any[] {
  const copy: any[] = structuredClone(flow);
  for (const node of copy) {
    switch (node?.type) {
      case "lxp-dongle": {
        const t = targets.lxp;
        if (!t) break;
        node.transport = t.transport;
        node.port = String(t.port);
        if (t.transport === "tcp") {
          node.host = t.host;
        } else {
          node.bind = t.bind ?? "127.0.0.1";
          node.source = "";
        }
        break;
      }
      case "pylon-port": {
        const t = targets.pylon;
        if (!t) break;
        node.transport = t.transport;
        if (t.transport === "serial") {
          node.path = t.path;
        } else {
          node.host = t.host;
          node.port = String(t.port);
        }
        break;
      }
      case "mqtt-broker": {
        const t = targets.mqtt;
        if (!t) break;
        node.broker = t.host;
        node.port = String(t.port);
        break;
      }
      case "file":
      case "file in": {
        const dir = targets.fileDir;
        if (!dir || (node.filenameType && node.filenameType !== "str") || !node.filename) break;
        node.filename = join(dir, basename(String(node.filename)));
        break;
      }
    }
  }
  return copy;
}
