// The poll cycle against the simulated stack, without a bus in between: discovery, silent and
// corrupt packs, identity caching, the docs/pylon-payloads.md message.
import assert from "node:assert/strict";
import { PylonRequester, PylonPoller } from "../../nodes/lib/pylon/poll/poller";
import { PollerPool } from "../../nodes/lib/pylon/poll/poller-pool";
import { encodeReply, encodeRequest, frameChecksum, parseFrame, PylonFrameError } from "../../nodes/lib/pylon/codec";
import { PylonLinkError } from "../../nodes/lib/pylon/link";
import { PylonStackSimulator } from "../../sim/pylon/stack";

/** Answers in-process like a bus would, and records what was asked. */
class SimRequester implements PylonRequester {
  readonly asked: string[] = [];
  constructor(readonly sim: PylonStackSimulator) {}
  async request(frame: string): Promise<{ raw: string }> {
    this.asked.push(frame);
    const reply = this.sim.reply(frame);
    if (!reply) throw new PylonLinkError("timeout", "no reply");
    parseFrame(reply.frame); // a corrupt reply fails here like the link's splitter would
    return { raw: reply.frame };
  }
  commands(): string[] {
    return this.asked.map((f) => `${f.slice(3, 5)}:${f.slice(7, 9)}`);
  }
}

/** The request the poller sends the group master for a system command. */
function encodeFrameFor(cid2: number): string {
  return encodeRequest(cid2, { adr: 2 });
}

function stack(packs: NonNullable<ConstructorParameters<typeof PylonStackSimulator>[0]>["packs"], mode: "rs485" | "rs232" = "rs485") {
  return new PylonStackSimulator({ packs, mode, clock: "manual", seed: 7 });
}

