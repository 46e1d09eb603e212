// The package as a user gets it: `npm pack`, then `npm install <tarball>` into a plain Node-RED user
// directory, then Node-RED 4.1 started on that directory. All five node types must register, the
// log must hold no warning or error, and the tarball must carry no source maps or test files.
import assert from "node:assert/strict";
import { ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { waitFor } from "../support/net";
import { freeTcpPort } from "../support/runtime";
import { hexBuf, lxpVector } from "../support/vectors";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
const NODE_RED = require.resolve("node-red/red.js");
const TYPES = ["lxp-dongle", "lxp-in", "lxp-request", "pylon-poll", "pylon-port"];

describe("packed tarball installed into a plain Node-RED user directory", function () {
  this.timeout(180000);
  let work = "";
  let tarball = "";
  let files: string[] = [];
  let child: ChildProcess | undefined;
  let log = "";
  let port = 0;
  let userDir = "";

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "lxp-pylon-pack-"));
    // dist/ is built by `npm test` before mocha runs; --ignore-scripts skips prepack's second build.
    const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: ROOT });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, packed.filename);
    files = packed.files.map((f) => f.path);

    userDir = join(work, "user");
    await run("mkdir", ["-p", userDir]);
    writeFileSync(join(userDir, "package.json"), JSON.stringify({ name: "node-red-project", private: true }));
    writeFileSync(join(userDir, "settings.js"), `module.exports = ${JSON.stringify({ uiHost: "127.0.0.1", flowFile: "flows.json", credentialSecret: false, telemetry: { enabled: false } })};\n`);
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], { cwd: userDir, timeout: 150000 });

    port = await freeTcpPort();
    child = spawn(process.execPath, [NODE_RED, "--userDir", userDir, "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    await waitFor(() => /Started flows|Server now running/.test(log) || child!.exitCode !== null, 60000, "Node-RED to start");
    if (child.exitCode !== null) throw new Error(`Node-RED exited early:\n${log}`);
  });

  after(async () => {
    const c = child;
    if (c && c.exitCode === null) {
      const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
      c.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
      if (c.exitCode === null) c.kill("SIGKILL");
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("ships the built nodes, examples, docs and CLI, without source maps, sources or tests", () => {
    for (const type of TYPES) {
      assert.ok(files.includes(`dist/nodes/${type}.js`), `dist/nodes/${type}.js missing`);
      assert.ok(files.includes(`dist/nodes/${type}.html`), `dist/nodes/${type}.html missing`);
    }
    assert.ok(files.includes("dist/bin/lxp-pylon.js"));
    assert.ok(files.some((f) => f.startsWith("examples/")));
    assert.ok(files.some((f) => f.startsWith("docs/") && f.endsWith(".md")), "no docs/*.md in the tarball");
    assert.deepEqual(files.filter((f) => f.endsWith(".map")), []);
    assert.deepEqual(files.filter((f) => (f.endsWith(".ts") && !f.endsWith(".d.ts")) || f.startsWith("test/")), []);
    assert.ok(files.includes("dist/index.d.ts"), "the codec API's types");
  });

  it("gives the codec API to require() from the user directory, as a function node's libs would", async () => {
    const hex = hexBuf(lxpVector("lb_parse_read_inputs_all_protocol5_reply").hex).toString("hex");
    const script =
      `const { lxp, pylon } = require("node-red-contrib-lxp-pylon");` +
      `const { msg } = lxp.frameToMessage(lxp.parseFrame(Buffer.from("${hex}", "hex")));` +
      `console.log(JSON.stringify({ soc: msg.payload.soc, pylon: typeof pylon.decodeReply }));`;
    const { stdout } = await run(process.execPath, ["-e", script], { cwd: userDir });
    assert.deepEqual(JSON.parse(stdout), { soc: 100, pylon: "function" });
  });

  it("registers all five node types, enabled and without load errors", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/nodes`, { headers: { Accept: "application/json" } });
    const sets = (await res.json()) as { module: string; types: string[]; enabled: boolean; err?: string }[];
    const ours = sets.filter((s) => s.module === "node-red-contrib-lxp-pylon");
    assert.deepEqual(ours.flatMap((s) => s.types).sort(), TYPES);
    for (const set of ours) {
      assert.equal(set.enabled, true);
      assert.equal(set.err, undefined, String(set.err));
    }
  });

  it("loads serialport's prebuilt native binding although npm skipped its install script", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/pylon-port/ports`, { headers: { Accept: "application/json" } });
    const list = (await res.json()) as { ports: unknown[]; error?: string };
    assert.ok(Array.isArray(list.ports));
    // Listing may fail for want of udevadm in a container; a missing native build must not be why.
    assert.doesNotMatch(list.error ?? "", /native|binding|gyp|Cannot find module/i);
  });

  it("logs no warning or error while loading", () => {
    // Node-RED's own notes about this test's settings (no projects, no credential key) are not ours.
    const own = /Projects disabled|unencrypted credentials/;
    const bad = log.split("\n").filter((line) => /\[(warn|error)\]/.test(line) && !own.test(line));
    assert.deepEqual(bad, [], log);
  });

  it("offers the examples in the editor's import menu (Import > Examples)", async () => {
    const base = `http://127.0.0.1:${port}/library/examples/flows/node-red-contrib-lxp-pylon`;
    for (const file of readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".json"))) {
      const res = await fetch(`${base}/${encodeURIComponent(file.slice(0, -5))}`, { headers: { Accept: "application/json" } });
      assert.equal(res.status, 200, file);
      assert.ok(((await res.json()) as { type: string }[]).some((n) => n.type === "lxp-in" || n.type === "pylon-poll"), file);
    }
  });
});
