// `sim pylon --master`: a simulated inverter polls the simulated stack, and a bus tap serves both
// directions to listeners on TCP or a pty, so sniff and a passive pylon-port run without hardware.
import { PylonBusMaster, type PylonBusMasterOptions } from "./bus-master";
import { PylonBusTap } from "./bus-tap";
import { PylonPtyServer, type PylonPtyServeOptions } from "./pty-server";
import type { PylonStackSimulator } from "./stack";
import { PylonTcpServer, type PylonTcpServeOptions } from "./tcp-server";

export interface PylonBusSimOptions extends PylonBusMasterOptions {
  /** Serve the tap on a pty (needs socat) instead of TCP. */
  pty?: boolean | PylonPtyServeOptions;
  tcp?: PylonTcpServeOptions;
}

export interface PylonBusSim {
  tap: PylonBusTap;
  master: PylonBusMaster;
  /** "tcp HOST:PORT" or "pty PATH": where to listen. */
  where: string;
  tcp?: PylonTcpServer;
  pty?: PylonPtyServer;
  close(): Promise<void>;
}

export async function startBusSim(stack: PylonStackSimulator, options: PylonBusSimOptions = {}): Promise<PylonBusSim> {
  const tap = new PylonBusTap();
  const master = new PylonBusMaster(stack, (bytes) => tap.mirror(bytes), options);
  let tcp: PylonTcpServer | undefined;
  let pty: PylonPtyServer | undefined;
  if (options.pty) pty = await PylonPtyServer.open(tap, options.pty === true ? {} : options.pty);
  else tcp = await PylonTcpServer.listen(tap, options.tcp);
  master.start();
  return {
    tap,
    master,
    tcp,
    pty,
    where: pty ? `pty ${pty.path}` : `tcp ${tcp!.host}:${tcp!.port}`,
    async close() {
      await master.stop();
      await (pty ?? tcp)!.close();
    },
  };
}
