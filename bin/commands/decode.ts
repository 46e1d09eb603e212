// `lxp-pylon decode lxp`: the messages lxp-in would emit for the given bytes, as a JSON array.
import { parseArgs } from "node:util";
import { frameToMessage, LxpStreamParser } from "../../nodes/lib/lxp";
import { CliError, readInput } from "./io";

export function decodeCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { file: { type: "string" }, "current-divisor": { type: "string" } },
    allowPositionals: true,
  });
  const divisor = Number(values["current-divisor"] ?? 100);
  if (divisor !== 10 && divisor !== 100) throw new CliError("--current-divisor must be 10 or 100", 2);
  const bytes = readInput(positionals, values.file);

  const parser = new LxpStreamParser();
  const items = parser.push(bytes);
  const messages = [];
  const problems: string[] = [];
  for (const item of items) {
    if (item.error) problems.push(item.error.message);
    else messages.push(frameToMessage(item.frame, { currentDivisor: divisor }).msg);
  }
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
}
