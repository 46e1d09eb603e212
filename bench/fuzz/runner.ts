// Runs one fuzz target: draws each input from its own seeded stream, feeds it, counts outcomes, and
// stops at the first untyped error, broken invariant or input slower than the hang limit.
import { Rng } from "./prng";
import { FuzzFailure } from "./invariants";
import { typedLabel } from "./typed-errors";

/** An input that takes longer than this counts as a hang. */
export const HANG_MS = 1000;

export interface Tally {
  /** Frames (or commands) that decoded or were accepted. */
  ok(count?: number): void;
  /** A typed error thrown or reported by the code under test; `count` for a merged run of bad frames. */
  typed(err: unknown, count?: number): void;
  /** Good frames of a stream that never came out of the parser. */
  loss(count: number): void;
  /** Good frames lost behind a corrupt frame whose CRC matched by chance (1 in 65,536): no parser can tell. */
  excused(count: number): void;
}

export interface Target<I = any> {
  name: string;
  /** The error classes the code under test may throw or report; any other error fails the run. */
  errors: readonly string[];
  /** Draws one input from `rng`. */
  generate(rng: Rng): I;
  /** Feeds the input to the code under test; throws what it throws, or a FuzzFailure for a broken invariant. */
  run(input: I, tally: Tally): void;
  /** The input as text for a failure report: hex for bytes. */
  describe(input: I): string;
}

export interface Failure {
  kind: "untyped error" | "invariant" | "hang" | "resync loss";
  index: number;
  message: string;
  stack: string;
  input: string;
}

export interface TargetResult {
  name: string;
  seed: number;
  inputs: number;
  ok: number;
  typed: Record<string, number>;
  losses: number;
  excused: number;
  elapsedMs: number;
  slowestMs: number;
  slowestIndex: number;
  failure?: Failure;
}

export interface RunOptions {
  seed: number;
  frames: number;
  /** First input index (a replay of one input starts there with frames 1). */
  from?: number;
  /** Updated with the index of the input being fed, for a watchdog in another thread. */
  beat?: Int32Array;
  /**
   * Errors without stack traces while fuzzing (capturing one costs ~3 µs, most of the time on bad
   * frames); a failing input is fed again with them to report its stack.
   */
  fastErrors?: boolean;
}

/** "Class:reason" → "Class". */
const classOf = (label: string): string => label.split(":", 1)[0];

class Counts implements Tally {
  okCount = 0;
  losses = 0;
  excusedCount = 0;
  readonly typedCounts: Record<string, number> = {};

  constructor(private readonly allowed: readonly string[]) {}

  /** The error's label if it is one the target may throw, else undefined. */
  label(err: unknown): string | undefined {
    const label = typedLabel(err);
    return label !== undefined && this.allowed.includes(classOf(label)) ? label : undefined;
  }

  ok(count = 1): void {
    this.okCount += count;
  }

  typed(err: unknown, count = 1): void {
    const label = this.label(err);
    if (label === undefined) throw err; // reported as untyped by the runner
    this.typedCounts[label] = (this.typedCounts[label] ?? 0) + count;
  }

  loss(count: number): void {
    this.losses += count;
  }

  excused(count: number): void {
    this.excusedCount += count;
  }
}

export function runTarget(target: Target, options: RunOptions): TargetResult {
  const stackTraceLimit = Error.stackTraceLimit;
  if (options.fastErrors) Error.stackTraceLimit = 0;
  try {
    return runInputs(target, options);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function runInputs(target: Target, options: RunOptions): TargetResult {
  const counts = new Counts(target.errors);
  const rng = new Rng();
  const from = options.from ?? 0;
  const end = from + options.frames;
  let slowestMs = 0;
  let slowestIndex = -1;
  let failure: Failure | undefined;
  const started = performance.now();
  let index = from;
  // The first input that lost a good frame; the run goes on to count the losses of the others.
  let firstLoss: Failure | undefined;
  for (; index < end && !failure; index++) {
    if (options.beat) Atomics.store(options.beat, 0, index);
    const input = target.generate(rng.reset(options.seed, index));
    const lossesBefore = counts.losses;
    const t0 = performance.now();
    try {
      target.run(input, counts);
    } catch (err) {
      if (err instanceof FuzzFailure) {
        failure = failed("invariant", index, err, target, input);
      } else if (counts.label(err) !== undefined) {
        counts.typed(err);
      } else {
        failure = failed("untyped error", index, err, target, input);
      }
    }
    const ms = performance.now() - t0;
    if (ms > slowestMs) {
      slowestMs = ms;
      slowestIndex = index;
    }
    if (ms > HANG_MS && !failure) {
      const err = new Error(`input took ${ms.toFixed(0)} ms (limit ${HANG_MS} ms)`);
      failure = failed("hang", index, err, target, input);
    }
    if (counts.losses > lossesBefore && !firstLoss) {
      const err = new Error(`${counts.losses - lossesBefore} good frame(s) after garbage or a corrupt frame never came out of the parser`);
      firstLoss = failed("resync loss", index, err, target, input);
    }
  }
  failure ??= firstLoss;
  return {
    name: target.name,
    seed: options.seed,
    inputs: index - from,
    ok: counts.okCount,
    typed: counts.typedCounts,
    losses: counts.losses,
    excused: counts.excusedCount,
    elapsedMs: performance.now() - started,
    slowestMs,
    slowestIndex,
    failure,
  };
}

/** Feeds an input again with stack traces on; returns what it throws (undefined if it passes now). */
function withStack(target: Target, input: unknown): unknown {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Math.max(limit, 20);
  try {
    target.run(input, new Counts(target.errors));
    return undefined;
  } catch (err) {
    return err;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function failed(kind: Failure["kind"], index: number, err: unknown, target: Target, input: unknown): Failure {
  if ((kind === "untyped error" || kind === "invariant") && Error.stackTraceLimit === 0) {
    const again = withStack(target, input);
    if (again === undefined) return { kind, index, message: `${String(err)} (not repeated when fed again: not deterministic)`, stack: "", input: describe(target, input) };
    err = again;
  }
  const e = err instanceof Error ? err : new Error(`thrown non-Error: ${String(err)}`);
  return { kind, index, message: `${e.name}: ${e.message}`, stack: e.stack ?? e.message, input: describe(target, input) };
}

function describe(target: Target, input: unknown): string {
  try {
    return target.describe(input);
  } catch (err) {
    return `(the input cannot be described: ${String(err)})`;
  }
}
