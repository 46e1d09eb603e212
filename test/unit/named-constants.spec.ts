// The protocol constants named once (nodes/lib/lxp/codec/constants.ts, PylonRtn), checked against
// real frames of test/fixtures.
import assert from "node:assert/strict";
import { BANK_SIZE, encodeReadInput, INPUT_FIELDS, MAX_REGISTERS, NAMED_INPUT_BANKS, parseFrame } from "../../nodes/lib/lxp/codec";
import { decodeReply, PylonFrameError, PylonRtn, RETURN_CODES } from "../../nodes/lib/pylon/codec";
import { hexBuf, lxpVector } from "../support/vectors";
import { vector } from "./pylon-vectors";

const target = { datalog: "2222222222", inverter: "5555555555" };

describe("named protocol constants", () => {
  it("BANK_SIZE: the real bank-1 request reads 40 registers from 40; the named inputs end inside the named banks", () => {
    const frame = parseFrame(hexBuf(lxpVector("lbi_cmd_read_input_40").hex));
    assert.ok(frame.kind === "translated" && frame.role === "request" && "count" in frame);
    assert.deepEqual([frame.register, frame.count], [BANK_SIZE, BANK_SIZE]);
    const lastNamed = Math.max(...INPUT_FIELDS.map((f) => f.reg));
    assert.ok(lastNamed < NAMED_INPUT_BANKS * BANK_SIZE && lastNamed >= (NAMED_INPUT_BANKS - 1) * BANK_SIZE, String(lastNamed));
  });

  it("MAX_REGISTERS: the real protocol-5 reply carries that many; a read of one more is refused", () => {
    const frame = parseFrame(hexBuf(lxpVector("lb_parse_read_inputs_all_protocol5_reply").hex));
    assert.ok(frame.kind === "translated" && frame.role === "reply" && "values" in frame);
    assert.equal(frame.values.length, MAX_REGISTERS);
    assert.equal(encodeReadInput(target, 0, MAX_REGISTERS).readUInt16LE(34), MAX_REGISTERS);
    assert.throws(() => encodeReadInput(target, 0, MAX_REGISTERS + 1), /register count must be 1–127, got 128/);
  });

  it("PylonRtn: the real RTN 04 reply is CID2_INVALID; every error RTN has its name", () => {
    assert.throws(() => decodeReply(0x42, vector("robske-rtn04").reply!), (err) => err instanceof PylonFrameError && err.rtn === PylonRtn.CID2_INVALID);
    const errorRtns = Object.values(PylonRtn).filter((rtn) => rtn !== PylonRtn.NORMAL);
    assert.deepEqual(Object.keys(RETURN_CODES).map(Number).sort((a, b) => a - b), errorRtns);
  });
});
