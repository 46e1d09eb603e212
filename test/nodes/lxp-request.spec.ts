// lxp-request (+ lxp-dongle, lxp-in) in the Node-RED runtime against a loopback stand-in dongle
// whose inverter answers with frames built by the codec.
import assert from "node:assert/strict";
import helper from "node-red-node-test-helper";
import lxpDongleNode from "../../nodes/lxp-dongle";
import lxpInNode from "../../nodes/lxp-in";
import lxpRequestNode from "../../nodes/lxp-request";
import { DeviceFunction, encodeReadReply, encodeWriteSingle, encodeWriteSingleReply, frameToMessage, parseFrame } from "../../nodes/lib/lxp/codec";
import { clockRegisters } from "../../nodes/lib/lxp/control/time-sync";
import { FakeInverter, FakeInverterOptions } from "../support/fake-inverter";
import { callsOf, collect, FlowNode, lastStatus, statuses } from "../support/flow";
import { closedPort, sleep, waitFor } from "../support/net";
import { hexBuf, lxpVector } from "../support/vectors";

helper.init(require.resolve("node-red"));

const vectorHex = (id: string): string => lxpVector(id).hex;
const SERIALS = { datalog: "2222222222", inverter: "5555555555" };

describe("lxp-request node", function () {
  let fake: FakeInverter | undefined;

  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await fake?.close();
    fake = undefined;
    await new Promise<void>((resolve) => helper.stopServer(resolve));
  });

  /** Starts the fake, loads dongle d1 + lxp-request r1 (→ out, Catch → caught) + lxp-in in1 (→ inout). */
  async function start(
    options: { fake?: FakeInverterOptions; dongle?: Record<string, unknown>; request?: Record<string, unknown>; extra?: FlowNode[] } = {},
  ) {
    fake = new FakeInverter(options.fake);
    const port = await fake.listen();
    const flow: FlowNode[] = [
      { id: "f1", type: "tab" },
      {
        id: "d1", type: "lxp-dongle", transport: "tcp", host: "127.0.0.1", port: String(port), reconnect: "0.1", watchdog: "0",
        ...SERIALS, allowWrites: true, ...options.dongle,
      },
      { id: "r1", z: "f1", type: "lxp-request", dongle: "d1", timeout: "0.5", retries: "0", wires: [["out"]], ...options.request },
      { id: "out", z: "f1", type: "helper" },
      { id: "in1", z: "f1", type: "lxp-in", dongle: "d1", wires: [["inout"]] },
      { id: "inout", z: "f1", type: "helper" },
      { id: "catch1", z: "f1", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "f1", type: "helper" },
      ...(options.extra ?? []),
    ];
    await helper.load([lxpDongleNode, lxpInNode, lxpRequestNode], flow);
    await fake.dongle.waitForConnection();
    await waitFor(() => (helper.getNode("d1") as any).link.state.state === "connected");
    return { out: collect("out"), caught: collect("caught"), inout: collect("inout") };
  }

  /** Sends one message to r1 and waits for its output. */
  async function ask(out: any[], topic: string, payload?: unknown, node = "r1"): Promise<any> {
    const before = out.length;
    (helper.getNode(node) as any).receive({ topic, payload });
    await waitFor(() => out.length > before, 5000, `reply to ${topic}`);
    return out[before];
  }

  describe("reads", () => {
    it("sends the read requests of the vectors byte for byte and outputs frameToMessage's message", async () => {
      const { out } = await start();
      fake!.setHolds(12, [0x0616, 0x0514, 0x3910]);
      const clock = await ask(out, "read/hold/12", 3);
      await ask(out, "read/hold/12");
      await ask(out, "read/inputs/1");
      await ask(out, "read/inputs/2", "ignored");
      await ask(out, "read/param/7");
      assert.deepEqual(fake!.requestsHex(), [
        vectorHex("lb_build_read_hold"),
        vectorHex("lbi_cmd_read_hold_12"),
        vectorHex("lb_build_read_inputs"),
        vectorHex("lbi_cmd_read_input_40"),
        vectorHex("lb_build_read_param"),
      ]);
      assert.equal(clock.topic, "lxp/2222222222/hold/12");
      assert.equal(clock.payload.inverter_time, "2022-06-20 05:16:57");
      assert.equal(clock.result, "ok");
      assert.deepEqual(clock.request, { topic: "read/hold/12", payload: 3 });
      const expected = frameToMessage(parseFrame(hexBuf(clock.lxp.raw)), { time: clock.payload.time }).msg;
      assert.deepEqual({ topic: clock.topic, payload: clock.payload, lxp: clock.lxp }, JSON.parse(JSON.stringify(expected)));
      assert.equal(out[2].topic, "lxp/2222222222/inputs/1");
      assert.equal(out[4].topic, "lxp/2222222222/param/7");
    });

    it("reads named settings and time windows", async () => {
      const { out } = await start();
      fake!.setHolds(64, [80]);
      fake!.setHolds(68, [0x1e01, 0x0005]);
      assert.equal((await ask(out, "read/charge_rate_pct")).payload.charge_rate_pct, 80);
      assert.deepEqual((await ask(out, "read/ac_charge/1")).payload.ac_charge_1, { start: "01:30", end: "05:00" });
      fake!.setHolds(21, [62292]);
      assert.equal((await ask(out, "read/ac_charge")).payload.reg21.ac_charge_en, false);
    });

    it("ignores misrouted replies (other register, function, inverter, count) and takes the right one; lxp-in still gets them", async () => {
      const other = { datalog: "9999999999", inverter: "5555555555" };
      const { out, inout } = await start({
        fake: {
          before: (req) =>
            req.kind === "translated" && req.register === 21
              ? [
                  encodeReadReply(SERIALS, DeviceFunction.READ_HOLD, 22, [7]), // other register
                  encodeReadReply(SERIALS, DeviceFunction.READ_INPUT, 21, [7]), // other function
                  encodeReadReply(other, DeviceFunction.READ_HOLD, 21, [7]), // other dongle: dropped by the datalog filter
                  encodeReadReply({ ...SERIALS, inverter: "1111111111" }, DeviceFunction.READ_HOLD, 21, [7]), // other inverter
                  encodeReadReply(SERIALS, DeviceFunction.READ_HOLD, 21, [7, 7]), // other count
                  encodeWriteSingleReply(SERIALS, 21, 7), // a cloud write echo
                ]
              : [],
        },
      });
      fake!.setHolds(21, [29269]);
      const reply = await ask(out, "read/hold/21");
      assert.equal(reply.result, "ok");
      assert.deepEqual(reply.payload.registers, { "21": 29269 });
      await waitFor(() => inout.length >= 6);
      assert.deepEqual(
        inout.map((m) => m.topic),
        [
          "lxp/2222222222/hold/22", "lxp/2222222222/inputs/1", "lxp/2222222222/hold/21",
          "lxp/2222222222/hold/21", "lxp/2222222222/write/21", "lxp/2222222222/hold/21",
        ],
      );
      assert.deepEqual(inout.at(-1).payload.registers, { "21": 29269 });
      assert.equal((helper.getNode("d1") as any).link.requester.stats.ignored, 5);
    });

    it("an exception reply becomes a catchable error and a fail message", async () => {
      const { out, caught } = await start({ fake: { exception: (fn, reg) => (fn === DeviceFunction.READ_HOLD && reg === 500 ? 3 : undefined) } });
      const reply = await ask(out, "read/hold/500", 2);
      assert.equal(reply.result, "fail");
      assert.equal(reply.topic, "lxp/2222222222/exception/500");
      assert.equal(reply.payload.exception_code, 3);
      await waitFor(() => caught.length === 1);
      assert.match(caught[0].error.message, /read hold 500 ×2: the inverter refused it with exception 3 \(illegal data value\)/);
      assert.equal(caught[0].error.source.id, "r1");
    });

    it("times out after the configured retries, sending the request once per attempt", async () => {
      const { out, caught } = await start({ fake: { silent: true }, request: { timeout: "0.5", retries: "2" } });
      const reply = await ask(out, "read/hold/21");
      assert.equal(reply.result, "fail");
      assert.match(reply.reason, /no reply from datalog 2222222222 within 0.5 s \(3 attempts\)/);
      assert.equal(fake!.requestsHex().length, 3);
      assert.equal(new Set(fake!.requestsHex()).size, 1);
      await waitFor(() => caught.length === 1);
    });

    it("keeps one request in flight per dongle across nodes", async () => {
      const { out } = await start({
        fake: { replyDelayMs: 60 },
        request: { timeout: "2" }, // queue deadline 2 s: five requests of 60 ms may be ahead
        extra: [
          { id: "r2", z: "f1", type: "lxp-request", dongle: "d1", timeout: "2", wires: [["out2"]] },
          { id: "out2", z: "f1", type: "helper" },
        ],
      });
      const out2 = collect("out2");
      for (let k = 0; k < 3; k++) {
        (helper.getNode("r1") as any).receive({ topic: `read/hold/${k}` });
        (helper.getNode("r2") as any).receive({ topic: `read/hold/${10 + k}` });
      }
      await waitFor(() => out.length === 3 && out2.length === 3, 5000);
      assert.equal(fake!.maxWaiting, 1);
      assert.ok([...out, ...out2].every((m) => m.result === "ok"));
      assert.deepEqual(out.map((m) => m.lxp.register), [0, 1, 2]);
    });

    it("uses a fixed command and value from the node configuration", async () => {
      const { out } = await start({ request: { command: "read/hold/64", value: "2" } });
      fake!.setHolds(64, [55, 66]);
      const reply = await ask(out, "anything", "whatever");
      assert.deepEqual(reply.request, { topic: "read/hold/64", payload: 2 });
      assert.deepEqual(reply.payload.registers, { "64": 55, "65": 66 });
    });
  });

  describe("verified writes", () => {
    it("write single: bytes of the vector, echo checked, read-back confirms", async () => {
      const { out } = await start();
      const reply = await ask(out, "set/ac_charge_rate_pct", 100);
      const sent = fake!.requestsHex();
      assert.equal(sent.length, 3, "read (a fresh connection learns the reply direction), write, read-back");
      assert.equal(sent[1], vectorHex("lb_build_write_single"));
      for (const k of [0, 2]) {
        const read = parseFrame(hexBuf(sent[k])) as any;
        assert.deepEqual([read.deviceFunction, read.register, read.count], [3, 66, 1]);
      }
      assert.equal(reply.result, "ok");
      assert.equal(reply.topic, "lxp/2222222222/hold/66");
      assert.equal(reply.payload.ac_charge_rate_pct, 100);
      assert.deepEqual(reply.request, { topic: "set/ac_charge_rate_pct", payload: 100 });
    });

    it("write multi: bytes of the vector, count checked, read-back confirms", async () => {
      const { out } = await start();
      const reply = await ask(out, "set/hold/12", [0x0616, 0x1413, 0x2117]);
      assert.equal(fake!.requestsHex()[0], vectorHex("lb_build_write_multi"));
      assert.equal(reply.result, "ok");
      assert.equal(reply.payload.inverter_time, "2022-06-19 20:23:33");
    });

    it("another client's write echo on the same register is not taken for ours", async () => {
      const { out } = await start({
        fake: {
          before: (req) =>
            req.kind === "translated" && req.role === "request" && req.deviceFunction === DeviceFunction.WRITE_SINGLE
              ? [encodeWriteSingleReply(SERIALS, 64, 77)] // the cloud setting register 64 at the same moment
              : [],
        },
      });
      const reply = await ask(out, "set/charge_rate_pct", 50);
      assert.equal(reply.result, "ok", reply.reason);
      assert.equal(reply.payload.charge_rate_pct, 50, "the read-back confirms our value");
    });

    it("a read answered with fewer registers than asked fails with the counts", async () => {
      const { out, caught } = await start({ fake: { silent: true } });
      const pending = ask(out, "read/hold/12", 3);
      await new Promise((r) => setTimeout(r, 50));
      fake!.push(encodeReadReply(SERIALS, DeviceFunction.READ_HOLD, 12, [0x0616, 0x0514])); // truncated
      const reply = await pending;
      assert.equal(reply.result, "fail");
      await waitFor(() => caught.length === 1);
      assert.match(caught[0].error.message, /read hold 12 ×3: asked for 3 registers, the inverter returned 2/);
    });

    it("a wrong echo fails the write with an error", async () => {
      const { out, caught } = await start({ fake: { echo: (_reg, v) => v + 1 } });
      const reply = await ask(out, "set/charge_rate_pct", "50");
      assert.equal(reply.result, "fail");
      assert.equal(reply.topic, "lxp/2222222222/write/64");
      const sent = fake!.received.map((f: any) => f.deviceFunction);
      assert.deepEqual(sent, [3, 6], "the direction-learning read and the write; no read-back after a bad echo");
      await waitFor(() => caught.length === 1);
      assert.match(caught[0].error.message, /write hold 64 = 50: the inverter echoed 51/);
    });

    it("a read-back that does not show the value fails the write", async () => {
      const { out, caught } = await start({ fake: { ignoreWrites: true } });
      fake!.setHolds(105, [20]);
      const reply = await ask(out, "set/discharge_cutoff_soc_limit_pct", 15);
      assert.equal(reply.result, "fail");
      assert.equal(reply.payload.discharge_cutoff_soc_limit_pct, 20);
      await waitFor(() => caught.length === 1);
      assert.match(caught[0].error.message, /read-back of hold 105 gives 20, 15 was written/);
    });

    it("time windows: two write singles, then one read-back of both registers", async () => {
      const { out } = await start();
      const reply = await ask(out, "set/forced_discharge/2", { start: "16:00", end: "19:30" });
      const frames = fake!.received.map((f: any) => [f.deviceFunction, f.register, f.value ?? f.count]);
      assert.deepEqual(frames, [[3, 86, 1], [6, 86, 16], [6, 87, 19 | (30 << 8)], [3, 86, 2]], "the first read learns the reply direction");
      assert.deepEqual(reply.payload.forced_discharge_2, { start: "16:00", end: "19:30" });
    });

    it("register 21 bits: read-modify-write of an unsigned value keeps the other bits", async () => {
      const { out } = await start();
      fake!.setHolds(21, [62292]); // 0xF354: bit 7 (AC charge) off, bit 11 (charge priority) off, > 32767
      const on = await ask(out, "set/ac_charge", "ON");
      assert.equal(on.result, "ok");
      assert.equal(fake!.holds.get(21), 62292 | 0x80);
      assert.equal(on.payload.reg21.ac_charge_en, true);
      const write = fake!.received.find((f: any) => f.deviceFunction === 6) as any;
      assert.equal(write.value, 62420);
      assert.equal(write.raw.readUInt16LE(34), 62420, "sent as unsigned little-endian");

      fake!.received.length = 0;
      const off = await ask(out, "set/ac_charge", "no");
      assert.equal(off.result, "ok");
      assert.equal(fake!.holds.get(21), 62292);
      fake!.received.length = 0;
      const unchanged = await ask(out, "set/forced_discharge", false);
      assert.equal(unchanged.result, "ok");
      assert.equal(fake!.received.length, 1, "bit already off: read only, no write");
    });

    it("sync_time writes regs 12-14 with one write multi only when more than 120 s off", async () => {
      const { out } = await start();
      fake!.setHolds(12, clockRegisters(new Date(Date.now() - 100_000)));
      const close = await ask(out, "sync_time");
      assert.equal(close.result, "ok");
      assert.equal(close.sync.written, false);
      assert.ok(Math.abs(close.sync.drift_s + 100) <= 2, `drift ${close.sync.drift_s}`);
      assert.equal(fake!.received.length, 1, "read only");

      fake!.received.length = 0;
      fake!.setHolds(12, clockRegisters(new Date(Date.now() + 3600_000)));
      const far = await ask(out, "sync_time");
      assert.equal(far.result, "ok");
      assert.equal(far.sync.written, true);
      assert.ok(Math.abs(far.sync.drift_s - 3600) <= 2);
      const fns = fake!.received.map((f: any) => [f.deviceFunction, f.register, f.count]);
      assert.deepEqual(fns, [[3, 12, 3], [16, 12, 3], [3, 12, 3]]);
      assert.equal(far.topic, "lxp/2222222222/hold/12");
      const written = new Date(far.payload.inverter_time.replace(" ", "T")).getTime();
      assert.ok(Math.abs(written - Date.now()) < 5000, "set to the host's local time");
    });
  });

  describe("a dongle that answers with direction 00 (EG4)", () => {
    it("reads, verified writes and sync_time work; lxp-in decodes the replies", async () => {
      const { out, inout, caught } = await start({ fake: { replyDirection: 0 } });
      fake!.setHolds(12, clockRegisters(new Date(Date.now() + 3600_000)));
      fake!.setHolds(64, [80]);

      const input = await ask(out, "read/input/0", 125);
      assert.equal(input.result, "ok", input.reason);
      assert.equal(input.topic, "lxp/2222222222/inputs/all");
      assert.equal(input.lxp.count, 125);
      assert.equal(input.lxp.raw.slice(40, 42), "00", "the reply's direction byte is 00");
      const hold = await ask(out, "read/charge_rate_pct");
      assert.equal(hold.payload.charge_rate_pct, 80);

      const write = await ask(out, "set/charge_rate_pct", 55);
      assert.equal(write.result, "ok", write.reason);
      assert.equal(write.topic, "lxp/2222222222/hold/64", "the read-back");
      assert.equal(fake!.holds.get(64), 55);

      const sync = await ask(out, "sync_time");
      assert.equal(sync.result, "ok", sync.reason);
      assert.equal(sync.sync.written, true);

      // lxp-in publishes the same replies; the write-single echo (the bytes of a request) is a
      // request there, and requests are off by default.
      await waitFor(() => inout.length >= 6);
      assert.deepEqual(
        inout.map((m) => m.topic.replace("lxp/2222222222/", "")),
        ["inputs/all", "hold/64", "hold/64", "hold/12", "write/12", "hold/12"],
      );
      assert.equal(inout[0].payload.registers["124"], 0);
      assert.equal(caught.length, 0, "no bad frames");
    });

    it("an echo of another value with direction 00 fails verification (not a timeout)", async () => {
      const { out, caught } = await start({ fake: { replyDirection: 0, echo: (_reg, v) => v + 1 } });
      const reply = await ask(out, "set/charge_rate_pct", 50);
      assert.equal(reply.result, "fail");
      assert.equal(reply.reason, "write hold 64 = 50: the inverter echoed 51");
      assert.equal(reply.topic, "lxp/2222222222/request/64", "the message is the echo (request-shaped)");
      assert.equal(reply.payload.value, 51);
      await waitFor(() => caught.length === 1);
      assert.equal(caught[0].error.message, "write hold 64 = 50: the inverter echoed 51");
    });

    it("the first write on a fresh connection reads the register first, then takes the direction-00 echo", async () => {
      const { out } = await start({ fake: { replyDirection: 0 } });
      const first = await ask(out, "set/hold/64", 55);
      assert.equal(first.result, "ok", first.reason);
      const sent = () => fake!.received.map((f: any) => [f.deviceFunction, f.register]);
      assert.deepEqual(sent(), [[3, 64], [6, 64], [3, 64]], "read (learns direction 00), write, read-back");
      fake!.received.length = 0;
      const second = await ask(out, "set/hold/64", 60);
      assert.equal(second.result, "ok", second.reason);
      assert.deepEqual(sent(), [[6, 64], [3, 64]], "known now: write and read-back only");
      assert.equal(fake!.holds.get(64), 60);
    });
  });

  describe("a dongle that answers with direction 01", () => {
    it("a frame with the bytes of our write request is not taken for the echo", async () => {
      // The request's bytes (direction 00) come back first, then the inverter's echo of another value.
      const before = (request: any): Buffer[] =>
        request.deviceFunction === DeviceFunction.WRITE_SINGLE ? [encodeWriteSingle(SERIALS, request.register, request.value)] : [];
      const { out } = await start({ fake: { before, echo: (_reg, v) => v + 1 } });
      await ask(out, "read/hold/64"); // the link has seen a direction-01 reply
      const reply = await ask(out, "set/hold/64", 50);
      assert.equal(reply.result, "fail");
      assert.equal(reply.reason, "write hold 64 = 50: the inverter echoed 51");
      assert.equal(reply.topic, "lxp/2222222222/write/64");
    });
  });

  describe("safety", () => {
    it("with writes off every set/... and sync_time fails and nothing is sent", async () => {
      const { out, caught } = await start({ dongle: { allowWrites: false } });
      for (const [topic, payload] of [["set/ac_charge", "on"], ["set/hold/21", 1], ["set/ac_charge/1", { start: "01:00", end: "02:00" }], ["sync_time", undefined]] as const) {
        const reply = await ask(out, topic, payload);
        assert.equal(reply.result, "fail");
        assert.match(reply.reason, /writes are disabled on this dongle; turn on "Allow writes" .*\(nothing was sent\)/);
      }
      await waitFor(() => caught.length === 4);
      await sleep(50);
      assert.equal(fake!.received.length, 0, "nothing was sent");
    });

    it("only registers of the writable list may be written", async () => {
      const { out } = await start({ dongle: { writableRegisters: "21, 64-67" } });
      const refused = await ask(out, "set/discharge_cutoff_soc_limit_pct", 20);
      assert.match(refused.reason, /register 105 not in the writable registers \(21, 64-67\)/);
      const window = await ask(out, "set/ac_charge/1", { start: "01:00", end: "02:00" });
      assert.match(window.reason, /registers 68, 69 not in the writable registers/);
      assert.equal(fake!.received.length, 0);
      assert.equal((await ask(out, "set/charge_rate_pct", 40)).result, "ok");
    });

    it("range checks refuse bad values before anything is sent", async () => {
      const { out, caught } = await start();
      const cases: Array<[string, unknown, RegExp]> = [
        ["set/charge_rate_pct", 101, /from 0 to 100/],
        ["set/discharge_cutoff_soc_limit_pct", 5, /from 10 to 90/],
        ["set/ac_charge/1", { start: "24:00", end: "05:00" }, /start must be a time HH:MM/],
        ["set/hold/66", 150, /from 0 to 100/],
        ["set/hold/21", 65536, /from 0 to 65535/],
        ["set/hold/70", 0x3c00, /time window/],
        ["set/ac_charge", "maybe", /needs on or off/],
        ["read/hold/0", 128, /count must be a whole number from 1 to 127/],
        ["read/nothing", undefined, /unknown command "read\/nothing"/],
      ];
      for (const [topic, payload, why] of cases) {
        const reply = await ask(out, topic, payload);
        assert.equal(reply.result, "fail", topic);
        assert.match(reply.reason, why, topic);
      }
      await waitFor(() => caught.length === cases.length);
      assert.equal(fake!.received.length, 0);
    });
  });

  describe("hostile messages", () => {
    it("sparse or malformed payloads and a 65k-character topic write nothing; each is one catchable error", async () => {
      const { out, caught } = await start({ dongle: { writableRegisters: "64-67" } });
      // eslint-disable-next-line no-sparse-arrays
      const holes = [1, , 3];
      const cases: Array<[unknown, unknown, RegExp]> = [
        ["set/hold/105", new Array(1), /value 0 of the array is missing \(a sparse array/],
        ["set/hold/64", holes, /value 1 of the array is missing/],
        ["set/hold/64", Object.assign([1, 2], { x: 1 }), /properties besides its 2 values/],
        ["set/hold/64", [1.5], /must be a whole number from 0 to 100, got 1.5/],
        ["set/charge_rate_pct", "1".repeat(100_000), /got "1{40}"… \(100000 characters\)/],
        ["set/ac_charge/1", { start: "01:00", end: "02:00", also: 1 }, /takes only "start" and "end"/],
        ["set/ac_charge", [1], /needs on or off/],
        [`a${"/".repeat(65_536)}a`, 1, /the command has 65538 characters, at most 128 are read/],
      ];
      for (const [topic, payload, why] of cases) {
        const before = out.length;
        (helper.getNode("r1") as any).receive({ topic, payload });
        await waitFor(() => out.length > before, 5000, `reply to ${String(topic).slice(0, 20)}`);
        const reply = out[before];
        assert.equal(reply.result, "fail");
        assert.match(reply.reason, why);
        assert.match(reply.reason, /\(nothing was sent\)$/);
      }
      await waitFor(() => caught.length === cases.length);
      await sleep(50);
      assert.equal(caught.length, cases.length, "one error per message");
      assert.equal(fake!.received.length, 0, "nothing was sent");
      assert.ok(lastStatus("r1").text.length < 200, "the status shows the start of a long topic only");
    });
  });

  describe("queue limit and deadlines", () => {
    it("300 writes to a dongle that went silent all settle by their deadlines; none is sent when it answers again", async () => {
      const { out, caught } = await start({ dongle: { queueLimit: "500" }, request: { timeout: "1", retries: "0" } });
      assert.equal((await ask(out, "read/charge_rate_pct")).result, "ok", "the dongle answers (and shows its reply direction)");
      fake!.received.length = 0;
      fake!.options.silent = true;
      const before = out.length;
      for (let k = 0; k < 300; k++) (helper.getNode("r1") as any).receive({ topic: "set/charge_rate_pct", payload: k % 101 });
      await waitFor(() => out.length === before + 300, 10_000, "all 300 outcomes");
      const outcomes = out.slice(before);
      assert.ok(outcomes.every((m) => m.result === "fail"));
      // The first is sent and times out. The next may reach its turn just before its deadline (the
      // deadline is as long as the one ahead may take to fail): then it is sent too. The rest expire.
      const sent = fake!.received.length;
      assert.ok(sent >= 1 && sent <= 2, `${sent} writes sent`);
      assert.ok(fake!.received.every((f: any) => f.deviceFunction === DeviceFunction.WRITE_SINGLE && f.register === 64));
      const expired = outcomes.filter((m) => /not sent: still waiting for its turn after 1 s/.test(m.reason));
      assert.equal(expired.length, 300 - sent);
      assert.equal(outcomes.filter((m) => /no reply from datalog/.test(m.reason)).length, sent);
      assert.equal((helper.getNode("d1") as any).link.requester.stats.expired, 300 - sent);
      await waitFor(() => caught.length === 300, 5000, "one error per message");
      await waitFor(() => lastStatus("r1").text.endsWith(` · ${300 - sent} expired`), 2000, "the count in the status");

      fake!.options.silent = false;
      fake!.push(hexBuf(vectorHex("lbi_read_inputs_0_to_39"))); // the dongle is back
      assert.equal((await ask(out, "read/charge_rate_pct")).result, "ok");
      await sleep(200);
      assert.deepEqual(fake!.received.slice(sent).map((f: any) => f.deviceFunction), [DeviceFunction.READ_HOLD], "only the new read");
    });

    it("a full queue refuses at once: nothing is sent for the refused requests, counted in the status", async () => {
      const { out, caught } = await start({ dongle: { queueLimit: "5" }, fake: { silent: true }, request: { timeout: "0.5", retries: "0" } });
      const before = out.length;
      for (let k = 0; k < 20; k++) (helper.getNode("r1") as any).receive({ topic: `read/hold/${k}` });
      await waitFor(() => out.length === before + 15, 1000, "the 15 refusals, before any deadline");
      for (const m of out.slice(before, before + 15)) {
        assert.equal(m.result, "fail");
        assert.match(m.reason, /^read\/hold\/\d+: not sent: 5 requests for the dongle at 127\.0\.0\.1:\d+ are already waiting or running \(the queue limit of the lxp-dongle configuration\)$/);
      }
      assert.deepEqual(out.slice(before, before + 15).map((m) => m.request.topic), Array.from({ length: 15 }, (_, k) => `read/hold/${k + 5}`));
      await waitFor(() => out.length === before + 20, 5000, "the queued ones settle too");
      await waitFor(() => caught.length === 20);
      // The queued five: sent and timed out, or expired unsent; the refused fifteen sent nothing.
      const sent = fake!.received.map((f: any) => f.register);
      assert.deepEqual(sent, [...new Set(sent)].sort((a, b) => a - b), "each sent once, in order");
      assert.ok(sent.length >= 1 && sent.every((reg: number) => reg < 5), `sent: ${JSON.stringify(sent)}`);
      const reasons = out.slice(before + 15).map((m) => m.reason);
      assert.equal(reasons.filter((r) => /no reply from datalog/.test(r)).length, sent.length);
      assert.equal(reasons.filter((r) => /not sent: still waiting for its turn after 0.5 s/.test(r)).length, 5 - sent.length);
      assert.match(lastStatus("r1").text, / · \d expired · 15 dropped$/);
      assert.equal((helper.getNode("d1") as any).link.requester.stats.overflow, 15);
    });

    it("a timing value below its minimum is raised with one warning; the node starts", async () => {
      await start({ request: { timeout: "0.1", autoSync: "0.0001" }, dongle: { watchdog: "0.001" } });
      const warnings = (id: string) => callsOf(id, "warn").map((c) => String(c[0]));
      assert.ok(warnings("r1").includes("timeout (s) 0.1 is below the minimum of 0.5: using 0.5"), warnings("r1").join("\n"));
      assert.ok(warnings("r1").includes("automatic time sync (hours) 0.0001 is below the minimum of 1: using 1 (0 turns it off)"));
      assert.ok(warnings("d1").includes("silence watchdog (s) 0.001 is below the minimum of 60: using 60 (0 turns it off)"));
      assert.equal((helper.getNode("d1") as any).link.options.watchdogMs, 60_000);
      assert.equal((helper.getNode("d1") as any).link.options.reconnectMs, 1000, "0.1 in the test flow, raised");
    });
  });

  describe("serials, heartbeats, status", () => {
    it("learns the datalog and inverter serials from frames when they are not configured", async () => {
      const { out } = await start({ dongle: { datalog: "", inverter: "" }, fake: { datalog: "AB12345678", inverter: "CD98765432" } });
      // Nothing heard within the request's timeout: the request fails and nothing is sent.
      const early = await ask(out, "read/hold/21");
      assert.equal(early.result, "fail");
      assert.match(early.reason, /the datalog serial is not known yet: no frame came from the dongle in the 0\.5 s waited/);
      assert.match(early.reason, /enter it as "Datalog" in the lxp-dongle configuration/);
      assert.equal(fake!.received.length, 0);
      // A request made before the first broadcast waits for it (right after a deploy).
      const before = out.length;
      (helper.getNode("r1") as any).receive({ topic: "read/hold/21" });
      await new Promise((r) => setTimeout(r, 100));
      fake!.push(encodeReadReply(fake!.target, DeviceFunction.READ_INPUT, 0, new Array(40).fill(0)));
      await waitFor(() => out.length > before, 5000, "the waiting request's reply");
      assert.equal(out[before].result, "ok");
      const req = fake!.received[0] as any;
      assert.equal(req.datalog, "AB12345678");
      assert.equal(req.inverter, "CD98765432");
    });

    it("answers heartbeats by echoing them unchanged when enabled", async () => {
      const heartbeat = hexBuf(vectorHex("lb_heartbeat"));
      await start({ dongle: { answerHeartbeats: true } });
      fake!.push(heartbeat);
      await waitFor(() => fake!.received.length === 1);
      assert.deepEqual(fake!.received[0].raw, heartbeat);
      assert.equal((helper.getNode("d1") as any).link.stats.heartbeatsAnswered, 1);
    });

    it("does not answer heartbeats by default", async () => {
      const { inout } = await start({ dongle: { answerHeartbeats: false } });
      fake!.push(hexBuf(vectorHex("lb_heartbeat")));
      fake!.push(hexBuf(vectorHex("lbi_read_inputs_0_to_39")));
      await waitFor(() => inout.length === 1);
      await sleep(50);
      assert.equal(fake!.received.length, 0);
    });

    it("blames the datalog filter, not the heartbeats, when only other dongles' frames arrive", async () => {
      await start({ dongle: { broadcastInterval: "1", datalog: "ZZ00000000" } });
      const stranger = { datalog: "AB12345678", inverter: "CD98765432" };
      const timer = setInterval(() => fake!.push(encodeReadReply(stranger, DeviceFunction.READ_INPUT, 0, new Array(40).fill(0))), 300);
      try {
        await waitFor(() => lastStatus("in1")?.fill === "yellow", 5000, "yellow status");
      } finally {
        clearInterval(timer);
      }
      assert.match(lastStatus("in1").text, /no input data for 1 min: \d+ frames from other datalogs \(check the datalog filter\)/);
    });

    it("suggests answering heartbeats when no input data came for two broadcast intervals", async () => {
      await start({ dongle: { broadcastInterval: "1" } });
      const inStatus = statuses("in1");
      await waitFor(() => lastStatus("r1")?.fill === "yellow", 5000, "yellow status");
      assert.match(lastStatus("r1").text, /no input data for 1 min: try "answer heartbeats" in the dongle config/);
      await waitFor(() => inStatus.some((s) => s.fill === "yellow"), 1000);
      // Heartbeats do not clear the hint, input data does.
      fake!.push(hexBuf(vectorHex("lb_heartbeat")));
      await sleep(1200);
      assert.equal(lastStatus("in1").fill, "yellow");
      fake!.push(hexBuf(vectorHex("lbi_read_inputs_0_to_39")));
      await waitFor(() => lastStatus("in1").fill === "green", 1900);
    });

    it("shows the outcome of the last request in its status", async () => {
      const { out } = await start();
      await ask(out, "read/hold/21");
      assert.match(lastStatus("r1").text, /^ok read\/hold\/21 \d\d:\d\d:\d\d$/);
      await ask(out, "read/bogus");
      assert.equal(lastStatus("r1").fill, "red");
    });

    it("sets no status once closed, while its requests still settle (a partial redeploy keeps the dongle)", async () => {
      await start({ fake: { silent: true } });
      const r1 = helper.getNode("r1") as any;
      const requester = (helper.getNode("d1") as any).link.requester;
      for (let k = 0; k < 4; k++) r1.receive({ topic: `read/hold/${k}` });
      await waitFor(() => requester.pending === 4, 2000, "one request in flight, three waiting");
      const before = callsOf("r1", "status").length;
      await r1.close(false);
      await waitFor(() => requester.pending === 0, 5000, "the requests to settle");
      await sleep(400); // longer than the status refresh interval: a status timer set after close would have fired
      assert.deepEqual(callsOf("r1", "status").slice(before), [[{}]], "only the close handler's own status({})");
    });
  });

  describe("unreachable dongle", () => {
    it("fails requests at once with the address and the cause instead of waiting, and works once the dongle is back", async () => {
      const port = await closedPort();
      const flow: FlowNode[] = [
        { id: "f1", type: "tab" },
        // Waiting for serials (2 × 30 s) or replies would outlast ask()'s 5 s: only an immediate failure passes.
        { id: "d1", type: "lxp-dongle", transport: "tcp", host: "127.0.0.1", port: String(port), reconnect: "0.1", watchdog: "0" },
        { id: "d2", type: "lxp-dongle", transport: "tcp", host: "127.0.0.1", port: String(port), reconnect: "0.1", watchdog: "0", ...SERIALS },
        { id: "r1", z: "f1", type: "lxp-request", dongle: "d1", timeout: "30", retries: "1", wires: [["out"]] },
        { id: "r2", z: "f1", type: "lxp-request", dongle: "d2", timeout: "30", retries: "1", wires: [["out"]] },
        { id: "out", z: "f1", type: "helper" },
        { id: "catch1", z: "f1", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
        { id: "caught", z: "f1", type: "helper" },
      ];
      await helper.load([lxpDongleNode, lxpRequestNode], flow);
      const out = collect("out");
      const caught = collect("caught");
      const refused = `cannot connect to 127.0.0.1:${port}: connection refused`;

      const unknownSerials = await ask(out, "read/hold/21");
      assert.equal(unknownSerials.result, "fail");
      assert.equal(unknownSerials.reason, refused);
      const knownSerials = await ask(out, "read/hold/21", undefined, "r2");
      assert.equal(knownSerials.result, "fail");
      assert.equal(knownSerials.reason, `read hold 21 ×1: ${refused}`);
      await waitFor(() => caught.length === 2);
      assert.match(caught[0].error.message, new RegExp(`${refused}$`));
      assert.match(lastStatus("r1").text, /^fail read\/hold\/21: cannot connect to 127\.0\.0\.1:\d+: connection refused/);

      // The dongle keeps reconnecting in the background; once it is up, requests go through.
      fake = new FakeInverter();
      await fake.dongle.listen(port);
      await waitFor(() => (helper.getNode("d2") as any).link.state.state === "connected", 10000, "the reconnect");
      const ok = await ask(out, "read/hold/21", undefined, "r2");
      assert.equal(ok.result, "ok");
    });
  });

  it("reports a missing or invalid configuration in its status", async () => {
    const flow: FlowNode[] = [
      { id: "f1", type: "tab" },
      { id: "r1", z: "f1", type: "lxp-request", dongle: "nope", wires: [] },
      { id: "r2", z: "f1", type: "lxp-request", dongle: "d1", timeout: "0", wires: [] },
      { id: "d1", type: "lxp-dongle", host: "127.0.0.1", port: "1", writableRegisters: "5-" },
      { id: "r3", z: "f1", type: "lxp-request", dongle: "d1", wires: [] },
    ];
    await helper.load([lxpDongleNode, lxpRequestNode], flow);
    assert.equal(lastStatus("r1").text, "no dongle configured");
    assert.equal(lastStatus("r2").text, "invalid configuration");
    assert.equal(lastStatus("r3").text, "dongle config invalid");
    assert.match((helper.getNode("d1") as any).configError, /"5-" is not a register number or a range/);
  });
});
