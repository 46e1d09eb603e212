// Merge banks: one inputs/all per broadcast cycle, with bounded memory whatever datalogs arrive.
import assert from "node:assert/strict";
import { BankMerger } from "../../nodes/lib/lxp/link/bank-merger";
import type { LxpMessage } from "../../nodes/lib/lxp/codec";

/** An inputs message of bank 0, 1 or 2 (40 registers) from `datalog`. */
function bank(datalog: string, index: number, value = index): LxpMessage {
  const registers: Record<string, number> = {};
  for (let r = 0; r < 40; r += 13) registers[String(index * 40 + r)] = value;
  return {
    topic: `lxp/${datalog}/inputs/${index + 1}`,
    payload: { registers, [`key${index}`]: value },
    lxp: { datalog, register: index * 40, count: 40, raw: `0${index}` },
  } as unknown as LxpMessage;
}

describe("BankMerger", () => {
  it("merges banks 1–3 of a datalog into one inputs/all, with each bank's frame once", () => {
    const merger = new BankMerger();
    assert.equal(merger.add(bank("AB12345678", 0), 0), undefined);
    assert.equal(merger.add(bank("AB12345678", 1), 10), undefined);
    assert.equal(merger.add(bank("AB12345678", 1, 7), 20), undefined, "a repeated bank replaces its frame");
    const merged = merger.add(bank("AB12345678", 2), 30)!;
    assert.equal(merged.topic, "lxp/AB12345678/inputs/all");
    assert.equal(merged.lxp.raw, "000102");
    assert.equal(Object.keys(merged.payload.registers as object).length, 12, "every bank's registers");
    assert.equal((merged.payload as Record<string, unknown>).key1, 7);
    assert.deepEqual(merger.stats, { merged: 1, evicted: 0, expired: 0 });
    assert.equal(merger.openCycles, 0);
  });

  it("100,000 spoofed datalogs keep at most 8 open cycles; the oldest are evicted and counted", () => {
    const merger = new BankMerger();
    for (let k = 0; k < 100_000; k++) merger.add(bank(`X${String(k).padStart(9, "0")}`, 0), k);
    assert.equal(merger.openCycles, 8);
    assert.equal(merger.stats.evicted, 100_000 - 8);
    // The 8 youngest are the ones kept: the last datalog can still complete its cycle.
    const last = "X000099999";
    merger.add(bank(last, 1), 100_001);
    assert.equal(merger.add(bank(last, 2), 100_002)?.topic, `lxp/${last}/inputs/all`);
    assert.equal(merger.add(bank("X000000000", 1), 100_003), undefined, "an evicted cycle does not come back");
    merger.add(bank("X000000000", 2), 100_004);
    assert.equal(merger.stats.merged, 1);
  });

  it("drops a cycle that did not complete within maxCycleMs, counted, without waiting for its datalog", () => {
    const merger = new BankMerger({ maxCycleMs: 1000 });
    merger.add(bank("AB12345678", 0), 0);
    merger.add(bank("AB12345678", 1), 100);
    merger.add(bank("CD12345678", 0), 1500); // another datalog's traffic sweeps the stale cycle away
    assert.equal(merger.openCycles, 1);
    assert.equal(merger.stats.expired, 1);
    assert.equal(merger.add(bank("AB12345678", 2), 1600), undefined, "bank 3 alone does not merge");
  });

  it("lets other ranges pass unchanged", () => {
    const merger = new BankMerger();
    const other = { ...bank("AB12345678", 3), lxp: { datalog: "AB12345678", register: 120, count: 40, raw: "03" } } as unknown as LxpMessage;
    assert.equal(merger.add(other), other);
    assert.equal(merger.openCycles, 0);
  });
});
