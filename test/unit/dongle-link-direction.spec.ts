// DongleLink learns per datalog whether the dongle's replies carry direction 00 (EG4, lxp-protocol.md
// §3) from replies told apart by their body; lxp-request takes a request-shaped echo only then.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { DongleLink } from "../../nodes/lib/lxp/link/dongle-link";
import {
  DeviceFunction,
  encodeExceptionReply,
  encodeReadReply,
  encodeWriteMultiReply,
  encodeWriteSingle,
  encodeWriteSingleReply,
} from "../../nodes/lib/lxp/codec";
import type { ByteTransport, TransportEvents, TransportState } from "../../nodes/lib/common/transport";

/** A transport whose incoming bytes the test feeds. */
class FedTransport extends EventEmitter<TransportEvents> implements ByteTransport {
  readonly kind = "tcp" as const;
  state: TransportState = "idle";
  lastDataAt: number | undefined;
  start(): void {
    this.state = "connected";
    this.emit("state", { state: "connected" });
  }
  write(): boolean {
    return true;
  }
  close(): Promise<void> {
    this.state = "closed";
    return Promise.resolve();
  }
  feed(buf: Buffer): void {
    this.emit("data", buf);
  }
}

describe("DongleLink: the direction byte of a dongle's replies", () => {
  const eg4 = { datalog: "EG40000001", inverter: "5555555555" };
  const lux = { datalog: "LUX0000001", inverter: "6666666666" };
  let link: DongleLink | undefined;
  let transport: FedTransport;
  beforeEach(() => {
    transport = new FedTransport();
    link = new DongleLink({ transport: "tcp", host: "192.168.1.50", port: 8000, createTransport: () => transport });
    link.register({});
  });
  afterEach(async () => {
    await link?.close();
    link = undefined;
  });

  it("is unknown until a read or write-multi reply comes; echoes, requests and exceptions do not tell it", () => {
    const l = link!;
    transport.feed(encodeWriteSingleReply(eg4, 64, 50, 0)); // parses as a request
    transport.feed(encodeWriteSingleReply(eg4, 64, 50, 1)); // its role comes from the direction byte
    transport.feed(encodeWriteSingle(eg4, 64, 50));
    transport.feed(encodeExceptionReply(eg4, DeviceFunction.READ_HOLD, 500, 2)); // 00 on every dongle
    assert.equal(l.knowsReplyDirection(eg4.datalog), false);
    assert.equal(l.sendsDirectionZeroReplies(eg4.datalog), false);

    transport.feed(encodeReadReply(eg4, DeviceFunction.READ_INPUT, 0, [1, 2], 0));
    transport.feed(encodeWriteMultiReply(lux, 12, 3, 1));
    assert.deepEqual([l.knowsReplyDirection(eg4.datalog), l.sendsDirectionZeroReplies(eg4.datalog)], [true, true]);
    assert.deepEqual([l.knowsReplyDirection(lux.datalog), l.sendsDirectionZeroReplies(lux.datalog)], [true, false]);
    // Once seen, direction 00 stays known for that datalog.
    transport.feed(encodeReadReply(eg4, DeviceFunction.READ_HOLD, 21, [1], 1));
    assert.equal(l.sendsDirectionZeroReplies(eg4.datalog), true);
  });

  it("keeps at most 64 datalogs (any serial on the LAN can send frames)", () => {
    const l = link!;
    for (let k = 0; k < 100; k++) {
      transport.feed(encodeReadReply({ datalog: `X${String(k).padStart(9, "0")}`, inverter: "5555555555" }, DeviceFunction.READ_INPUT, 0, [0], 0));
    }
    const known = Array.from({ length: 100 }, (_, k) => l.knowsReplyDirection(`X${String(k).padStart(9, "0")}`));
    assert.equal(known.filter(Boolean).length, 64);
    assert.equal(known[99], true, "the newest are kept");
    assert.equal(known[0], false);
  });
});
