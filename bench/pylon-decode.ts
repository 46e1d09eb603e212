// The PylonTech 0x42 decode against a plain JavaScript decoder of the same frames (pylon-baseline.ts),
// timed in the same run in alternating slices on real frames from test/fixtures/pylon-vectors.json.
// "Ours" is what a poll cycle does per request: the request's summary, the parse of the reply (the
// link), its decode with the plausibility checks (the poller). Prints; asserts nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeReply, parseFrame, summarizeRequest } from "../nodes/lib/pylon/codec/api";
import { baselineDecode0x42 } from "./pylon-baseline";

const FIXTURES = ["pp-us3000-4packs-ff", "tc-us2000b-0x42"];
const SLICE_MS = 100;

interface Fixture {
  id: string;
  request: string;
  reply: string;
}

function fixture(id: string): Fixture {
  const vectors = JSON.parse(readFileSync(join(__dirname, "../test/fixtures/pylon-vectors.json"), "utf8")) as Array<Fixture & { id: string }>;
  const v = vectors.find((x) => x.id === id);
  if (!v?.request || !v.reply) throw new Error(`no 0x42 request/reply ${id} in pylon-vectors.json`);
  return v;
}

/** Calls of `fn` per second over one slice; `fn` returns a number so its work cannot be dropped. */
function slice(fn: () => number): { calls: number; ms: number; sink: number } {
  const started = performance.now();
  let calls = 0;
  let sink = 0;
  while (performance.now() - started < SLICE_MS) {
    for (let k = 0; k < 100; k++) sink += fn();
    calls += 100;
  }
  return { calls, ms: performance.now() - started, sink };
}

/** Both decoders agree on the values, so the race is between equals. */
function checkAgreement(f: Fixture): void {
  const ours = decodeReply(0x42, f.reply, { request: f.request }).packs;
  const base = baselineDecode0x42(f.reply, summarizeRequest(0x42, f.request).selector === 0xff).packs;
  const same = ours.length === base.length && ours.every((p, i) => {
    const b = base[i];
    return JSON.stringify([p.cell_voltages, p.temperatures, p.current, p.voltage, p.remaining_ah, p.total_ah, p.cycles, p.soc]) ===
      JSON.stringify([b.cellVoltages, b.temperatures, b.current, b.voltage, b.remainingAh, b.totalAh, b.cycles, b.soc]);
  });
  if (!same) throw new Error(`${f.id}: the baseline decodes other values than the codec`);
}

export function pylonDecodeBench(seconds: number): string[] {
  return FIXTURES.map((id) => {
    const f = fixture(id);
    checkAgreement(f);
    const allPacks = summarizeRequest(0x42, f.request).selector === 0xff;
    const ours = (): number => {
      const request = summarizeRequest(0x42, f.request);
      return decodeReply(0x42, parseFrame(f.reply), { request, protocol: "pylontech" }).packs.length;
    };
    const base = (): number => baselineDecode0x42(f.reply, allPacks).packs.length;
    const totals = { ours: { calls: 0, ms: 0 }, base: { calls: 0, ms: 0 } };
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) {
      for (const [name, fn] of [["ours", ours], ["base", base]] as const) {
        const s = slice(fn);
        if (s.sink === 0) throw new Error("nothing decoded");
        totals[name].calls += s.calls;
        totals[name].ms += s.ms;
      }
    }
    const rate = (t: { calls: number; ms: number }): number => (t.calls * 1000) / t.ms;
    const fmt = (n: number): string => Math.round(n).toLocaleString("en");
    const packs = decodeReply(0x42, f.reply, { request: f.request }).packs.length;
    return (
      `pylon 0x42 decode, ${id} (${packs} pack${packs === 1 ? "" : "s"}, ${f.reply.trim().length} chars): ` +
      `codec (summary + parse + decode + checks) ${fmt(rate(totals.ours))}/s, plain JS baseline ${fmt(rate(totals.base))}/s, ` +
      `ratio ${(rate(totals.ours) / rate(totals.base)).toFixed(2)} (target ≥ 1.0)`
    );
  });
}
