// One PylonTech poll cycle over the RS232 text console (pylon-protocol.md §7): `pwr` at the master
// for every pack, `bat N` per present pack, and `info N`, `stat N`, `soh N` at the identity
// interval, mapped to the pylon-poll payload (docs/pylon-payloads.md "Console mode"). The same
// surface as PylonPoller, so the nodes and the CLI only choose which one to build. No Node-RED imports.
import { summarizeStack } from "../codec";
import { decodeConsole, type ConsoleCell, type ConsolePack, type ConsoleResult } from "../console";
import type { ConsoleRequester } from "../link/console-types";
import { rangeOf } from "../../common/config-schema";
import { errorCode } from "../../common/node-errors";
import { consolePack, type ConsoleIdentity, type ConsolePylonPack } from "./console-mapping";
import type { PackPoller } from "./pack-poller";
import { CycleRunner } from "./cycle-runner";
import type { PollError, PollPayload, PollResult } from "./poll-result";

const PACK_COUNT = rangeOf("pylon-poll", "packs");

export interface ConsolePollerOptions {
  /** A fixed number of packs (1..N), or "auto": the packs `pwr` shows present. */
  packs: number | "auto";
  /** info, stat and soh are read at start and then this often. */
  identityIntervalMs?: number;
  /** Binary-mode options: accepted so the settings are shared, never read here (unavailableOptions says so). */
  chargeManagement?: boolean;
  system?: boolean;
}

/** After an identity read that timed out or was cut off, how long until it is tried again. */
const IDENTITY_RETRY_MS = 60_000;
/** Failures worth asking again soon; a refusal or a garbled table waits for the next refresh. */
const TRANSIENT = new Set(["timeout", "truncated", "no_body", "cut_off"]);
/** Link errors that say the port is down: every further command of the cycle would fail the same way. */
const PORT_DOWN = new Set(["not_connected", "closed"]);
/** The master answers `pwr` for the whole stack: its errors are reported under pack 1. */
const MASTER = 1;

/** Ends a cycle at the first command the link refuses for a down port. */
class PortDown extends Error {
  constructor(
    readonly entry: PollError,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

export class ConsolePoller extends CycleRunner implements PackPoller {
  readonly options: Required<ConsolePollerOptions>;
  private packNumbers: number[] = [];
  private readonly identity = new Map<number, { at: number; values: ConsoleIdentity }>();
  private stopped = false;

  constructor(
    private readonly link: ConsoleRequester,
    options: ConsolePollerOptions,
  ) {
    super();
    const packs = options.packs;
    if (packs !== "auto" && (!Number.isInteger(packs) || packs < PACK_COUNT.min || packs > PACK_COUNT.max)) {
      throw new Error(`packs must be "auto" or ${PACK_COUNT.min}..${PACK_COUNT.max}, got ${String(packs)}`);
    }
    this.options = { identityIntervalMs: 3_600_000, chargeManagement: false, system: false, ...options };
  }

  get unavailableOptions(): string[] {
    const notes: string[] = [];
    if (this.options.chargeManagement) notes.push("charge management (0x92) is not available in console mode: not read");
    if (this.options.system) notes.push("system values (0x60–0x63) are not available in console mode: not read");
    return notes;
  }

  /** Pack numbers the last `pwr` showed present (and within the configured count). */
  get packs(): readonly number[] {
    return this.packNumbers;
  }





  reset(): void {
    this.identity.clear();
    this.forgetLast();
  }

  stop(): void {
    this.stopped = true;
  }

  protected async cycle(now: number, cycle: number): Promise<PollResult> {
    const started = performance.now();
    const errors: PollError[] = [];
    const packs: ConsolePylonPack[] = [];
    let portDown: string | undefined;
    try {
      const rows = await this.pwr(errors);
      if (rows) {
        const limit = this.options.packs === "auto" ? Infinity : this.options.packs;
        const present = rows.filter((row) => !row.absent && row.pack <= limit);
        this.packNumbers = present.map((row) => row.pack);
        for (const row of present) packs.push(await this.pollPack(row, now, errors));
      }
    } catch (err) {
      if (!(err instanceof PortDown)) throw err;
      errors.push(err.entry);
      portDown = err.message;
    }
    const payload: PollPayload = { stack: summarizeStack(packs, Math.floor(now / 1000)), packs, errors };
    return {
      payload,
      durationMs: performance.now() - started,
      cycle,
      badFrames: 0,
      ...(portDown !== undefined && { portDown }),
    };
  }

  private async pwr(errors: PollError[]): Promise<ConsolePack[] | undefined> {
    const result = await this.ask("pwr", MASTER, errors);
    return result?.command === "pwr" ? result.packs : undefined;
  }

  private async pollPack(row: ConsolePack, now: number, errors: PollError[]): Promise<ConsolePylonPack> {
    const pack = row.pack;
    const bat = await this.ask(`bat ${pack}`, pack, errors);
    const cells: ConsoleCell[] | undefined = bat?.command === "bat" ? bat.cells : undefined;
    return consolePack(row, cells, await this.identityOf(pack, now, errors));
  }

  private async identityOf(pack: number, now: number, errors: PollError[]): Promise<ConsoleIdentity> {
    const cached = this.identity.get(pack);
    if (cached && now - cached.at < this.options.identityIntervalMs) return cached.values;
    const values: ConsoleIdentity = { ...cached?.values };
    let complete = true;
    const transient = (): void => {
      complete = false;
    };
    const info = await this.ask(`info ${pack}`, pack, errors, transient);
    if (info?.command === "info") values.info = info.info;
    const stat = await this.ask(`stat ${pack}`, pack, errors, transient);
    if (stat?.command === "stat") values.stat = stat.stat;
    const soh = await this.ask(`soh ${pack}`, pack, errors, transient);
    if (soh?.command === "soh") values.soh = soh.soh;
    // A partial read is used now and tried again a minute later, not every cycle.
    const at = complete ? now : now - this.options.identityIntervalMs + IDENTITY_RETRY_MS;
    this.identity.set(pack, { at, values });
    return values;
  }

  /**
   * One command, decoded; a failure is an `errors` entry and undefined. Throws PortDown when the
   * port is down or the poller stopped.
   */
  private async ask(line: string, address: number, errors: PollError[], onTransient?: () => void): Promise<ConsoleResult | undefined> {
    const entry = (error: string): PollError => ({ address, command: line, error });
    if (this.stopped) throw new PortDown(entry("closed"), "the poller was stopped");
    try {
      const { text } = await this.link.command(line);
      return decodeConsole(text, line);
    } catch (err) {
      const why = errorCode(err);
      if (PORT_DOWN.has(why)) throw new PortDown(entry(why), err);
      if (TRANSIENT.has(why)) onTransient?.();
      errors.push(entry(why));
      return undefined;
    }
  }
}
