// The simulated inverter's clock: wall time × speed ("real") or moved only by the caller
// ("manual", for tests). Writes to hold registers 12–14 move it with set().

export interface LxpSimClockOptions {
  /** "real" follows the wall clock × speed; "manual" moves only by advance()/set(). Default "real". */
  mode?: "real" | "manual";
  /** Simulated seconds per wall-clock second in "real" mode. Default 1. */
  speed?: number;
  /** Simulated time at start (epoch ms or Date). Default now. */
  start?: number | Date;
}

export class LxpSimClock {
  readonly mode: "real" | "manual";
  readonly speed: number;
  private readonly wallStart = Date.now();
  private readonly simStart: number;
  /** Added by advance()/set(), on top of the wall-clock progress. */
  private offsetMs = 0;

  constructor(options: LxpSimClockOptions = {}) {
    this.mode = options.mode ?? "real";
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0)) throw new RangeError(`clock speed must be > 0, got ${this.speed}`);
    const start = options.start ?? Date.now();
    this.simStart = typeof start === "number" ? start : start.getTime();
  }

  /** Simulated time, epoch ms. */
  now(): number {
    const progress = this.mode === "real" ? (Date.now() - this.wallStart) * this.speed : 0;
    return Math.floor(this.simStart + progress + this.offsetMs);
  }

  /** Moves simulated time forward (or back, if negative) by `seconds`. */
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  /** Jumps so that now() returns `time` (epoch ms or Date). */
  set(time: number | Date): void {
    const target = typeof time === "number" ? time : time.getTime();
    this.offsetMs += target - this.now();
  }
}
