// ConsoleOutputReader: where one command's transcript starts and ends in the console's byte
// stream, for each prompt the firmware prints, with and without the prompt before the echo.
import assert from "node:assert/strict";
import { ConsoleOutputReader, trailingPrompt, type OutputStep } from "../../nodes/lib/pylon/link";

const LIMITS = { maxBytes: 4096, maxPages: 2 };

function feed(reader: ConsoleOutputReader, text: string, chunk = 3): OutputStep[] {
  const steps: OutputStep[] = [];
  for (let i = 0; i < text.length; i += chunk) steps.push(reader.push(text.slice(i, i + chunk)));
  return steps;
}

describe("ConsoleOutputReader", () => {
  it("knows the prompts: pylon>, pylon_debug>, PYTES>, any word> at a line start", () => {
    assert.equal(trailingPrompt("\r\npylon>"), "pylon");
    assert.equal(trailingPrompt("$$\n\rpylon_debug> "), "pylon_debug");
    assert.equal(trailingPrompt("\r\nPYTES>"), "PYTES");
    assert.equal(trailingPrompt("\r\nbms>"), "bms");
    assert.equal(trailingPrompt("Volt > 3000"), undefined);
    assert.equal(trailingPrompt("\r\npylon>pwr"), undefined);
  });

  for (const [name, stream] of [
    ["echo after the old prompt", "pylon>soh 1\r\n@\r\nBattery  SOH\r\n0        100%\r\n$$\r\npylon>"],
    ["echo alone", "soh 1\r\r\n@\r\r\nBattery  SOH\r\r\n0        100%\r\r\n$$\r\r\nPYTES>"],
    ["junk, then the echo", "\x00\x13garbage\r\npylon_debug>soh 1\n\r@\n\rBattery  SOH\n\r0        100%\n\r$$\n\rpylon_debug>"],
  ] as const) {
    it(`a transcript from its echo to $$, the next prompt left out: ${name}`, () => {
      const steps = feed(new ConsoleOutputReader("soh 1", LIMITS), stream);
      const last = steps[steps.length - 1];
      assert.ok(steps.slice(0, -1).every((s) => s.kind === "more"));
      assert.equal(last.kind, "done");
      if (last.kind !== "done") return;
      assert.match(last.text, /^(pylon(_debug)?>)?soh 1[\r\n]+@/);
      assert.match(last.text, /\$\$[\r\n]*$/);
    });
  }

  it("without an echo the transcript starts at @ and gets the command line in front", () => {
    const steps = feed(new ConsoleOutputReader("pwr", LIMITS), "\r\n@\r\nPower Volt\r\n1     50777\r\n$$\r\npylon>");
    const last = steps[steps.length - 1];
    assert.deepEqual(last, { kind: "done", text: "pwr\r\n@\r\nPower Volt\r\n1     50777\r\n$$\r\n" });
  });

  it("another command's late output is not taken for this one's: the reader waits for its own echo", () => {
    // `bat 1` timed out; its output arrives after `bat 2` was written, then bat 2's own.
    const reader = new ConsoleOutputReader("bat 2", LIMITS);
    const late = feed(reader, "pylon>bat 1\r\n@\r\nBattery  Volt\r\n0        3301\r\n$$\r\n\rpylon>");
    assert.ok(late.every((s) => s.kind === "more"), JSON.stringify(late.at(-1)));
    const own = feed(reader, "bat 2\r\n@\r\nBattery  Volt\r\n0        3322\r\n$$\r\n\rpylon>");
    const last = own[own.length - 1];
    assert.equal(last.kind, "done");
    if (last.kind !== "done") return;
    assert.match(last.text, /^(pylon>)?bat 2\r\n@/);
    assert.match(last.text, /3322/);
    assert.doesNotMatch(last.text, /3301/);
  });

  it("a prompt before $$ is cut_off; past maxPages or maxBytes is too_long", () => {
    const cut = feed(new ConsoleOutputReader("pwr", LIMITS), "pwr\r\n@\r\nPower Volt\r\npylon>");
    assert.equal(cut[cut.length - 1].kind, "cut_off");
    const pager = new ConsoleOutputReader("bat 1", LIMITS);
    const paging = "Press [Enter] to be continued,other key to exit";
    assert.deepEqual(
      [pager.push(`bat 1\r\n@\r\n0 3300\r\n${paging}`), pager.push(`\r\n1 3301\r\n${paging}`), pager.push(`\r\n2 3302\r\n${paging}`)].map((s) => s.kind),
      ["page", "page", "too_long"],
    );
    const long = new ConsoleOutputReader("stat", LIMITS);
    assert.equal(long.push(`stat\r\n@\r\n${"x".repeat(4100)}`).kind, "too_long");
  });
});
