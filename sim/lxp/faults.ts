// Faults the simulated dongle can show, switchable at run time: frames cut into small writes,
// line noise between frames, bad CRCs, dropped connections, silence.
import { PREFIX_0, TcpFunction } from "../../nodes/lib/lxp/codec/constants";
import { SeededRandom } from "../common/random";

export interface LxpSimFaults {
  /** Largest piece (bytes) a frame is written in, with a pause between pieces; 0 = whole frames. */
  splitMaxBytes: number;
  /** Pause between the pieces of a split frame, ms. */
  splitGapMs: number;
  /** Random bytes (never A1) written before every frame; 0 = none. */
  garbageBytes: number;
  /** Every Nth translated (C2) frame sent carries a wrong CRC; 0 = never. */
  badCrcEvery: number;
  /** Probability (0..1) of a wrong CRC on any translated frame, drawn from the seeded generator. */
  badCrcProbability: number;
  /** Closes every TCP client this often (wall-clock s); 0 = never. */
  dropEverySeconds: number;
  /** Goes silent (no broadcasts, no answers) this often (wall-clock s); 0 = never. */
  silenceEverySeconds: number;
  /** How long each silence lasts, s. */
  silenceSeconds: number;
}

export function noLxpFaults(): LxpSimFaults {
  return {
    splitMaxBytes: 0,
    splitGapMs: 2,
    garbageBytes: 0,
    badCrcEvery: 0,
    badCrcProbability: 0,
    dropEverySeconds: 0,
    silenceEverySeconds: 0,
    silenceSeconds: 10,
  };
}

/** A frame as written: pieces with `gapMs` between them. */
export interface LxpWire {
  chunks: Buffer[];
  gapMs: number;
}

export const LXP_FAULTS_SYNTAX =
  "split[=MAXBYTES] garbage[=BYTES] crc[=N|P] drop[=S] silence[=S[/EVERY]] (comma-separated; crc=10 every 10th frame, crc=0.1 a probability)";

/** Parses a CLI fault list like "split,garbage=8,crc=10,drop=30,silence=10/60". */
export function parseLxpFaults(spec: string): Partial<LxpSimFaults> {
  const faults: Partial<LxpSimFaults> = {};
  for (const item of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [name, arg] = item.split("=", 2) as [string, string | undefined];
    const num = (fallback: number): number => {
      const v = arg === undefined ? fallback : Number(arg);
      if (!Number.isFinite(v) || v < 0) throw new Error(`fault ${name} needs a number ≥ 0, got "${arg}"`);
      return v;
    };
    switch (name) {
      case "split":
        faults.splitMaxBytes = Math.max(1, Math.floor(num(7)));
        break;
      case "garbage":
        faults.garbageBytes = Math.floor(num(5));
        break;
      case "crc": {
        const v = num(10);
        if (v > 0 && v < 1) faults.badCrcProbability = v;
        else faults.badCrcEvery = Math.floor(v);
        break;
      }
      case "drop":
        faults.dropEverySeconds = num(30);
        break;
      case "silence": {
        const [length, every] = (arg ?? "10/60").split("/");
        const seconds = Number(length);
        const period = every === undefined ? Math.max(60, seconds * 4) : Number(every);
        if (!(seconds > 0) || !(period > seconds)) throw new Error(`fault silence wants S/EVERY with 0 < S < EVERY, got "${arg}"`);
        faults.silenceSeconds = seconds;
        faults.silenceEverySeconds = period;
        break;
      }
      default:
        throw new Error(`unknown fault "${name}"; known: ${LXP_FAULTS_SYNTAX}`);
    }
  }
  return faults;
}

/** Whether translated frame number `n` (1-based) gets a wrong CRC. */
export function wantsBadCrc(faults: LxpSimFaults, n: number, random: SeededRandom): boolean {
  const everyNth = faults.badCrcEvery > 0 && n % faults.badCrcEvery === 0;
  const drawn = faults.badCrcProbability > 0 && random.next() < faults.badCrcProbability;
  return everyNth || drawn;
}

/** A copy of a translated frame with its CRC's low byte flipped. */
export function corruptCrc(frame: Buffer): Buffer {
  if (frame[7] !== TcpFunction.TRANSLATED) return frame;
  const copy = Buffer.from(frame);
  copy[copy.length - 2] ^= 0x01;
  return copy;
}

/** The bytes of one frame as written with the faults in force. */
export function wireOf(frame: Buffer, faults: LxpSimFaults, random: SeededRandom): LxpWire {
  const noise = Buffer.from(Array.from({ length: faults.garbageBytes }, () => {
    const b = random.int(0, 254);
    return b === PREFIX_0 ? 0xff : b;
  }));
  const bytes = noise.length ? Buffer.concat([noise, frame]) : frame;
  if (faults.splitMaxBytes <= 0) return { chunks: [bytes], gapMs: 0 };
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = random.int(1, faults.splitMaxBytes);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return { chunks, gapMs: faults.splitGapMs };
}
