// Which cycles a pylon-poll node sends (nodes/lib/pylon/poll/cycle-delivery.ts): each completed cycle at
// most once per node, ticks during a running cycle skipped and counted, inputs answered once.
import assert from "node:assert/strict";
import { CycleDelivery, type CycleOutcome, type CycleSource } from "../../nodes/lib/pylon/poll/cycle-delivery";
import type { PollResult, PollTicket } from "../../nodes/lib/pylon/poll/poller";

/** A poller stand-in whose cycles end when the test says so. */
class ManualSource implements CycleSource {
  started = 0;
  private current: { ticket: PollTicket; end: (r: PollResult) => void; fail: (e: unknown) => void } | undefined;
  private last: { at: number; result: PollResult } | undefined;

  start(now: number): PollTicket {
    if (this.current) return this.current.ticket;
    const cycle = ++this.started;
    let end!: (r: PollResult) => void;
    let fail!: (e: unknown) => void;
    const result = new Promise<PollResult>((resolve, reject) => {
      end = resolve;
      fail = reject;
    });
    this.current = { ticket: { cycle, result }, end, fail };
    void result.then(
      (r) => {
        this.last = { at: now, result: r };
      },
      () => undefined,
    );
    return this.current.ticket;
  }

  recent(now: number, maxAgeMs: number | undefined): PollResult | undefined {
    if (this.current || !this.last || maxAgeMs === undefined || now - this.last.at > maxAgeMs) return undefined;
    return this.last.result;
  }

  /** Ends the running cycle; resolves once the deliveries ran. */
  async finish(): Promise<void> {
    const c = this.current;
    assert.ok(c, "a cycle runs");
    this.current = undefined;
    c.end(resultOf(c.ticket.cycle));
    await settle();
  }

  async failCycle(error: Error): Promise<void> {
    const c = this.current;
    assert.ok(c, "a cycle runs");
    this.current = undefined;
    c.fail(error);
    await settle();
  }
}

function resultOf(cycle: number): PollResult {
  return { cycle, durationMs: 1, badFrames: 0, payload: { stack: {} as PollResult["payload"]["stack"], packs: [], errors: [] } };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A delivery recording what it sent: the cycle number and the input it answered. */
function recorder(source: CycleSource): { delivery: CycleDelivery<string>; sent: Array<[number | string, string | undefined]> } {
  const sent: Array<[number | string, string | undefined]> = [];
  const delivery = new CycleDelivery<string>(source, (outcome: CycleOutcome, input) => {
    sent.push([outcome.result ? outcome.result.cycle : `error: ${(outcome.error as Error).message}`, input]);
  });
  return { delivery, sent };
}

describe("CycleDelivery (pylon-poll: one message per cycle)", () => {
  it("a cycle that outlasts the interval is sent once; the ticks meanwhile are skipped and counted", async () => {
    const source = new ManualSource();
    const { delivery, sent } = recorder(source);
    assert.equal(delivery.tick(0, 9000), "waiting");
    for (let t = 1; t <= 14; t++) assert.equal(delivery.tick(t * 1000, 900), "skipped");
    await source.finish();
    assert.deepEqual(sent, [[1, undefined]]);
    assert.equal(delivery.skippedTicks, 14);
    assert.equal(delivery.skipped, 14);
    assert.equal(delivery.waiting, false);
    assert.equal(delivery.tick(15_000, 900), "waiting", "the next tick starts the next cycle");
    await source.finish();
    assert.deepEqual(sent, [[1, undefined], [2, undefined]]);
    assert.equal(source.started, 2);
  });

  it("nodes sharing a poller each send each cycle once: a fresh cycle is reused once, never again", async () => {
    const source = new ManualSource();
    const a = recorder(source);
    const b = recorder(source);
    a.delivery.tick(0, 9000);
    assert.equal(b.delivery.tick(100, 9000), "waiting", "b joins the running cycle");
    assert.equal(a.delivery.tick(200, 9000), "skipped");
    await source.finish();
    assert.deepEqual(a.sent, [[1, undefined]]);
    assert.deepEqual(b.sent, [[1, undefined]]);
    // b's next tick finds cycle 1 still fresh but sent already: it starts cycle 2 rather than repeat 1.
    assert.equal(b.delivery.tick(3000, 9000), "waiting");
    await source.finish();
    assert.deepEqual(b.sent, [[1, undefined], [2, undefined]]);
    // a has not sent cycle 2: it is fresh, so a sends it without asking the bus.
    assert.equal(a.delivery.tick(4000, 9000), "sent");
    assert.deepEqual(a.sent, [[1, undefined], [2, undefined]]);
    assert.equal(a.delivery.tick(5000, 9000), "waiting", "and never sends it again");
    await source.finish();
    assert.deepEqual(a.sent.map(([c]) => c), [1, 2, 3]);
    assert.equal(source.started, 3);
  });

  it("a cycle another node finished is reused only within maxAgeMs", async () => {
    const source = new ManualSource();
    const a = recorder(source);
    const b = recorder(source);
    a.delivery.tick(0, 9000);
    await source.finish();
    assert.equal(b.delivery.tick(10_000, 9000), "waiting", "10 s old: too old for b's 9 s");
    await source.finish();
    assert.deepEqual(b.sent, [[2, undefined]]);
  });

  it("an input joins the cycle a tick waits for and gets it once; a second input meanwhile is skipped", async () => {
    const source = new ManualSource();
    const { delivery, sent } = recorder(source);
    delivery.tick(0, 9000);
    assert.equal(delivery.input("first", 100), "waiting");
    assert.equal(delivery.input("second", 200), "skipped");
    assert.equal(delivery.tick(300, 9000), "skipped");
    await source.finish();
    assert.deepEqual(sent, [[1, "first"]], "one message, carrying the first input");
    assert.deepEqual([delivery.skippedInputs, delivery.skippedTicks], [1, 1]);
  });

  it("an input always asks for a cycle it has not sent: a fresh one it sent is not repeated", async () => {
    const source = new ManualSource();
    const { delivery, sent } = recorder(source);
    delivery.input("a", 0);
    await source.finish();
    assert.equal(delivery.input("b", 10), "waiting");
    await source.finish();
    assert.deepEqual(sent, [[1, "a"], [2, "b"]]);
  });

  it("an input joins a cycle another node started", async () => {
    const source = new ManualSource();
    const other = recorder(source);
    const mine = recorder(source);
    other.delivery.tick(0, 9000);
    mine.delivery.input("m", 50);
    await source.finish();
    assert.deepEqual(mine.sent, [[1, "m"]]);
    assert.equal(source.started, 1);
  });

  it("a failed cycle is delivered once as an error, and the next tick asks again", async () => {
    const source = new ManualSource();
    const { delivery, sent } = recorder(source);
    delivery.input("x", 0);
    await source.failCycle(new Error("bug"));
    assert.deepEqual(sent, [["error: bug", "x"]]);
    assert.equal(delivery.waiting, false);
    assert.equal(delivery.tick(10, 9000), "waiting");
  });
});
