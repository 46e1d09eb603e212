// `lxp-pylon decode pylon --command 0x42 <frame>`: the object of docs/pylon-payloads.md for one reply frame.
// The input goes through the node's stream splitter, so bytes before `~` (line noise, a log prefix) are skipped.
import { readFileSync } from "node:fs";
import { decodeReply, parseCid2, PYLON_PROTOCOLS, PylonError, PylonFrameError, PylonFrameSplitter, PylonProtocol } from "../../nodes/lib/pylon/codec/api";
import { defineCommand } from "./command-spec";
import { CliError } from "./io";

/** The one frame in `input`: what precedes `~` is dropped, the final CR may be missing. */
export function extractFrame(input: string): string {
  const splitter = new PylonFrameSplitter();
  const items = splitter.push(`${input.replace(/\s+$/, "")}\r`);
  const frames = items.flatMap((item) => (item.frame === undefined ? [] : [item.frame]));
  if (frames.length === 1) return frames[0];
  if (frames.length > 1) throw new PylonFrameError("framing", `${frames.length} frames in the input; give one`, input);
  const error = items.find((item) => item.error)?.error;
  throw error ?? new PylonFrameError("framing", "no frame: the input has no '~'", input);
}

export const decodePylonCommand = defineCommand({
  name: "decode pylon",
  summary: "decode one PylonTech reply frame, print it as JSON",
  usage: ["--command 0xNN <frame> [options]", "--command 0xNN - [options]", "--command 0xNN --file F [options]"],
  arguments: [
    ["<frame>", "the reply as ASCII, ~… up to the checksum (the trailing CR is optional); quote it"],
    ["-", "read the frame from stdin"],
  ],
  options: {
    command: {
      type: "string",
      value: "0xNN",
      help: "CID2 of the request the frame answers: 0x42, 0x44, 0x47, 0x4F, 0x51, 0x92, 0x93, 0x96, system 0x60-0x63; required",
    },
    request: { type: "string", value: "FRAME", help: "the request frame; tells whether a 0x42/0x44 reply holds all packs (address FF)", default: "none" },
    file: { type: "string", value: "F", help: "read the frame from file F (raw bytes as captured); exit 1 if it cannot be read" },
    protocol: { type: "string", value: "pylontech|seplos", help: "whose layouts the reply uses (seplos: a Seplos V2 BMS)", default: "pylontech" },
  },
  notes: [
    'Prints { "command", "packs" } with the keys pylon-poll uses; a system reply (0x60-0x63) adds "system".',
    "Bytes before '~' are skipped, as the node does. Exit 0; 1 with a one-line reason for a bad frame, an",
    "error reply of the battery, values no pack of the protocol can send or a --file that cannot be read;",
    "2 on bad usage.",
  ],
  examples: [
    "lxp-pylon decode pylon --command 0x4F '~200246000000FDB2'",
    "lxp-pylon decode pylon --command 0x93 '~20024600C0220248323232303033433332323230343539F6D8'",
    "echo '~200246000000FDB2' | lxp-pylon decode pylon --command 0x4F -",
    "lxp-pylon decode pylon --command 0x42 --file reply.bin --protocol seplos",
  ],
  run({ values, positionals }) {
    if (!values.command) throw new CliError("--command is required, e.g. --command 0x42", 2);
    const cid2 = parseCid2(values.command);
    if (cid2 === undefined) throw new CliError(`--command must be a CID2 like 0x42, got "${values.command}"`, 2);
    const protocol = (values.protocol ?? "pylontech") as PylonProtocol;
    if (!PYLON_PROTOCOLS.includes(protocol)) throw new CliError(`--protocol must be pylontech or seplos, got "${values.protocol}"`, 2);
    if (values.file !== undefined && positionals.length > 0) throw new CliError("give the frame as an argument, '-' or --file F, not both", 2);
    if (values.file === undefined && positionals.length === 0) throw new CliError("give the reply frame (~…), '-' to read it from stdin, or --file F", 2);
    let text: string;
    if (values.file !== undefined) {
      try {
        text = readFileSync(values.file).toString("latin1");
      } catch (err) {
        throw new CliError(`cannot read ${values.file}: ${(err as Error).message}`);
      }
    } else {
      text = positionals.length === 1 && positionals[0] === "-" ? readFileSync(0, "latin1") : positionals.join("");
    }
    try {
      const frame = extractFrame(text);
      const reply = decodeReply(cid2, frame, { protocol, ...(values.request ? { request: extractFrame(values.request) } : {}) });
      process.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof PylonError)) throw err;
      process.stderr.write(`invalid frame: ${err.message.replace(/\s+/g, " ")}\n`);
      return 1;
    }
  },
});
