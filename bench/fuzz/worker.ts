// Runs one target in a worker thread, so the main thread can stop an input that never returns.
import { parentPort, workerData } from "node:worker_threads";
import { runTarget } from "./runner";
import { targetNamed } from "./targets";

export interface WorkerJob {
  name: string;
  seed: number;
  frames: number;
  /** Int32Array over a SharedArrayBuffer: [0] = index of the input being fed. */
  beat: SharedArrayBuffer;
}

const job = workerData as WorkerJob;
const target = targetNamed(job.name);
if (!target) throw new Error(`no target ${job.name}`);
parentPort?.postMessage(runTarget(target, { seed: job.seed, frames: job.frames, beat: new Int32Array(job.beat), fastErrors: true }));
