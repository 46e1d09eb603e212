// `lxp-pylon decode pylon --command 0x42 <frame>`: the object of docs/pylon-payloads.md for one reply frame.
import { parseArgs } from "node:util";
import { decodeReply, parseCid2, PylonError } from "../../nodes/lib/pylon";
import { CliError } from "./io";
import { readFileSync } from "node:fs";

export function decodePylonCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { command: { type: "string" }, request: { type: "string" } },
    allowPositionals: true,
  });
  if (!values.command) throw new CliError("--command is required, e.g. --command 0x42", 2);
  const cid2 = parseCid2(values.command);
  if (cid2 === undefined) throw new CliError(`--command must be a CID2 like 0x42, got "${values.command}"`, 2);
  if (positionals.length === 0) throw new CliError("give the reply frame (~…) or '-' to read it from stdin", 2);
  const text = positionals.length === 1 && positionals[0] === "-" ? readFileSync(0, "utf8") : positionals.join("");
  const frame = text.trim();
  try {
    const reply = decodeReply(cid2, frame, values.request ? { request: values.request.trim() } : {});
    process.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof PylonError)) throw err;
    process.stderr.write(`invalid frame: ${err.message.replace(/\s+/g, " ")}\n`);
    return 1;
  }
}
