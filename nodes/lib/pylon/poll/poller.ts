// One PylonTech poll cycle over a shared bus: discovery, per-pack commands, identity refreshes and
// the message of docs/pylon-payloads.md. No Node-RED imports: pylon-poll and `lxp-pylon poll pylon` both drive it.
import {
  buildPackRequest,
  decodeReply,
  encodeRequest,
  formatCid2,
  packAddressing,
  PylonAddressMode,
  PylonCommand,
  PylonFrame,
  PylonFrameError,
  PylonPack,
  PylonProtocol,
  PylonReply,
  PylonSystem,
  PylonSystemBasicInfo,
  summarizeRequest,
  summarizeStack,
} from "../codec";
import { rangeOf } from "../../common/config-schema";
import type { PackPoller } from "./pack-poller";
import { CycleRunner } from "./cycle-runner";
import type { PollError, PollPayload, PollResult } from "./poll-result";

export type { PollError, PollPayload, PollResult, PollTicket } from "./poll-result";
import { errorCode } from "../../common/node-errors";

/** How many packs a stack may have: the pylon-poll setting "packs" (resources/config-schemas.js). */
const PACK_COUNT = rangeOf("pylon-poll", "packs");

/**
 * What the poller needs of a bus: PylonPortLink, or an in-process stand-in. A requester that
 * decodes (PylonPortLink) checks the reply's ADR, hands the frame to `decode` once and returns
 * the result as `decoded`; one that does not returns the wire text only and the poller decodes it.
 */
export interface PylonRequester {
  request<T>(
    frame: string,
    options?: {
      timeoutMs?: number;
      retries?: number;
      decode?: (frame: PylonFrame) => T;
      /** Bad frames seen while the request waited (PylonPortLink tells them; a requester may not). */
      onBadFrames?: (count: number, error: PylonFrameError) => void;
    },
  ): Promise<{ raw: string; decoded?: T }>;
}

export interface PollerOptions {
  mode: PylonAddressMode;
  /** A fixed number of packs, or "auto": probe upward from the first until the first silence. */
  packs: number | "auto";
  /** Whose layouts the replies use (pylon-port "protocol"); default "pylontech". */
  protocol?: PylonProtocol;
  /** Also read 0x92 (charge/discharge limits and request flags) every cycle (PylonTech only). */
  chargeManagement?: boolean;
  /**
   * Also read the V3.5 system commands at the group master (ADR 2): 0x61–0x63 every cycle, 0x60 with
   * the identity (pylon-protocol.md §5.9). RS485 and PylonTech only; the values go to `payload.system`.
   * A command the master answers with an error reply waits for the next 0x60; after silence none of
   * them is asked for a minute.
   */
  system?: boolean;
  /** Identity and limits (0x93, 0x51, 0x96, 0x47, 0x4F) are read at start and then this often. */
  identityIntervalMs?: number;
  /** With "auto": probe for packs again this often (a pack added or woken up). */
  rediscoverIntervalMs?: number;
  /** Highest pack number auto discovery probes. */
  maxPacks?: number;
}

type Identity = Omit<PylonPack, "address">;

/** After an identity read with timeouts, how long until it is tried again. */
const IDENTITY_RETRY_MS = 60_000;

const IDENTITY_COMMANDS = [
  PylonCommand.SERIAL_NUMBER,
  PylonCommand.MANUFACTURER_INFO,
  PylonCommand.FIRMWARE_VERSION,
  PylonCommand.SYSTEM_PARAMETERS,
  PylonCommand.PROTOCOL_VERSION,
] as const;

/** A Seplos V2 BMS answers RTN 04 to 0x93 (and 0x92, 0x96): its identity is 0x51, 0x47 and 0x4F. */
const SEPLOS_IDENTITY_COMMANDS = [PylonCommand.MANUFACTURER_INFO, PylonCommand.SYSTEM_PARAMETERS, PylonCommand.PROTOCOL_VERSION] as const;

/** Read every cycle with the `system` option (backing off as pollSystem says); 0x60 (basic info) goes with the identity. */
const SYSTEM_COMMANDS = [PylonCommand.SYSTEM_ANALOG, PylonCommand.SYSTEM_ALARMS, PylonCommand.SYSTEM_CHARGE_MANAGEMENT] as const;

