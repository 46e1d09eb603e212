// The plausibility limits of pylon/plausibility.ts on hand-built 0x42 replies (pylon-protocol.md §5.1, §11).
import assert from "node:assert/strict";
import { decodeReply, encodeReply } from "../../nodes/lib/pylon/codec";

const CELL_MV = 3333;
const CELLS = 15;

/** A one-pack 0x42 reply from pack 2 (INFOFLAG, command value, 15 cells, 5 temperatures, 16-bit capacities). */
function analogReply(remainingMah: number, totalMah: number): string {
  const word = (v: number): number[] => [v >> 8, v & 0xff];
  const info = [
    0x00, 0x02,
    CELLS, ...Array.from({ length: CELLS }, () => word(CELL_MV)).flat(),
    5, ...Array.from({ length: 5 }, () => word(2981)).flat(), // 25.0 °C
    ...word(0), // current
    ...word(CELLS * CELL_MV),
    ...word(remainingMah),
    0x02,
    ...word(totalMah),
    ...word(10), // cycles
  ];
  return encodeReply({ adr: 2, info });
}

describe("pylon 0x42 plausibility: SOC", () => {
  it("passes a full pack whose remaining capacity runs slightly past its total (100.2 %)", () => {
    const [pack] = decodeReply(0x42, analogReply(50_100, 50_000)).packs;
    assert.equal(pack.soc, 100.2);
    assert.equal(pack.remaining_ah, 50.1);
    assert.equal(pack.total_ah, 50);
  });

  it("passes 105 % and refuses 106 %, naming the capacities", () => {
    assert.equal(decodeReply(0x42, analogReply(52_500, 50_000)).packs[0].soc, 105);
    assert.throws(() => decodeReply(0x42, analogReply(53_000, 50_000)), {
      reason: "implausible_values",
      message: /^0x42 reply about pack 0x02 cannot come from a PylonTech pack: SOC 106 % \(53 Ah of 50 Ah\);/,
    });
  });
});
