// PassiveView (what pylon-poll sends on a listening port) and PylonPassiveLink's delivery, on the
// real bus capture: a snapshot keeps each command's values only while that command is fresh, and
// a reply handler that throws neither reaches the port nor starves the other handlers.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PylonPassiveLink, type PylonTransport, type PylonTransportEvents, type TransportState } from "../../nodes/lib/pylon/link";
import { BusPairer, type PassiveReply } from "../../nodes/lib/pylon/passive";
import { PASSIVE_STALE_MS, PassiveView } from "../../nodes/lib/pylon/poll/passive-view";
import { FIXTURES_DIR } from "../support/vectors";

const BUS = [...readFileSync(join(FIXTURES_DIR, "pylon-bus", "esp32-probe-sample-data.h"), "utf8").matchAll(/"(~[0-9A-F]+)"/g)]
  .map((m) => `${m[1]}\r`)
  .join("");
const REPLIES: PassiveReply[] = new BusPairer().push(BUS, 0);
const of = (command: string): PassiveReply[] => REPLIES.filter((r) => r.reply.command === command);

describe("PassiveView snapshots", () => {
  it("merge each pack's 0x42 values and 0x44 alarms, and say when each pack was last heard", () => {
    const view = new PassiveView();
    for (const reply of REPLIES) view.take(reply, 1_000_000);
    const snap = view.snapshot(1_000_000);
    assert.deepEqual(snap.packs.map((p) => p.address), [2, 3, 4]);
    assert.deepEqual([snap.packs[2].voltage, snap.packs[2].current], [53.027, -61.3]);
    assert.ok(snap.packs[2].alarms);
    assert.deepEqual(snap.updated, { "2": 1000, "3": 1000, "4": 1000 });
  });

  it("drop a command's values once that command is stale, though other commands keep coming", () => {
    const view = new PassiveView();
    const t0 = 1_000_000;
    for (const reply of of("0x42")) view.take(reply, t0); // the inverter asked 0x42 once …
    const later = t0 + PASSIVE_STALE_MS + 1;
    for (const reply of of("0x44")) view.take(reply, later); // … then only 0x44
    const snap = view.snapshot(later);
    assert.deepEqual(snap.packs.map((p) => p.address), [2, 3, 4]);
    for (const pack of snap.packs) {
      assert.ok(pack.alarms, "0x44 is fresh");
      assert.equal(pack.voltage, undefined, "0x42's voltage is stale and left out");
      assert.equal(pack.cell_voltages, undefined);
    }
    assert.equal(snap.stack.voltage, null, "no fresh analog values to sum");
    assert.equal(view.snapshot(later + PASSIVE_STALE_MS + 1).packs.length, 0, "nothing fresh: no packs");
  });
});

/** A transport the test feeds by hand; write() fails the test. */
class HandFedPort extends EventEmitter<PylonTransportEvents> implements PylonTransport {
  readonly kind = "tcp" as const;
  state: TransportState = "idle";
  start(): void {
    this.state = "connected";
    this.emit("state", { state: "connected" });
  }
  write(): Promise<void> {
    throw new Error("a passive link wrote");
  }
  async close(): Promise<void> {
    this.state = "closed";
  }
}

describe("PylonPassiveLink", () => {
  it("a reply handler that throws is counted; the other handlers get every reply and nothing reaches the port", async () => {
    const port = new HandFedPort();
    const link = new PylonPassiveLink({ transport: "tcp", host: "127.0.0.1", port: 1, createTransport: () => port });
    const got: PassiveReply[] = [];
    link.on("reply", () => {
      throw new Error("a flow's bug");
    });
    link.on("reply", (reply) => got.push(reply));
    link.register({});
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(link.state.state, "connected");
    assert.doesNotThrow(() => port.emit("data", Buffer.from(BUS, "latin1")));
    assert.equal(got.length, 145);
    assert.equal(link.stats.listenerErrors, 145);
    assert.equal(link.stats.decoded, 145);
    await link.close();
  });
});
