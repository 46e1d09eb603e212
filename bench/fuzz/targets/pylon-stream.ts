// Target pylon-stream: PylonFrameSplitter fed good replies, mutated frames and line noise in random
// chunks (text or bytes). Every good frame must come out whole; every frame that comes out is then decoded.
import { MAX_FRAME_CHARS, parseFrame, PylonFrameSplitter } from "../../../nodes/lib/pylon/codec";
import { GOOD_PYLON_FRAMES, mutatedPylonFrame } from "../pylon-corpus";
import { Rng } from "../prng";
import { Target } from "../runner";
import { chunkSizes, countLosses, describeStream, Segment } from "../stream-mix";
import { check } from "../invariants";

interface Input {
  segments: Segment<string>[];
  sizes: number[];
  asText: boolean;
}

const NOISE = "~\r\n0123456789ABCDEF \x00\xff";

/** Line noise: random bytes, `~` floods, runs without CR, hex text, stray CR/LF. */
function garbage(rng: Rng): Segment<string> {
  const kind = rng.int(5);
  const build = (): string => {
    switch (kind) {
      case 0:
        return rng.bytes(rng.size(200)).toString("latin1");
      case 1:
        return "~".repeat(rng.size(300));
      case 2:
        return Array.from({ length: rng.size(200) }, () => NOISE[rng.int(NOISE.length)]).join("");
      case 3:
        return `~${"0".repeat(rng.size(MAX_FRAME_CHARS + 100))}`;
      default:
        return rng.pick(["\r", "\n", "\r\n", "\x00"]);
    }
  };
  return { kind: "garbage", data: build(), origin: `garbage kind ${kind}` };
}

export const pylonStreamTarget: Target<Input> = {
  name: "pylon-stream",
  errors: ["PylonFrameError"],
  generate(rng) {
    const segments: Segment<string>[] = [];
    for (let k = rng.range(2, 10); k > 0; k--) {
      const r = rng.int(20);
      if (r < 9) {
        const f = rng.pick(GOOD_PYLON_FRAMES);
        segments.push({ kind: "good", data: f.text, origin: f.id });
      } else if (r < 15) {
        const s = mutatedPylonFrame(rng);
        segments.push({ kind: "bad", data: s.text, origin: s.origin });
      } else {
        segments.push(garbage(rng));
      }
    }
    const total = segments.reduce((n, s) => n + s.data.length, 0);
    return { segments, sizes: chunkSizes(rng, total), asText: rng.chance(0.5) };
  },
  run(input, tally) {
    const stream = input.segments.map((s) => s.data).join("");
    const bytes = Buffer.from(stream, "latin1");
    const splitter = new PylonFrameSplitter();
    const frames: string[] = [];
    let at = 0;
    for (const size of input.sizes) {
      const chunk = input.asText ? stream.slice(at, at + size) : bytes.subarray(at, at + size);
      at += size;
      for (const item of splitter.push(chunk)) {
        if (item.error) {
          tally.typed(item.error, item.count);
          continue;
        }
        const f = item.frame;
        check(f[0] === "~" && f.endsWith("\r") && f.indexOf("~", 1) < 0 && f.length <= MAX_FRAME_CHARS, () => `split out ${JSON.stringify(f)}`);
        frames.push(f);
        try {
          parseFrame(f);
          tally.ok();
        } catch (err) {
          tally.typed(err);
        }
      }
      check(splitter.buffered <= MAX_FRAME_CHARS, () => `${splitter.buffered} characters held back`);
    }
    const goods = input.segments.filter((s) => s.kind === "good").map((s) => s.data);
    tally.loss(countLosses(goods, frames, (a, b) => a === b));
  },
  describe: (input) =>
    `${input.asText ? "text" : "bytes"} ${describeStream(input.segments, input.sizes, (s) => Buffer.from(s, "latin1").toString("hex"))}`,
};
