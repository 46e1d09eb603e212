#!/usr/bin/env node
// lxp-pylon: decode captured frames, talk to a dongle or a battery stack, run the simulators.
// Thin: the commands are in bin/commands, the work in nodes/lib.
import { dispatch } from "./commands/dispatch";
import { CliError } from "./commands/io";

dispatch(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = err as Error & { exitCode?: number };
    process.stderr.write(`lxp-pylon: ${e.message}\n`);
    process.exitCode = e instanceof CliError ? e.exitCode : 1;
  },
);
