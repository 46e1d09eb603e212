// The frame envelope: `~` VER ADR CID1 CID2 LENGTH INFO CHKSUM CR, all but SOI/EOI as hex text
// (pylon-protocol.md §2). Encodes any CID2 except the forbidden ones; parses and verifies any frame.
import { frameChecksum, lengthChecksum, lengthField } from "./checksum";
import { FORBIDDEN_COMMANDS, formatCid2, isForbiddenCommand } from "./commands";
import { PylonCommandError, PylonFrameError } from "./errors";

export const SOI = "~";
export const EOI = "\r";
export const CID1_BATTERY = 0x46;
export const DEFAULT_VER = 0x20;
/** LENID is 12 bits, so INFO holds at most 4095 characters. */
export const MAX_INFO_CHARS = 0xfff;
/** SOI + VER..LENGTH (12) + INFO + CHKSUM (4) + EOI. */
export const MAX_FRAME_CHARS = 1 + 12 + MAX_INFO_CHARS + 4 + 1;
const MIN_BODY_CHARS = 16;

export interface PylonFrameFields {
  ver?: number;
  adr: number;
  cid1?: number;
  cid2: number;
  info?: Uint8Array | readonly number[];
}

export interface PylonFrame {
  ver: number;
  adr: number;
  cid1: number;
  /** Command code in a request, return code (RTN) in a reply. */
  cid2: number;
  info: Buffer;
  /** The frame text as received. */
  raw: string;
}

function hexByte(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, "0");
}

function assertByte(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new PylonCommandError("invalid_argument", `${name} must be a byte (0..255), got ${String(value)}`);
  }
}

/** Throws for 0x94, 0x95 and 0x64: no code path may put them on the wire. */
export function assertNotForbidden(cid2: number): void {
  if (isForbiddenCommand(cid2)) {
    throw new PylonCommandError(
      "forbidden_command",
      `refusing to encode CID2 ${formatCid2(cid2)} (${FORBIDDEN_COMMANDS[cid2]}): it changes battery state`,
      cid2,
    );
  }
}

/** Builds the wire text of a frame, `~` to CR. Throws for the forbidden commands. */
export function encodeFrame(fields: PylonFrameFields): string {
  const { ver = DEFAULT_VER, adr, cid1 = CID1_BATTERY, cid2 } = fields;
  assertNotForbidden(cid2);
  assertByte("VER", ver);
  assertByte("ADR", adr);
  assertByte("CID1", cid1);
  assertByte("CID2", cid2);
  const infoBytes = Array.from(fields.info ?? []);
  infoBytes.forEach((b, i) => assertByte(`INFO byte ${i}`, b));
  const info = infoBytes.map(hexByte).join("");
  if (info.length > MAX_INFO_CHARS) {
    throw new PylonCommandError("invalid_argument", `INFO of ${infoBytes.length} bytes does not fit LENID`, cid2);
  }
  const length = lengthField(info.length).toString(16).toUpperCase().padStart(4, "0");
  const body = hexByte(ver) + hexByte(adr) + hexByte(cid1) + hexByte(cid2) + length + info;
  const chk = frameChecksum(body).toString(16).toUpperCase().padStart(4, "0");
  return SOI + body + chk + EOI;
}

/** Frame text from a string or bytes; bytes map 1:1 to characters so nothing is lost. */
export function frameText(input: string | Uint8Array): string {
  return typeof input === "string" ? input : Buffer.from(input).toString("latin1");
}

function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, "0");
}

/**
 * Parses one frame and verifies SOI, LCHKSUM, LENID and CHKSUM. Surrounding whitespace (the CR,
 * a pasted newline) is ignored; lower-case hex is accepted. Does not interpret CID1/CID2.
 */
export function parseFrame(input: string | Uint8Array): PylonFrame {
  const raw = frameText(input);
  const text = raw.trim();
  if (!text.startsWith(SOI)) throw new PylonFrameError("framing", "frame does not start with '~'", raw);
  const body = text.slice(1);
  if (body.length < MIN_BODY_CHARS) {
    throw new PylonFrameError("framing", `frame too short: ${body.length} characters after '~', need at least 16`, raw);
  }
  const bad = /[^0-9A-Fa-f]/.exec(body);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).padStart(2, "0");
    throw new PylonFrameError("bad_hex", `non-hex character 0x${code} at position ${bad.index + 1} of the frame`, raw);
  }
  const byteAt = (pos: number): number => parseInt(body.slice(pos, pos + 2), 16);
  const length = parseInt(body.slice(8, 12), 16);
  const lenid = length & 0xfff;
  const lchk = length >> 12;
  if (lchk !== lengthChecksum(lenid)) {
    throw new PylonFrameError(
      "length_checksum",
      `LENGTH ${hex4(length)}: LCHKSUM ${lchk.toString(16).toUpperCase()} does not match LENID ` +
        `(expected ${lengthChecksum(lenid).toString(16).toUpperCase()})`,
      raw,
    );
  }
  const infoChars = body.length - MIN_BODY_CHARS;
  if (lenid !== infoChars) {
    throw new PylonFrameError("length_mismatch", `LENID says ${lenid} INFO characters, the frame carries ${infoChars}`, raw);
  }
  if (lenid % 2 !== 0) {
    throw new PylonFrameError("length_mismatch", `LENID ${lenid} is odd: INFO must be whole bytes`, raw);
  }
  const received = parseInt(body.slice(body.length - 4), 16);
  const expected = frameChecksum(body, 0, body.length - 4);
  if (received !== expected) {
    throw new PylonFrameError("checksum", `CHKSUM ${hex4(received)} does not match the frame (expected ${hex4(expected)})`, raw);
  }
  return {
    ver: byteAt(0),
    adr: byteAt(2),
    cid1: byteAt(4),
    cid2: byteAt(6),
    info: Buffer.from(body.slice(12, 12 + lenid), "hex"),
    raw,
  };
}
