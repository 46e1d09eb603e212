// The payload docs (docs/lxp-payloads.md, docs/pylon-payloads.md) against what the code emits:
// real frames from the fixtures (vectors and real captures), simulator replies for every input bank and the hold registers,
// lxp-request outputs, PylonTech replies for every command the codec decodes and a poll cycle.
// Every key path produced must be documented as `path`; every key a "key" table lists must be
// produced (no invented fields).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BankMerger } from "../../nodes/lib/lxp/link/bank-merger";
import type { DecodedMessage, DongleLink } from "../../nodes/lib/lxp/link/dongle-link";
import { runCommand } from "../../nodes/lib/lxp/control/control";
import type { LxpExchange } from "../../nodes/lib/lxp/link/requester";
import {
  DeviceFunction,
  encodeReadHold,
  encodeReadReply,
  encodeReadInput,
  encodeReadParam,
  encodeWriteMulti,
  encodeWriteSingle,
  frameToMessage,
  LxpMessage,
  LxpStreamParser,
  parseFrame,
} from "../../nodes/lib/lxp/codec";
import { PollPayload, PylonPoller, PylonRequester } from "../../nodes/lib/pylon/poll/poller";
import { portLabel } from "../../nodes/lib/pylon/link/port-config";
import { BusPairer } from "../../nodes/lib/pylon/passive";
import { PassiveView } from "../../nodes/lib/pylon/poll/passive-view";
import {
  decodeReply,
  formatCid2,
  INFO_DECODERS,
  parseCid2,
  parseFrame as parsePylonFrame,
  PylonFrameError,
  SYSTEM_DECODERS,
} from "../../nodes/lib/pylon/codec";
import { PylonLinkError } from "../../nodes/lib/pylon/link";
import { LxpDongleSimulator } from "../../sim/lxp/dongle";
import { PylonStackSimulator } from "../../sim/pylon/stack";
import type { ConsoleRequester } from "../../nodes/lib/pylon/link/console-types";
import { ConsolePoller } from "../../nodes/lib/pylon/poll/console-poller";
import type { ConsolePylonPack } from "../../nodes/lib/pylon/poll/console-mapping";
import { codeSpans, KeyPath, keyPaths, messagePaths, tableKeys } from "../support/doc-keys";
import { fourSlots } from "../support/battery-pack-sample";
import { FIXTURES_DIR, hexBuf, lxpCaptures, lxpVectors } from "../support/vectors";
import { vectors as pylonVectors } from "./pylon-vectors";

const DOCS = join(__dirname, "..", "..", "docs");
const PYLON_CAPTURES: Array<{ id: string; command: string; request: string | null; reply: string | null; damaged?: string }> = JSON.parse(
  readFileSync(join(__dirname, "..", "fixtures", "real-captures", "pylon-captures.json"), "utf8"),
);
const readDoc = (name: string): string => readFileSync(join(DOCS, name), "utf8");

class PathSet {
  readonly all = new Set<string>();
  readonly leaves = new Set<string>();
  add(paths: KeyPath[]): void {
    for (const { path, leaf } of paths) {
      this.all.add(path);
      if (leaf) this.leaves.add(path);
    }
  }
}

/** Asserts both directions: produced leaves are documented, documented keys are produced. */
function assertDocumented(doc: string, markdown: string, produced: PathSet): void {
  const spans = codeSpans(markdown);
  const missing = [...produced.leaves].filter((p) => !spans.has(p)).sort();
  assert.deepEqual(missing, [], `${doc} does not document these keys the code emits`);
  const invented = tableKeys(markdown).filter(({ key }) => !produced.all.has(key));
  assert.deepEqual(invented.map((k) => `${k.key} (line ${k.line})`), [], `${doc} lists keys the code never emits`);
}

// --- LuxPower ---------------------------------------------------------------------------------

const LXP_TIME = new Date(2024, 5, 1, 12, 0, 0);

