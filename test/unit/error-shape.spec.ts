// The package's one error shape (a snake_case `code`, a one-line `message`, optional `details`),
// met on real frames, and the one place that maps errors to Node-RED (nodes/lib/common/node-errors.ts).
import assert from "node:assert/strict";
import { LxpError, LxpFrameError, LxpStreamParser, parseFrame } from "../../nodes/lib/lxp/codec";
import { LxpCommandError, parseCommand } from "../../nodes/lib/lxp/control/commands";
import { LxpRequestError } from "../../nodes/lib/lxp/link/request-error";
import { decodeReply, encodeRequest, parseFrame as parsePylonFrame, PylonCommandError, PylonError, PylonFrameError } from "../../nodes/lib/pylon/codec";
import { PylonLinkError } from "../../nodes/lib/pylon/link";
import { errorCode, errorMessage, failureStatus, finishInput, nodeFailed, raiseError } from "../../nodes/lib/common/node-errors";
import { hexBuf, lxpCaptures, lxpVector } from "../support/vectors";
import { vector } from "./pylon-vectors";

const SNAKE_CASE = /^[a-z]+(?:_[a-z0-9]+)*$/;

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof Error, String(err));
    return err;
  }
  assert.fail("nothing was thrown");
}

function assertShape(err: Error, code: string): void {
  const { code: actual, details } = err as { code?: unknown; details?: unknown };
  assert.equal(actual, code);
  assert.match(code, SNAKE_CASE);
  assert.ok(err.message.length > 0 && !err.message.includes("\n"), err.message);
  if (details !== undefined) assert.equal(typeof details, "object");
}

describe("the error shape: code, message, details", () => {
  it("LxpFrameError: a truncated real capture is length_mismatch, with its bytes in the details", () => {
    const capture = lxpCaptures().find((c) => c.id === "eg4a_input_80_truncated")!;
    const err = thrown(() => parseFrame(hexBuf(capture.hex)));
    assert.ok(err instanceof LxpFrameError && err instanceof LxpError);
    assertShape(err, "length_mismatch");
    assert.deepEqual(err.details, { raw: capture.hex.toLowerCase(), problem: "length field says 117 bytes, frame has 100", wellFormed: false, count: 1, bytes: 100 });
    assert.equal(err.raw, err.details.raw);
    assert.equal(err.reason, err.details.problem, "the deprecated alias");
  });

  it("LxpFrameError: a real input reply with a flipped CRC byte is crc_mismatch", () => {
    const frame = hexBuf(lxpVector("lbi_read_inputs_0_to_39").hex);
    frame[frame.length - 1] ^= 0xff;
    assertShape(thrown(() => parseFrame(frame)), "crc_mismatch");
  });

  it("LxpFrameError from a stream: garbage before a real frame, and a merged run keeps the first code", () => {
    const frame = hexBuf(lxpVector("lb_heartbeat").hex);
    const [garbage, good] = new LxpStreamParser().push(Buffer.concat([Buffer.from([0xff, 0xfe, 0xfd]), frame]));
    assert.ok(garbage.error && good.frame);
    assertShape(garbage.error, "garbage");
    assert.equal(garbage.error.details.bytes, 3);

    const crc = hexBuf(lxpVector("lbi_read_inputs_0_to_39").hex);
    crc[crc.length - 1] ^= 0xff;
    const items = new LxpStreamParser().finish(Buffer.concat([crc, Buffer.from([0xff, 0xff]), Buffer.from(crc)]));
    assert.equal(items.length, 1);
    const run = items[0].error!;
    assertShape(run, "crc_mismatch");
    assert.equal(run.count, 2, "the garbage after a bad frame belongs to it");
    assert.match(run.message, /^2 bad frames in 236 bytes, first: CRC mismatch/);
  });

  it("PylonFrameError: a real RTN 02 reply is chksum_error, with the frame and the RTN in the details", () => {
    const reply = vector("shoto-rtn02").reply!;
    const err = thrown(() => decodeReply(0x42, reply));
    assert.ok(err instanceof PylonFrameError && err instanceof PylonError);
    assertShape(err, "chksum_error");
    assert.deepEqual(err.details, { raw: reply, rtn: 2 });
    assert.equal(err.reason, err.code, "the deprecated alias");
  });

  it("PylonFrameError: a real reply with a broken checksum is checksum", () => {
    const reply = vector("shoto-rtn02").reply!.trim();
    assertShape(thrown(() => parsePylonFrame(`${reply.slice(0, -1)}${reply.endsWith("0") ? "1" : "0"}\r`)), "checksum");
  });

  it("PylonCommandError: a forbidden command names it in the details", () => {
    const err = thrown(() => encodeRequest(0x64, { adr: 2 }));
    assert.ok(err instanceof PylonCommandError);
    assertShape(err, "forbidden_command");
    assert.deepEqual(err.details, { cid2: 0x64 });
  });

  it("PylonLinkError is a PylonError with a code and no details", () => {
    const err = new PylonLinkError("timeout", "no reply from /dev/ttyUSB0 within 500 ms");
    assert.ok(err instanceof PylonError);
    assertShape(err, "timeout");
    assert.equal(err.details, undefined);
    assert.equal(err.name, "PylonLinkError");
  });

  it("LxpCommandError: each refusal has its code", () => {
    const cases: [string, unknown, string][] = [
      ["", undefined, "no_command"],
      ["read/nothing", undefined, "unknown_command"],
      [`read/hold/${"1".repeat(200)}`, undefined, "topic_too_long"],
      ["read/hold/70000", undefined, "invalid_value"],
      ["set/hold/64", 101, "invalid_value"],
      ["read/hold/65500", 100, "out_of_range"],
    ];
    for (const [topic, payload, code] of cases) {
      const err = thrown(() => parseCommand(topic, payload));
      assert.ok(err instanceof LxpCommandError && err instanceof LxpError, topic);
      assertShape(err, code);
    }
  });

  it("LxpRequestError keeps the reply behind the failure in the details", () => {
    const reply = { kind: "exception", msg: { topic: "lxp/2222222222/exception/64", payload: { code: 2 } } } as unknown as ConstructorParameters<typeof LxpRequestError>[2];
    const err = new LxpRequestError("exception", "write hold 64 = 50: the inverter answered exception 2", reply);
    assertShape(err, "exception");
    assert.equal(err.details?.reply, reply);
    assert.equal(err.reply, reply);
    assert.equal(new LxpRequestError("timeout", "no reply").details, undefined);
  });
});

