// Target lxp-command: msg.topic and msg.payload of hostile shapes through parseCommand (lxp-request's
// parser). It may only throw LxpCommandError. A command it accepts is encoded as lxp-request would send
// it, and the frames must carry exactly its registers and dense integer values within 0–65535, and the
// write policy must see exactly the registers written. Getters and Proxies are out of scope.
import { inspect } from "node:util";
import { COMMAND_PATTERNS, Command, parseCommand, writtenRegisters } from "../../../nodes/lib/lxp/control/commands";
import { forbiddenRegisters, WritePolicy } from "../../../nodes/lib/lxp/link/write-policy";
import { clockRegisters } from "../../../nodes/lib/lxp/control/time-sync";
import {
  encodeReadHold,
  encodeReadInput,
  encodeReadParam,
  encodeWriteMulti,
  encodeWriteSingle,
  LxpFrame,
  MAX_REGISTERS,
  parseFrame,
} from "../../../nodes/lib/lxp/codec";
import { Rng } from "../prng";
import { Target } from "../runner";
import { check, FuzzFailure } from "../invariants";

interface Input {
  topic: unknown;
  payload: unknown;
  policy: WritePolicy;
  /** Register 21 before a bit command's read-modify-write. */
  before: number;
}

const TARGET = { datalog: "AB12345678", inverter: "0123456789" };

const HOSTILE_NUMBERS = ["0", "-1", "65535", "65536", "99999", "1e3", "1.5", "0x10", "NaN", "Infinity", "", " 1", "+1", "00021", "٣", "1_000", "0".repeat(40) + "1"];

function numberText(rng: Rng, max: number): string {
  const r = rng.int(10);
  if (r < 5) return String(rng.int(max + 1));
  if (r < 9) return rng.pick(HOSTILE_NUMBERS);
  return "9".repeat(rng.size(70000));
}

const LONG = 65536;
const TOPIC_CHARACTERS = "/readst_holdinpu0123456789 ";

/** `length` characters of `alphabet`; a long text repeats a random block of 256 (its length is what matters). */
function randomText(rng: Rng, length: number, alphabet: string): string {
  const block = Array.from({ length: Math.min(length, 256) }, () => alphabet[rng.int(alphabet.length)]).join("");
  return length <= 256 ? block : block.repeat(Math.ceil(length / 256)).slice(0, length);
}

/** A path of the vocabulary with its placeholders filled, decorated now and then with slashes, spaces and junk. */
function topicOf(rng: Rng): unknown {
  const r = rng.int(20);
  if (r === 0) return rng.pick([12, -1, NaN, null, undefined, {}, [], ["read", "hold", "1"], Buffer.from("read/hold/1"), true, 1n, Symbol("read/hold/1")]);
  if (r === 1) return randomText(rng, rng.size(LONG), TOPIC_CHARACTERS);
  // set/hold is where values reach the wire unchanged: a quarter of the paths.
  let path = (rng.chance(0.25) ? "set/hold/{reg}" : rng.pick(COMMAND_PATTERNS)).replace(/\{(\d+)-(\d+)\}|\{reg\}|\{n\}/g, (_, lo, hi) => numberText(rng, hi ? Number(hi) + 1 : 0xffff));
  const d = rng.chance(0.6) ? -1 : rng.int(12);
  if (d === 0) path = "/".repeat(rng.size(LONG)) + path;
  else if (d === 1) path = path + "/".repeat(rng.size(LONG));
  else if (d === 2) path = ` ${path}\t`;
  else if (d === 3) path = path.replace("/", "//");
  else if (d === 4) path = `${path}/${rng.pick(["x", "", "1", "/"])}`;
  else if (d === 5) path = path.toUpperCase();
  else if (d === 6) path = path + "\0";
  else if (d === 7) path = path.replace(/^[a-z]+/, rng.pick(["__proto__", "constructor", "toString", "hasOwnProperty"]));
  else if (d === 8) path = path.replace(/[a-z_]+$/, rng.pick(["__proto__", "constructor", "toString", "valueOf"]));
  return path;
}

function numberOf(rng: Rng): number {
  return rng.pick([
    rng.int(0x10000),
    rng.int(101),
    -rng.int(0x10000),
    0x10000 + rng.int(1000),
    rng.int(0x10000) + 0.5,
    NaN,
    Infinity,
    -Infinity,
    -0,
    1e21,
    2 ** 53,
    2 ** 53 + 2,
    Number.MIN_VALUE,
    0.1 + 0.2,
    2 ** 32,
  ]);
}

