// `sim pylon --master`'s parts: a simulated inverter polling a simulated stack, and the bus tap that
// copies both directions to listeners. What a passive listener decodes from the tap equals what a
// poller asking the same stack directly decodes; what a listener sends is counted and dropped.
import assert from "node:assert/strict";
import net from "node:net";
import { decodeReply, encodeRequest, PylonCommand } from "../../nodes/lib/pylon/codec";
import { BusPairer } from "../../nodes/lib/pylon/passive";
import { PylonBusMaster } from "../../sim/pylon/bus-master";
import { startBusSim } from "../../sim/pylon/bus-sim";
import { PylonStackSimulator } from "../../sim/pylon/stack";
import { waitFor } from "../support/net";

const stackOf = (ver: number): PylonStackSimulator =>
  new PylonStackSimulator({ packs: ["US3000", "US2000"], seed: 9, clock: "manual", ver });

describe("sim pylon --master: the simulated inverter and its bus tap", () => {
  for (const ver of [0x25, 0x20]) {
    it(`VER 0x${ver.toString(16)}: one cycle puts 0x44 then 0x42 per pack on the wire; the pairer decodes what a direct poll decodes`, async () => {
      const wire: Buffer[] = [];
      const master = new PylonBusMaster(stackOf(ver), (bytes) => wire.push(bytes), { ver, intervalS: 3600, gapMs: 0 });
      master.start();
      await waitFor(() => master.counts.cycles === 1, 4000, "one cycle");
      await master.stop();
      assert.deepEqual(master.counts, { cycles: 1, requests: 4, replies: 4 });

      const heard = new BusPairer().push(Buffer.concat(wire), 0);
      // The same stack (same seed, same order of questions) asked directly, as pylon-poll would.
      const twin = stackOf(ver);
      const asked = [PylonCommand.ALARM_INFO, PylonCommand.ANALOG_VALUES].flatMap((cid2) =>
        [2, 3].map((adr) => {
          const request = encodeRequest(cid2, { adr, info: adr, ver });
          return { request, reply: decodeReply(cid2, twin.reply(request)!.frame, { request }) };
        }),
      );
      assert.deepEqual(
        heard.map((h) => h.request.raw),
        asked.map((a) => a.request),
      );
      assert.deepEqual(
        heard.map((h) => h.reply),
        asked.map((a) => a.reply),
      );
      assert.equal(heard[2].raw.slice(0, 9), `~${ver.toString(16)}024600`);
      assert.equal(heard[3].reply.packs[0].cell_voltages?.length, 15);
    });
  }

  it("a silent pack is waited for, then the poll moves on (its request stays unanswered)", async () => {
    const stack = stackOf(0x25);
    stack.setFaults(3, { silent: true });
    const wire: Buffer[] = [];
    const master = new PylonBusMaster(stack, (bytes) => wire.push(bytes), { intervalS: 3600, gapMs: 0, timeoutMs: 5 });
    master.start();
    await waitFor(() => master.counts.cycles === 1, 4000, "one cycle");
    await master.stop();
    assert.deepEqual(master.counts, { cycles: 1, requests: 4, replies: 2 });
    const pairer = new BusPairer();
    assert.deepEqual(pairer.push(Buffer.concat(wire), 0).map((r) => r.request.adr), [2, 2]);
    assert.equal(pairer.counters.unanswered, 1);
  });

  it("refuses an rs232 stack: the console port has no bus master", () => {
    const stack = new PylonStackSimulator({ mode: "rs232", clock: "manual" });
    assert.throws(() => new PylonBusMaster(stack, () => undefined), /rs485/);
  });

  it("the TCP tap sends both directions to every listener and drops what a listener sends", async () => {
    const stack = stackOf(0x25);
    const bus = await startBusSim(stack, { tcp: { host: "127.0.0.1", port: 0 }, intervalS: 0.05, gapMs: 0 });
    const socket = net.connect(bus.tcp!.port, "127.0.0.1");
    socket.on("error", () => undefined);
    try {
      let heard = "";
      socket.on("data", (chunk: Buffer) => (heard += chunk.toString("latin1")));
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      socket.write("~20024642E00202FD33\r"); // a listener trying to poll: not a master here
      await waitFor(() => bus.tap.bytesReceived === 20 && (heard.match(/\r/g) ?? []).length >= 16, 4000, "two cycles heard");
      const replies = new BusPairer().push(heard, 0);
      assert.ok(replies.length >= 6, `${replies.length} replies`);
      assert.ok(replies.every((r) => r.request.raw.startsWith("~25")));
      assert.equal(bus.tap.clientCount, 1);
    } finally {
      socket.destroy();
      await bus.close();
      await stack.close();
    }
  });
});