describe("node-errors: errors to Node-RED in one place", () => {
  it("errorCode: the code of a package error, the text of any other", () => {
    assert.equal(errorCode(thrown(() => decodeReply(0x42, vector("shoto-rtn02").reply!))), "chksum_error");
    assert.equal(errorCode(new PylonLinkError("not_connected", "port closed")), "not_connected");
    assert.equal(errorCode(new Error("something else")), "something else");
    assert.equal(errorCode("a string"), "a string");
  });

  it("failureStatus: red ring, the prefix and the message, one line of at most 120 characters", () => {
    assert.deepEqual(failureStatus(new LxpRequestError("timeout", "no reply"), "fail read/hold/21"), {
      fill: "red",
      shape: "ring",
      text: "fail read/hold/21: no reply",
    });
    assert.equal(failureStatus(new Error("x".repeat(300))).text, "x".repeat(120));
  });

  it("raiseError and nodeFailed hand Node-RED text, with the message when there is one", () => {
    const calls: unknown[][] = [];
    const node = { error: (...args: unknown[]) => calls.push(["error", ...args]), status: (s: unknown) => calls.push(["status", s]) };
    const err = new PylonLinkError("closed", "the link to /dev/ttyUSB0 was closed");
    raiseError(node, err, errorMessage("pylon/bms", err));
    raiseError(node, err);
    nodeFailed(node, "config error", err);
    assert.deepEqual(calls, [
      ["error", "the link to /dev/ttyUSB0 was closed", { topic: "pylon/bms", payload: "the link to /dev/ttyUSB0 was closed" }],
      ["error", "the link to /dev/ttyUSB0 was closed"],
      ["status", { fill: "red", shape: "ring", text: "config error" }],
      ["error", "the link to /dev/ttyUSB0 was closed"],
    ]);
    const done: unknown[] = [];
    finishInput((e) => done.push(e), err);
    finishInput((e) => done.push(e));
    assert.deepEqual(done, ["the link to /dev/ttyUSB0 was closed", undefined]);
  });
});
