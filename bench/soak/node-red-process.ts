// A real Node-RED 4.1 in its own process for the soak: a throwaway user directory with this package
// linked into it (built dist/), the flow in flows.json, node --expose-gc, and probe.cjs loaded by
// settings.js to answer samples over IPC. Stopped by its PID.
import { ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeTcpPort } from "../../test/support/runtime";

const ROOT = join(__dirname, "..", "..");
const PROBE = join(__dirname, "probe.cjs");

export interface ProbeIds {
  dongle: string;
  ports: string[];
}

export class SoakNodeRed {
  private child: ChildProcess | undefined;
  private readonly userDir = mkdtempSync(join(tmpdir(), "lxp-pylon-soak-"));
  private readonly logFile = join(this.userDir, "node-red.log");
  private pending: ((reply: { sample?: any; error?: string }) => void) | undefined;

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(flow: unknown[]): Promise<void> {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string };
    mkdirSync(join(this.userDir, "node_modules"));
    symlinkSync(ROOT, join(this.userDir, "node_modules", pkg.name), "dir");
    writeFileSync(join(this.userDir, "package.json"), JSON.stringify({ name: "lxp-pylon-soak", private: true }));
    writeFileSync(join(this.userDir, "flows.json"), JSON.stringify(flow, null, 2));
    const port = await freeTcpPort();
    const settings = {
      uiHost: "127.0.0.1",
      uiPort: port,
      flowFile: "flows.json",
      credentialSecret: false,
      telemetry: { enabled: false },
      editorTheme: { tours: false },
    };
    writeFileSync(
      join(this.userDir, "settings.js"),
      `const probe = require(${JSON.stringify(PROBE)});\n` +
        `module.exports = { ...${JSON.stringify(settings)},\n` +
        `  logging: { console: { level: "warn", metrics: false, audit: false }, soak: { level: "warn", handler: probe.logHandler } } };\n`,
    );
    const red = require.resolve("node-red/red.js");
    const log = createWriteStream(this.logFile);
    const child = spawn(process.execPath, ["--expose-gc", red, "--userDir", this.userDir, "--port", String(port)], {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.child = child;
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    child.on("message", (reply: any) => {
      const settle = this.pending;
      this.pending = undefined;
      settle?.(reply);
    });
    child.on("exit", () => this.pending?.({ error: `Node-RED exited:\n${this.logTail()}` }));
  }

  /** Memory after a forced gc and the nodes' counters, from inside the Node-RED process. */
  async sample(ids: ProbeIds): Promise<any> {
    const child = this.child;
    if (!child || child.exitCode !== null || !child.connected) throw new Error(`Node-RED is not running:\n${this.logTail()}`);
    const reply = await new Promise<{ sample?: any; error?: string }>((resolve) => {
      this.pending = resolve;
      child.send({ type: "sample", ids });
    });
    if (reply.error) throw new Error(reply.error);
    return reply.sample;
  }

  logTail(lines = 20): string {
    try {
      return readFileSync(this.logFile, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.userDir, { recursive: true, force: true });
  }
}
