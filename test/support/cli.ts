// Runs the built CLI (dist/bin/lxp-pylon.js; `npm test` builds first).
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const CLI = join(__dirname, "..", "..", "dist", "bin", "lxp-pylon.js");

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`);
}

export function runCli(args: string[], input?: string | Buffer) {
  requireBuiltCli();
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: "utf8", timeout: 20000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A long-running CLI process whose stdout lines are collected. */
export class CliProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = "";
  exitCode: number | null | undefined;

  /** `nodeArgs` go before the script (e.g. --require a preload); `env` replaces the environment. */
  constructor(args: string[], options: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}) {
    requireBuiltCli();
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], env: options.env });
    let partial = "";
    this.child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      const parts = (partial + d).split("\n");
      partial = parts.pop() as string;
      this.lines.push(...parts.filter((l) => l.length > 0));
    });
    this.child.stderr!.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    this.child.on("exit", (code) => (this.exitCode = code));
  }

  /** Stops the process by its own PID and waits for it to exit. */
  async stop(signal: NodeJS.Signals = "SIGINT"): Promise<number | null> {
    if (this.exitCode === undefined) {
      const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      process.kill(this.child.pid as number, signal);
      await exited;
    }
    return this.exitCode ?? null;
  }
}
