// Target pylon-frame: one PylonTech reply through decodeReply (parseFrame, the header checks and the
// INFO decoder of the command, PylonTech or Seplos layouts), as pylon-poll decodes it.
import { decodeReply, parseFrame, PylonAddressing, PylonProtocol, READ_COMMANDS } from "../../../nodes/lib/pylon/codec";
import { GOOD_PYLON_FRAMES, mutatedPylonFrame, PylonSample } from "../pylon-corpus";
import { Rng } from "../prng";
import { Target } from "../runner";
import { check, nonFiniteKey } from "../invariants";

const READ_CID2 = Object.keys(READ_COMMANDS).map(Number);

interface Input extends PylonSample {
  /** undefined: parseFrame only. */
  cid2?: number;
  protocol: PylonProtocol;
  request?: string | PylonAddressing;
  asBytes: boolean;
}

/** The command to decode as: the fixture's own mostly, any read command, or any byte (refused unless a read command). */
function commandFor(rng: Rng, own: number | undefined): number | undefined {
  const r = rng.int(20);
  if (r === 0) return undefined;
  if (r === 1) return rng.int(256);
  if (r < 6 || own === undefined) return rng.pick(READ_CID2);
  return own;
}

function requestFor(rng: Rng, sample: PylonSample, cid2: number | undefined): string | PylonAddressing | undefined {
  const r = rng.int(10);
  if (r < 4 && sample.fixture.request && cid2 === sample.fixture.cid2) return sample.fixture.request;
  if (r < 6) {
    // Mostly the ADR the reply carries, so the decoders are reached; else any ADR (a late reply).
    const own = parseInt(sample.text.slice(3, 5), 16);
    const adr = rng.chance(0.7) && own >= 0 ? own : rng.pick([0, 1, 2, 3, 0x12, rng.int(256)]);
    return { adr, info: rng.chance(0.5) ? rng.pick([0xff, adr, rng.int(256)]) : undefined };
  }
  return undefined;
}

export const pylonFrameTarget: Target<Input> = {
  name: "pylon-frame",
  errors: ["PylonFrameError", "PylonCommandError"],
  generate(rng) {
    const sample: PylonSample = rng.chance(0.05)
      ? (({ f }) => ({ text: f.text, fixture: f, origin: f.id }))({ f: rng.pick(GOOD_PYLON_FRAMES) })
      : mutatedPylonFrame(rng);
    const cid2 = commandFor(rng, sample.fixture.cid2);
    const own = sample.fixture.protocol;
    const protocol: PylonProtocol = rng.chance(0.8) ? own : own === "seplos" ? "pylontech" : "seplos";
    return { ...sample, cid2, protocol, request: requestFor(rng, sample, cid2), asBytes: rng.chance(0.3) };
  },
  run(input, tally) {
    const wire = input.asBytes ? Buffer.from(input.text, "latin1") : input.text;
    if (input.cid2 === undefined) {
      parseFrame(wire);
      tally.ok();
      return;
    }
    const reply = decodeReply(input.cid2, wire, { protocol: input.protocol, request: input.request });
    check(Array.isArray(reply.packs) && typeof reply.command === "string", () => "a reply without packs or command");
    const bad = nonFiniteKey(reply);
    check(bad === undefined, () => `${bad} is not a finite number`);
    tally.ok();
  },
  describe(input) {
    const options = { cid2: input.cid2, protocol: input.protocol, request: input.request, asBytes: input.asBytes };
    return `${Buffer.from(input.text, "latin1").toString("hex")} = ${JSON.stringify(input.text)} (${input.origin}) decoded with ${JSON.stringify(options)}`;
  },
};
