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
  /** A snapshot: per pack address, Unix time (s) of the last reply that carried its values. */
  updated?: Record<string, number>;
}

/** A pack not heard of for this long is left out of snapshots (its values are not fresh). */
export const PASSIVE_STALE_MS = 300_000;

/** Packs remembered at most (addresses 0–255 exist; a noisy bus cannot grow this). */
const MAX_PACKS = 64;

export class PassiveView {
  private readonly latest = new Map<number, { values: PylonPack; at: number }>();

  constructor(private readonly staleMs = PASSIVE_STALE_MS) {}

  /** The payload for one decoded reply; the reply's packs also update the snapshot. */
  take(passive: PassiveReply, now: number): PassivePayload {
    const { reply, request } = passive;
    for (const pack of reply.packs) this.remember(pack, now);
    const payload: PassivePayload = {
      stack: summarizeStack(reply.packs, Math.floor(now / 1000)),
      packs: reply.packs,
      errors: [],
      request: { command: formatCid2(request.cid2), address: request.adr, raw: request.raw },
    };
    if (reply.system) payload.system = reply.system;
    return payload;
  }

  /** The latest values of every pack heard of within the stale time, merged over commands, in address order. */
  snapshot(now: number): PassivePayload {
    const fresh = [...this.latest.entries()].filter(([, entry]) => now - entry.at <= this.staleMs).sort(([a], [b]) => a - b);
    const packs = fresh.map(([, entry]) => structuredClone(entry.values));
    const updated = Object.fromEntries(fresh.map(([address, entry]) => [String(address), Math.floor(entry.at / 1000)]));
    return { stack: summarizeStack(packs, Math.floor(now / 1000)), packs, errors: [], updated };
  }

  /** Packs heard of within the stale time. */
  packCount(now: number): number {
    let n = 0;
    for (const entry of this.latest.values()) if (now - entry.at <= this.staleMs) n++;
    return n;
  }

  /** Forgets every pack (the port reopened: the bus may have changed). */
  reset(): void {
    this.latest.clear();
  }

  private remember(pack: PylonPack, now: number): void {
    const entry = this.latest.get(pack.address);
    if (entry) {
      entry.values = { ...entry.values, ...pack };
      entry.at = now;
      this.latest.delete(pack.address); // re-insert: the map's order is least recently heard first
      this.latest.set(pack.address, entry);
      return;
    }
    if (this.latest.size >= MAX_PACKS) this.latest.delete(this.latest.keys().next().value as number);
    this.latest.set(pack.address, { values: { ...pack }, at: now });
  }
}