function stringOf(rng: Rng): string {
  const r = rng.int(8);
  if (r === 0) return numberText(rng, 0xffff);
  if (r === 1) return rng.pick(["on", "off", "TRUE", " yes ", "No", "t", "f", "1", "0", "maybe", ""]);
  if (r === 2) return rng.pick(["01:30", "23:59", "24:00", "1:5", " 7:05 ", "12:60", "-1:00", "00:00:00"]);
  if (r === 3) return JSON.stringify(windowOf(rng, false));
  if (r === 4) return rng.pick(['{"start":"01:00"', "{}", "[]", "null", '{"start":"01:00","end":"02:00","__proto__":{"x":1}}', "[".repeat(200)]);
  if (r === 5) return " ".repeat(rng.size(LONG)) + "50";
  if (r === 6) return "x".repeat(rng.size(LONG));
  return `${rng.int(0x10000)}`;
}

/** {start, end} with times of any kind; `anyValue` false keeps them JSON-safe. */
function windowOf(rng: Rng, anyValue = true): unknown {
  const text = (): string => `${String(rng.int(26)).padStart(2, "0")}:${String(rng.int(62)).padStart(2, "0")}`;
  const time = (): unknown => (rng.chance(0.8) ? text() : anyValue ? valueOf(rng, 3) : rng.pick([1, null, "", "1:2:3"]));
  const w: Record<string, unknown> = rng.chance(0.1) ? Object.create(null) : {};
  if (rng.chance(0.95)) w.start = time();
  if (rng.chance(0.95)) w.end = time();
  if (rng.chance(0.1)) w[rng.pick(["extra", "__proto__", "constructor", "length"])] = 1;
  return w;
}

function arrayOf(rng: Rng, depth: number): unknown[] {
  const r = rng.int(9);
  if (r === 0) return new Array(rng.pick([1, 2, 3, 40, 127, 128, 1000, 65536, 2 ** 32 - 1]));
  if (r === 1) {
    const a = Array.from({ length: rng.range(2, 10) }, () => rng.int(101));
    delete a[rng.int(a.length)]; // a hole inside
    return a;
  }
  if (r === 2) {
    const a: unknown[] = [];
    a.length = rng.range(1, 130); // length without values
    if (rng.chance(0.5)) a[a.length - 1] = 1;
    return a;
  }
  if (r === 3) {
    const a: any = [rng.int(101), rng.int(101)];
    a[rng.pick(["foo", "-1", "1.5", "4294967295"])] = 1; // properties besides the values
    return a;
  }
  const length = r === 4 ? rng.range(120, 140) : rng.size(12);
  return Array.from({ length }, () => (rng.chance(0.8) ? rng.int(101) : valueOf(rng, depth + 1)));
}

/** Any value a flow could put in msg.payload (getters and Proxies aside). */
function valueOf(rng: Rng, depth = 0): unknown {
  const r = rng.int(depth > 2 ? 4 : 12);
  switch (r) {
    case 0:
      return numberOf(rng);
    case 1:
      return stringOf(rng);
    case 2:
      return rng.pick([true, false, null, undefined]);
    case 3:
      return rng.pick([1n, Symbol("x"), () => 1, new Date(0), new Map([[1, 2]]), new Set([1]), Buffer.from([1, 2]), new Uint16Array([1, 2])]);
    case 4:
    case 5:
      return arrayOf(rng, depth);
    case 6:
      return windowOf(rng);
    case 7: {
      const circular: any = rng.chance(0.5) ? { start: "01:00" } : [1];
      if (Array.isArray(circular)) circular.push(circular);
      else circular.end = circular;
      return circular;
    }
    case 8:
      return { length: 2, 0: 1, 1: 2 };
    case 9:
      return { valueOf: () => 50, toString: () => "50" };
    case 10:
      return [valueOf(rng, depth + 1)];
    default:
      return rng.int(0x10000);
  }
}

/** Mostly any value; for a write, often one it should accept, so the encoded frames get checked. */
function payloadFor(rng: Rng, topic: unknown): unknown {
  if (typeof topic !== "string" || rng.chance(0.6)) return valueOf(rng);
  if (topic.includes("set/hold")) return rng.chance(0.5) ? rng.int(101) : Array.from({ length: rng.size(MAX_REGISTERS) }, () => (rng.chance(0.9) ? rng.int(101) : rng.int(0x10000)));
  if (/set\/\w+\/\d/.test(topic)) return windowOf(rng, false);
  if (topic.startsWith("set/")) return rng.pick([true, false, "on", "off", 1, 0, rng.int(101), String(rng.int(101))]);
  return valueOf(rng);
}

function policyOf(rng: Rng): WritePolicy {
  if (rng.chance(0.1)) return { allowed: false };
  if (rng.chance(0.3)) return { allowed: true };
  const ranges = Array.from({ length: rng.range(1, 4) }, (): [number, number] => {
    const a = rng.chance(0.7) ? rng.int(256) : rng.int(0x10000);
    return [a, Math.min(0xffff, a + rng.int(8))];
  });
  return { allowed: true, registers: ranges };
}

const isU16 = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;

