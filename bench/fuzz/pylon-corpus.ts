// PylonTech frames to fuzz with: every reply and request of test/fixtures/pylon-vectors.json and the
// real captures (system commands 0x60–0x63 and Seplos replies included), and their mutations, at the
// text level (any byte) or the INFO level (bytes of the hex-decoded INFO, re-encoded), half of them
// with LENGTH and CHKSUM recomputed so they reach the INFO decoders.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { frameChecksum, lengthField, parseCid2, parseFrame, PylonProtocol } from "../../nodes/lib/pylon/codec";
import { FIXTURES_DIR } from "../../test/support/vectors";
import { Mutator, mutateBytes } from "./mutate";
import { Rng } from "./prng";

export interface PylonFixture {
  id: string;
  /** Wire text, `~` to CR. */
  text: string;
  /** The command the reply answers; undefined for requests, error replies and undocumented commands. */
  cid2?: number;
  protocol: PylonProtocol;
  /** The request the reply answers, when the fixture has it. */
  request?: string;
  isReply: boolean;
}

interface RawEntry {
  id: string;
  command: string;
  request: string | null;
  reply: string | null;
}

function load(file: string): PylonFixture[] {
  const entries: RawEntry[] = JSON.parse(readFileSync(join(FIXTURES_DIR, file), "utf8"));
  const out: PylonFixture[] = [];
  for (const e of entries) {
    const cid2 = parseCid2(e.command);
    const protocol: PylonProtocol = e.id.startsWith("seplos") ? "seplos" : "pylontech";
    const request = e.request || undefined;
    if (e.reply) out.push({ id: e.id, text: e.reply, cid2, protocol, request, isReply: true });
    if (request) out.push({ id: `${e.id} request`, text: request, cid2, protocol, isReply: false });
  }
  return out;
}

export const PYLON_FIXTURES: readonly PylonFixture[] = [...load("pylon-vectors.json"), ...load(join("real-captures", "pylon-captures.json"))];

/** Fixture frames whose envelope is sound: the good frames of a stream. */
export const GOOD_PYLON_FRAMES: readonly PylonFixture[] = PYLON_FIXTURES.filter((f) => {
  try {
    parseFrame(f.text);
    return true;
  } catch {
    return false;
  }
});

const hex = (n: number, digits: number): string => n.toString(16).toUpperCase().padStart(digits, "0");
const latin1 = (s: string): Buffer => Buffer.from(s, "latin1");

/** `~` VER ADR CID1 CID2 LENGTH INFO CHKSUM CR from fields, LENGTH as given (it may lie), CHKSUM computed or kept. */
function frameFrom(fields: number[], info: Buffer, length: number, checksum: number | undefined): string {
  const body = fields.map((b) => hex(b, 2)).join("") + hex(length, 4) + info.toString("hex").toUpperCase();
  return `~${body}${hex(checksum ?? frameChecksum(body), 4)}\r`;
}

/** LENGTH set to the INFO characters present (LENID with its LCHKSUM) and/or CHKSUM recomputed, if the text still has the frame's shape. */
export function fixPylonText(text: string, length: boolean, checksum: boolean): string {
  const start = text.indexOf("~");
  const end = text.indexOf("\r", start + 1);
  if (start < 0 || end < 0 || end - start < 17) return text;
  let body = text.slice(start + 1, end - 4);
  if (length) body = body.slice(0, 8) + hex(lengthField((body.length - 12) & 0xfff), 4) + body.slice(12);
  const chk = checksum ? hex(frameChecksum(body), 4) : text.slice(end - 4, end);
  return `${text.slice(0, start)}~${body}${chk}${text.slice(end)}`;
}

const TEXT_INTERESTING = [..."~\r\n 09AFafG-"].map((c) => c.charCodeAt(0)).concat([0x00, 0x7e, 0xff]);

