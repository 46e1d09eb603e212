// Routes argv to a command: --version, help at every level, one-line usage errors (exit 2).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CommandSpec, formatHelp, helpHint, parseCommandArgs, PROGRAM, usageError, wantsHelp } from "./command-spec";
import { CliError } from "./io";
import { COMMANDS, groupOf } from "./registry";

/** The version in the package's package.json (found from dist/bin or bin alike). */
export function packageVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "node-red-contrib-lxp-pylon" && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look further up
    }
    if (dirname(dir) === dir) throw new CliError("cannot find the package's package.json");
  }
}

/** Every usage line of a command, then its summary. */
function usageLines(c: CommandSpec): string[] {
  return [...c.usage.map((u) => `  ${PROGRAM} ${c.name} ${u}`), `      ${c.summary}`];
}

function overview(): string {
  const lines = [`${PROGRAM}: LuxPower/EG4 inverters and PylonTech batteries from the command line`, "", "usage:"];
  for (const c of COMMANDS) lines.push(...usageLines(c));
  lines.push(
    `  ${PROGRAM} help <command>          the command's options and examples (also: <command> --help)`,
    `  ${PROGRAM} --version               the package version`,
    "",
    `Exit codes: 0 ok, 1 failure (reason on stderr), 2 bad usage. Every command takes --help.`,
  );
  return `${lines.join("\n")}\n`;
}

function groupHelp(word: string, commands: CommandSpec[]): string {
  const lines = [`${PROGRAM} ${word}: ${commands.map((c) => c.name).join(", ")}`, ""];
  for (const c of commands) lines.push(...usageLines(c));
  lines.push("", `Run ${PROGRAM} ${commands[0].name} --help for its options and examples.`);
  return `${lines.join("\n")}\n`;
}

type Route = { command: CommandSpec; rest: string[] } | { group: string; commands: CommandSpec[]; rest: string[] };

function route(argv: string[]): Route {
  const [first, second, ...rest] = argv;
  const exact = COMMANDS.find((c) => c.name === first);
  if (exact) return { command: exact, rest: argv.slice(1) };
  const group = groupOf(first);
  if (group.length === 0) throw usageError(undefined, `unknown command "${first}"`);
  const command = group.find((c) => c.name === `${first} ${second}`);
  if (command) return { command, rest };
  return { group: first, commands: group, rest: argv.slice(1) };
}

/** Help for `help <words>`: the overview, a group or a command. */
function helpFor(words: string[]): string {
  if (words.length === 0) return overview();
  const r = route(words);
  if ("command" in r) return formatHelp(r.command);
  if (r.rest.length === 0) return groupHelp(r.group, r.commands);
  throw usageError(undefined, `unknown command "${words.slice(0, 2).join(" ")}"`);
}

/** Runs the command line; resolves to the exit code. Usage errors throw CliError(…, 2). */
export async function dispatch(argv: string[]): Promise<number> {
  const [first] = argv;
  if (first === undefined) {
    process.stdout.write(overview());
    return 2;
  }
  if (first === "-h" || first === "--help") {
    process.stdout.write(overview());
    return 0;
  }
  if (first === "-V" || first === "--version") {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (first === "help") {
    process.stdout.write(helpFor(argv.slice(1)));
    return 0;
  }
  if (first.startsWith("-")) throw usageError(undefined, `unknown option ${first}`);

  const r = route(argv);
  if ("group" in r) {
    const [next] = r.rest;
    if (next === undefined) throw usageError(r.group, `give one of: ${r.commands.map((c) => c.name).join(", ")}`);
    if (next === "-h" || next === "--help") {
      process.stdout.write(groupHelp(r.group, r.commands));
      return 0;
    }
    throw new CliError(`unknown command "${r.group} ${next}" (${helpHint(r.group)})`, 2);
  }
  const { command, rest } = r;
  if (wantsHelp(rest)) {
    process.stdout.write(formatHelp(command));
    return 0;
  }
  try {
    return await command.run(parseCommandArgs(command, rest));
  } catch (err) {
    // A usage problem found while running: one line with the command's help.
    if (err instanceof CliError && err.exitCode === 2 && !err.message.includes(`(${helpHint(command.name)})`)) {
      throw usageError(command.name, err.message);
    }
    throw err;
  }
}
