// Binds a TCP server for a simulator (127.0.0.1 and a free port unless told otherwise).
import net from "node:net";

export async function listenTcp(options: { host?: string; port?: number } = {}): Promise<{ server: net.Server; host: string; port: number }> {
  const host = options.host ?? "127.0.0.1";
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { server, host, port: (server.address() as net.AddressInfo).port };
}