describe("PylonPoller", () => {
  it("discovers three packs and reports each with the values the packs hold", async () => {
    const sim = stack(["US2000", "US3000", "US2000"]);
    const bus = new SimRequester(sim);
    const poller = new PylonPoller(bus, { mode: "rs485", packs: "auto" });
    const { payload } = await poller.poll(1_700_000_000_000);
    assert.deepEqual(poller.packs, [1, 2, 3]);
    assert.deepEqual(payload.errors, []);
    assert.deepEqual(payload.packs.map((p) => p.address), [2, 3, 4]);
    for (const pack of payload.packs) {
      const model = sim.pack(pack.address);
      assert.deepEqual(pack.cell_voltages, model.cellVoltages);
      assert.equal(pack.current, model.current);
      assert.equal(pack.serial, model.serial);
      assert.ok(pack.alarms, "0x44 read");
      assert.ok(pack.system_parameters, "0x47 read at start");
      assert.equal(pack.protocol_version, "2.0");
    }
    assert.equal(payload.stack.pack_count, 3);
    assert.equal(payload.stack.time, 1_700_000_000);
    // Discovery stops at the first silence: ADR 5 was probed once, without retries.
    assert.equal(bus.commands().filter((c) => c === "05:4F").length, 1);
  });

  it("reads identity at start, then only after the refresh interval", async () => {
    const sim = stack(2);
    const bus = new SimRequester(sim);
    const poller = new PylonPoller(bus, { mode: "rs485", packs: 2, identityIntervalMs: 60_000 });
    await poller.poll(0);
    const first = bus.asked.length;
    assert.equal(first, 2 * 2 + 5 + 4, "0x42 + 0x44 per pack, identity: 0x51 from the first pack only");
    const second = await poller.poll(30_000);
    assert.equal(bus.asked.length - first, 2 * 2, "only 0x42 and 0x44 per pack");
    assert.equal(second.payload.packs[0].serial, sim.pack(2).serial, "cached identity stays in the message");
    await poller.poll(61_000);
    assert.equal(bus.asked.length - first, 2 * 2 + first);
  });

  it("a silent pack goes into errors and does not hold up the others", async () => {
    const sim = stack(3);
    const bus = new SimRequester(sim);
    const poller = new PylonPoller(bus, { mode: "rs485", packs: 3 });
    await poller.poll(0);
    sim.setFaults(3, { silent: true });
    const { payload } = await poller.poll(1000);
    assert.deepEqual(payload.packs.map((p) => p.address), [2, 4]);
    assert.deepEqual(payload.errors, [{ address: 3, command: "0x42", error: "timeout" }]);
    assert.equal(payload.stack.pack_count, 2);
  });

  it("a corrupt reply is reported by cause and the pack's stale values are not reported", async () => {
    const sim = stack(2);
    const bus = new SimRequester(sim);
    const poller = new PylonPoller(bus, { mode: "rs485", packs: 2 });
    await poller.poll(0);
    sim.setFaults(2, { badChecksumEvery: 1 });
    const { payload } = await poller.poll(1000);
    assert.deepEqual(payload.packs.map((p) => p.address), [3]);
    assert.deepEqual(payload.errors, [{ address: 2, command: "0x42", error: "checksum" }]);
  });

  it("reads 0x92 when asked and addresses packs by number on the console port", async () => {
    const sim = stack(2, "rs232");
    const bus = new SimRequester(sim);
    const poller = new PylonPoller(bus, { mode: "rs232", packs: 2, chargeManagement: true });
    const { payload } = await poller.poll(0);
    assert.deepEqual(payload.errors, []);
    assert.deepEqual(payload.packs.map((p) => p.address), [1, 2]);
    assert.ok(payload.packs[1].charge_management);
    assert.deepEqual(payload.packs[1].cell_voltages, sim.pack(2).cellVoltages);
    assert.ok(bus.asked.every((f) => f.slice(3, 5) === "01"), "ADR 1 on the console port");
  });

  it("joins a cycle already running instead of starting a second one", async () => {
    const bus = new SimRequester(stack(1));
    const poller = new PylonPoller(bus, { mode: "rs485", packs: 1 });
    const [a, b] = await Promise.all([poller.poll(0), poller.poll(0)]);
    assert.equal(a, b);
    assert.equal(bus.asked.length, 7);
  });

  it("numbers its cycles: a joined cycle has the running one's number, the next one the next", async () => {
    const bus = new SimRequester(stack(1));
    const poller = new PylonPoller(bus, { mode: "rs485", packs: 1 });
    const ticket = poller.start(0);
    assert.equal(poller.running, ticket);
    assert.equal(poller.start(0), ticket, "joined");
    assert.equal(poller.recent(0, 60_000), undefined, "nothing recent while a cycle runs");
    const first = await ticket.result;
    assert.equal(first.cycle, 1);
    assert.equal(poller.running, undefined);
    assert.equal(poller.recent(1000, 60_000), first);
    assert.equal(poller.recent(1000, 999), undefined, "too old for that caller");
    assert.equal((await poller.poll(2000)).cycle, 2);
  });

  it("counts the bad frames the link reports during a cycle, and keeps the first", async () => {
    const sim = stack(2);
    const bus = new SimRequester(sim);
    const noisy: PylonRequester = {
      request: async (frame, options) => {
        const junk = new PylonFrameError("checksum", "CHKSUM mismatch", `~JUNK${frame.slice(3, 5)}\r`);
        options?.onBadFrames?.(2, junk);
        return bus.request(frame);
      },
    };
    const poller = new PylonPoller(noisy, { mode: "rs485", packs: 2 });
    const first = await poller.poll(0);
    assert.deepEqual(first.payload.errors, []);
    assert.equal(first.badFrames, 2 * bus.asked.length);
    assert.equal(first.firstBadFrame?.raw, "~JUNK02\r", "the first request's");
    const asked = bus.asked.length;
    const second = await poller.poll(1000);
    assert.equal(second.badFrames, 2 * (bus.asked.length - asked), "counted per cycle");
    const quiet = await new PylonPoller(bus, { mode: "rs485", packs: 1 }).poll(0);
    assert.equal(quiet.badFrames, 0);
    assert.equal(quiet.firstBadFrame, undefined);
  });

  it("rejects a bad pack count", () => {
    const bus = new SimRequester(stack(1));
    assert.throws(() => new PylonPoller(bus, { mode: "rs485", packs: 17 }), /packs must be/);
  });
});

