// Loopback helpers for tests: free ports, a scriptable TCP server standing in for a dongle.
import dgram from "node:dgram";
import net from "node:net";

/** A loopback TCP port that was free a moment ago and has nothing listening on it now. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function freeUdpPort(): Promise<number> {
  const sock = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => sock.bind(0, "127.0.0.1", resolve));
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}

export async function sendUdp(port: number, ...datagrams: Buffer[]): Promise<void> {
  const sock = dgram.createSocket("udp4");
  for (const d of datagrams) {
    await new Promise<void>((resolve, reject) => sock.send(d, port, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
  }
  await new Promise<void>((resolve) => sock.close(() => resolve()));
}

/** A TCP server on 127.0.0.1 that remembers its client sockets. */
export class FakeDongleServer {
  readonly server = net.createServer();
  readonly sockets: net.Socket[] = [];
  readonly received: Buffer[] = [];
  connections = 0;
  port = 0;

  constructor() {
    this.server.on("connection", (s) => {
      this.connections++;
      this.sockets.push(s);
      s.on("data", (d) => this.received.push(d));
      s.on("error", () => undefined);
      s.on("close", () => {
        const i = this.sockets.indexOf(s);
        if (i >= 0) this.sockets.splice(i, 1);
      });
    });
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Resolves once a client is connected (the n-th connection overall). */
  async waitForConnection(n = 1, timeoutMs = 5000): Promise<net.Socket> {
    await waitFor(() => this.connections >= n && this.sockets.length > 0, timeoutMs, `connection #${n}`);
    return this.sockets[this.sockets.length - 1];
  }

  write(buf: Buffer): void {
    for (const s of this.sockets) s.write(buf);
  }

  /** Drops every client and stops listening. */
  async close(): Promise<void> {
    for (const s of [...this.sockets]) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function waitFor(check: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
