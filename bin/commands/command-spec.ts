// One table per command: it feeds the argument parser and writes the --help text, so a flag
// cannot be accepted without being documented. Bad usage becomes one CliError line (exit 2)
// instead of Node's parseArgs wording.
import { parseArgs } from "node:util";
import { CliError } from "./io";

export interface OptionSpec {
  type: "string" | "boolean";
  /** The value's placeholder in the help, e.g. "HOST[:PORT]" (string options). */
  value?: string;
  /** One line: what the flag does. */
  help: string;
  /** Shown as "(default: …)". */
  default?: string;
}

type ParseArgsOptions = Record<string, { type: "string" | "boolean" }>;

export type OptionTable = Record<string, OptionSpec>;

export type OptionValues<O extends OptionTable> = { [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string };

export interface ParsedArgs<O extends OptionTable> {
  values: OptionValues<O>;
  positionals: string[];
}

export interface CommandSpec<O extends OptionTable = OptionTable> {
  /** The words after lxp-pylon: "decode lxp", "lxp". */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** What follows the name in the usage line(s). */
  usage: string[];
  /** Positional arguments and their meaning; none means positionals are refused. */
  arguments?: Array<[string, string]>;
  options: O;
  /** Lines after the options: output, exit codes, waits. */
  notes?: string[];
  /** Complete command lines that work as given (or with the dongle's address changed). */
  examples: string[];
  run(args: ParsedArgs<O>): number | Promise<number>;
}

/** Keeps the option table's literal types for `run`. */
export function defineCommand<O extends OptionTable>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

export const PROGRAM = "lxp-pylon";

export function helpHint(name?: string): string {
  return `see: ${[PROGRAM, name, "--help"].filter(Boolean).join(" ")}`;
}

/** A usage error of a command: one line naming the problem and the command's help; exit 2. */
export function usageError(name: string | undefined, problem: string): CliError {
  const where = name ? `${name}: ` : "";
  return new CliError(`${where}${problem.replace(/\s*\n\s*/g, " ")} (${helpHint(name)})`, 2);
}

/** True when --help or -h comes before a "--" terminator. */
export function wantsHelp(argv: string[]): boolean {
  for (const arg of argv) {
    if (arg === "--") return false;
    if (arg === "--help" || arg === "-h") return true;
  }
  return false;
}

const flag = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

/** Checks every token against the table first, so each mistake gets its own plain sentence. */
function checkTokens(spec: CommandSpec, argv: string[], options: ParseArgsOptions): void {
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === "positional") {
      if (!spec.arguments) throw new Error(`unexpected argument "${token.value}"`);
      continue;
    }
    if (token.kind !== "option") continue;
    const option = spec.options[token.name];
    if (!option) throw new Error(`unknown option ${token.rawName.startsWith("--") ? token.rawName : flag(token.name)}`);
    const name = flag(token.name);
    if (option.type === "boolean" && token.value !== undefined) throw new Error(`${name} takes no value, got "${token.value}"`);
    if (option.type === "string") {
      const value = token.value;
      if (value === undefined) throw new Error(`${name} needs a value: ${name} ${option.value ?? "VALUE"}`);
      // "--tcp --datalog X" is a forgotten value, not a host called "--datalog".
      if (!token.inlineValue && value.length > 1 && value.startsWith("-")) {
        throw new Error(`${name} needs a value, got the option "${value}" (write ${name}=${value} if that is the value)`);
      }
    }
  }
}

/** Parses argv by the command's table; a mistake throws a one-line usage error (exit 2). */
export function parseCommandArgs<O extends OptionTable>(spec: CommandSpec<O>, argv: string[]): ParsedArgs<O> {
  const options: ParseArgsOptions = {};
  for (const [name, option] of Object.entries(spec.options)) options[name] = { type: option.type };
  try {
    checkTokens(spec, argv, options);
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: spec.arguments !== undefined, strict: true });
    return { values: values as OptionValues<O>, positionals };
  } catch (err) {
    // Node's own wording runs over several sentences; the first one says it.
    throw usageError(spec.name, (err as Error).message.split(/\.\s/)[0]);
  }
}

/**
 * Breaks a long line into lines of at most `width` characters, after a ", " where it can (a list
 * item stays whole), else at a space. Continuation lines are indented by two spaces.
 */
export function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = "";
  const add = (piece: string, separator: string): void => {
    if (line && line.length + separator.length + piece.length > width) {
      lines.push(line);
      line = `  ${piece}`;
    } else line = line ? `${line}${separator}${piece}` : piece;
  };
  text.split(", ").forEach((item, i, items) => {
    const piece = i < items.length - 1 ? `${item},` : item;
    if (piece.length + 2 <= width) add(piece, " ");
    else piece.split(" ").forEach((word) => add(word, " "));
  });
  if (line) lines.push(line);
  return lines;
}

/** Rows as "  left  meaning", the meanings aligned. */
function table(rows: Array<[string, string]>): string[] {
  const width = Math.min(30, Math.max(...rows.map(([left]) => left.length)));
  return rows.map(([left, right]) => (left.length > width ? `  ${left}\n  ${" ".repeat(width)}  ${right}` : `  ${left.padEnd(width)}  ${right}`));
}

export function optionRows(options: OptionTable): Array<[string, string]> {
  const rows: Array<[string, string]> = Object.entries(options).map(([name, o]) => [
    `${flag(name)}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`,
    `${o.help}${o.default !== undefined ? ` (default: ${o.default})` : ""}`,
  ]);
  rows.push(["-h, --help", "show this help"]);
  return rows;
}

export function formatHelp(spec: CommandSpec): string {
  const lines = [`${PROGRAM} ${spec.name}: ${spec.summary}`, "", "usage:"];
  for (const u of spec.usage) lines.push(`  ${PROGRAM} ${spec.name} ${u}`);
  if (spec.arguments?.length) lines.push("", "arguments:", ...table(spec.arguments));
  lines.push("", "options:", ...table(optionRows(spec.options)));
  if (spec.notes?.length) lines.push("", ...spec.notes);
  lines.push("", "examples:", ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join("\n")}\n`;
}
