// Bounds-checked big-endian reads over a reply's INFO; running past the end is a frame error,
// because the counts inside INFO (cells, temperatures, packs) come from the battery.
import { PylonFrameError, type PylonFrameErrorCode } from "./errors";

/** The name of the n-th (1-based) item of a list, for the error when INFO ends inside the list. */
export type ItemName = (n: number) => string;

export class InfoReader {
  private pos: number;

  constructor(
    private readonly info: Buffer,
    private readonly raw: string,
    start = 0,
  ) {
    this.pos = start;
  }

  /** An error about this frame, for checks the decoder makes on values it read. */
  fail(code: PylonFrameErrorCode, message: string): PylonFrameError {
    return new PylonFrameError(code, message, this.raw);
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.info.length - this.pos;
  }

  private take(size: number, what: string): number {
    if (this.pos + size > this.info.length) {
      throw this.fail("truncated", `INFO ends at byte ${this.info.length} while reading ${what} at byte ${this.pos}`);
    }
    const at = this.pos;
    this.pos += size;
    return at;
  }

  u8(what: string): number {
    return this.info[this.take(1, what)];
  }

  u16(what: string): number {
    const at = this.take(2, what);
    return (this.info[at] << 8) | this.info[at + 1];
  }

  s16(what: string): number {
    const at = this.take(2, what);
    return (((this.info[at] << 8) | this.info[at + 1]) << 16) >> 16;
  }

  u24(what: string): number {
    const at = this.take(3, what);
    return (this.info[at] << 16) | (this.info[at + 1] << 8) | this.info[at + 2];
  }

  bytes(size: number, what: string): Buffer {
    const at = this.take(size, what);
    return this.info.subarray(at, at + size);
  }

  /** `count` bytes; the names are made only for the error when INFO ends among them. */
  u8List(count: number, name: ItemName): number[] {
    const values: number[] = [];
    if (this.pos + count > this.info.length) {
      for (let i = 0; i < count; i++) values.push(this.u8(name(i + 1))); // throws at the first missing one
      return values;
    }
    for (let i = 0; i < count; i++) values.push(this.info[this.pos + i]);
    this.pos += count;
    return values;
  }

  /** `count` unsigned words; the names are made only for the error when INFO ends among them. */
  u16List(count: number, name: ItemName): number[] {
    const values: number[] = [];
    if (this.pos + 2 * count > this.info.length) {
      for (let i = 0; i < count; i++) values.push(this.u16(name(i + 1))); // throws at the first missing one
      return values;
    }
    const info = this.info;
    for (let i = 0, at = this.pos; i < count; i++, at += 2) values.push((info[at] << 8) | info[at + 1]);
    this.pos += 2 * count;
    return values;
  }

  /** `count` signed words, as u16List. */
  s16List(count: number, name: ItemName): number[] {
    const values: number[] = [];
    if (this.pos + 2 * count > this.info.length) {
      for (let i = 0; i < count; i++) values.push(this.s16(name(i + 1)));
      return values;
    }
    const info = this.info;
    for (let i = 0, at = this.pos; i < count; i++, at += 2) values.push((((info[at] << 8) | info[at + 1]) << 16) >> 16);
    this.pos += 2 * count;
    return values;
  }
}
