// The README's `decode` examples are pasted by users as they stand: each one must run and decode.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../support/cli";

const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

/** Splits a shell line into words: single-quoted, double-quoted and bare words, no expansion. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** `npx lxp-pylon decode …` lines of the README's sh blocks that need no file: argv and stdin. */
function decodeExamples(): { line: string; args: string[]; input?: string }[] {
  const blocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  const found = [];
  for (const raw of blocks.join("\n").split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").trim();
    const piped = /^echo (\S+) \| npx lxp-pylon (decode .*)$/.exec(line);
    if (piped) found.push({ line, args: words(piped[2]), input: `${piped[1]}\n` });
    else if (/^npx lxp-pylon decode /.test(line) && !/--file|<|\s-$/.test(line)) found.push({ line, args: words(line).slice(2) });
  }
  return found;
}

describe("README examples of the CLI", () => {
  const examples = decodeExamples();

  it("has decode examples for both devices", () => {
    assert.ok(examples.some((e) => e.args[1] === "lxp"), "no decode lxp example");
    assert.ok(examples.some((e) => e.args[1] === "pylon"), "no decode pylon example");
  });

  for (const example of examples) {
    it(`runs: ${example.line.slice(0, 70)}${example.line.length > 70 ? "…" : ""}`, () => {
      const r = runCli(example.args, example.input);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      if (example.args[1] === "lxp") assert.ok(Array.isArray(out) && out.length > 0 && out[0].topic.startsWith("lxp/"));
      else assert.ok(out.packs.length > 0 && out.packs[0].cell_voltages.length > 0);
    });
  }
});
