// Target lxp-frame: one LuxPower frame through parseFrame and frameToMessage, as lxp-in decodes it.
import { frameToMessage, parseFrame } from "../../../nodes/lib/lxp/codec";
import { goodFrame, LxpSample, mutatedFrame } from "../lxp-corpus";
import { Target } from "../runner";
import { check, nonFiniteKey } from "../invariants";

interface Input extends LxpSample {
  currentDivisor: 10 | 100;
}

export const lxpFrameTarget: Target<Input> = {
  name: "lxp-frame",
  errors: ["LxpFrameError"],
  generate(rng) {
    const sample = rng.chance(0.05) ? goodFrame(rng) : mutatedFrame(rng);
    return { ...sample, currentDivisor: rng.chance(0.2) ? 10 : 100 };
  },
  run(input, tally) {
    const frame = parseFrame(input.bytes);
    const { msg } = frameToMessage(frame, { time: 0, currentDivisor: input.currentDivisor });
    check(msg.topic.startsWith(`lxp/${frame.datalog}/`) && /^[0-9A-Za-z]{10}$/.test(frame.datalog), () => `topic ${JSON.stringify(msg.topic)}`);
    const bad = nonFiniteKey(msg.payload);
    check(bad === undefined, () => `${bad} is not a finite number`);
    tally.ok();
  },
  describe: (input) => `${input.bytes.toString("hex")} (${input.origin}, currentDivisor ${input.currentDivisor})`,
};
