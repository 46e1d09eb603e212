// --version, --help at every level, and one-line usage errors. The flags each help text must list
// come from the same option tables the parser uses, so an undocumented flag fails here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandArgs, wrap } from "../../bin/commands/command-spec";
import { COMMANDS } from "../../bin/commands/registry";
import { CLI, runCli } from "../support/cli";

const VERSION = (JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string }).version;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("lxp-pylon --version and --help", () => {
  it("--version and -V print the package version", () => {
    for (const flag of ["--version", "-V"]) {
      const r = runCli([flag]);
      assert.equal(r.code, 0, flag);
      assert.equal(r.stdout, `${VERSION}\n`, flag);
    }
  });

  it("--help lists every command; no arguments prints the same and exits 2", () => {
    const help = runCli(["--help"]);
    assert.equal(help.code, 0);
    for (const c of COMMANDS) assert.match(help.stdout, new RegExp(`lxp-pylon ${c.name} `), c.name);
    assert.match(help.stdout, /--version/);
    const bare = runCli([]);
    assert.equal(bare.code, 2);
    assert.equal(bare.stdout, help.stdout);
  });

  for (const command of COMMANDS) {
    describe(command.name, () => {
      it("the parser accepts every flag of the option table", () => {
        for (const [name, option] of Object.entries(command.options)) {
          const args = option.type === "string" ? [`--${name}`, "x"] : [`--${name}`];
          const parsed = parseCommandArgs(command, args);
          assert.equal((parsed.values as Record<string, unknown>)[name], option.type === "string" ? "x" : true, name);
        }
      });

      it("--help: exit 0, usage, every flag with its meaning, an example; -h and help <command> print the same", () => {
        const words = command.name.split(" ");
        const r = runCli([...words, "--help"]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "");
        assert.match(r.stdout, new RegExp(`^usage:\\n  lxp-pylon ${command.name} `, "m"));
        const flags = Object.keys(command.options);
        assert.ok(flags.length > 0);
        for (const name of flags) {
          const option = command.options[name];
          // "  --flag VALUE   meaning", the meaning on the same line or (long flags) the next one.
          const row = new RegExp(`^  --${escape(name)}${option.type === "string" ? " \\S+" : ""}\\s+\\S.*`, "m");
          assert.match(r.stdout, row, `--${name} is documented`);
          assert.ok(option.help.trim().length > 10, `--${name} has a meaning`);
          assert.ok(r.stdout.includes(option.help), `--${name}'s meaning is printed`);
        }
        assert.match(r.stdout, /^ {2}-h, --help +show this help$/m);
        assert.match(r.stdout, new RegExp(`^examples:\\n  lxp-pylon ${command.name} `, "m"));
        assert.equal(runCli([...words, "-h"]).stdout, r.stdout, "-h");
        assert.equal(runCli(["help", ...words]).stdout, r.stdout, "help <command>");
      });

      it("an unknown flag: one line naming it and the command's help, exit 2", () => {
        const r = runCli([...command.name.split(" "), "--no-such-flag"]);
        assert.equal(r.code, 2);
        assert.equal(r.stdout, "");
        assert.equal(r.stderr, `lxp-pylon: ${command.name}: unknown option --no-such-flag (see: lxp-pylon ${command.name} --help)\n`);
      });
    });
  }

  it("the decode examples run as printed", () => {
    const runnable = COMMANDS.filter((c) => c.name.startsWith("decode ")).flatMap((c) => c.examples.filter((e) => !e.includes("--file")));
    assert.ok(runnable.length >= 4);
    for (const example of runnable) {
      // The installed command is "lxp-pylon"; here it is the built file.
      const line = example.replace(/(^|\| )lxp-pylon /g, `$1"${process.execPath}" "${CLI}" `);
      const r = spawnSync("sh", ["-c", line], { encoding: "utf8", timeout: 20000 });
      assert.equal(r.status, 0, `${example}: ${r.stderr}`);
      assert.ok(JSON.parse(r.stdout), example);
    }
  });

  it("each command group has its own help (decode, listen, poll, sim)", () => {
    for (const group of ["decode", "listen", "poll", "sim"]) {
      const r = runCli([group, "--help"]);
      assert.equal(r.code, 0, group);
      const members = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
      assert.ok(members.length > 0);
      for (const c of members) assert.match(r.stdout, new RegExp(`lxp-pylon ${c.name} `), c.name);
      assert.equal(runCli(["help", group]).stdout, r.stdout, `help ${group}`);
    }
  });

  it("bad usage is one line with the help to read, never Node's parser text", () => {
    const cases: Array<[string[], RegExp]> = [
      [["decode", "lxp", "--file"], /^lxp-pylon: decode lxp: --file needs a value: --file F \(see: lxp-pylon decode lxp --help\)\n$/],
      [["poll", "pylon", "--once=yes", "--tcp", "h:1"], /^lxp-pylon: poll pylon: --once takes no value, got "yes" \(see: lxp-pylon poll pylon --help\)\n$/],
      [["sim", "lxp", "extra"], /^lxp-pylon: sim lxp: unexpected argument "extra" \(see: lxp-pylon sim lxp --help\)\n$/],
      [["lxp", "--tcp", "--datalog", "AB12345678", "read/hold/1"], /^lxp-pylon: lxp: --tcp needs a value, got the option "--datalog"/],
      [["listen", "lxp"], /^lxp-pylon: listen lxp: give exactly one of --tcp HOST\[:PORT\] or --udp \[HOST:\]PORT \(see: lxp-pylon listen lxp --help\)\n$/],
      [["decode"], /^lxp-pylon: decode: give one of: decode lxp, decode pylon, decode pylon-console \(see: lxp-pylon decode --help\)\n$/],
      [["decode", "nothing"], /^lxp-pylon: unknown command "decode nothing" \(see: lxp-pylon decode --help\)\n$/],
      [["frobnicate"], /^lxp-pylon: unknown command "frobnicate" \(see: lxp-pylon --help\)\n$/],
      [["--frobnicate"], /^lxp-pylon: unknown option --frobnicate \(see: lxp-pylon --help\)\n$/],
      [["help", "nothing"], /^lxp-pylon: unknown command "nothing" \(see: lxp-pylon --help\)\n$/],
    ];
    for (const [args, expected] of cases) {
      const r = runCli(args);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.stderr, expected, args.join(" "));
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, `${args.join(" ")}: one line`);
      assert.doesNotMatch(r.stderr, /positional argument|ERR_PARSE_ARGS|Unknown option '/);
    }
  });
});

describe("wrap (long lists in help texts)", () => {
  it("breaks after \", \" so a list item with a space in it stays on one line", () => {
    assert.deepEqual(wrap("commands: read/a, set/b on, set/c off", 20), ["commands: read/a,", "  set/b on,", "  set/c off"]);
  });

  it("breaks an item longer than a line at its spaces, and keeps lines within the width", () => {
    const lines = wrap("one, a long item that cannot fit, two", 16);
    assert.deepEqual(lines, ["one, a long item", "  that cannot", "  fit, two"]);
    assert.ok(lines.every((l) => l.length <= 16));
  });

  it("leaves a short text alone", () => {
    assert.deepEqual(wrap("commands: a, b", 100), ["commands: a, b"]);
  });
});
