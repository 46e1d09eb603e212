// A simulated inverter as the master of a simulated stack's RS485 bus (pylon-protocol.md §12): each
// cycle it asks every pack for 0x44 then 0x42, one request at a time, as the real capture in
// test/fixtures/pylon-bus shows, and puts both directions on a bus tap for passive listeners.
import { encodeRequest, PylonCommand } from "../../nodes/lib/pylon/codec";
import type { PylonStackSimulator } from "./stack";

export interface PylonBusMasterOptions {
  /** Seconds from one cycle's start to the next; default 2. */
  intervalS?: number;
  /** VER of the requests; default 0x25, the inverter of the real capture. */
  ver?: number;
  /** Commands of a cycle, each to every pack; default 0x44, 0x42. */
  commands?: number[];
  /** Pause after a reply (or a silent pack's timeout) before the next request; default 20 ms. */
  gapMs?: number;
  /** How long a silent pack is waited for; default 200 ms. */
  timeoutMs?: number;
}

/** Where the bus's bytes go: the tap, a test's buffer. */
export type BusWire = (bytes: Buffer) => void;

export class PylonBusMaster {
  readonly intervalS: number;
  readonly ver: number;
  private readonly commands: number[];
  private readonly gapMs: number;
  private readonly timeoutMs: number;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();
  /** Requests sent and replies heard so far. */
  readonly counts = { cycles: 0, requests: 0, replies: 0 };

  constructor(
    private readonly stack: PylonStackSimulator,
    private readonly wire: BusWire,
    options: PylonBusMasterOptions = {},
  ) {
    this.intervalS = options.intervalS ?? 2;
    this.ver = options.ver ?? 0x25;
    this.commands = options.commands ?? [PylonCommand.ALARM_INFO, PylonCommand.ANALOG_VALUES];
    this.gapMs = options.gapMs ?? 20;
    this.timeoutMs = options.timeoutMs ?? 200;
    if (stack.mode !== "rs485") throw new Error("a bus master polls an rs485 stack");
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the exchange in progress; resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
  }

  /** One cycle: every command to every pack, in address order. */
  async cycle(): Promise<void> {
    for (const cid2 of this.commands) {
      for (const address of this.stack.addresses) {
        if (!this.running) return;
        await this.exchange(cid2, address);
      }
    }
    this.counts.cycles++;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = Date.now();
      await this.cycle();
      await this.sleep(this.intervalS * 1000 - (Date.now() - started));
    }
  }

  private async exchange(cid2: number, address: number): Promise<void> {
    const request = encodeRequest(cid2, { adr: address, info: address, ver: this.ver });
    this.wire(Buffer.from(request, "latin1"));
    this.counts.requests++;
    const reply = this.stack.reply(request);
    if (!reply) {
      await this.sleep(this.timeoutMs);
      return;
    }
    await this.sleep(reply.delayMs);
    if (!this.running) return;
    this.wire(reply.bytes);
    this.counts.replies++;
    await this.sleep(this.gapMs);
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }
}
