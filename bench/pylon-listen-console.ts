// Issue 12's paths, pure and on one core: passive listening (BusPairer pairing and decoding the real
// bus capture test/fixtures/pylon-bus/esp32-probe-sample-data.h) and console mode (the console
// link's output reader, then decodeConsole, on a real 16-pack pwr and on a 250 kB output).
// Prints; asserts nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeConsole } from "../nodes/lib/pylon/console";
import { ConsoleOutputReader } from "../nodes/lib/pylon/link/console-output";
import { BusPairer } from "../nodes/lib/pylon/passive";

const FIXTURES = join(__dirname, "..", "test", "fixtures");

function busCapture(): string {
  const text = readFileSync(join(FIXTURES, "pylon-bus", "esp32-probe-sample-data.h"), "utf8");
  return [...text.matchAll(/"(~[0-9A-F]+)"/g)].map((m) => `${m[1]}\r`).join("");
}

/** Replies decoded per second and bus megabytes per second, the capture fed in 64-byte chunks. */
function pairerThroughput(seconds: number): string {
  const bus = Buffer.from(busCapture(), "latin1");
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  let replies = 0;
  let bytes = 0;
  while (performance.now() < until) {
    const pairer = new BusPairer();
    for (let pos = 0; pos < bus.length; pos += 64) replies += pairer.push(bus.subarray(pos, pos + 64), 0).length;
    bytes += bus.length;
  }
  const took = (performance.now() - started) / 1000;
  return (
    `passive: BusPairer on the real capture in 64-byte chunks: ${Math.round(replies / took).toLocaleString("en")} replies/s, ` +
    `${(bytes / took / 1e6).toFixed(1)} MB/s of bus (an inverter's 9600-baud bus carries under 0.001 MB/s)`
  );
}

/** The transcript as the console sends it: the echo after a prompt, the output, the next prompt. */
function wire(transcript: string): string {
  const body = transcript.replace(/\s*[\w-]+>\s*$/, "").replace(/\s+$/, "");
  return `\r\npylon>${body.replace(/^[\w-]+>/, "")}\r\npylon>`;
}

/** Per transcript: the link's reader over 64-byte chunks, then the parser. */
function consoleCost(name: string, transcript: string, command: string, parse: boolean, seconds: number): string {
  const text = wire(transcript);
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  let runs = 0;
  while (performance.now() < until) {
    const reader = new ConsoleOutputReader(command, { maxBytes: 256 * 1024, maxPages: 32 });
    let done: string | undefined;
    for (let pos = 0; pos < text.length && done === undefined; pos += 64) {
      const step = reader.push(text.slice(pos, pos + 64));
      if (step.kind === "done") done = step.text;
    }
    if (done === undefined) throw new Error(`${name}: the reader found no end`);
    if (parse) decodeConsole(done, command);
    runs++;
  }
  const ms = (performance.now() - started) / runs;
  return `console: ${name} (${(text.length / 1024).toFixed(1)} kB): ${ms.toFixed(3)} ms per transcript${parse ? " (read + decode)" : " (read)"}`;
}

export function pylonListenConsoleBench(seconds: number): string[] {
  const pwr = readFileSync(join(FIXTURES, "pylon-console", "pwr-us5000-b69.16.txt"), "utf8");
  const bat = readFileSync(join(FIXTURES, "pylon-console", "bat-us3000c-b69.txt"), "utf8");
  // A 250 kB output: the bat table's rows repeated, within the link's 256 kB cap.
  const rows = bat.split(/\r?\n/).filter((l) => /^\d+\s/.test(l));
  const head = bat.slice(0, bat.indexOf(rows[0]));
  let big = head;
  while (big.length < 250 * 1024) big += `${rows.join("\r\n")}\r\n`;
  big += "Command completed successfully\r\n$$\r\n";
  return [
    pairerThroughput(seconds),
    consoleCost("pwr of a real 16-address US5000 stack", pwr, "pwr", true, seconds / 2),
    consoleCost("bat 1 of a real US3000C", bat, "bat 1", true, seconds / 2),
    consoleCost("a 250 kB output", big, "bat 1", false, seconds / 2),
  ];
}
