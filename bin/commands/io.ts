// Shared CLI plumbing: errors with exit codes, reading hex or raw input.
import { readFileSync } from "node:fs";

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Hex with optional spaces, colons, dashes, newlines or a 0x prefix → bytes. */
export function parseHex(text: string): Buffer {
  const clean = text.replace(/0x/gi, "").replace(/[\s:,-]/g, "");
  if (clean.length === 0) throw new CliError("no hex input given");
  if (!/^[0-9a-fA-F]*$/.test(clean)) throw new CliError("input is not hex (allowed: 0-9 a-f, spaces, colons)");
  if (clean.length % 2 !== 0) throw new CliError(`odd number of hex digits (${clean.length})`);
  return Buffer.from(clean, "hex");
}

/** The bytes to decode: `--file F` (raw bytes), `-` (hex on stdin) or hex arguments. */
export function readInput(args: string[], file: string | undefined): Buffer {
  if (file) {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
    }
  }
  if (args.length === 0) throw new CliError("give the frame as hex, '-' to read hex from stdin, or --file F");
  if (args.length === 1 && args[0] === "-") return parseHex(readFileSync(0, "utf8"));
  return parseHex(args.join(" "));
}
