// `lxp-pylon decode lxp`: the messages lxp-in would emit for the given bytes, as a JSON array.
import { frameToMessage, LxpFrameError, LxpStreamParser } from "../../nodes/lib/lxp/codec/api";
import { defaultText, listOr, numbersOf } from "../../nodes/lib/common/config-schema";
import { defineCommand } from "./command-spec";
import { CliError, readInput } from "./io";

/** The lxp-dongle setting "BMS current ÷" (resources/config-schemas.js). */
const DIVISORS = numbersOf("lxp-dongle", "currentDivisor");

export const decodeLxpCommand = defineCommand({
  name: "decode lxp",
  summary: "decode LuxPower frames, print the messages lxp-in would emit as a JSON array",
  usage: ["<hex>... [options]", "- [options]", "--file F [options]"],
  arguments: [
    ["<hex>...", "the frames as hex; spaces, colons, dashes and 0x prefixes are allowed"],
    ["-", "read the hex from stdin"],
  ],
  options: {
    file: { type: "string", value: "F", help: "read raw bytes (not hex) from file F, e.g. a capture" },
    "current-divisor": {
      type: "string",
      value: DIVISORS.join("|"),
      help: "BMS current divisor of the inverter firmware",
      default: defaultText("lxp-dongle", "currentDivisor"),
    },
  },
  notes: [
    "Prints a JSON array of messages (topic, payload, lxp). Exit 0 when every frame decodes; 1 with a",
    "one-line reason on stderr for an invalid or incomplete frame (the first few reasons, then a count); 2 on",
    "bad usage.",
  ],
  examples: [
    'lxp-pylon decode lxp "a1 1a 02 00 0d 00 01 c1 42 41 31 39 35 32 30 31 37 36 00"',
    "echo a11a02000d0001c14241313935323031373600 | lxp-pylon decode lxp -",
    "lxp-pylon decode lxp --file capture.bin",
  ],
  run({ values, positionals }) {
    const divisor = Number(values["current-divisor"] ?? defaultText("lxp-dongle", "currentDivisor"));
    if (!DIVISORS.includes(divisor)) throw new CliError(`--current-divisor must be ${listOr(DIVISORS)}`, 2);
    const bytes = readInput(positionals, values.file);

    const parser = new LxpStreamParser();
    const items = parser.push(bytes);
    const messages = [];
    const errors: LxpFrameError[] = [];
    for (const item of items) {
      if (item.error) errors.push(item.error);
      else messages.push(frameToMessage(item.frame, { currentDivisor: divisor as 10 | 100 }).msg);
    }
    const problems = listProblems(errors);
    if (parser.buffered > 0) {
      const tail = bytes.subarray(bytes.length - parser.buffered);
      const want = tail.length >= 6 ? ` of ${tail.readUInt16LE(4) + 6}` : "";
      problems.push(`incomplete frame: ${tail.length}${want} bytes`);
    }
    if (messages.length > 0 || problems.length === 0) process.stdout.write(`${JSON.stringify(messages, null, 2)}\n`);
    if (problems.length > 0) {
      process.stderr.write(`invalid frame: ${problems.join("; ")}\n`);
      return 1;
    }
    return 0;
  },
});

/** Reasons people can read: the first few, then a count of the rest (a capture of garbage is one line). */
const LISTED_PROBLEMS = 3;

function listProblems(errors: LxpFrameError[]): string[] {
  const listed = errors.slice(0, LISTED_PROBLEMS).map((e) => e.message);
  const rest = errors.slice(LISTED_PROBLEMS);
  if (rest.length > 0) {
    const count = rest.reduce((n, e) => n + e.count, 0);
    const bytes = rest.reduce((n, e) => n + e.bytes, 0);
    listed.push(`${count} more bad frame${count === 1 ? "" : "s"} in ${bytes} bytes`);
  }
  return listed;
}