/** Failures worth asking again next cycle; an error reply (RTN) is an answer and waits for the next refresh. */
const TRANSIENT = new Set(["timeout", "checksum", "length_checksum", "length_mismatch", "framing", "bad_hex", "truncated"]);

/** Link errors that say the port is down: every further request of the cycle would fail the same way. */
const PORT_DOWN = new Set(["not_connected", "closed"]);

/** Ends a cycle at the first request the link refuses, instead of failing every other request too. */
class PortDown extends Error {
  constructor(
    readonly entry: PollError,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

export class PylonPoller extends CycleRunner implements PackPoller {
  readonly options: Required<PollerOptions>;
  private readonly link: PylonRequester;
  /** Pack numbers (1 = first pack) found by discovery or configured. */
  private packNumbers: number[] = [];
  private discoveredAt = -Infinity;
  private readonly identity = new Map<number, { at: number; values: Identity }>();
  private systemBasic: { at: number; values?: PylonSystemBasicInfo } | undefined;
  /** System commands the master answered with an error reply: not asked again until 0x60 is. */
  private readonly systemRefused = new Set<number>();
  /** After the master stayed silent to a system command, none is asked before this time. */
  private systemSilentUntil = -Infinity;
  /** Bad frames of the running cycle. */
  private tally: { count: number; first?: PylonFrameError } = { count: 0 };
  private stopped = false;

  constructor(link: PylonRequester, options: PollerOptions) {
    super();
    const packs = options.packs;
    if (packs !== "auto" && (!Number.isInteger(packs) || packs < PACK_COUNT.min || packs > PACK_COUNT.max)) {
      throw new Error(`packs must be "auto" or ${PACK_COUNT.min}..${PACK_COUNT.max}, got ${String(packs)}`);
    }
    if (options.protocol === "seplos" && options.mode !== "rs485") {
      throw new Error('the Seplos protocol works on the RS485 port only: use mode "rs485"');
    }
    this.link = link;
    this.options = {
      protocol: "pylontech",
      chargeManagement: false,
      system: false,
      identityIntervalMs: 3_600_000,
      rediscoverIntervalMs: 600_000,
      maxPacks: PACK_COUNT.max,
      ...options,
    };
    if (packs !== "auto") this.packNumbers = Array.from({ length: packs }, (_, k) => k + 1);
  }

  /** The address a pack is reported under: ADR on RS485 (Seplos from 0), the pack number on the console port. */
  addressOf(pack: number): number {
    if (this.options.protocol === "seplos") return pack - 1;
    return this.options.mode === "rs232" ? pack : 1 + pack;
  }

  /** Whether this poller reads the V3.5 system commands (asked for, and possible on this port). */
  get readsSystem(): boolean {
    return this.options.system && this.options.mode === "rs485" && this.options.protocol === "pylontech";
  }

  /** Options asked for that this port cannot serve, one line each: said once (node warning, CLI stderr), not failed every cycle. */
  get unavailableOptions(): string[] {
    const notes: string[] = [];
    if (this.options.system && !this.readsSystem) {
      notes.push("system values (0x60–0x63) are read on the RS485 port with protocol pylontech only: not read");
    }
    if (this.options.chargeManagement && this.options.protocol === "seplos") {
      notes.push("charge management (0x92) is not available from a Seplos BMS: not read");
    }
    return notes;
  }

  /** Pack numbers found so far. */
  get packs(): readonly number[] {
    return this.packNumbers;
  }

  /** Forgets discovery, identity and the last result, e.g. after the port reconnects. */
  reset(): void {
    this.discoveredAt = -Infinity;
    this.identity.clear();
    this.systemBasic = undefined;
    this.systemRefused.clear();
    this.systemSilentUntil = -Infinity;
    this.forgetLast();
  }

  /** Ends the poller: a running cycle stops before its next request (a closed node must not hold the bus). */
  stop(): void {
    this.stopped = true;
  }

  protected async cycle(now: number, cycle: number): Promise<PollResult> {
    const started = performance.now();
    this.tally = { count: 0 };
    const errors: PollError[] = [];
    const packs: PylonPack[] = [];
    const system: PylonSystem | undefined = this.readsSystem ? { address: this.systemAddress } : undefined;
    let portDown: string | undefined;
    try {
      if (this.options.packs === "auto" && now - this.discoveredAt >= this.options.rediscoverIntervalMs) {
        if (await this.discover(errors)) this.discoveredAt = now;
      }
      for (const pack of this.packNumbers) {
        const result = await this.pollPack(pack, now, errors);
        if (result) packs.push(result);
      }
      if (system) await this.pollSystem(system, now, errors);
    } catch (err) {
      if (!(err instanceof PortDown)) throw err;
      errors.push(err.entry);
      portDown = err.message;
    }
    const payload: PollPayload = { stack: summarizeStack(packs, Math.floor(now / 1000)), packs, errors, ...(system && { system }) };
    const { count: badFrames, first: firstBadFrame } = this.tally;
    return {
      payload,
      durationMs: performance.now() - started,
      cycle,
      badFrames,
      ...(firstBadFrame && { firstBadFrame }),
      ...(portDown !== undefined && { portDown }),
    };
  }

  /**
   * Probes upward from pack 1 until the first silence above the packs already known (that silence
   * ends the stack and is not an error). A known pack that is silent now stays in the list, so
   * the poll reports it instead of hiding it and every pack above it. Returns whether the result
   * stands (false: nothing found; try again next cycle). A port that is down ends the cycle (PortDown).
   */
  private async discover(errors: PollError[]): Promise<boolean> {
    const probe = this.probeCommand;
    const known = this.packNumbers.length ? Math.max(...this.packNumbers) : 0;
    const found: number[] = [];
    for (let pack = 1; pack <= this.options.maxPacks; pack++) {
      try {
        await this.ask(probe, pack, { retries: 0 });
        found.push(pack);
      } catch (err) {
        if (err instanceof PortDown) throw err;
        const why = errorCode(err);
        if (why === "timeout") {
          if (pack > known) break;
          found.push(pack); // known before: poll it and report its silence
          continue;
        }
        // A pack that answers with a bad frame is there; count it and say why.
        errors.push({ address: this.addressOf(pack), command: formatCid2(probe), error: why });
        found.push(pack);
      }
    }
    if (found.length === 0) {
      // Silence at the first pack is not the end of a stack but no stack at all.
      errors.push({ address: this.addressOf(1), command: formatCid2(probe), error: "timeout" });
      return false;
    }
    this.packNumbers = found;
    return true;
  }

  /**
   * Discovery asks a command that names the pack: on the console port every request goes to ADR 1,
   * where the master would answer 0x4F for any pack number. On RS485 0x4F is the cheapest.
   */
  private get probeCommand(): number {
    return this.options.mode === "rs232" ? PylonCommand.SERIAL_NUMBER : PylonCommand.PROTOCOL_VERSION;
  }

  /** One command to one pack; throws PortDown when the port is down or the poller stopped. */
  private async ask(cid2: number, pack: number, options?: { retries?: number }): Promise<PylonPack> {
    const { mode, protocol } = this.options;
    const reply = await this.exchange(cid2, buildPackRequest(cid2, mode, pack, { protocol }), this.addressOf(pack), options);
    return { ...reply.packs[0], address: this.addressOf(pack) };
  }

  /**
   * Sends `request` and decodes its reply, parsed once by the link and decoded once; throws PortDown
   * when the port is down or the poller stopped.
   */
  private async exchange(cid2: number, request: string, address: number, options?: { retries?: number }): Promise<PylonReply> {
    const entry = (error: string): PollError => ({ address, command: formatCid2(cid2), error });
    if (this.stopped) throw new PortDown(entry("closed"), "the poller was stopped");
    const { protocol } = this.options;
    const summary = summarizeRequest(cid2, request);
    // The link has matched the reply's ADR: the decoder checks the rest, and a reply naming another
    // pack (a slow pack's late reply) makes the link wait on for ours.
    const checked = { selector: summary.selector };
    const decode = (frame: PylonFrame): PylonReply => decodeReply(cid2, frame, { request: checked, protocol });
    const onBadFrames = (count: number, error: PylonFrameError): void => {
      this.tally.count += count;
      this.tally.first ??= error;
    };
    let reply: { raw: string; decoded?: PylonReply };
    try {
      reply = await this.link.request(request, { ...options, decode, onBadFrames });
    } catch (err) {
      const why = errorCode(err);
      throw PORT_DOWN.has(why) ? new PortDown(entry(why), err) : err;
    }
    return reply.decoded ?? decodeReply(cid2, reply.raw, { request: summary, protocol });
  }

  /** ADR of the master of group 0, where the system commands are asked. */
  private get systemAddress(): number {
    return packAddressing("rs485", 1).adr;
  }

  /**
   * 0x61–0x63 into `system`, and 0x60 when due; failures go to `errors` under the master's ADR.
   * A master without V3.5 firmware answers error replies or nothing: asking again every cycle
   * would cost each cycle up to three timeouts, so such commands wait (pylon-protocol.md §5.9).
   */
  private async pollSystem(system: PylonSystem, now: number, errors: PollError[]): Promise<void> {
    const address = system.address;
    const ask = async (cid2: number): Promise<{ values?: Omit<PylonSystem, "address">; error?: string }> => {
      try {
        const { address: _address, ...values } = (await this.exchange(cid2, encodeRequest(cid2, { adr: address }), address)).system ?? { address };
        return { values };
      } catch (err) {
        if (err instanceof PortDown) throw err;
        const error = errorCode(err);
        errors.push({ address, command: formatCid2(cid2), error });
        return { error };
      }
    };
    const silent = (): void => {
      this.systemSilentUntil = now + IDENTITY_RETRY_MS;
    };
    const cached = this.systemBasic;
    if (cached && now - cached.at < this.options.identityIntervalMs) {
      if (cached.values) system.basic_info = cached.values;
    } else {
      this.systemRefused.clear();
      const { values, error } = await ask(PylonCommand.SYSTEM_BASIC_INFO);
      // As for the pack identity: after a timeout, try again a minute later, not every cycle.
      const at = error !== undefined && TRANSIENT.has(error) ? now - this.options.identityIntervalMs + IDENTITY_RETRY_MS : now;
      const basic = values?.basic_info ?? cached?.values;
      this.systemBasic = { at, values: basic };
      if (basic) system.basic_info = basic;
      if (error === "timeout") silent();
    }
    if (now < this.systemSilentUntil) return;
    for (const cid2 of SYSTEM_COMMANDS) {
      if (this.systemRefused.has(cid2)) continue;
      const { values, error } = await ask(cid2);
      Object.assign(system, values);
      if (error === "timeout") return silent(); // the rest would wait as long
      if (error !== undefined && !TRANSIENT.has(error)) this.systemRefused.add(cid2);
    }
  }

  private async pollPack(pack: number, now: number, errors: PollError[]): Promise<PylonPack | undefined> {
    const address = this.addressOf(pack);
    const fail = (cid2: number, err: unknown): void => {
      errors.push({ address, command: formatCid2(cid2), error: errorCode(err) });
    };
    let result: PylonPack;
    try {
      result = await this.ask(PylonCommand.ANALOG_VALUES, pack);
    } catch (err) {
      if (err instanceof PortDown) throw err;
      // Without analog values the pack is not reported, and its other commands would only wait.
      fail(PylonCommand.ANALOG_VALUES, err);
      return undefined;
    }
    const more: number[] = [PylonCommand.ALARM_INFO];
    // A Seplos BMS answers 0x92 with RTN 04 (pylon-protocol.md §11).
    if (this.options.chargeManagement && this.options.protocol === "pylontech") more.push(PylonCommand.CHARGE_MANAGEMENT);
    for (const cid2 of more) {
      try {
        Object.assign(result, await this.ask(cid2, pack), { address });
      } catch (err) {
        if (err instanceof PortDown) throw err;
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
    for (const cid2 of this.options.protocol === "seplos" ? SEPLOS_IDENTITY_COMMANDS : IDENTITY_COMMANDS) {
      // 0x51 answers with the master's identity at every address (pylon-protocol.md §5.2): ask the first pack only.
      if (cid2 === PylonCommand.MANUFACTURER_INFO && pack !== this.packNumbers[0]) continue;
      try {
        const { address: _address, ...fields } = await this.ask(cid2, pack);
        Object.assign(values, fields);
      } catch (err) {
        if (err instanceof PortDown) throw err;
        if (TRANSIENT.has(errorCode(err))) complete = false;
        errors.push({ address: this.addressOf(pack), command: formatCid2(cid2), error: errorCode(err) });
      }
    }
    // A partial read is used now and tried again a minute later, not every cycle.
    const at = complete ? now : now - this.options.identityIntervalMs + IDENTITY_RETRY_MS;
    this.identity.set(pack, { at, values: { ...cached?.values, ...values } });
    return { ...cached?.values, ...values };
  }

}
