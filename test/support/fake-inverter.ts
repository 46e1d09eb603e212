// A loopback stand-in for a dongle with an inverter behind it: answers read/write requests with
// frames built by the codec, keeps hold-register state, and can be told to misbehave.
import type net from "node:net";
import {
  DeviceFunction,
  encodeExceptionReply,
  encodeReadParamReply,
  encodeReadReply,
  encodeWriteMultiReply,
  encodeWriteSingleReply,
  LxpFrame,
  LxpStreamParser,
  Target,
} from "../../nodes/lib/lxp/codec";
import { FakeDongleServer } from "./net";

export interface FakeInverterOptions {
  datalog?: string;
  inverter?: string;
  /** Frames sent just before the reply to a request (e.g. a misrouted reply). */
  before?: (request: LxpFrame) => Buffer[];
  /** Value echoed for a write single (default: the value written). */
  echo?: (register: number, value: number) => number;
  /** Exception code to answer a request with (undefined = answer normally). */
  exception?: (deviceFunction: number, register: number) => number | undefined;
  /** Accept writes without storing them (a read-back then shows the old value). */
  ignoreWrites?: boolean;
  /** Answer nothing at all. */
  silent?: boolean;
  params?: Record<number, number>;
  /** Direction byte of its replies: 1 (default), or 0 as some EG4 dongles send (lxp-protocol.md §3). */
  replyDirection?: 0 | 1;
  /** Delay before answering (the highest number of requests waiting at once is kept in maxWaiting). */
  replyDelayMs?: number;
}

export class FakeInverter {
  readonly dongle = new FakeDongleServer();
  readonly holds = new Map<number, number>();
  /** Every frame clients sent, in order. */
  readonly received: LxpFrame[] = [];
  readonly target: Target;
  maxWaiting = 0;
  private waiting = 0;

  constructor(readonly options: FakeInverterOptions = {}) {
    this.target = { datalog: options.datalog ?? "2222222222", inverter: options.inverter ?? "5555555555" };
    this.dongle.server.on("connection", (socket: net.Socket) => {
      const parser = new LxpStreamParser();
      socket.on("data", (chunk) => {
        for (const item of parser.push(chunk)) if (item.frame) this.answer(socket, item.frame);
      });
    });
  }

  listen(): Promise<number> {
    return this.dongle.listen();
  }

  close(): Promise<void> {
    return this.dongle.close();
  }

  /** Sends bytes to every connected client, as the dongle pushes its own frames. */
  push(buf: Buffer): void {
    this.dongle.write(buf);
  }

  setHolds(start: number, values: readonly number[]): void {
    values.forEach((v, k) => this.holds.set(start + k, v));
  }

  /** Raw bytes of the translated requests received (for byte-exact checks). */
  requestsHex(): string[] {
    return this.received.filter((f) => f.kind !== "heartbeat").map((f) => f.raw.toString("hex"));
  }

  private answer(socket: net.Socket, frame: LxpFrame): void {
    this.received.push(frame);
    if (this.options.silent || frame.kind === "heartbeat") return;
    const respond = (): void => {
      for (const b of this.options.before?.(frame) ?? []) socket.write(b);
      const reply = this.reply(frame);
      if (reply) socket.write(reply);
    };
    if (!this.options.replyDelayMs) return respond();
    this.waiting++;
    this.maxWaiting = Math.max(this.maxWaiting, this.waiting);
    setTimeout(() => {
      this.waiting--;
      respond();
    }, this.options.replyDelayMs);
  }

  private reply(frame: LxpFrame): Buffer | undefined {
    const t = this.target;
    if (frame.kind === "param") {
      if (frame.role !== "request" || frame.tcpFunction !== 0xc3) return undefined;
      const value = Buffer.alloc(2);
      value.writeUInt16LE(this.options.params?.[frame.param] ?? 0);
      return encodeReadParamReply(t.datalog, frame.param, value);
    }
    if (frame.kind !== "translated" || frame.role !== "request") return undefined;
    const direction = this.options.replyDirection ?? 1;
    const code = this.options.exception?.(frame.deviceFunction, frame.register);
    if (code !== undefined) return encodeExceptionReply(t, frame.deviceFunction, frame.register, code);
    switch (frame.deviceFunction) {
      case DeviceFunction.READ_HOLD:
      case DeviceFunction.READ_INPUT: {
        const values = Array.from({ length: frame.count }, (_, k) =>
          frame.deviceFunction === DeviceFunction.READ_HOLD ? (this.holds.get(frame.register + k) ?? 0) : 0,
        );
        return encodeReadReply(t, frame.deviceFunction, frame.register, values, direction);
      }
      case DeviceFunction.WRITE_SINGLE:
        if (!this.options.ignoreWrites) this.holds.set(frame.register, frame.value);
        return encodeWriteSingleReply(t, frame.register, this.options.echo?.(frame.register, frame.value) ?? frame.value, direction);
      case DeviceFunction.WRITE_MULTI:
        if (!this.options.ignoreWrites) this.setHolds(frame.register, frame.values);
        return encodeWriteMultiReply(t, frame.register, frame.count, direction);
    }
  }
}
