// One parse and one decode per reply: decodeReply takes a frame the link parsed already and a request
// summary built once per request; the link decodes each frame from the request's ADR once and hands
// the result back. Real frames from test/fixtures/pylon-vectors.json.
import assert from "node:assert/strict";
import { MockBinding } from "@serialport/binding-mock";
import {
  decodeReply,
  encodeFrame,
  encodeRequest,
  parseFrame,
  type PylonFrame,
  PylonFrameError,
  type PylonReply,
  summarizeRequest,
} from "../../nodes/lib/pylon/codec";
import { PylonPortLink, SerialTransport, type StateChange } from "../../nodes/lib/pylon/link";
import { MockBattery } from "./pylon-link-helpers";
import { nextEvent } from "./transport-helpers";
import { vector } from "./pylon-vectors";

/** The RS232 spec example (ADR 1, pack 1) and the same values said of pack 2. */
const PACK1 = vector("spec-rs232-v28-example-0x42").reply!;
const PACK2 = (() => {
  const info = Buffer.from(parseFrame(PACK1).info);
  info[1] = 2; // the command value: the pack the reply describes
  return encodeFrame({ adr: 1, cid2: 0, info });
})();

describe("pylon codec: decodeReply on a parsed frame with a request summary", () => {
  it("decodes a parsed frame exactly as its text", () => {
    const { reply, request } = vector("tc-us2000b-0x42");
    assert.deepEqual(decodeReply(0x42, parseFrame(reply!), { request: request! }), decodeReply(0x42, reply!, { request: request! }));
    assert.equal(decodeReply(0x42, parseFrame(reply!)).packs[0].voltage, 50.408);
  });

  it("summarizeRequest reads ADR and pack selector from the wire text or the addressing alike", () => {
    const request = vector("tc-us2000b-0x42").request!;
    assert.deepEqual(summarizeRequest(0x42, request), { adr: 2, selector: 2 });
    assert.deepEqual(summarizeRequest(0x42, { adr: 2, info: [2, 2] }), { adr: 2, selector: 2 });
    assert.deepEqual(summarizeRequest(0x4f, { adr: 3 }), { adr: 3 });
    assert.throws(() => summarizeRequest(0x44, request), /the request is for CID2 0x42, not 0x44/);
  });

  it("a summary checks the ADR when it has one; without one only the pack the reply names", () => {
    const v = vector("ardiehl-0x4f-adr3");
    const summary = summarizeRequest(0x4f, vector("ardiehl-0x4f-adr2").request!);
    assert.throws(() => decodeReply(0x4f, v.reply!, { request: summary }), (err: unknown) => err instanceof PylonFrameError && err.code === "address_mismatch");
    assert.equal(decodeReply(0x4f, parseFrame(v.reply!), { request: {} }).packs[0].address, 3);

    const forPack2 = { selector: summarizeRequest(0x42, encodeRequest(0x42, { adr: 1, info: 2 })).selector };
    assert.equal(decodeReply(0x42, parseFrame(PACK2), { request: forPack2 }).packs[0].address, 2);
    assert.throws(() => decodeReply(0x42, parseFrame(PACK1), { request: forPack2 }), /reply about pack 0x01 to a request for pack 0x02/);
  });
});

describe("pylon-link PylonPortLink with a decoder", () => {
  const PATH = "/dev/ttyPYLONDEC";
  let battery: MockBattery;
  let link: PylonPortLink | undefined;

  async function openLink(retries: number): Promise<PylonPortLink> {
    const l = new PylonPortLink({
      transport: "serial",
      path: PATH,
      timeoutMs: 200,
      gapMs: 10,
      retries,
      createTransport: () => new SerialTransport({ path: PATH, reconnectMs: 30, binding: battery.binding }),
    });
    link = l;
    const connected = nextEvent<[StateChange]>(l, "state", (c) => c.state === "connected", 2000);
    l.register({});
    await connected;
    return l;
  }

  beforeEach(() => {
    battery = new MockBattery(PATH);
  });

  afterEach(async () => {
    await link?.close();
    link = undefined;
    battery.stop();
    MockBinding.reset();
  });

  it("decodes each frame once and hands back the decoded reply; one naming another pack is a late reply", async () => {
    const l = await openLink(0);
    battery.respond = () => [PACK1, PACK2]; // pack 1's late reply, then the answer
    const request = encodeRequest(0x42, { adr: 1, info: 2 });
    const { selector } = summarizeRequest(0x42, request);
    const decoded: PylonFrame[] = [];
    const exchange = await l.request(request, {
      decode: (frame): PylonReply => {
        decoded.push(frame);
        return decodeReply(0x42, frame, { request: { selector } });
      },
    });
    assert.deepEqual(decoded.map((f) => f.raw), [PACK1, PACK2], "each frame decoded once");
    assert.equal(exchange.raw, PACK2);
    assert.deepEqual(exchange.decoded, decodeReply(0x42, PACK2, { request }));
    assert.equal(exchange.decoded?.packs[0].address, 2);
    assert.equal(exchange.decoded?.packs[0].voltage, 50.981);
    assert.deepEqual([l.stats.replies, l.stats.lateReplies, l.stats.retries], [1, 1, 0]);
  });

  it("an error reply is the answer: the request fails with the decoder's error and is not retried", async () => {
    const l = await openLink(1);
    const rtn04 = vector("robske-rtn04").reply!; // ADR 2, RTN 0x04
    battery.respond = () => rtn04;
    const request = encodeRequest(0x42, { adr: 2, info: 2 });
    await assert.rejects(l.request(request, { decode: (frame) => decodeReply(0x42, frame) }), (err: unknown) => {
      assert.ok(err instanceof PylonFrameError);
      assert.equal(err.code, "cid2_invalid");
      assert.equal(err.raw, rtn04);
      return true;
    });
    assert.equal(battery.writes.length, 1, "no retry");
    assert.deepEqual([l.stats.replies, l.stats.retries, l.stats.lastReplyAt !== undefined], [1, 0, true]);
  });
});