describe("PylonPoller discovery without any pack", () => {
  it("reports the silent first pack as an error (no stack at all is not the end of a stack)", async () => {
    const sim = new PylonStackSimulator({ packs: 1, clock: "manual", seed: 1 });
    sim.setFaults(2, { silent: true });
    const poller = new PylonPoller(new SimRequester(sim), { mode: "rs485", packs: "auto" });
    const { payload } = await poller.poll(0);
    assert.deepEqual(payload.packs, []);
    assert.deepEqual(payload.errors, [{ address: 2, command: "0x4F", error: "timeout" }]);
  });
});

describe("PylonPoller discovery edge cases", () => {
  it("on the console port discovers by pack number, not by the master's 0x4F answer", async () => {
    const sim = new PylonStackSimulator({ packs: 2, mode: "rs232", clock: "manual", seed: 2 });
    const poller = new PylonPoller(new SimRequester(sim), { mode: "rs232", packs: "auto" });
    const { payload } = await poller.poll(0);
    assert.deepEqual(poller.packs, [1, 2]);
    assert.deepEqual(payload.errors, []);
  });

  it("a known pack that falls silent does not hide the packs above it", async () => {
    const sim = new PylonStackSimulator({ packs: 3, clock: "manual", seed: 2 });
    const poller = new PylonPoller(new SimRequester(sim), { mode: "rs485", packs: "auto", rediscoverIntervalMs: 0 });
    await poller.poll(0);
    sim.setFaults(3, { silent: true });
    const { payload } = await poller.poll(1000); // rediscovers
    assert.deepEqual(poller.packs, [1, 2, 3]);
    assert.deepEqual(payload.packs.map((p) => p.address), [2, 4]);
    assert.deepEqual(payload.errors, [{ address: 3, command: "0x42", error: "timeout" }]);
  });

  it("finding nothing is retried next cycle, not after the rediscovery interval", async () => {
    const sim = new PylonStackSimulator({ packs: 2, clock: "manual", seed: 2 });
    sim.setFaults(2, { silent: true });
    const poller = new PylonPoller(new SimRequester(sim), { mode: "rs485", packs: "auto" });
    assert.deepEqual((await poller.poll(0)).payload.packs, []);
    sim.setFaults(2, { silent: false });
    const { payload } = await poller.poll(10_000);
    assert.deepEqual(payload.packs.map((p) => p.address), [2, 3]);
  });

  it("a port that is down counts no phantom packs", async () => {
    let asked = 0;
    const down: PylonRequester = {
      request: async () => {
        asked++;
        throw new PylonLinkError("not_connected", "/dev/ttyUSB0 @ 115200 is disconnected: /dev/ttyUSB0 not found (unplugged?)");
      },
    };
    const poller = new PylonPoller(down, { mode: "rs485", packs: "auto" });
    const result = await poller.poll(0);
    assert.deepEqual(poller.packs, []);
    assert.deepEqual(result.payload.errors, [{ address: 2, command: "0x4F", error: "not_connected" }]);
    assert.equal(result.portDown, "/dev/ttyUSB0 @ 115200 is disconnected: /dev/ttyUSB0 not found (unplugged?)");
    assert.equal(asked, 1);
  });

  it("a port that is down ends the cycle at the first refused request, not one error per pack and command", async () => {
    let asked = 0;
    const down: PylonRequester = {
      request: async () => {
        asked++;
        throw new PylonLinkError("not_connected", "port closed");
      },
    };
    const poller = new PylonPoller(down, { mode: "rs485", packs: 3, chargeManagement: true });
    const result = await poller.poll(0);
    assert.equal(asked, 1);
    assert.deepEqual(result.payload.packs, []);
    assert.deepEqual(result.payload.errors, [{ address: 2, command: "0x42", error: "not_connected" }]);
    assert.equal(result.portDown, "port closed");
  });

  it("a port lost mid-cycle keeps the packs read before it and asks nothing after", async () => {
    const bus = new SimRequester(stack(3));
    let armed = false;
    let unplugged = false;
    const flaky: PylonRequester = {
      request: async (frame) => {
        if (unplugged) throw new PylonLinkError("not_connected", "/dev/ttyUSB0 closed");
        const reply = await bus.request(frame);
        if (armed && frame.slice(3, 5) === "03" && frame.slice(7, 9) === "44") unplugged = true; // after ADR 3's alarms
        return reply;
      },
    };
    const poller = new PylonPoller(flaky, { mode: "rs485", packs: 3 });
    await poller.poll(0); // reads identity too; the next cycle asks 0x42 and 0x44 only
    armed = true;
    const asked = bus.asked.length;
    const result = await poller.poll(1);
    assert.deepEqual(result.payload.packs.map((p) => p.address), [2, 3]);
    assert.deepEqual(result.payload.errors, [{ address: 4, command: "0x42", error: "not_connected" }]);
    assert.equal(result.portDown, "/dev/ttyUSB0 closed");
    assert.equal(bus.asked.length - asked, 4, "0x42 and 0x44 of ADR 2 and 3, nothing for ADR 4");
  });

  it("a cycle with the port up reports no portDown", async () => {
    const result = await new PylonPoller(new SimRequester(stack(1)), { mode: "rs485", packs: 1 }).poll(0);
    assert.equal(result.portDown, undefined);
    assert.equal(result.payload.packs.length, 1);
  });

  it("stop() ends a running cycle before its next request", async () => {
    const sim = new PylonStackSimulator({ packs: 3, clock: "manual", seed: 2 });
    const bus = new SimRequester(sim);
    const poller = new PylonPoller(bus, { mode: "rs485", packs: 3 });
    const cycle = poller.poll(0);
    poller.stop();
    const { payload } = await cycle;
    assert.ok(bus.asked.length <= 1, `asked ${bus.asked.length} after stop()`);
    assert.ok(payload.errors.every((e) => e.error === "closed"));
  });
});

