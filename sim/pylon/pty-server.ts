// Serves a simulated stack on a pseudo-terminal pair made by socat: the poller opens `path` as it
// would /dev/ttyUSB0, the simulator holds the other end. unplug()/replug() make the device path
// vanish and return (a USB adapter pulled and plugged back) under the same name.
import { ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import tty from "node:tty";
import type { AttachableStack } from "./attachable";

export const SOCAT_MISSING_MESSAGE = "socat not found: apt-get install socat";

export interface PylonPtyServeOptions {
  /** Directory for the two links; default a new one under os.tmpdir(), removed on close(). */
  dir?: string;
  /** Base name of the links. Default "ttyPYLON". */
  name?: string;
  /** How long socat may take to create the pair. Default 5000 ms. */
  readyTimeoutMs?: number;
}

/** Starts socat and resolves once its pair of ptys is linked and transferring. */
function startSocat(pollerLink: string, simulatorLink: string, timeoutMs: number): Promise<ChildProcess> {
  const child = spawn(
    "socat",
    ["-d", "-d", `pty,raw,echo=0,link=${pollerLink}`, `pty,raw,echo=0,link=${simulatorLink}`],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let log = "";
    const onError = (err: NodeJS.ErrnoException): void => fail(err.code === "ENOENT" ? new Error(SOCAT_MISSING_MESSAGE) : err);
    const onExit = (code: number | null, signal: string | null): void =>
      fail(new Error(`socat exited (${signal ?? code}) before the pty pair was ready: ${log.trim()}`));
    const onLog = (chunk: Buffer): void => {
      if (log.length < 4096) log += chunk.toString();
      if (!log.includes("starting data transfer loop")) return;
      settle();
      child.on("error", () => undefined); // kill() errors after this are handled by stopSocat
      resolve(child);
    };
    const settle = (): void => {
      clearTimeout(timer);
      child.off("error", onError);
      child.off("exit", onExit);
      child.stderr?.off("data", onLog);
    };
    const fail = (err: Error): void => {
      settle();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`socat did not set up the pty pair within ${timeoutMs} ms: ${log.trim()}`)), timeoutMs);
    child.on("error", onError);
    child.on("exit", onExit);
    child.stderr?.on("data", onLog);
  });
}

/** Stops socat by its PID and waits for it; socat removes its links on SIGTERM. */
async function stopSocat(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const forced = setTimeout(() => child.kill("SIGKILL"), 2000);
  await exited;
  clearTimeout(forced);
}

export class PylonPtyServer {
  /** The device path a poller opens. */
  readonly path: string;
  /** The end the simulator holds. */
  readonly simulatorPath: string;
  private socat: ChildProcess | undefined;
  private port: tty.ReadStream | undefined;
  private detach: (() => void) | undefined;

  private constructor(
    private readonly stack: AttachableStack,
    private readonly dir: string,
    private readonly ownsDir: boolean,
    name: string,
    private readonly readyTimeoutMs: number,
  ) {
    this.path = path.join(dir, name);
    this.simulatorPath = path.join(dir, `${name}-sim`);
  }

  /** Rejects with SOCAT_MISSING_MESSAGE when socat is not installed. */
  static async open(stack: AttachableStack, options: PylonPtyServeOptions = {}): Promise<PylonPtyServer> {
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "pylon-sim-"));
    const server = new PylonPtyServer(stack, dir, ownsDir, options.name ?? "ttyPYLON", options.readyTimeoutMs ?? 5000);
    try {
      await server.replug();
    } catch (err) {
      await server.close();
      throw err;
    }
    return server;
  }

  /** PID of the running socat, undefined while unplugged. */
  get pid(): number | undefined {
    return this.socat?.pid;
  }

  get plugged(): boolean {
    return this.socat !== undefined;
  }

  /** Creates the pty pair (again) under the same names and starts answering on it. */
  async replug(): Promise<void> {
    if (this.socat) return;
    this.socat = await startSocat(this.path, this.simulatorPath, this.readyTimeoutMs);
    const child = this.socat;
    child.stderr?.resume(); // keep socat's log pipe drained
    child.once("exit", () => {
      if (this.socat !== child) return; // unplug() is already handling it
      this.socat = undefined;
      this.releasePort();
    });
    const fd = fs.openSync(this.simulatorPath, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
    this.port = new tty.ReadStream(fd);
    this.port.on("error", () => undefined); // EIO once socat is gone: that is the unplug
    this.detach = this.stack.attach(this.port);
  }

  /** Removes the device path: socat stops, the poller's open port fails, the path is gone. */
  async unplug(): Promise<void> {
    const child = this.socat;
    this.socat = undefined;
    this.releasePort();
    if (child) await stopSocat(child);
    // Links left by an abnormal exit would make the device look present.
    fs.rmSync(this.path, { force: true });
    fs.rmSync(this.simulatorPath, { force: true });
  }

  async close(): Promise<void> {
    await this.unplug();
    if (this.ownsDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private releasePort(): void {
    this.detach?.();
    this.detach = undefined;
    this.port?.destroy();
    this.port = undefined;
  }
}
