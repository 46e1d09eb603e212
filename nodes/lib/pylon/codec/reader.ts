// Bounds-checked big-endian reads over a reply's INFO; running past the end is a frame error,
// because the counts inside INFO (cells, temperatures, packs) come from the battery.
import { PylonFrameError, PylonFrameErrorReason } from "./errors";

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
  fail(reason: PylonFrameErrorReason, message: string): PylonFrameError {
    return new PylonFrameError(reason, message, this.raw);
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
    return this.info.readUInt16BE(this.take(2, what));
  }

  s16(what: string): number {
    return this.info.readInt16BE(this.take(2, what));
  }

  u24(what: string): number {
    return this.info.readUIntBE(this.take(3, what), 3);
  }

  bytes(size: number, what: string): Buffer {
    const at = this.take(size, what);
    return this.info.subarray(at, at + size);
  }
}
