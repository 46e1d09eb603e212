// Merges the input banks of one broadcast cycle (inputs/1, /2, /3 = registers 0–119) into one
// inputs/all message. A cycle starts with bank 1 (register 0); other ranges pass through unchanged.
// Bounded: a few open cycles (one per datalog), each dropped when it is too old, so spoofed datalogs
// cannot grow memory.
import type { LxpMessage } from "../codec";

const CYCLE_BANKS = [0, 1, 2];

interface Cycle {
  startedAt: number;
  banks: Set<number>;
  payload: Record<string, unknown>;
  /** The raw registers of every bank so far (each bank's payload has only its own). */
  registers: Record<string, number>;
  /** Each bank's frame (hex), by bank: a repeated bank replaces its frame. */
  frames: string[];
  last: LxpMessage;
}

export interface BankMergerOptions {
  /** A cycle whose banks are spread over more than this is abandoned. Default 60000. */
  maxCycleMs?: number;
  /** Open cycles kept at most (one per datalog); a new one evicts the oldest. Default 8. */
  maxOpenCycles?: number;
  prefix?: string;
}

export interface BankMergerStats {
  merged: number;
  /** Open cycles dropped to make room for another datalog's. */
  evicted: number;
  /** Open cycles dropped because their banks did not all come within maxCycleMs. */
  expired: number;
}

export class BankMerger {
  readonly stats: BankMergerStats = { merged: 0, evicted: 0, expired: 0 };
  /** Insertion order is age order: the first entry is the oldest cycle. */
  private readonly cycles = new Map<string, Cycle>();
  private readonly maxCycleMs: number;
  private readonly maxOpenCycles: number;
  private readonly prefix: string;

  constructor(options: BankMergerOptions = {}) {
    this.maxCycleMs = options.maxCycleMs ?? 60_000;
    this.maxOpenCycles = Math.max(1, options.maxOpenCycles ?? 8);
    this.prefix = options.prefix ?? "lxp";
  }

  /** Cycles waiting for their remaining banks. */
  get openCycles(): number {
    return this.cycles.size;
  }

  /**
   * Takes an input message. Returns what to emit now: the message itself when it is not part of a
   * cycle, the merged message when it completes one, or nothing while a cycle is still filling.
   */
  add(msg: LxpMessage, now = Date.now()): LxpMessage | undefined {
    const start = msg.lxp.register ?? 0;
    const count = msg.lxp.count ?? 0;
    const bank = Math.floor(start / 40);
    const oneCycleBank = count > 0 && start % 40 === 0 && count === 40 && CYCLE_BANKS.includes(bank);
    if (!oneCycleBank) return msg;

    this.dropExpired(now);
    const key = msg.lxp.datalog;
    let cycle = this.cycles.get(key);
    if (bank === 0 || !cycle) {
      if (bank !== 0) return undefined; // joined mid-cycle: wait for the next bank 1
      this.cycles.delete(key); // a new bank 1 restarts the cycle (and makes it the youngest)
      if (this.cycles.size >= this.maxOpenCycles) this.evictOldest();
      cycle = { startedAt: now, banks: new Set(), payload: {}, registers: {}, frames: [], last: msg };
      this.cycles.set(key, cycle);
    }
    cycle.banks.add(bank);
    Object.assign(cycle.payload, msg.payload, { registers: Object.assign(cycle.registers, msg.payload.registers) });
    cycle.frames[bank] = msg.lxp.raw;
    cycle.last = msg;
    if (!CYCLE_BANKS.every((b) => cycle.banks.has(b))) return undefined;

    this.cycles.delete(key);
    this.stats.merged++;
    return {
      topic: `${this.prefix}/${key}/inputs/all`,
      payload: cycle.payload,
      // raw is the concatenated frames: decoding it again yields the banks that were merged.
      lxp: { ...cycle.last.lxp, register: 0, count: 40 * CYCLE_BANKS.length, raw: cycle.frames.join("") },
    };
  }

  clear(): void {
    this.cycles.clear();
  }

  /** Oldest first, so the scan stops at the first cycle still young enough. */
  private dropExpired(now: number): void {
    for (const [key, cycle] of this.cycles) {
      if (now - cycle.startedAt <= this.maxCycleMs) return;
      this.cycles.delete(key);
      this.stats.expired++;
    }
  }

  private evictOldest(): void {
    const oldest = this.cycles.keys().next();
    if (oldest.done) return;
    this.cycles.delete(oldest.value);
    this.stats.evicted++;
  }
}
