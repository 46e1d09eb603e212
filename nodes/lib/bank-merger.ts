// Merges the input banks of one broadcast cycle (inputs/1, /2, /3 = registers 0–119) into one
// inputs/all message. A cycle starts with bank 1 (register 0); other ranges pass through unchanged.
import type { LxpMessage } from "./lxp";

const CYCLE_BANKS = [0, 1, 2];

interface Cycle {
  startedAt: number;
  banks: Set<number>;
  payload: Record<string, unknown>;
  /** The raw registers of every bank so far (each bank's payload has only its own). */
  registers: Record<string, number>;
  frames: string[];
  last: LxpMessage;
}

export interface BankMergerOptions {
  /** A cycle whose banks are spread over more than this is abandoned. */
  maxCycleMs?: number;
  prefix?: string;
}

export class BankMerger {
  private readonly cycles = new Map<string, Cycle>();
  private readonly maxCycleMs: number;
  private readonly prefix: string;

  constructor(options: BankMergerOptions = {}) {
    this.maxCycleMs = options.maxCycleMs ?? 60_000;
    this.prefix = options.prefix ?? "lxp";
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

    const key = msg.lxp.datalog;
    let cycle = this.cycles.get(key);
    if (bank === 0 || !cycle || now - cycle.startedAt > this.maxCycleMs) {
      if (bank !== 0) {
        this.cycles.delete(key);
        return undefined; // joined mid-cycle: wait for the next bank 1
      }
      cycle = { startedAt: now, banks: new Set(), payload: {}, registers: {}, frames: [], last: msg };
      this.cycles.set(key, cycle);
    }
    cycle.banks.add(bank);
    Object.assign(cycle.payload, msg.payload, { registers: Object.assign(cycle.registers, msg.payload.registers) });
    cycle.frames.push(msg.lxp.raw);
    cycle.last = msg;
    if (!CYCLE_BANKS.every((b) => cycle.banks.has(b))) return undefined;

    this.cycles.delete(key);
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
}