function isDenseU16(values: readonly unknown[]): boolean {
  for (let k = 0; k < values.length; k++) if (!Object.hasOwn(values, k) || !isU16(values[k])) return false;
  return true;
}

/** The frames lxp-control sends for a command (reads and writes, not the read-backs). */
function framesFor(command: Command, before: number): Buffer[] {
  switch (command.kind) {
    case "read-input":
      return [encodeReadInput(TARGET, command.register, command.count)];
    case "read-hold":
      return [encodeReadHold(TARGET, command.register, command.count)];
    case "read-param":
      return [encodeReadParam(TARGET.datalog, command.param)];
    case "write":
      return [command.multi ? encodeWriteMulti(TARGET, command.register, command.values) : encodeWriteSingle(TARGET, command.register, command.values[0])];
    case "window":
      return [encodeWriteSingle(TARGET, command.register, command.values[0]), encodeWriteSingle(TARGET, command.register + 1, command.values[1])];
    case "bit": {
      const mask = 1 << command.bit;
      return [encodeWriteSingle(TARGET, command.register, (command.on ? before | mask : before & ~mask) & 0xffff)];
    }
    case "sync-time":
      return [encodeWriteMulti(TARGET, 12, clockRegisters(new Date(2024, 5, 1, 12, 30, 45)))];
  }
}

/** Registers written by a decoded frame, with the values; empty for reads. */
function writes(frame: LxpFrame): Array<[number, number]> {
  if (frame.kind !== "translated" || frame.role !== "request") return [];
  if ("values" in frame) return frame.values.map((v, k) => [frame.register + k, v]);
  if ("value" in frame) return [[frame.register, frame.value]];
  return [];
}

function checkAccepted(input: Input, command: Command): void {
  const values: readonly unknown[] = "values" in command ? command.values : [];
  check(isDenseU16(values), () => `accepted values ${inspect(values)}`);
  if ("register" in command) check(isU16(command.register), () => `register ${command.register}`);
  if ("count" in command) check(Number.isInteger(command.count) && command.count >= 1 && command.count <= MAX_REGISTERS && command.register + command.count - 1 <= 0xffff, () => `count ${command.count}`);
  if (command.kind === "bit") check(Number.isInteger(command.bit) && command.bit >= 0 && command.bit <= 15, () => `bit ${command.bit}`);
  if (command.kind === "write" && !command.multi) check(values.length === 1, () => `a single write of ${values.length} values`);
  if (command.kind === "write" && typeof input.payload === "number") check(values[0] === input.payload, () => `payload ${input.payload} accepted as ${values[0]}`);
  const payload = input.payload;
  if (command.kind === "write" && Array.isArray(payload) && payload.every((v) => typeof v === "number")) {
    check(values.length === payload.length && values.every((v, k) => v === payload[k]), () => `payload accepted as ${inspect(values)}`);
  }

  const written: Array<[number, number]> = [];
  for (const frame of framesFor(command, input.before)) {
    let decoded: LxpFrame;
    try {
      decoded = parseFrame(frame);
    } catch (err) {
      throw new FuzzFailure(`the codec refuses the frame it encoded for ${inspect(command)}: ${frame.toString("hex")}: ${String(err)}`);
    }
    check(decoded.kind === "param" || decoded.kind === "translated", () => `encoded a ${decoded.kind}`);
    for (const w of writes(decoded)) written.push(w);
  }
  const wanted = writtenRegisters(command);
  check(wanted.length === written.length && written.every(([reg], k) => reg === wanted[k]), () => `writes ${inspect(written)}, the policy sees ${inspect(wanted)}`);
  if ("values" in command) {
    check(written.every(([, v], k) => v === command.values[k]), () => `encoded ${inspect(written)} for values ${inspect(command.values)}`);
  }
  const forbidden = forbiddenRegisters(input.policy, wanted);
  const ranges = input.policy.registers;
  const expected = wanted.filter((reg) => !input.policy.allowed || (ranges !== undefined && !ranges.some(([a, b]) => reg >= a && reg <= b)));
  check(forbidden.length === expected.length && forbidden.every((reg, k) => reg === expected[k]), () => `forbidden ${inspect(forbidden)}, expected ${inspect(expected)}`);
}

export const lxpCommandTarget: Target<Input> = {
  name: "lxp-command",
  errors: ["LxpCommandError"],
  generate(rng) {
    const topic = topicOf(rng);
    return { topic, payload: payloadFor(rng, topic), policy: policyOf(rng), before: rng.int(0x10000) };
  },
  run(input, tally) {
    const command = parseCommand(input.topic, input.payload);
    checkAccepted(input, command);
    tally.ok();
  },
  describe: (input) => inspect({ topic: input.topic, payload: input.payload, policy: input.policy }, { depth: 4, maxArrayLength: 20, maxStringLength: 120, breakLength: Infinity }),
};
