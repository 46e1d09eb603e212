// A second real bus capture (test/fixtures/pylon-bus/README.md): an MPI/Infinisolar hybrid inverter
// asks a PylonTech pack for its protocol version with VER 0x00, then polls the V3.5 system commands
// 0x61 and 0x63 with VER 0x20. BusPairer pairs and decodes all three replies.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BusPairer, type PassiveReply } from "../../nodes/lib/pylon/passive";
import { FIXTURES_DIR } from "../support/vectors";

/** The log's frames in bus order; the quote drops each frame's CR and adds `>>`/`<<` and comments. */
function logFrames(): string[] {
  const text = readFileSync(join(FIXTURES_DIR, "pylon-bus", "powerforum-12901-infinisolar.log"), "utf8");
  return [...text.matchAll(/(~[0-9A-F]+)/g)].map((m) => `${m[1]}\r`);
}

describe("BusPairer on a real capture of an MPI/Infinisolar inverter polling a PylonTech pack (VER 0x00 / 0x20)", () => {
  const frames = logFrames();
  const pairer = new BusPairer();
  const replies: PassiveReply[] = pairer.push(frames.join(""), 0);

  it("pairs the three requests with their three replies, nothing left over", () => {
    assert.equal(frames.length, 6);
    assert.deepEqual(
      replies.map((r) => [r.request.cid2, r.request.adr, r.reply.command]),
      [
        [0x4f, 2, "0x4F"],
        [0x61, 2, "0x61"],
        [0x63, 2, "0x63"],
      ],
    );
    const { requests, replies: seen, decoded, unpaired, unanswered, rejected, badFrames } = pairer.counters;
    assert.deepEqual({ requests, seen, decoded, unpaired, unanswered, rejected, badFrames }, {
      requests: 3,
      seen: 3,
      decoded: 3,
      unpaired: 0,
      unanswered: 0,
      rejected: 0,
      badFrames: 0,
    });
  });

  it("the first reply: a VER 0x00 request answered with VER 0x20, protocol 2.0 for ADR 2", () => {
    const first = replies[0];
    assert.equal(first.request.raw, "~0002464F0000FD9A\r");
    assert.equal(first.raw, "~200246000000FDB2\r");
    assert.deepEqual(first.reply.packs, [{ address: 2, protocol_version: "2.0" }]);
  });

  it("the system analog reply (0x61): 53.197 V, −1.14 A, SOC 81 %, cells 3.321–3.322 V", () => {
    const analog = replies[1].reply.system?.analog;
    assert.ok(analog);
    assert.deepEqual(
      [analog.voltage, analog.current, analog.soc, analog.soh_avg, analog.cell_max, analog.cell_min, analog.cell_temperature_avg],
      [53.197, -1.14, 81, 100, 3.322, 3.321, 26.6],
    );
  });

  it("the last reply (0x63): charge 57.6 V / 95 A, discharge 44.8 V / 95 A, both enabled", () => {
    const last = replies[2];
    assert.equal(last.raw, "~20024600D012E100AF0003B603B6C0F9B5\r");
    assert.deepEqual(last.reply.system?.charge_management, {
      charge_voltage_limit: 57.6,
      discharge_voltage_limit: 44.8,
      charge_current_limit: 95,
      discharge_current_limit: 95,
      charge_enable: true,
      discharge_enable: true,
      charge_immediately: false,
      full_charge_request: false,
    });
  });

  it("gives the same replies fed one byte at a time", () => {
    const bytewise = new BusPairer();
    const out: PassiveReply[] = [];
    for (const ch of frames.join("")) out.push(...bytewise.push(ch, 0));
    assert.deepEqual(out, replies);
  });
});
