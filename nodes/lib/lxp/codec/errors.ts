/** What a stream error stands for: a run of bad frames and garbage between two good frames is one error. */
export interface LxpErrorExtent {
  /** Bad frames (and garbage runs) the error stands for. */
  count: number;
  /** Bytes they covered. */
  bytes: number;
}

/**
 * A frame that fails a check. `raw` is the offending bytes as lowercase hex. For a merged run the
 * message counts the problems and `reason`/`raw` describe the first.
 */
export class LxpFrameError extends Error {
  readonly raw: string;
  /** What is wrong with the (first) bad bytes. */
  readonly reason: string;
  /** True when the frame's envelope was sound (so a stream may skip it whole) but its content is unsupported. */
  readonly wellFormed: boolean;
  /** 1 unless a stream parser merged a run of problems into this error. */
  readonly count: number;
  /** Bytes skipped because of this error (raw's length unless a stream parser says otherwise). */
  readonly bytes: number;
  constructor(reason: string, raw: Uint8Array | string, wellFormed = false, extent?: LxpErrorExtent) {
    super(extent && extent.count > 1 ? `${extent.count} bad frames in ${extent.bytes} bytes, first: ${reason}` : reason);
    this.name = "LxpFrameError";
    this.reason = reason;
    this.wellFormed = wellFormed;
    this.raw = typeof raw === "string" ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("hex");
    this.count = extent?.count ?? 1;
    this.bytes = extent?.bytes ?? this.raw.length / 2;
  }
}
