// A simulated stack seen through its master pack's console port: `sim pylon --console`. Serves
// the console shell (console-shell.ts) over the stack's own model values on TCP or a pty.
import type { Duplex } from "node:stream";
import type { AttachableStack } from "./attachable";
import { CONSOLE_FIRMWARES, type ConsoleFirmware, type ConsoleFirmwareName } from "./console-firmware";
import { attachShell, type ConsoleShellHost } from "./console-shell";
import type { PylonPackModel } from "./pack-model";
import { PylonPtyServer, type PylonPtyServeOptions } from "./pty-server";
import type { PylonStackSimulator } from "./stack";
import { PylonTcpServer, type PylonTcpServeOptions } from "./tcp-server";

export interface PylonConsoleSimOptions {
  firmware?: ConsoleFirmwareName;
  /** Start asleep: only the wake-up frame wakes the console (--wake). */
  asleep?: boolean;
}

export class PylonConsoleSimulator implements AttachableStack, ConsoleShellHost {
  readonly firmware: ConsoleFirmware;
  awake: boolean;
  private readonly servers = new Set<{ close(): Promise<void> }>();
  private readonly detaches = new Set<() => void>();

  constructor(
    readonly stack: PylonStackSimulator,
    options: PylonConsoleSimOptions = {},
  ) {
    this.firmware = CONSOLE_FIRMWARES[options.firmware ?? "us3000c"];
    this.awake = !options.asleep;
  }

  packs(): readonly PylonPackModel[] {
    this.stack.refresh();
    return this.stack.packs;
  }

  attach(stream: Duplex): () => void {
    const detach = attachShell(this, stream);
    this.detaches.add(detach);
    return () => {
      this.detaches.delete(detach);
      detach();
    };
  }

  async listenTcp(options: PylonTcpServeOptions = {}): Promise<PylonTcpServer> {
    const server = await PylonTcpServer.listen(this, options);
    this.servers.add(server);
    return server;
  }

  async openPty(options: PylonPtyServeOptions = {}): Promise<PylonPtyServer> {
    const server = await PylonPtyServer.open(this, options);
    this.servers.add(server);
    return server;
  }

  async close(): Promise<void> {
    const servers = [...this.servers];
    this.servers.clear();
    await Promise.all(servers.map((s) => s.close()));
    for (const detach of [...this.detaches]) detach();
    this.detaches.clear();
    await this.stack.close();
  }
}