describe("PollerPool and result reuse", () => {
  it("hands out one poller per set of settings and stops it with its last user", async () => {
    const sim = new PylonStackSimulator({ packs: 1, clock: "manual", seed: 4 });
    const bus = new SimRequester(sim);
    const pool = new PollerPool(bus, { mode: "rs485" });
    const a = pool.acquire({ packs: 1 });
    const b = pool.acquire({ packs: 1 });
    const c = pool.acquire({ packs: 1, chargeManagement: true });
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.equal(pool.size, 2);
    pool.release(a);
    assert.equal((await b.poll(0)).payload.packs.length, 1, "still in use by b");
    pool.release(b);
    assert.equal(pool.size, 1);
    const asked = bus.asked.length;
    const { payload } = await a.poll(1);
    assert.equal(bus.asked.length, asked, "a stopped poller sends nothing");
    assert.ok(payload.errors.every((e) => e.error === "closed"));
  });

  it("builds every poller with the port's mode and protocol, which the pool holds, not each user", async () => {
    const bus = new SimRequester(stack(2, "rs232"));
    const pool = new PollerPool(bus, { mode: "rs232", protocol: "pylontech" });
    const poller = pool.acquire({ packs: 2, system: true });
    assert.ok(poller instanceof PylonPoller, "a binary port's poller");
    assert.equal(poller.options.mode, "rs232");
    assert.equal(poller.options.protocol, "pylontech");
    assert.equal(poller.addressOf(2), 2, "the console port's pack numbers");
    assert.deepEqual((await poller.poll(0)).payload.packs.map((p) => p.address), [1, 2]);
    const seplos = new PollerPool(bus, { mode: "rs485", protocol: "seplos" }).acquire({ packs: 1 });
    assert.ok(seplos instanceof PylonPoller);
    assert.equal(seplos.addressOf(1), 0);
  });

  it("returns a result no older than maxAgeMs instead of polling again", async () => {
    const sim = new PylonStackSimulator({ packs: 1, clock: "manual", seed: 4 });
    const bus = new SimRequester(sim);
    const poller = new PylonPoller(bus, { mode: "rs485", packs: 1 });
    const first = await poller.poll(1000);
    const asked = bus.asked.length;
    assert.equal(await poller.poll(5000, { maxAgeMs: 4000 }), first);
    assert.equal(bus.asked.length, asked);
    assert.notEqual(await poller.poll(5001, { maxAgeMs: 4000 }), first);
    assert.ok(bus.asked.length > asked);
  });

  it("a port-down result is not handed on: after recovery a sharing node gets a fresh cycle", async () => {
    const bus = new SimRequester(new PylonStackSimulator({ packs: 1, clock: "manual", seed: 4 }));
    let up = false;
    const link: PylonRequester = {
      request: async (frame) => {
        if (!up) throw new PylonLinkError("not_connected", "/dev/ttyUSB0 closed");
        return bus.request(frame);
      },
    };
    const poller = new PylonPoller(link, { mode: "rs485", packs: 1 });
    const down = await poller.poll(1000);
    assert.equal(down.portDown, "/dev/ttyUSB0 closed");
    up = true;
    const fresh = await poller.poll(2000, { maxAgeMs: 4000 });
    assert.equal(fresh.portDown, undefined);
    assert.equal(fresh.payload.packs.length, 1);
  });

  describe("system values (V3.5 0x60-0x63)", () => {
    it("reads 0x61-0x63 every cycle and 0x60 with the identity, at the master only", async () => {
      const sim = stack(["US3000", "US2000"]);
      const bus = new SimRequester(sim);
      const poller = new PylonPoller(bus, { mode: "rs485", packs: 2, system: true, identityIntervalMs: 60_000 });
      const first = await poller.poll(0);
      assert.deepEqual(first.payload.errors, []);
      assert.deepEqual(Object.keys(first.payload.system ?? {}).sort(), ["address", "alarms", "analog", "basic_info", "charge_management"]);
      assert.deepEqual(bus.commands().filter((c) => c.endsWith(":60") || c.endsWith(":61") || c.endsWith(":62") || c.endsWith(":63")), ["02:60", "02:61", "02:62", "02:63"]);
      bus.asked.length = 0;
      const second = await poller.poll(10_000);
      assert.deepEqual(bus.commands().filter((c) => /:6[0-3]$/.test(c)), ["02:61", "02:62", "02:63"], "0x60 is cached");
      assert.deepEqual(second.payload.system?.basic_info, first.payload.system?.basic_info);
      assert.ok(!bus.commands().some((c) => c.endsWith(":64")), "0x64 is never asked");
    });

    it("a master without V3.5 firmware: its error replies go to errors, the packs are still reported", async () => {
      const sim = stack(2);
      const bus = new SimRequester(sim);
      const old: PylonRequester = {
        request: async (frame) => (/^~2002466[0-3]/.test(frame) ? { raw: encodeReply({ adr: 2, rtn: 0x04 }) } : bus.request(frame)),
      };
      const poller = new PylonPoller(old, { mode: "rs485", packs: 2, system: true });
      const { payload } = await poller.poll(0);
      assert.equal(payload.packs.length, 2);
      assert.deepEqual(payload.system, { address: 2 });
      assert.deepEqual(payload.errors, ["0x60", "0x61", "0x62", "0x63"].map((command) => ({ address: 2, command, error: "cid2_invalid" })));
    });

    /** Answers 0x60–0x63 with `answer(cid2)` (a reply frame, or undefined for silence); the rest from the stack. */
    function master(bus: SimRequester, answer: (cid2: number) => string | undefined): PylonRequester {
      return {
        request: async (frame) => {
          if (!/^~2002466[0-3]/.test(frame)) return bus.request(frame);
          bus.asked.push(frame);
          const raw = answer(parseInt(frame.slice(7, 9), 16));
          if (raw === undefined) throw new PylonLinkError("timeout", "no reply");
          return { raw };
        },
      };
    }
    const systemAsked = (bus: SimRequester): string[] => bus.commands().filter((c) => /:6[0-3]$/.test(c));

    it("a command the master refuses is not asked again until 0x60 is; the others still are", async () => {
      const sim = stack(2);
      const bus = new SimRequester(sim);
      const refuses63 = master(bus, (cid2) => (cid2 === 0x63 ? encodeReply({ adr: 2, rtn: 0x04 }) : sim.reply(encodeFrameFor(cid2))?.frame));
      const poller = new PylonPoller(refuses63, { mode: "rs485", packs: 2, system: true, identityIntervalMs: 60_000 });
      const first = await poller.poll(0);
      assert.deepEqual(first.payload.errors, [{ address: 2, command: "0x63", error: "cid2_invalid" }]);
      assert.deepEqual(systemAsked(bus), ["02:60", "02:61", "02:62", "02:63"]);
      bus.asked.length = 0;
      const second = await poller.poll(10_000);
      assert.deepEqual(second.payload.errors, []);
      assert.deepEqual(systemAsked(bus), ["02:61", "02:62"], "0x63 waits, 0x61 and 0x62 go on");
      assert.ok(second.payload.system?.analog && second.payload.system.alarms);
      assert.equal(second.payload.system?.charge_management, undefined);
      bus.asked.length = 0;
      await poller.poll(60_000);
      assert.deepEqual(systemAsked(bus), ["02:60", "02:61", "02:62", "02:63"], "asked again with 0x60");
    });

    it("a master without V3.5 firmware costs one cycle of error replies per identity refresh, not one per cycle", async () => {
      const bus = new SimRequester(stack(2));
      const poller = new PylonPoller(master(bus, () => encodeReply({ adr: 2, rtn: 0x04 })), { mode: "rs485", packs: 2, system: true, identityIntervalMs: 60_000 });
      await poller.poll(0);
      bus.asked.length = 0;
      const second = await poller.poll(10_000);
      assert.deepEqual(systemAsked(bus), []);
      assert.deepEqual(second.payload.errors, []);
      assert.deepEqual(second.payload.system, { address: 2 });
      await poller.poll(60_000);
      assert.deepEqual(systemAsked(bus), ["02:60", "02:61", "02:62", "02:63"]);
    });

    it("a master silent to 0x61 is asked no more system commands that cycle and none for a minute", async () => {
      const sim = stack(2);
      const bus = new SimRequester(sim);
      let answers61 = false;
      const poller = new PylonPoller(
        master(bus, (cid2) => (cid2 === 0x61 && !answers61 ? undefined : sim.reply(encodeFrameFor(cid2))?.frame)),
        { mode: "rs485", packs: 2, system: true },
      );
      const first = await poller.poll(0);
      assert.deepEqual(first.payload.errors, [{ address: 2, command: "0x61", error: "timeout" }]);
      assert.deepEqual(systemAsked(bus), ["02:60", "02:61"]);
      assert.ok(first.payload.system?.basic_info, "0x60 answered");
      bus.asked.length = 0;
      const second = await poller.poll(59_999);
      assert.deepEqual(systemAsked(bus), []);
      assert.deepEqual(second.payload.errors, []);
      assert.ok(second.payload.system?.basic_info, "the cached 0x60 stays");
      answers61 = true;
      const third = await poller.poll(60_000);
      assert.deepEqual(systemAsked(bus), ["02:61", "02:62", "02:63"]);
      assert.deepEqual(third.payload.errors, []);
      assert.ok(third.payload.system?.analog);
    });

    it("a master silent to 0x60 costs one timeout a minute: 0x61-0x63 wait for 0x60", async () => {
      const sim = stack(2);
      const bus = new SimRequester(sim);
      let silent = true;
      const poller = new PylonPoller(master(bus, (cid2) => (silent ? undefined : sim.reply(encodeFrameFor(cid2))?.frame)), { mode: "rs485", packs: 2, system: true });
      const first = await poller.poll(0);
      assert.deepEqual(first.payload.errors, [{ address: 2, command: "0x60", error: "timeout" }]);
      assert.deepEqual(systemAsked(bus), ["02:60"]);
      await poller.poll(30_000);
      assert.deepEqual(systemAsked(bus), ["02:60"]);
      await poller.poll(60_000);
      assert.deepEqual(systemAsked(bus), ["02:60", "02:60"], "still silent: 0x60 again, nothing after it");
      silent = false;
      bus.asked.length = 0;
      const answered = await poller.poll(120_000);
      assert.deepEqual(systemAsked(bus), ["02:60", "02:61", "02:62", "02:63"]);
      assert.deepEqual(Object.keys(answered.payload.system ?? {}).sort(), ["address", "alarms", "analog", "basic_info", "charge_management"]);
    });

    it("a corrupt system reply is asked again next cycle", async () => {
      const sim = stack(2);
      const bus = new SimRequester(sim);
      let corrupt = true;
      const poller = new PylonPoller(
        master(bus, (cid2) => {
          const frame = sim.reply(encodeFrameFor(cid2))!.frame;
          return cid2 === 0x62 && corrupt ? frame.replace(/.{4}\r$/, "0000\r") : frame;
        }),
        { mode: "rs485", packs: 2, system: true },
      );
      assert.deepEqual((await poller.poll(0)).payload.errors, [{ address: 2, command: "0x62", error: "checksum" }]);
      corrupt = false;
      bus.asked.length = 0;
      const second = await poller.poll(10_000);
      assert.deepEqual(systemAsked(bus), ["02:61", "02:62", "02:63"]);
      assert.ok(second.payload.system?.alarms);
    });

    it("reset() (the port reconnected) asks the system commands again at once", async () => {
      const bus = new SimRequester(stack(2));
      const poller = new PylonPoller(master(bus, () => undefined), { mode: "rs485", packs: 2, system: true });
      await poller.poll(0);
      poller.reset();
      bus.asked.length = 0;
      await poller.poll(10_000);
      assert.deepEqual(systemAsked(bus), ["02:60"]);
    });

    it("names the options the port cannot serve, once, for the node's warning and the CLI's stderr", () => {
      const bus = new SimRequester(stack(1));
      const notes = (options: Partial<ConstructorParameters<typeof PylonPoller>[1]>): string[] =>
        new PylonPoller(bus, { mode: "rs485", packs: 1, ...options }).unavailableOptions;
      assert.deepEqual(notes({ system: true, chargeManagement: true }), []);
      const system = "system values (0x60–0x63) are read on the RS485 port with protocol pylontech only: not read";
      assert.deepEqual(notes({ mode: "rs232", system: true }), [system]);
      assert.deepEqual(notes({ protocol: "seplos", system: true, chargeManagement: true }), [
        system,
        "charge management (0x92) is not available from a Seplos BMS: not read",
      ]);
      assert.deepEqual(notes({ mode: "rs232" }), []);
    });

    it("is not read on the console port", async () => {
      const bus = new SimRequester(stack(2, "rs232"));
      const poller = new PylonPoller(bus, { mode: "rs232", packs: 2, system: true });
      assert.equal(poller.readsSystem, false);
      const { payload } = await poller.poll(0);
      assert.equal("system" in payload, false);
      assert.ok(!bus.commands().some((c) => /:6[0-4]$/.test(c)));
    });
  });

  describe("protocol seplos", () => {
    it("asks pack n at ADR n-1 and is refused on the console port", () => {
      const poller = new PylonPoller(new SimRequester(stack(1)), { mode: "rs485", packs: 2, protocol: "seplos" });
      assert.deepEqual([poller.addressOf(1), poller.addressOf(2)], [0, 1]);
      assert.throws(() => new PylonPoller(new SimRequester(stack(1)), { mode: "rs232", packs: 1, protocol: "seplos" }), /RS485 port only/);
    });

    it("a PylonTech poller that meets a Seplos BMS reports implausible_values, not nonsense", async () => {
      const seplosReply =
        "~2000460010960001100CD80CE80CF40CD70CEE0CE50CE10CDD0CE90CF00CE80CEF0CEB0CDA0CDE0CD9060BA60BA00B970BA60BA50BA2FD7214A0344A0A426803134650004603E8149F0000000000000000DC7C\r";
      // A Seplos BMS set to DIP address 2 answers 0x42 in its own layout: only the values are wrong.
      const body = seplosReply.slice(1, -5).replace(/^2000/, "2002");
      const sealed = `~${body}${frameChecksum(body).toString(16).toUpperCase().padStart(4, "0")}\r`;
      const bus = new SimRequester(stack(1));
      const seplosAt2: PylonRequester = {
        request: async (frame) => (frame.startsWith("~20024642") ? { raw: sealed } : bus.request(frame)),
      };
      const poller = new PylonPoller(seplosAt2, { mode: "rs485", packs: 1 });
      const { payload } = await poller.poll(0);
      assert.deepEqual(payload.packs, []);
      assert.deepEqual(payload.errors, [{ address: 2, command: "0x42", error: "implausible_values" }]);
    });
  });

  it("reset() (the port reconnected) forgets the last result", async () => {
    const bus = new SimRequester(new PylonStackSimulator({ packs: 1, clock: "manual", seed: 4 }));
    const poller = new PylonPoller(bus, { mode: "rs485", packs: 1 });
    const before = await poller.poll(1000);
    poller.reset();
    const asked = bus.asked.length;
    assert.notEqual(await poller.poll(2000, { maxAgeMs: 4000 }), before);
    assert.ok(bus.asked.length > asked, "asked the bus again");
  });
});
