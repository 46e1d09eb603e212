// What pylon-poll sends on a listening port (docs/pylon-payloads.md §13): one payload per reply
// the inverter's poll drew from the packs, in the cycle message's shape, and on request a snapshot
// of the latest values of each pack, merged over the commands seen. No Node-RED imports.
import { formatCid2, type PylonPack, type PylonStack, type PylonSystem, summarizeStack } from "../codec";
import type { PassiveReply } from "../passive";

/** The request seen on the bus that drew a reply. */
export interface PassiveRequestInfo {
  /** "0x42". */
  command: string;
  /** Its ADR (the pack polled, or the group master). */
  address: number;
  /** Its wire text, `~` to CR. */
  raw: string;
}

export interface PassivePayload {
  stack: PylonStack;
  packs: PylonPack[];
  /** Always `[]`: a reply the codec refused is counted, not sent. */
  errors: [];
  /** A reply's message: the request that asked for it. Absent in a snapshot. */
  request?: PassiveRequestInfo;
  /** 0x60–0x63 replies: the group's values. */
  system?: PylonSystem;
  /** A snapshot: per pack address, Unix time (s) of the last reply that carried values of it. */
  updated?: Record<string, number>;
}

/** A pack not heard of for this long is left out of snapshots (its values are not fresh). */
export const PASSIVE_STALE_MS = 300_000;

/** Packs remembered at most (addresses 0–255 exist; a noisy bus cannot grow this). */
const MAX_PACKS = 64;
/** Commands remembered per pack (the codec decodes about 15). */
const MAX_COMMANDS = 16;

export class PassiveView {
  /** Per pack address, per command ("0x42"), the values that command's last reply carried. */
  private readonly latest = new Map<number, Map<string, { values: PylonPack; at: number }>>();

  constructor(private readonly staleMs = PASSIVE_STALE_MS) {}

  /** The payload for one decoded reply; the reply's packs also update the snapshot. */
  take(passive: PassiveReply, now: number): PassivePayload {
    const { reply, request } = passive;
    for (const pack of reply.packs) this.remember(reply.command, pack, now);
    const payload: PassivePayload = {
      stack: summarizeStack(reply.packs, Math.floor(now / 1000)),
      packs: reply.packs,
      errors: [],
      request: { command: formatCid2(request.cid2), address: request.adr, raw: request.raw },
    };
    if (reply.system) payload.system = reply.system;
    return payload;
  }

  /**
   * Every pack heard of within the stale time, in address order: the values of each command whose
   * last reply is that recent, merged (0x42's values and 0x44's alarms in one object). A command
   * the inverter stopped asking for drops out after the stale time, even if others keep coming.
   */
  snapshot(now: number): PassivePayload {
    const packs: PylonPack[] = [];
    const updated: Record<string, number> = {};
    for (const address of [...this.latest.keys()].sort((a, b) => a - b)) {
      const fresh = [...(this.latest.get(address) ?? new Map()).values()].filter((entry) => now - entry.at <= this.staleMs);
      if (fresh.length === 0) continue;
      fresh.sort((a, b) => a.at - b.at); // the newest reply's keys win
      packs.push(structuredClone(Object.assign({}, ...fresh.map((entry) => entry.values)) as PylonPack));
      updated[String(address)] = Math.floor(Math.max(...fresh.map((entry) => entry.at)) / 1000);
    }
    return { stack: summarizeStack(packs, Math.floor(now / 1000)), packs, errors: [], updated };
  }

  /** Packs heard of within the stale time. */
  packCount(now: number): number {
    let n = 0;
    for (const commands of this.latest.values()) if ([...commands.values()].some((entry) => now - entry.at <= this.staleMs)) n++;
    return n;
  }

  /** Forgets every pack (the port reopened: the bus may have changed). */
  reset(): void {
    this.latest.clear();
  }

  private remember(command: string, pack: PylonPack, now: number): void {
    let commands = this.latest.get(pack.address);
    if (commands) {
      this.latest.delete(pack.address); // re-insert: the map's order is least recently heard first
    } else {
      if (this.latest.size >= MAX_PACKS) this.latest.delete(this.latest.keys().next().value as number);
      commands = new Map();
    }
    this.latest.set(pack.address, commands);
    if (!commands.has(command) && commands.size >= MAX_COMMANDS) commands.delete(commands.keys().next().value as string);
    commands.delete(command);
    commands.set(command, { values: { ...pack }, at: now });
  }
}
