// `lxp-pylon decode pylon --command 0x42 <frame>`: the object of docs/pylon-payloads.md for one reply frame.
import { decodeReply, parseCid2, PylonError } from "../../nodes/lib/pylon";
import { defineCommand } from "./command-spec";
import { CliError } from "./io";
import { readFileSync } from "node:fs";

export const decodePylonCommand = defineCommand({
  name: "decode pylon",
  summary: "decode one PylonTech reply frame, print it as JSON",
  usage: ["--command 0xNN <frame> [options]", "--command 0xNN - [options]"],
  arguments: [
    ["<frame>", "the reply as ASCII, ~… up to the checksum (the trailing CR is optional); quote it"],
    ["-", "read the frame from stdin"],
  ],
  options: {
    command: { type: "string", value: "0xNN", help: "CID2 of the request the frame answers: 0x42, 0x44, 0x47, 0x4F, 0x51, 0x92, 0x93, 0x96, …; required" },
    request: { type: "string", value: "FRAME", help: "the request frame; tells whether a 0x42/0x44 reply holds all packs (address FF)", default: "none" },
  },
  notes: [
    'Prints { "command", "packs" } with the keys pylon-poll uses. Exit 0; 1 with a one-line reason for a bad',
    "frame or an error reply of the battery; 2 on bad usage.",
  ],
  examples: [
    "lxp-pylon decode pylon --command 0x4F '~200246000000FDB2'",
    "lxp-pylon decode pylon --command 0x93 '~20024600C0220248323232303033433332323230343539F6D8'",
    "echo '~200246000000FDB2' | lxp-pylon decode pylon --command 0x4F -",
  ],
  run({ values, positionals }) {
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
  },
});
