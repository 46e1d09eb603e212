// One PylonTech poll cycle over a shared bus: discovery, per-pack commands, identity refreshes and
// the §14 message. No Node-RED imports: pylon-poll and `lxp-pylon poll pylon` both drive it.
import {
  buildPackRequest,
  decodeReply,
  formatCid2,
  PylonAddressMode,
  PylonCommand,
  PylonPack,
  PylonStack,
  summarizeStack,
} from "./pylon";

export interface PylonRequester {
  request(frame: string, options?: { timeoutMs?: number; retries?: number }): Promise<{ raw: string }>;
}

export interface PollerOptions {
  mode: PylonAddressMode;
  /** A fixed number of packs, or "auto": probe upward from the first until the first silence. */
  packs: number | "auto";
  /** Also read 0x92 (charge/discharge limits and request flags) every cycle. */
  chargeManagement?: boolean;
  /** Identity and limits (0x93, 0x51, 0x96, 0x47, 0x4F) are read at start and then this often. */
  identityIntervalMs?: number;
  /** With "auto": probe for packs again this often (a pack added or woken up). */
  rediscoverIntervalMs?: number;
  /** Highest pack number auto discovery probes. */
  maxPacks?: number;
}

export interface PollError {
  address: number;
  command: string;
  error: string;
}

export interface PollPayload {
  stack: PylonStack;
  packs: PylonPack[];
  errors: PollError[];
}

export interface PollResult {
  payload: PollPayload;
  durationMs: number;
}

type Identity = Omit<PylonPack, "address">;

const IDENTITY_COMMANDS = [
  PylonCommand.SERIAL_NUMBER,
  PylonCommand.MANUFACTURER_INFO,
  PylonCommand.FIRMWARE_VERSION,
  PylonCommand.SYSTEM_PARAMETERS,
  PylonCommand.PROTOCOL_VERSION,
] as const;

/** Failures worth asking again next cycle; an error reply (RTN) is an answer and waits for the next refresh. */
const TRANSIENT = new Set(["timeout", "not_connected", "closed", "checksum", "length_checksum", "length_mismatch", "framing", "bad_hex", "truncated"]);

/** The short cause §14 asks for: `timeout`, `checksum`, an RTN name, … */
export function errorName(err: unknown): string {
  const e = err as { code?: unknown; reason?: unknown; message?: unknown };
  if (typeof e.reason === "string") return e.reason;
  if (typeof e.code === "string") return e.code;
  return typeof e.message === "string" ? e.message : String(err);
}

export class PylonPoller {
  readonly options: Required<PollerOptions>;
  private readonly link: PylonRequester;
  /** Pack numbers (1 = first pack) found by discovery or configured. */
  private packNumbers: number[] = [];
  private discoveredAt = -Infinity;
  private readonly identity = new Map<number, { at: number; values: Identity }>();
  private running: Promise<PollResult> | undefined;

  constructor(link: PylonRequester, options: PollerOptions) {
    const packs = options.packs;
    if (packs !== "auto" && (!Number.isInteger(packs) || packs < 1 || packs > 16)) {
      throw new Error(`packs must be "auto" or 1..16, got ${String(packs)}`);
    }
    this.link = link;
    this.options = {
      chargeManagement: false,
      identityIntervalMs: 3_600_000,
      rediscoverIntervalMs: 600_000,
      maxPacks: 16,
      ...options,
    };
    if (packs !== "auto") this.packNumbers = Array.from({ length: packs }, (_, k) => k + 1);
  }

  /** The address a pack is reported under: ADR on RS485, the pack number on the console port. */
  addressOf(pack: number): number {
    return this.options.mode === "rs232" ? pack : 1 + pack;
  }

  /** Pack numbers found so far. */
  get packs(): readonly number[] {
    return this.packNumbers;
  }