function decodeLxp(frame: Buffer): LxpMessage {
  return frameToMessage(parseFrame(frame), { time: 1_717_236_000 }).msg;
}

/** Answers in-process from the simulated dongle, as a DongleLink's requester would. */
function simLink(sim: LxpDongleSimulator): DongleLink {
  const exchange = async (ex: LxpExchange): Promise<DecodedMessage> => {
    const reply = sim.answer(parseFrame(ex.frame));
    if (!reply) throw new Error(`the simulator does not answer ${ex.description}`);
    const frame = parseFrame(reply);
    return { ...frameToMessage(frame, { time: 1_717_236_000 }), frame };
  };
  const target = { datalog: sim.datalog, inverter: sim.inverter };
  return {
    writePolicy: { allowed: true },
    target: () => target,
    waitForTarget: async () => target,
    knowsReplyDirection: () => true,
    requester: { reserve: () => ({ run: <T>(task: (x: typeof exchange) => Promise<T>) => task(exchange), release: () => undefined }) },
  } as unknown as DongleLink;
}

describe("payload docs", () => {
  describe("docs/lxp-payloads.md", () => {
    const produced = new PathSet();
    const topics = new Set<string>();
    const sim = new LxpDongleSimulator({ clock: "manual", start: LXP_TIME, intervalSeconds: 0, heartbeatSeconds: 0 });
    const target = { datalog: sim.datalog, inverter: sim.inverter };
    const record = (msg: object): void => {
      produced.add(messagePaths(msg as Record<string, unknown>));
      topics.add(String((msg as { topic: unknown }).topic));
    };
    const answer = (request: Buffer): LxpMessage => {
      const reply = sim.answer(parseFrame(request));
      assert.ok(reply, "the simulator answers");
      return decodeLxp(reply);
    };

    before(async () => {
      for (const v of [...lxpVectors(), ...lxpCaptures()]) {
        for (const item of new LxpStreamParser().push(hexBuf(v.hex))) if (item.frame) record(decodeLxp(item.frame.raw));
      }
      sim.advance(3600); // a sunny hour: non-zero powers and energies
      const merger = new BankMerger();
      for (let bank = 0; bank < 6; bank++) {
        const msg = answer(encodeReadInput(target, bank * 40, 40));
        record(msg);
        const merged = merger.add(msg);
        if (merged && merged !== msg) record(merged);
      }
      record(answer(encodeReadInput(target, 0, 127)));
      for (const [start, count] of [[0, 127], [127, 127], [254, 6]]) record(answer(encodeReadHold(target, start, count)));
      record(answer(encodeWriteSingle(target, 66, 80)));
      record(answer(encodeWriteMulti(target, 68, [0x1e16, 0x0006])));
      record(answer(encodeReadParam(target.datalog, 0)));
      record(answer(encodeReadInput(target, 240, 10)));
      // The per-battery registers of an EG4 18kPV (published dumps; the simulator has none).
      record(decodeLxp(encodeReadReply(target, DeviceFunction.READ_INPUT, 5002, fourSlots())));

      const link = simLink(sim);
      const options = { timeoutMs: 1000, retries: 0, now: () => new Date(LXP_TIME.getTime() + 7 * 3600_000) };
      for (const [topic, payload] of [["set/ac_charge", "on"], ["read/hold/21", 1], ["sync_time", undefined], ["set/ac_charge", "maybe"]]) {
        const { msg } = await runCommand(link, { topic: topic as string, payload }, options);
        record(msg as unknown as object);
      }
    });

    it("covers every input bank, the hold registers and every message kind", () => {
      for (const suffix of ["inputs/1", "inputs/2", "inputs/3", "inputs/4", "inputs/5", "inputs/6", "inputs/all", "hold/0", "hold/127", "hold/254", "write/66", "write/68", "param/0", "exception/240", "heartbeat", "request/0", "request/param/0", "inputs/7", "inputs/254-380", "inputs/5002-5121"]) {
        assert.ok([...topics].some((t) => t.endsWith(`/${suffix}`)), `no message on …/${suffix}`);
      }
      for (const key of ["p_pv_1", "e_load_all", "p_smart_load", "reg21.ac_charge_en", "ac_first_3.end", "ac_charge_end_soc_pct", "msg.sync.written", "msg.reason", "registers", "battery_packs[].serial", "generator_2.end", "t5"]) {
        assert.ok(produced.leaves.has(key), `${key} was produced`);
      }
    });

    it("documents every key the code emits, and no key it does not", () => {
      assertDocumented("docs/lxp-payloads.md", readDoc("lxp-payloads.md"), produced);
    });
  });

  describe("docs/pylon-payloads.md", () => {
    const produced = new PathSet();
    const decodedCommands = new Set<string>();

    before(async () => {
      for (const v of pylonVectors) {
        const cid2 = parseCid2(v.command);
        if (!v.reply || !v.verifies || cid2 === undefined || !(cid2 in INFO_DECODERS || cid2 in SYSTEM_DECODERS)) continue;
        try {
          const reply = decodeReply(cid2, v.reply, v.request ? { request: v.request } : {});
          produced.add(keyPaths(reply));
          decodedCommands.add(reply.command);
        } catch (err) {
          if (!(err instanceof PylonFrameError)) throw err; // RTN error replies: no payload
        }
      }
      // The real captures: PylonTech replies, and the Seplos ones as the "seplos" protocol reads them.
      for (const c of PYLON_CAPTURES) {
        const cid2 = parseCid2(c.command);
        if (!c.reply || c.damaged || cid2 === undefined) continue;
        const protocol = c.id.startsWith("seplos-") ? "seplos" : "pylontech";
        try {
          const reply = decodeReply(cid2, c.reply, { protocol, ...(c.request ? { request: c.request } : {}) });
          produced.add(keyPaths(reply));
          decodedCommands.add(reply.command);
        } catch (err) {
          if (!(err instanceof PylonFrameError)) throw err;
        }
      }
      const sim = new PylonStackSimulator({ packs: ["US3000", "US2000", "US2000"], clock: "manual", seed: 3 });
      const bus: PylonRequester = {
        request: async (frame) => {
          const reply = sim.reply(frame);
          if (!reply) throw new PylonLinkError("timeout", "no reply");
          parsePylonFrame(reply.frame);
          return { raw: reply.frame };
        },
      };
      const poller = new PylonPoller(bus, { mode: "rs485", packs: 3, chargeManagement: true, system: true });
      // pylon-poll's messages: the cycle on pylon/{port}, then (per-pack option) each pack on its own.
      const topic = `pylon/${portLabel(undefined, { transport: "serial", path: "/dev/ttyUSB0" })}`;
      const emit = (payload: PollPayload): void => {
        produced.add(messagePaths({ topic, payload }));
        for (const pack of payload.packs) {
          produced.add(messagePaths({ topic: `${topic}/${pack.address}`, payload: {} }));
          produced.add(keyPaths(pack, "packs[]"));
        }
      };
      emit((await poller.poll(1_717_236_000_000)).payload);
      sim.setFaults(3, { silent: true });
      sim.advance(10);
      const withError = (await poller.poll(1_717_236_010_000)).payload;
      assert.deepEqual(withError.errors, [{ address: 3, command: "0x42", error: "timeout" }], "the silent pack is reported");
      emit(withError);

      // Console mode (§12): real transcripts, a 4-pack 23-column pwr (the excerpt, its end marker
      // added), both bat layouts, both soh layouts. No real transcript with a filled SOHStatus is
      // held: the Pytes table gets a status word in that column, for the key's shape only.
      const consoleFixture = (name: string): string => readFileSync(join(__dirname, "..", "fixtures", "pylon-console", name), "utf8");
      const withStatus = consoleFixture("soh-pytes-sohcount.txt").replace(/^(\d+ +\d+ +\d+)$/gm, (row) => `${row.padEnd(33)}Normal`);
      const transcripts = new Map<string, string>([
        ["pwr", `${consoleFixture("pwr-23col-pylon-debug-excerpt.txt").trimEnd()}\nCommand completed successfully\n$$\n`],
        ["bat 1", consoleFixture("bat-us3000c-b69.txt")],
        ["bat", consoleFixture("bat-dtemp-ctemp.txt")],
        ["info", consoleFixture("info-us3000c.txt")],
        ["stat", consoleFixture("stat-us3000c-b69.txt")],
        ["soh 1", consoleFixture("soh-us3000c.txt")],
        ["soh", withStatus],
      ]);
      const consoleLink: ConsoleRequester = {
        command: async (line) => {
          const text = transcripts.get(line) ?? transcripts.get(line.split(" ")[0]);
          if (text === undefined) throw new PylonLinkError("timeout", "no answer");
          return { text, elapsedMs: 1, attempts: 1 };
        },
      };
      transcripts.set("bat 3", "bat 3\n@\nUnknown command\n$$\n");
      const consoleCycle = await new ConsolePoller(consoleLink, { packs: "auto" }).poll(1_717_236_000_000);
      assert.equal(consoleCycle.payload.packs.length, 4, "four packs in the console cycle");
      assert.deepEqual(consoleCycle.payload.errors, [{ address: 3, command: "bat 3", error: "command_refused" }]);
      assert.deepEqual((consoleCycle.payload.packs[1] as ConsolePylonPack).cell_soh_status?.[0], "Normal");
      emit(consoleCycle.payload);
      // A passive port (§13): one message per reply of a real bus capture, and the snapshot an input gets.
      const capture = [...readFileSync(join(FIXTURES_DIR, "pylon-bus", "esp32-probe-sample-data.h"), "utf8").matchAll(/"(~[0-9A-F]+)"/g)];
      const view = new PassiveView();
      for (const reply of new BusPairer().push(capture.map((m) => `${m[1]}\r`).join(""), 0)) {
        produced.add(messagePaths({ topic, payload: view.take(reply, 1_717_236_000_000) }));
      }
      const snapshot = view.snapshot(1_717_236_001_000);
      assert.deepEqual(Object.keys(snapshot.updated ?? {}), ["2", "3", "4"]);
      produced.add(messagePaths({ topic, payload: snapshot }));
    });

    it("decodes a real reply of every command the codec decodes", () => {
      const all = [...Object.keys(INFO_DECODERS), ...Object.keys(SYSTEM_DECODERS)].map((k) => formatCid2(Number(k)));
      assert.deepEqual([...decodedCommands].sort(), all.sort());
    });

    it("documents every key the code emits, and no key it does not", () => {
      for (const key of [
        "packs[].cell_voltages",
        "packs[].alarms.charge_mosfet",
        "packs[].charge_management.full_charge_request",
        "stack.cell_spread_mv",
        "errors[].error",
        "system.analog.cell_max_address",
        "system.charge_management.charge_immediately",
        "system.basic_info.barcodes",
        "packs[].soh",
        "packs[].port_voltage",
        "packs[].cell_balancing",
        "packs[].cell_soh_count",
        "packs[].cell_soh",
        "packs[].system_alarm_state",
        "packs[].stat_counters[].value",
        "packs[].main_soft_version",
        "packs[].cell_discharge_temperature_state",
        "packs[].cell_temperature_state",
        "request.raw",
        "updated",
      ]) {
        assert.ok(produced.leaves.has(key), `${key} was produced`);
      }
      assertDocumented("docs/pylon-payloads.md", readDoc("pylon-payloads.md"), produced);
    });
  });

  it("no page under docs/ points outside the repository (a shared/ folder beside it)", () => {
    for (const name of readdirSync(DOCS).filter((n) => n.endsWith(".md"))) {
      assert.doesNotMatch(readDoc(name), /shared\//, `${name} mentions shared/`);
    }
  });
});
