// Starts the real Node-RED runtime through scripts/start.mjs (as `npm start` does) on a free port
// with a temporary user directory, and stops it by PID.
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "./net";

const ROOT = join(__dirname, "..", "..");

export async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class NodeRedRuntime {
  child: ChildProcess | undefined;
  redPid: number | undefined;
  log = "";
  port = 0;
  userDir = "";

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts plain Node-RED with the package; pass `{ DEMO: "1", … }` for the demo with its example flows. */
  async start(env: Record<string, string> = {}): Promise<void> {
    this.port = await freeTcpPort();
    this.userDir = mkdtempSync(join(tmpdir(), "lxp-pylon-nr-"));
    this.child = spawn(process.execPath, [join(ROOT, "scripts", "start.mjs")], {
      env: { ...process.env, DEMO: "0", PORT: String(this.port), NODE_RED_USER_DIR: this.userDir, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const append = (d: Buffer): void => {
      this.log += d.toString();
      const m = /Node-RED \(pid (\d+)\)/.exec(this.log);
      if (m) this.redPid = Number(m[1]);
    };
    this.child.stdout!.on("data", append);
    this.child.stderr!.on("data", append);
    await waitFor(() => /Started flows/.test(this.log) || this.child!.exitCode !== null, 30000, "Node-RED to start");
    if (this.child.exitCode !== null) throw new Error(`Node-RED exited early:\n${this.log}`);
  }

  async get(path: string, accept = "application/json"): Promise<Response> {
    return fetch(this.url + path, { headers: { Accept: accept } });
  }

  async deploy(flow: unknown[]): Promise<void> {
    const res = await fetch(`${this.url}/flows`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Node-RED-Deployment-Type": "full" },
      body: JSON.stringify(flow),
    });
    if (res.status !== 204 && res.status !== 200) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    // The start script forwards signals; make sure Node-RED itself is gone too.
    if (this.redPid) {
      try {
        process.kill(this.redPid, "SIGKILL");
      } catch {
        // already exited
      }
    }
    if (this.userDir) rmSync(this.userDir, { recursive: true, force: true });
  }
}
