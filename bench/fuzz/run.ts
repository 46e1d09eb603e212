// `npm run fuzz`: every target for 1,000,000 inputs (or --frames N) with a fresh seed each (or
// --seed S), one line per target, exit 1 on any untyped error, broken invariant, lost frame or hang.
// Replay a failure with the command it prints: --target NAME --seed S [--input I].
import { randomInt } from "node:crypto";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { Rng } from "./prng";
import { formatFailure, formatResult } from "./report";
import { HANG_MS, runTarget, Target, TargetResult } from "./runner";
import { targetNamed, TARGETS } from "./targets";
import type { WorkerJob } from "./worker";

/** An input still running after this long is stopped: it would never return. */
const STUCK_MS = 10 * HANG_MS;
const DEFAULT_FRAMES = 1_000_000;

interface Options {
  targets: Target[];
  frames: number;
  /** Targets run at once, each in its own worker thread. */
  jobs: number;
  seed?: number;
  /** Replays this one input (in this thread) and prints it. */
  input?: number;
}

const USAGE = `usage: npm run fuzz -- [--target ${TARGETS.map((t) => t.name).join("|")}[,…]] [--frames N] [--seed S] [--input I] [--jobs J]`;

function parseArgs(argv: string[]): Options {
  const options: Options = { targets: [...TARGETS], frames: DEFAULT_FRAMES, jobs: Math.min(2, availableParallelism()) };
  for (let k = 0; k < argv.length; k++) {
    const [flag, inline] = argv[k].split("=", 2);
    const value = (): string => {
      const v = inline ?? argv[++k];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    const integer = (text: string): number => {
      const n = Number(text);
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag}: not a whole number: ${text}`);
      return n;
    };
    if (flag === "--target") {
      options.targets = value()
        .split(",")
        .map((name) => {
          const t = targetNamed(name.trim());
          if (!t) throw new Error(`no target ${name}\n${USAGE}`);
          return t;
        });
    } else if (flag === "--frames") options.frames = integer(value());
    else if (flag === "--seed") options.seed = integer(value()) >>> 0;
    else if (flag === "--input") options.input = integer(value());
    else if (flag === "--jobs") options.jobs = Math.max(1, integer(value()));
    else throw new Error(`unknown option ${argv[k]}\n${USAGE}`);
  }
  if (options.input !== undefined && options.seed === undefined) throw new Error(`--input needs --seed\n${USAGE}`);
  return options;
}

/** Runs a target in a worker thread; stops it and reports the input if one input runs for STUCK_MS. */
function runInWorker(target: Target, seed: number, frames: number): Promise<TargetResult> {
  const beat = new SharedArrayBuffer(4);
  const index = new Int32Array(beat);
  index[0] = -1;
  const job: WorkerJob = { name: target.name, seed, frames, beat };
  const worker = new Worker(__filename.replace(/run\.ts$/, "worker.ts"), { workerData: job, execArgv: ["--require", "tsx/cjs"] });
  const started = performance.now();
  return new Promise((resolve) => {
    let last = -1;
    let since = performance.now();
    let settled = false;
    /** A failure the worker could not report itself: the input it was feeding is drawn again here. */
    const fail = (kind: "hang" | "untyped error", message: string, stack: string): void => {
      const current = Atomics.load(index, 0);
      // Each input's stream depends only on the seed and its index.
      const input = current >= 0 ? target.describe(target.generate(new Rng().reset(seed, current))) : "(before the first input)";
      finish({
        name: target.name,
        seed,
        inputs: Math.max(current, 0),
        ok: 0,
        typed: {},
        losses: 0,
        excused: 0,
        elapsedMs: performance.now() - started,
        slowestMs: kind === "hang" ? performance.now() - since : 0,
        slowestIndex: current,
        failure: { kind, index: current, message, stack, input },
      });
    };
    const finish = (result: TargetResult): void => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      void worker.terminate();
      resolve(result);
    };
    const watchdog = setInterval(() => {
      const current = Atomics.load(index, 0);
      if (current !== last || current < 0) {
        last = current;
        since = performance.now();
      } else if (performance.now() - since >= STUCK_MS) {
        const message = `input did not return within ${STUCK_MS / 1000} s (stopped by the watchdog)`;
        fail("hang", message, message);
      }
    }, 200);
    worker.once("message", finish);
    // Out of memory, a stack overflow outside any input, or the process exited: the worker died.
    worker.once("error", (err) => fail("untyped error", `the worker died: ${err.message}`, err.stack ?? err.message));
    worker.once("exit", (code) => fail("untyped error", `the worker exited with code ${code}`, ""));
  });
}

/** Feeds one input in this thread and prints it with its outcome. */
function replayOne(target: Target, seed: number, index: number): boolean {
  const input = target.generate(new Rng().reset(seed, index));
  console.log(`${target.name} seed ${seed} input #${index}: ${target.describe(input)}`);
  const result = runTarget(target, { seed, frames: 1, from: index });
  console.log(result.failure ? formatFailure(result) : formatResult(result));
  return !result.failure;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (options.input !== undefined) {
    const ok = options.targets.map((t) => replayOne(t, options.seed as number, options.input as number));
    return ok.every(Boolean) ? 0 : 1;
  }
  console.log(`fuzzing ${options.targets.length} target(s), ${options.frames.toLocaleString("en")} inputs each, ${options.jobs} at a time`);
  const started = performance.now();
  const results: TargetResult[] = [];
  // Seeds first: a run stopped half-way can still be replayed.
  const seeds = new Map(options.targets.map((t) => [t, options.seed ?? randomInt(0x100000000)]));
  console.log(`seeds: ${[...seeds].map(([t, seed]) => `${t.name} ${seed}`).join(", ")}`);
  const queue = [...options.targets];
  // Each line is printed as its target finishes.
  const lane = async (): Promise<void> => {
    for (let target = queue.shift(); target; target = queue.shift()) {
      const result = await runInWorker(target, seeds.get(target) as number, options.frames);
      results.push(result);
      console.log(formatResult(result));
      if (result.failure) console.log(formatFailure(result));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, queue.length) }, lane));
  const failed = results.filter((r) => r.failure);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(failed.length ? `FAILED: ${failed.map((r) => r.name).join(", ")} (${seconds} s)` : `all ${results.length} targets passed (${seconds} s)`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
