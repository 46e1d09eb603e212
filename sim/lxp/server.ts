// The simulated dongle's network side. TCP: a server on port 8000-style that any number of clients
// join; like a real dongle, every frame goes to every client. UDP: frames sent to one host:port
// (optionally broadcast); requests arriving on that socket are answered too.
import { listenTcp } from "../common/listen-tcp";
import dgram from "node:dgram";
import net from "node:net";
import { LxpFrame, LxpFrameError, LxpStreamParser, parseDatagram } from "../../nodes/lib/lxp/codec";
import type { LxpWire } from "./faults";

/** Where the simulator's frames go. */
export interface LxpSimTransport {
  /** e.g. "tcp 127.0.0.1:8000" or "udp 127.0.0.1:9000". */
  readonly description: string;
  send(wire: LxpWire): void;
  /** Closes client connections (TCP); the transport stays up. */
  dropClients(): void;
  close(): Promise<void>;
}

export interface LxpSimReceiver {
  frame(frame: LxpFrame): void;
  badFrame(error: LxpFrameError): void;
}

/** Writes the pieces of each frame in order, pausing between pieces of a split frame. */
class PacedWriter {
  private readonly queue: Array<{ chunk: Buffer; pauseMs: number }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly write: (chunk: Buffer) => void) {}

  push(wire: LxpWire): void {
    wire.chunks.forEach((chunk, k) => this.queue.push({ chunk, pauseMs: k < wire.chunks.length - 1 ? wire.gapMs : 0 }));
    if (!this.timer) this.flush();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  private flush(): void {
    this.timer = undefined;
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      this.write(next.chunk);
      if (next.pauseMs > 0) {
        this.timer = setTimeout(() => this.flush(), next.pauseMs);
        return;
      }
    }
  }
}

export interface LxpTcpServeOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port; read the bound one from `port`. */
  port?: number;
}

export class LxpTcpServer implements LxpSimTransport {
  private readonly clients = new Map<net.Socket, PacedWriter>();

  private constructor(
    private readonly server: net.Server,
    readonly host: string,
    readonly port: number,
    private readonly receiver: LxpSimReceiver,
    private readonly onClients: (count: number) => void,
  ) {
    server.on("connection", (socket) => this.accept(socket));
  }

  static async listen(receiver: LxpSimReceiver, options: LxpTcpServeOptions = {}, onClients: (count: number) => void = () => undefined): Promise<LxpTcpServer> {
    const { server, host, port } = await listenTcp(options);
    return new LxpTcpServer(server, host, port, receiver, onClients);
  }

  get description(): string {
    return `tcp ${this.host}:${this.port}`;
  }

  /** Open client connections. */
  get connections(): number {
    return this.clients.size;
  }

  send(wire: LxpWire): void {
    for (const writer of this.clients.values()) writer.push(wire);
  }

  dropClients(): void {
    for (const socket of [...this.clients.keys()]) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropClients();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const parser = new LxpStreamParser();
    const writer = new PacedWriter((chunk) => {
      if (!socket.destroyed && socket.writable) socket.write(chunk);
    });
    this.clients.set(socket, writer);
    socket.setNoDelay(true);
    socket.on("error", () => undefined); // a client resetting is normal for a dongle
    socket.on("data", (chunk: Buffer) => {
      for (const item of parser.push(chunk)) {
        if (item.frame) this.receiver.frame(item.frame);
        else this.receiver.badFrame(item.error);
      }
    });
    socket.on("close", () => {
      writer.stop();
      this.clients.delete(socket);
      this.onClients(this.clients.size);
    });
    this.onClients(this.clients.size);
  }
}

export interface LxpUdpSendOptions {
  host: string;
  port: number;
  /** Sets SO_BROADCAST so `host` may be a broadcast address. */
  broadcast?: boolean;
  /** Local address of the sending socket. Default: all interfaces. */
  bindHost?: string;
}

/** One datagram per frame: a frame never spans datagrams (lxp-protocol.md §7), so the split fault does not apply. */
export class LxpUdpSender implements LxpSimTransport {
  private constructor(
    private readonly socket: dgram.Socket,
    readonly host: string,
    readonly port: number,
  ) {}

  static async open(receiver: LxpSimReceiver, options: LxpUdpSendOptions): Promise<LxpUdpSender> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, options.bindHost, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    if (options.broadcast) socket.setBroadcast(true);
    socket.on("error", () => undefined); // e.g. ICMP unreachable: the next datagram tries again
    socket.on("message", (datagram) => {
      for (const item of parseDatagram(datagram)) {
        if (item.frame) receiver.frame(item.frame);
        else receiver.badFrame(item.error);
      }
    });
    return new LxpUdpSender(socket, options.host, options.port);
  }

  get description(): string {
    return `udp ${this.host}:${this.port}`;
  }

  /** Local port the datagrams come from (and where requests are heard). */
  get localPort(): number {
    return this.socket.address().port;
  }

  send(wire: LxpWire): void {
    const datagram = wire.chunks.length === 1 ? wire.chunks[0] : Buffer.concat(wire.chunks);
    this.socket.send(datagram, this.port, this.host, () => undefined);
  }

  dropClients(): void {
    // connectionless: nothing to drop
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
