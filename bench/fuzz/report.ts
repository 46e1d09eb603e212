// The lines `npm run fuzz` prints: one summary per target, and the report of a failure with its replay command.
import { TargetResult } from "./runner";

const fmt = (n: number): string => Math.round(n).toLocaleString("en");

/** One summary line for a target. */
export function formatResult(r: TargetResult): string {
  const typedTotal = Object.values(r.typed).reduce((a, b) => a + b, 0);
  const byLabel = Object.entries(r.typed)
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `${label} ${fmt(n)}`)
    .join(", ");
  const rate = r.inputs / (r.elapsedMs / 1000);
  return (
    `${r.name.padEnd(12)} ${r.failure ? "FAIL" : "ok  "} inputs ${fmt(r.inputs)}, decoded ok ${fmt(r.ok)}, typed errors ${fmt(typedTotal)}` +
    ` [${byLabel || "none"}], losses ${fmt(r.losses)}${r.excused ? ` (+${fmt(r.excused)} behind a corrupt frame whose CRC matched by chance)` : ""}, ${fmt(rate)} inputs/s, slowest ${r.slowestMs.toFixed(2)} ms (input #${r.slowestIndex}), seed ${r.seed}`
  );
}

/** The failure report: what failed, where, the input and the stack, and how to replay it. */
export function formatFailure(r: TargetResult): string {
  const f = r.failure;
  if (!f) return "";
  return [
    `FAIL ${r.name}: ${f.kind} at input #${f.index} (seed ${r.seed})`,
    `  ${f.message}`,
    `  replay: npm run fuzz -- --target ${r.name} --seed ${r.seed}   (this input alone: add --input ${f.index})`,
    `  input: ${f.input}`,
    `  stack: ${f.stack.split("\n").join("\n  ")}`,
  ].join("\n");
}
