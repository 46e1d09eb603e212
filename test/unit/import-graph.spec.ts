// The layout's rules, type-only imports included (lint's import-x/no-cycle skips those): no import
// cycles, LuxPower and PylonTech code never import each other, codecs import no Node-RED or I/O.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "../..");
const DIRS = ["nodes", "sim", "bin"];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [rel] : [];
  });
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  return [`${base}.ts`, `${base}/index.ts`].find((candidate) => fs.existsSync(path.join(ROOT, candidate)));
}

interface Edge {
  to: string;
  spec: string;
}

function importGraph(): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const file of DIRS.flatMap(sourceFiles)) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), "utf8"), true, true);
    const edges: Edge[] = [];
    for (const { fileName: spec } of importedFiles) {
      const to = spec.startsWith(".") ? resolveLocal(file, spec) : undefined;
      edges.push({ to: to ?? spec, spec });
    }
    graph.set(file, edges);
  }
  return graph;
}

/** Every cycle's files, found by a depth-first search over the local imports. */
function cycles(graph: Map<string, Edge[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    stack.push(file);
    for (const { to } of graph.get(file) ?? []) {
      if (!graph.has(to)) continue;
      if (state.get(to) === "open") found.push([...stack.slice(stack.indexOf(to)), to]);
      else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

const device = (file: string): "lxp" | "pylon" | "common" | undefined =>
  /^(?:nodes\/lib|sim)\/(lxp|pylon|common)\//.exec(file)?.[1] as "lxp" | "pylon" | "common" | undefined;

describe("the import graph (nodes, sim, bin)", () => {
  const graph = importGraph();

  it("has no import cycle, type-only imports included", () => {
    assert.ok(graph.size > 100, `read ${graph.size} files`);
    assert.deepEqual(cycles(graph).map((cycle) => cycle.join(" → ")), []);
  });

  it("LuxPower and PylonTech code never import each other; the common folders import neither", () => {
    const crossings: string[] = [];
    for (const [file, edges] of graph) {
      const from = device(file);
      if (!from) continue;
      for (const { to } of edges) {
        const target = device(to);
        if (target && target !== from && target !== "common") crossings.push(`${file} → ${to}`);
      }
    }
    assert.deepEqual(crossings, []);
  });

  it("device and common code never import the files that join both devices (nodes/types.ts, the package's index.ts)", () => {
    const joined = new Set(["nodes/types.ts", "index.ts"]);
    const through: string[] = [];
    for (const [file, edges] of graph) {
      if (!device(file)) continue;
      for (const { to } of edges) if (joined.has(to)) through.push(`${file} → ${to}`);
    }
    assert.deepEqual(through, []);
  });

  it("the codecs import only their own folder and no Node-RED or I/O module", () => {
    const outside: string[] = [];
    for (const [file, edges] of graph) {
      const codec = /^nodes\/lib\/(lxp|pylon)\/codec\//.exec(file);
      if (!codec) continue;
      for (const { to, spec } of edges) {
        if (!to.startsWith(`nodes/lib/${codec[1]}/codec/`)) outside.push(`${file} → ${spec}`);
      }
    }
    assert.deepEqual(outside, []);
  });

  it("the console parser imports only its own folder and the PylonTech codec (for PylonError)", () => {
    const outside: string[] = [];
    for (const [file, edges] of graph) {
      if (!file.startsWith("nodes/lib/pylon/console/")) continue;
      for (const { to, spec } of edges) {
        if (!to.startsWith("nodes/lib/pylon/console/") && !to.startsWith("nodes/lib/pylon/codec/")) outside.push(`${file} → ${spec}`);
      }
    }
    assert.ok(graph.has("nodes/lib/pylon/console/index.ts"));
    assert.deepEqual(outside, []);
  });

  it("passive listening imports only its own folder and the PylonTech codec: no I/O, nothing that could write", () => {
    const outside: string[] = [];
    for (const [file, edges] of graph) {
      if (!file.startsWith("nodes/lib/pylon/passive/")) continue;
      for (const { to, spec } of edges) {
        if (!to.startsWith("nodes/lib/pylon/passive/") && !to.startsWith("nodes/lib/pylon/codec/")) outside.push(`${file} → ${spec}`);
      }
    }
    assert.ok(graph.has("nodes/lib/pylon/passive/bus-pairer.ts"));
    assert.deepEqual(outside, []);
  });
});
