// Serves a simulated stack on TCP like an RS485-to-TCP gateway (ser2net, USR-N540, Elfin EW10):
// every connection sees the same bus; each gets its own frame splitter.
import { listenTcp } from "../common/listen-tcp";
import net from "node:net";
import type { AttachableStack } from "./attachable";

export interface PylonTcpServeOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port; read the bound one from `port`. */
  port?: number;
}

export class PylonTcpServer {
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly host: string,
    readonly port: number,
  ) {}

  static async listen(stack: AttachableStack, options: PylonTcpServeOptions = {}): Promise<PylonTcpServer> {
    const { server, host, port } = await listenTcp(options);
    const bound = new PylonTcpServer(server, host, port);
    server.on("connection", (socket) => bound.accept(stack, socket));
    return bound;
  }

  /** Open client connections. */
  get connections(): number {
    return this.sockets.size;
  }

  private accept(stack: AttachableStack, socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("error", () => undefined); // a client resetting is normal for a gateway
    socket.on("close", () => this.sockets.delete(socket));
    stack.attach(socket);
  }

  /** Drops every client (as a gateway reboot would) but keeps listening. */
  dropClients(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropClients();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