const TEXT_MUTATOR: Mutator = {
  donors: PYLON_FIXTURES.map((f) => latin1(f.text)),
  interesting: TEXT_INTERESTING,
  // The LENGTH field (characters 9–12): an extreme LENID, with or without its LCHKSUM.
  lengthExtremes(rng, buf) {
    if (buf.length < 13) return undefined;
    const lenid = rng.pick([0, 2, 0xffe, 0xfff, 1, rng.int(0x1000)]);
    const field = rng.chance(0.7) ? lengthField(lenid) : rng.int(0x10000);
    const out = Buffer.from(buf);
    out.write(hex(field, 4), 9, "latin1");
    return out;
  },
};

const INFO_MUTATOR: Mutator = {
  donors: GOOD_PYLON_FRAMES.map((f) => parseFrame(f.text).info),
  interesting: [0x00, 0x01, 0x02, 0x0f, 0x10, 0x11, 0x7f, 0x80, 0xfe, 0xff],
  // Counts (cells, temperatures, packs, custom items) are single bytes: set one to an extreme.
  lengthExtremes(rng, buf) {
    if (buf.length === 0) return undefined;
    const out = Buffer.from(buf);
    out[rng.int(Math.min(out.length, 40))] = rng.pick([0, 1, 2, 4, 5, 6, 15, 16, 17, 0x7f, 0xff]);
    return out;
  },
};

export interface PylonSample {
  text: string;
  fixture: PylonFixture;
  origin: string;
}

/** A text-level mutation: any byte, `~` and CR included. */
function mutateText(rng: Rng, f: PylonFixture): PylonSample {
  const { bytes, ops } = mutateBytes(rng, latin1(f.text), TEXT_MUTATOR);
  const length = !ops.includes("extremes") && rng.chance(0.35);
  const checksum = rng.chance(0.5);
  const text = fixPylonText(bytes.toString("latin1"), length, checksum);
  const fixes = [length && "length", checksum && "chksum"].filter(Boolean).join("+");
  return { text, fixture: f, origin: `${f.id} text by ${ops.join("+") || "nothing"}${fixes ? `, fixed ${fixes}` : ""}` };
}

/** An INFO-level mutation of a frame whose envelope parses, re-encoded with a true LENGTH (mostly) and, half the time, a true CHKSUM. */
function mutateInfo(rng: Rng, f: PylonFixture): PylonSample {
  const frame = parseFrame(f.text);
  const { bytes: info, ops } = mutateBytes(rng, frame.info, INFO_MUTATOR);
  const fields = [frame.ver, frame.adr, frame.cid1, frame.cid2];
  if (rng.chance(0.15)) {
    const k = rng.int(4);
    fields[k] = rng.chance(0.5) ? rng.int(256) : rng.pick([0x00, 0x01, 0x02, 0x12, 0x20, 0x46, 0x90, 0xff]);
    ops.push(["ver", "adr", "cid1", "cid2"][k]);
  }
  const lenid = (info.length * 2) & 0xfff;
  const length = rng.chance(0.9) ? lengthField(lenid) : rng.int(0x10000);
  const checksum = rng.chance(0.5) ? undefined : rng.int(0x10000);
  const text = frameFrom(fields, info, length, checksum);
  return { text, fixture: f, origin: `${f.id} INFO by ${ops.join("+") || "nothing"}${checksum === undefined ? ", fixed chksum" : ""}` };
}

/** A mutated fixture frame. */
export function mutatedPylonFrame(rng: Rng): PylonSample {
  const infoLevel = rng.chance(0.6);
  const f = rng.pick(infoLevel ? GOOD_PYLON_FRAMES : PYLON_FIXTURES);
  const sample = infoLevel ? mutateInfo(rng, f) : mutateText(rng, f);
  if (rng.chance(0.05)) sample.text = sample.text.toLowerCase();
  if (rng.chance(0.05)) sample.text = `${rng.pick(["", " ", "\n"])}${sample.text}${rng.pick(["\n", " ", "\r\n"])}`;
  return sample;
}
