// `lxp-pylon decode pylon-console [-|FILE]`: one PylonTech RS232 console transcript (pwr, bat N, soh N,
// info N, stat) as JSON in V, A, °C and % (docs/pylon-protocol.md §7.1).
import { readFileSync } from "node:fs";
import { decodeConsole, PylonConsoleError } from "../../nodes/lib/pylon/console";
import { defineCommand } from "./command-spec";
import { CliError } from "./io";

/** Longest transcript read: a 16-pack `pwr` or a `stat` is a few kB; more is not one transcript. */
const MAX_TRANSCRIPT_BYTES = 1024 * 1024;

function readTranscript(source: string): string {
  try {
    const bytes = source === "-" ? readFileSync(0) : readFileSync(source);
    if (bytes.length > MAX_TRANSCRIPT_BYTES) throw new CliError(`${source === "-" ? "stdin" : source} holds ${bytes.length} bytes; one transcript is at most ${MAX_TRANSCRIPT_BYTES}`);
    return bytes.toString("latin1");
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot read ${source === "-" ? "stdin" : source}: ${(err as Error).message}`);
  }
}

export const decodePylonConsoleCommand = defineCommand({
  name: "decode pylon-console",
  summary: "decode one PylonTech console transcript (pwr, bat, soh, info, stat), print it as JSON",
  usage: ["FILE [options]", "- [options]", "--file F [options]"],
  arguments: [
    ["FILE", "a transcript as captured: the prompt and echo (pylon> bat 1), the output between @ and $$"],
    ["-", "read the transcript from stdin"],
  ],
  options: {
    command: { type: "string", value: "CMD", help: 'the command the output answers, e.g. "bat 1"; default: read from the echo' },
    file: { type: "string", value: "F", help: "read the transcript from file F (as the other decode commands take it)" },
  },
  notes: [
    "Columns are found by their header names; unknown columns are kept raw, missing ones are absent.",
    "Exit 0; 1 with a one-line reason for a cut-off or unreadable transcript or a file that cannot be",
    "read; 2 on bad usage.",
  ],
  examples: [
    "lxp-pylon decode pylon-console --file pwr.txt",
    "printf 'pylon>info 1\\r\\n@\\r\\nDevice address      : 1\\r\\nManufacturer        : Pylon\\r\\n$$\\r\\n' | lxp-pylon decode pylon-console -",
    "printf '@\\r\\nDevice name         : US3000C\\r\\n$$\\r\\n' | lxp-pylon decode pylon-console --command 'info 2' -",
  ],
  run({ values, positionals }) {
    if (values.file !== undefined && positionals.length > 0) throw new CliError("give the transcript as FILE, '-' or --file F, not both", 2);
    const source = values.file ?? positionals[0];
    if (source === undefined || positionals.length > 1) throw new CliError("give one transcript: a FILE, '-' to read it from stdin, or --file F", 2);
    const text = readTranscript(source);
    try {
      const decoded = decodeConsole(text, values.command);
      process.stdout.write(`${JSON.stringify(decoded, null, 2)}\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof PylonConsoleError)) throw err;
      process.stderr.write(`invalid transcript: ${err.message.replace(/\s+/g, " ")}\n`);
      return 1;
    }
  },
});
