// The package's main as a user's function node or program sees it: require(<package>) gives `lxp`
// and `pylon`, and they decode real frames (README "Codec API"). Reads the built dist/ (npm test builds).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hexBuf, lxpVector } from "../support/vectors";
import { vector as pylonVector } from "./pylon-vectors";

const ROOT = join(__dirname, "../..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const api = require(ROOT) as typeof import("../../index");

describe("the codec API (the package's main)", () => {
  it("is what package.json's main and types point at, with declarations", () => {
    assert.equal(require.resolve(ROOT), join(ROOT, pkg.main));
    assert.ok(existsSync(join(ROOT, pkg.types)), `${pkg.types} is built`);
    assert.match(readFileSync(join(ROOT, pkg.types), "utf8"), /export \* as lxp from .*\n.*export \* as pylon from/);
    assert.deepEqual(Object.keys(api).sort(), ["lxp", "pylon"]);
  });

  it("lxp: parseFrame + frameToMessage decode a real protocol-5 input reply", () => {
    const frame = api.lxp.parseFrame(hexBuf(lxpVector("lb_parse_read_inputs_all_protocol5_reply").hex));
    const { kind, msg } = api.lxp.frameToMessage(frame);
    assert.equal(kind, "inputs");
    assert.equal(msg.topic, "lxp/2222222222/inputs/all");
    assert.equal(msg.payload.soc, 100);
    assert.equal(msg.payload.v_bat, 50.3);
  });

  it("lxp: the stream parser finds two frames split across chunks, and the encoders build a read the parser reads back", () => {
    const bytes = hexBuf(lxpVector("lb_parse_read_inputs_all_protocol5_reply").hex);
    const both = Buffer.concat([bytes, bytes]);
    const parser = new api.lxp.LxpStreamParser();
    const items = [...parser.push(both.subarray(0, 300)), ...parser.push(both.subarray(300))];
    assert.equal(items.filter((item) => "frame" in item).length, 2);
    const request = api.lxp.parseFrame(api.lxp.encodeReadHold({ datalog: "2222222222", inverter: "3333333333" }, 21, 1));
    assert.equal(request.kind, "translated");
  });

  it("pylon: decodeReply decodes a real US2000B 0x42 reply and the splitter skips junk before it", () => {
    const reply = pylonVector("tc-us2000b-0x42").reply!;
    const decoded = api.pylon.decodeReply(0x42, reply);
    assert.equal(decoded.packs?.[0].voltage, 50.408);
    assert.equal(decoded.packs?.[0].soc, 71);
    const splitter = new api.pylon.PylonFrameSplitter();
    const items = splitter.push(Buffer.from(`\x00\xff junk${reply}`, "latin1"));
    assert.ok(items.some((item) => item.frame !== undefined && api.pylon.parseFrame(item.frame).cid2 === 0));
    assert.equal(api.pylon.parseFrame(api.pylon.buildPackRequest(0x42, "rs485", 2)).cid2, 0x42);
  });
});
