// A short run of every `npm run fuzz` target with fixed seeds: the codecs and the command parser throw
// only their typed errors, keep their invariants, and the stream parsers lose no good frame behind
// garbage. The full run (1,000,000 inputs per target, fresh seeds) is `npm run fuzz`.
import assert from "node:assert/strict";
import { formatFailure } from "../../bench/fuzz/report";
import { runTarget } from "../../bench/fuzz/runner";
import { TARGETS } from "../../bench/fuzz/targets";

const INPUTS = 20_000;
const SEED = 20240610;

describe("fuzz (quick run of npm run fuzz)", function () {
  this.timeout(60_000);

  for (const target of TARGETS) {
    it(`${target.name}: ${INPUTS.toLocaleString("en")} inputs, seed ${SEED}`, () => {
      const result = runTarget(target, { seed: SEED, frames: INPUTS, fastErrors: true });
      assert.equal(result.failure, undefined, formatFailure(result));
      assert.equal(result.inputs, INPUTS);
      assert.equal(result.losses, 0);
      // The inputs reach both sides: some decode or are accepted, some are refused with a typed error.
      const typed = Object.values(result.typed).reduce((a, b) => a + b, 0);
      assert.ok(result.ok > INPUTS / 100 && typed > INPUTS / 100, `ok ${result.ok}, typed ${typed}`);
    });
  }

  it("finds an untyped error and replays it from the seed and the input index alone", () => {
    const [target] = TARGETS;
    const broken = { ...target, run: (input: unknown) => (JSON.stringify(input).length % 7 === 0 ? ((null as any).x as number) : 0) };
    const result = runTarget(broken, { seed: SEED, frames: 1000, fastErrors: true });
    assert.equal(result.failure?.kind, "untyped error");
    assert.match(result.failure.stack, /TypeError: Cannot read properties of null/);
    const again = runTarget(broken, { seed: SEED, frames: 1, from: result.failure.index });
    assert.equal(again.failure?.input, result.failure.input);
  });
});
