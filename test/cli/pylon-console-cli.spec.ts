// `lxp-pylon decode pylon-console`: real console transcripts (test/fixtures/pylon-console) in, JSON in
// V, A, °C and % out; cut-off transcripts refused with exit 1, bad usage exit 2.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../support/cli";

const FIXTURES = join(__dirname, "../fixtures/pylon-console");

describe("lxp-pylon decode pylon-console", () => {
  it("decodes a real US3000C pwr transcript from a file: pack 1's values, packs 2-16 absent", () => {
    const r = runCli(["decode", "pylon-console", join(FIXTURES, "pwr-us3000c-b69.txt")]);
    assert.equal(r.code, 0, r.stderr);
    const decoded = JSON.parse(r.stdout);
    assert.equal(decoded.command, "pwr");
    assert.equal(decoded.packs.length, 16);
    const [first] = decoded.packs;
    assert.deepEqual(
      [first.pack, first.voltage, first.current, first.temperature, first.cell_voltage_low, first.cell_voltage_high, first.soc, first.base_state],
      [1, 50.777, 0, 41, 3.34, 3.496, 5, "Idle"],
    );
    assert.deepEqual(decoded.packs.at(-1), { pack: 16, absent: true });
  });

  it("reads a transcript from stdin and takes the command from its echo (bat 1: cells with balancing flags)", () => {
    const r = runCli(["decode", "pylon-console", "-"], readFileSync(join(FIXTURES, "bat-us3000c-b69.txt")));
    assert.equal(r.code, 0, r.stderr);
    const decoded = JSON.parse(r.stdout);
    assert.equal(decoded.command, "bat");
    assert.equal(decoded.arg, 1);
    assert.deepEqual([decoded.cells[0].voltage, decoded.cells[0].temperature, decoded.cells[0].soc, decoded.cells[0].balancing], [3.493, 25.9, 100, true]);
  });

  it("refuses a cut-off transcript with one line and exit 1; bad usage exits 2", () => {
    const cut = readFileSync(join(FIXTURES, "bat-us3000c-b69.txt"), "latin1").slice(0, 200);
    const r = runCli(["decode", "pylon-console", "-"], cut);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^invalid transcript: .*cut off\n$/);
    assert.equal(r.stdout, "");
    assert.equal(runCli(["decode", "pylon-console"]).code, 2);
    assert.equal(runCli(["decode", "pylon-console", join(FIXTURES, "no-such-file.txt")]).code, 1);
  });
});
