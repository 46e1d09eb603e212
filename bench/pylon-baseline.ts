// The yardstick for the PylonTech 0x42 decode (issue 11): a plain, untuned JavaScript decoder of the
// same frame, written as one would without this package — check LCHKSUM and CHKSUM, read every
// field from the hex text with parseInt, put each pack's values into an object. Not used by the
// package; `npm run bench` times it against the codec on the same real frames.

export interface BaselinePack {
  cellVoltages: number[];
  temperatures: number[];
  current: number;
  voltage: number;
  remainingAh: number;
  totalAh: number;
  cycles: number;
  soc: number;
}

export interface BaselineReply {
  ver: number;
  adr: number;
  cid1: number;
  rtn: number;
  infoFlag: number;
  packs: BaselinePack[];
}

function checksum(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);
  return (~sum + 1) & 0xffff;
}

function lengthChecksum(lenid: number): number {
  const sum = (lenid & 0xf) + ((lenid >> 4) & 0xf) + ((lenid >> 8) & 0xf);
  return (~sum + 1) & 0xf;
}

function signed16(value: number): number {
  return value > 0x7fff ? value - 0x10000 : value;
}

/** A 0x42 reply to INFO 0xFF (a pack count after INFOFLAG) or to one pack, as text `~…\r`. */
export function baselineDecode0x42(frame: string, allPacks: boolean): BaselineReply {
  const text = frame.trim();
  if (text[0] !== "~") throw new Error("no SOI");
  const body = text.substring(1, text.length - 4);
  if (checksum(body) !== parseInt(text.substring(text.length - 4), 16)) throw new Error("CHKSUM error");
  const length = parseInt(body.substring(8, 12), 16);
  const lenid = length & 0xfff;
  if (length >> 12 !== lengthChecksum(lenid)) throw new Error("LCHKSUM error");
  const info = body.substring(12);
  if (info.length !== lenid) throw new Error("LENID error");

  let pos = 0;
  const byte = (): number => {
    const v = parseInt(info.substring(pos, pos + 2), 16);
    pos += 2;
    return v;
  };
  const word = (): number => {
    const v = parseInt(info.substring(pos, pos + 4), 16);
    pos += 4;
    return v;
  };
  const reply: BaselineReply = {
    ver: parseInt(body.substring(0, 2), 16),
    adr: parseInt(body.substring(2, 4), 16),
    cid1: parseInt(body.substring(4, 6), 16),
    rtn: parseInt(body.substring(6, 8), 16),
    infoFlag: byte(),
    packs: [],
  };
  const count = allPacks ? byte() : (byte(), 1);
  for (let p = 0; p < count; p++) {
    const cellVoltages: number[] = [];
    const cells = byte();
    for (let i = 0; i < cells; i++) cellVoltages.push(word() / 1000);
    const temperatures: number[] = [];
    const temps = byte();
    for (let i = 0; i < temps; i++) temperatures.push((signed16(word()) - 2731) / 10);
    const current = signed16(word()) / 10;
    const voltage = word() / 1000;
    let remaining = word();
    const userDefined = byte();
    let total = word();
    const cycles = word();
    if (userDefined >= 4) {
      remaining = parseInt(info.substring(pos, pos + 6), 16);
      total = parseInt(info.substring(pos + 6, pos + 12), 16);
      pos += 12;
    }
    reply.packs.push({
      cellVoltages,
      temperatures,
      current,
      voltage,
      remainingAh: remaining / 1000,
      totalAh: total / 1000,
      cycles,
      soc: Math.round((remaining / total) * 1000) / 10,
    });
  }
  return reply;
}
