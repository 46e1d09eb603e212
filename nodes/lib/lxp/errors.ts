/** A frame that fails a check. `raw` is the offending bytes as lowercase hex. */
export class LxpFrameError extends Error {
  readonly raw: string;
  readonly reason: string;
  /** True when the frame's envelope was sound (so a stream may skip it whole) but its content is unsupported. */
  readonly wellFormed: boolean;
  constructor(reason: string, raw: Uint8Array | string, wellFormed = false) {
    super(reason);
    this.name = "LxpFrameError";
    this.reason = reason;
    this.wellFormed = wellFormed;
    this.raw = typeof raw === "string" ? raw : Buffer.from(raw).toString("hex");
  }
}
