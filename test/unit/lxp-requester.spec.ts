// The dongle's request queue (lxp-requester): bounded, a deadline per task from the moment it is
// queued, nothing started late, nothing left behind by a closed node or connection. A stand-in link
// counts what would be sent and never answers.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { DongleLink } from "../../nodes/lib/lxp/link/dongle-link";
import { LxpRequestError } from "../../nodes/lib/lxp/link/request-error";
import { LxpExchange, LxpRequester, QueueOptions } from "../../nodes/lib/lxp/link/requester";
import { sleep } from "../support/net";

/** A connected link that swallows every frame (a silent dongle); `sent` counts them. */
function silentLink() {
  const link = Object.assign(new EventEmitter(), {
    sent: 0,
    description: "127.0.0.1:8000",
    write: () => {
      link.sent++;
      return true;
    },
    unsentBytes: () => 0,
    connectionError: () => undefined,
    sendsDirectionZeroReplies: () => false,
  });
  return link;
}

const read: LxpExchange = {
  frame: Buffer.from("read"),
  expect: { kind: "param", datalog: "2222222222", param: 0 },
  description: "read param 0",
  timeoutMs: 60_000,
  retries: 0,
};

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<LxpRequestError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof LxpRequestError, String(err));
    return err;
  }
  return assert.fail("resolved");
}

/** A task that runs until `finish` is called; `started` tells whether it ran at all. */
function heldTask() {
  const held = { started: false, finish: (): void => undefined };
  const task = () => {
    held.started = true;
    return new Promise<string>((resolve) => (held.finish = () => resolve("done")));
  };
  return { held, task };
}

describe("lxp request queue", () => {
  let requester: LxpRequester | undefined;
  afterEach(() => requester?.close());

  const make = (limit?: number) => {
    const link = silentLink();
    requester = new LxpRequester(link as unknown as DongleLink, limit);
    return { link, q: requester };
  };
  const options = (maxWaitMs: number, description = "read/hold/21"): QueueOptions => ({ maxWaitMs, description });

  it("refuses at once when the limit is reached, counting places taken for requests still waiting for serials", async () => {
    const { q } = make(3);
    const first = heldTask();
    const running = q.run(first.task, options(60_000));
    const place = q.reserve("read/hold/1"); // waiting for the serials
    const queued = q.run(async () => "x", options(60_000));
    assert.equal(q.pending, 3);
    const refused = await rejection(q.run(async () => "never", options(60_000, "set/ac_charge")));
    assert.equal(refused.code, "overflow");
    assert.equal(refused.message, "set/ac_charge: not sent: 3 requests for the dongle at 127.0.0.1:8000 are already waiting or running (the queue limit of the lxp-dongle configuration)");
    assert.throws(() => q.reserve("read/hold/2"), { code: "overflow" });
    assert.deepEqual([q.stats.queued, q.stats.overflow], [2, 2]);
    place.release();
    place.release(); // once only
    assert.equal(q.pending, 2);
    q.reserve("read/hold/3").release();
    first.held.finish();
    assert.equal(await running, "done");
    assert.equal(await queued, "x");
    assert.equal(q.pending, 0);
  });

  it("fails every task still waiting at its deadline, unsent, and sends none of them later", async () => {
    const { link, q } = make(500);
    // Deadlines shorter than the head's timeout: every waiting task is still waiting at its deadline.
    // (With equal ones, the next task may reach its turn just before its deadline: it then runs.)
    const head = q.run((exchange) => exchange({ ...read, timeoutMs: 300 }), options(300));
    const waiting = Array.from({ length: 300 }, (_, k) => q.run((exchange) => exchange(read), options(150, `set/hold/${k}`)));
    assert.equal(link.sent, 1, "only the head is sent");
    const errors = await Promise.all(waiting.map(rejection));
    assert.deepEqual(new Set(errors.map((e) => e.code)), new Set(["expired"]));
    assert.equal(errors[0].message, "set/hold/0: not sent: still waiting for its turn after 0.15 s (its deadline: timeout × (retries + 1))");
    assert.equal((await rejection(head)).code, "timeout");
    assert.equal(q.stats.expired, 300);
    assert.equal(q.pending, 0);
    await sleep(50);
    assert.equal(link.sent, 1, "nothing expired went out afterwards");
  });

  it("never starts a task after its deadline, even when its timer has not fired yet (a blocked event loop)", async () => {
    const { q } = make();
    const first = heldTask();
    const running = q.run(first.task, options(60_000));
    const late = heldTask();
    const next = q.run(late.task, options(20));
    const blockedUntil = Date.now() + 40;
    while (Date.now() < blockedUntil); // no timer can fire meanwhile
    first.held.finish();
    await running;
    assert.equal((await rejection(next)).code, "expired");
    assert.equal(late.held.started, false);
  });

  it("runs tasks one at a time, in order, each when the one before has finished", async () => {
    const { q } = make();
    const order: string[] = [];
    const tasks = ["a", "b", "c"].map((name) =>
      q.run(async () => {
        order.push(`${name} start`);
        await sleep(5);
        order.push(`${name} end`);
        return name;
      }, options(60_000)),
    );
    assert.deepEqual(await Promise.all(tasks), ["a", "b", "c"]);
    assert.deepEqual(order, ["a start", "a end", "b start", "b end", "c start", "c end"]);
  });

  it("a task that throws fails alone; the queue goes on", async () => {
    const { q } = make();
    const bad = q.run(() => {
      throw new LxpRequestError("invalid", "bad");
    }, options(60_000));
    const good = q.run(async () => "ok", options(60_000));
    assert.equal((await rejection(bad)).code, "invalid");
    assert.equal(await good, "ok");
  });

  it("drops a waiting task at once when its node closes, and tasks queued afterwards by a closed node", async () => {
    const { q } = make();
    const first = heldTask();
    const running = q.run(first.task, options(60_000));
    const node = new AbortController();
    const queued = heldTask();
    const dropped = q.run(queued.task, { ...options(60_000), signal: node.signal });
    node.abort();
    const error = await rejection(dropped);
    assert.deepEqual([error.code, error.message], ["closed", "read/hold/21: the lxp-request node was closed (not sent)"]);
    assert.equal(q.pending, 1);
    assert.equal((await rejection(q.run(queued.task, { ...options(60_000), signal: node.signal }))).code, "closed");
    first.held.finish();
    await running;
    assert.equal(queued.held.started, false);
  });

  it("close() fails what runs and what waits, and refuses new tasks", async () => {
    const { q } = make();
    const inFlight = q.run((exchange) => exchange(read), options(60_000));
    const waiting = q.run((exchange) => exchange(read), options(60_000));
    const place = q.reserve("read/hold/1");
    q.close();
    assert.equal((await rejection(inFlight)).code, "closed");
    assert.equal((await rejection(waiting)).code, "closed");
    assert.equal((await rejection(place.run(async () => 1, options(60_000)))).code, "closed");
    assert.throws(() => q.reserve("read/hold/2"), { code: "closed" });
  });
});