  /** Runs one cycle; a call while a cycle runs joins it instead of starting another. */
  poll(now = Date.now()): Promise<PollResult> {
    if (!this.running) {
      this.running = this.cycle(now).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** Forgets discovery and identity, e.g. after the port reconnects. */
  reset(): void {
    this.discoveredAt = -Infinity;
    this.identity.clear();
  }

  private async cycle(now: number): Promise<PollResult> {
    const started = performance.now();
    const errors: PollError[] = [];
    if (this.options.packs === "auto" && now - this.discoveredAt >= this.options.rediscoverIntervalMs) {
      await this.discover(errors);
      this.discoveredAt = now;
    }
    const packs: PylonPack[] = [];
    for (const pack of this.packNumbers) {
      const result = await this.pollPack(pack, now, errors);
      if (result) packs.push(result);
    }
    const payload: PollPayload = { stack: summarizeStack(packs, Math.floor(now / 1000)), packs, errors };
    return { payload, durationMs: performance.now() - started };
  }

  /** Probes 0x4F upward from pack 1; the first silence ends the stack (and is not an error). */
  private async discover(errors: PollError[]): Promise<void> {
    const found: number[] = [];
    for (let pack = 1; pack <= this.options.maxPacks; pack++) {
      try {
        await this.ask(PylonCommand.PROTOCOL_VERSION, pack, { retries: 0 });
        found.push(pack);
      } catch (err) {
        if (errorName(err) === "timeout") break;
        // A pack that answers with a bad frame is there; count it and say why.
        errors.push({ address: this.addressOf(pack), command: formatCid2(PylonCommand.PROTOCOL_VERSION), error: errorName(err) });
        found.push(pack);
      }
    }
    if (found.length === 0) {
      // Silence at the first pack is not the end of a stack but no stack at all.
      if (!errors.some((e) => e.address === this.addressOf(1))) {
        errors.push({ address: this.addressOf(1), command: formatCid2(PylonCommand.PROTOCOL_VERSION), error: "timeout" });
      }
      if (this.packNumbers.length > 0) return; // keep the last known stack rather than none
    }
    this.packNumbers = found;
  }

  private async ask(cid2: number, pack: number, options?: { retries?: number }): Promise<PylonPack> {
    const request = buildPackRequest(cid2, this.options.mode, pack);
    const { raw } = await this.link.request(request, options);
    const reply = decodeReply(cid2, raw, { request });
    return { ...reply.packs[0], address: this.addressOf(pack) };
  }

  private async pollPack(pack: number, now: number, errors: PollError[]): Promise<PylonPack | undefined> {
    const address = this.addressOf(pack);
    const fail = (cid2: number, err: unknown): void => {
      errors.push({ address, command: formatCid2(cid2), error: errorName(err) });
    };
    let result: PylonPack;
    try {
      result = await this.ask(PylonCommand.ANALOG_VALUES, pack);
    } catch (err) {
      // Without analog values the pack is not reported, and its other commands would only wait.
      fail(PylonCommand.ANALOG_VALUES, err);
      return undefined;
    }
    const more: number[] = [PylonCommand.ALARM_INFO];
    if (this.options.chargeManagement) more.push(PylonCommand.CHARGE_MANAGEMENT);
    for (const cid2 of more) {
      try {
        Object.assign(result, await this.ask(cid2, pack), { address });
      } catch (err) {
        fail(cid2, err);
      }
    }
    const identity = await this.identityOf(pack, now, errors);
    return { ...identity, ...result, address };
  }

  private async identityOf(pack: number, now: number, errors: PollError[]): Promise<Identity> {
    const cached = this.identity.get(pack);
    if (cached && now - cached.at < this.options.identityIntervalMs) return cached.values;
    const values: Identity = {};
    let complete = true;
    for (const cid2 of IDENTITY_COMMANDS) {
      try {
        const { address: _address, ...fields } = await this.ask(cid2, pack);
        Object.assign(values, fields);
      } catch (err) {
        if (TRANSIENT.has(errorName(err))) complete = false;
        errors.push({ address: this.addressOf(pack), command: formatCid2(cid2), error: errorName(err) });
      }
    }
    // A partial read is used now but retried next cycle.
    this.identity.set(pack, { at: complete ? now : -Infinity, values: { ...cached?.values, ...values } });
    return { ...cached?.values, ...values };
  }
}
