// Config node: one PylonTech bus (USB-RS485 adapter or RS485-to-TCP gateway) shared by every
// pylon-poll node, with one request in flight at a time.
import type { NodeAPI } from "node-red";
import { ownLink } from "./lib/shared/config-node";
import { listSerialPorts, PylonPortLink, SerialTransport, type SerialBinding } from "./lib/pylon/link";
import { PollerPool } from "./lib/pylon/poll/poller-pool";
import { raisedWarning } from "./lib/pylon/link/limits";
import { parsePylonPortConfig, portLabel } from "./lib/pylon/link/port-config";
import type { PylonPortDef, PylonPortNode } from "./types";

export = function register(RED: NodeAPI): void {
  function PylonPort(this: PylonPortNode, config: PylonPortDef): void {
    RED.nodes.createNode(this, config);
    ownLink(this, () => {
      const { link, mode, protocol, raised } = parsePylonPortConfig(config);
      if (raised.length > 0) this.warn(raisedWarning(raised)); // a flow saved before the minimums
      // Tests run the real node against @serialport/binding-mock through this setting.
      const binding = (RED.settings as unknown as { pylonPortSerialBinding?: SerialBinding }).pylonPortSerialBinding;
      if (binding && link.transport === "serial") {
        link.createTransport = (o) =>
          new SerialTransport({ path: (o as { path: string }).path, baudRate: (o as { baudRate?: number }).baudRate, reconnectMs: o.reconnectMs, binding });
      }
      this.link = new PylonPortLink(link);
      this.pollers = new PollerPool(this.link, { mode, protocol });
      this.mode = mode;
      this.protocol = protocol;
      this.label = portLabel(config.name, link);
    });
  }
  RED.nodes.registerType("pylon-port", PylonPort);

  // The editor's port picker; listing fails in containers without udevadm, so it degrades to an
  // empty list plus the reason and the user types the path.
  RED.httpAdmin.get("/pylon-port/ports", RED.auth.needsPermission("pylon-port.read"), (_req, res) => {
    listSerialPorts().then(
      (list) => res.json(list),
      (err: Error) => res.json({ ports: [], error: err.message }),
    );
  });
};
