// Fake PylonTech batteries for the link specs: one behind MockBinding (serial) and one behind a
// loopback TCP server (gateway). Both answer requests with frames built by the codec.
import { createServer, type Server, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { MockBinding, type MockPortBinding } from "@serialport/binding-mock";
import { encodeFrame, encodeRequest, parseFrame, PylonFrameSplitter } from "../../nodes/lib/pylon/codec";
import type { SerialBinding } from "../../nodes/lib/pylon/link";

type Timer = ReturnType<typeof setTimeout>;

/** Chunks to send back for a request (sent `replyDelayMs` apart), or undefined for silence. */
export type Responder = (request: string, index: number) => string | string[] | undefined;

export interface Stamp {
  at: number;
  text: string;
}

/** A request frame for 0x42 to `adr`. */
export function requestFor(adr: number, cid2 = 0x42): string {
  return encodeRequest(cid2, { adr, info: adr });
}

/** A good reply to `request`: same ADR, RTN 0, INFO = the request's CID2 (so tests can tell replies apart). */
export function replyTo(request: string): string {
  const req = parseFrame(request);
  return encodeFrame({ adr: req.adr, cid2: 0, info: [req.cid2, req.adr] });
}

/** The same frame with a wrong CHKSUM. */
export function corrupt(frame: string): string {
  const chk = frame.slice(-5, -1);
  const wrong = ((parseInt(chk, 16) + 1) & 0xffff).toString(16).toUpperCase().padStart(4, "0");
  return frame.slice(0, -5) + wrong + "\r";
}

export const answerAll: Responder = (request) => replyTo(request);

/** Ignores the first `count` requests, answers the rest. */
export function silentFor(count: number): Responder {
  return (request, index) => (index < count ? undefined : replyTo(request));
}

/**
 * A battery on a mock serial port. `binding` is MockBinding with two changes: opening fails like
 * a missing device while unplugged, and every opened port answers its writes through `respond`.
 */
export class MockBattery {
  readonly path: string;
  readonly binding: SerialBinding;
  respond: Responder = answerAll;
  replyDelayMs = 5;
  present = false;
  readonly writes: Stamp[] = [];
  readonly replies: Stamp[] = [];
  /** Calls of set() on any port: must stay 0 (set() fails on PTYs). */
  setCalls = 0;
  /** Opens tried, failed ones included. */
  openAttempts = 0;
  private readonly ports: MockPortBinding[] = [];
  private readonly timers = new Set<Timer>();
  private readonly echo: boolean;

  constructor(path: string, options: { present?: boolean; echo?: boolean } = {}) {
    this.path = path;
    this.echo = options.echo ?? false;
    if (options.present ?? true) this.plug();
    this.binding = {
      ...MockBinding,
      open: async (openOptions) => {
        this.openAttempts++;
        if (!this.present) {
          await new Promise((resolve) => process.nextTick(resolve));
          throw new Error(`Error: No such file or directory, cannot open ${openOptions.path}`);
        }
        const port = await MockBinding.open(openOptions);
        this.attach(port);
        return port;
      },
    } as SerialBinding;
  }

  /** The open port, if any. */
  get port(): MockPortBinding | undefined {
    return this.ports.find((p) => p.isOpen);
  }

  get opens(): number {
    return this.ports.length;
  }

  plug(): void {
    MockBinding.createPort(this.path, { echo: this.echo });
    this.present = true;
  }

  /** Like pulling the USB plug: the pending read fails (so the port closes) and the device is gone. */
  unplug(): void {
    this.present = false;
    for (const port of this.ports) {
      if (!port.isOpen) continue;
      const internal = port as unknown as { pendingRead: ((err?: Error) => void) | null };
      const pending = internal.pendingRead;
      internal.pendingRead = null;
      pending?.(new Error("device disconnected"));
    }
  }

  /** Sends bytes as if the battery had (unless no port is open). */
  send(data: string): void {
    this.port?.emitData(Buffer.from(data, "latin1"));
  }

  /** Stops scheduled replies. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private attach(port: MockPortBinding): void {
    this.ports.push(port);
    const write = port.write.bind(port);
    port.write = async (buf: Buffer) => {
      await write(buf);
      this.onWrite(port, buf.toString("latin1"));
    };
    port.set = async () => {
      this.setCalls++;
      throw new Error("Inappropriate ioctl for device, cannot set");
    };
  }

  private onWrite(port: MockPortBinding, text: string): void {
    const index = this.writes.length;
    this.writes.push({ at: performance.now(), text });
    const reply = this.respond(text, index);
    if (reply === undefined) return;
    const chunks = Array.isArray(reply) ? reply : [reply];
    chunks.forEach((chunk, i) => {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          if (!port.isOpen) return;
          if (i === chunks.length - 1) this.replies.push({ at: performance.now(), text: chunks.join("") });
          port.emitData(Buffer.from(chunk, "latin1"));
        },
        this.replyDelayMs * (i + 1),
      );
      this.timers.add(timer);
    });
  }
}

/** An RS485-to-TCP gateway in raw mode with a battery behind it, on 127.0.0.1. */
export class FakeGateway {
  respond: Responder = answerAll;
  /** Accept each connection and close it at once, like a gateway that takes one client only. */
  dropOnConnect = false;
  /** Connections accepted, dropped ones included. */
  connections = 0;
  readonly writes: Stamp[] = [];
  readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private listenPort = 0;

  get port(): number {
    return this.listenPort;
  }

  /** Listens on `port` (0 = any free port; later calls reuse the first port). */
  async start(port = this.listenPort): Promise<void> {
    const server = createServer((socket) => this.onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    const address = server.address();
    if (!address || typeof address === "string") throw new Error("gateway has no port");
    this.listenPort = address.port;
  }

  /** Drops every client connection, as a gateway does on a Wi-Fi hiccup or reboot. */
  dropClients(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.dropClients();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private onConnection(socket: Socket): void {
    this.connections++;
    socket.on("error", () => {}); // resets from a client closing are expected
    if (this.dropOnConnect) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    const splitter = new PylonFrameSplitter();
    socket.on("data", (chunk: Buffer) => {
      for (const item of splitter.push(chunk)) {
        if (!item.frame) continue;
        const index = this.writes.length;
        this.writes.push({ at: performance.now(), text: item.frame });
        const reply = this.respond(item.frame, index);
        if (reply !== undefined && !socket.destroyed) socket.write(Buffer.from(Array.isArray(reply) ? reply.join("") : reply, "latin1"));
      }
    });
  }
}
