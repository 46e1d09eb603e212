// Config node: one PylonTech bus (USB-RS485 adapter or RS485-to-TCP gateway) shared by every
// pylon-poll node, with one request in flight at a time.
import type { NodeAPI } from "node-red";
import { ownLink } from "./lib/common/config-node";
import { nodeRedTranslate } from "./lib/common/i18n";
import { serveLinkStats } from "./lib/common/admin-stats";
import { currentConfig } from "./lib/common/config-schema";
import { acquireConsoleLink, acquireLink, acquirePassiveLink, linkSnapshots, listSerialPorts, PylonDeviceInUseError, type PylonConsoleLink, type PylonPortLink, releaseLink, SerialTransport, type SerialBinding } from "./lib/pylon/link";
import { PollerPool } from "./lib/pylon/poll/poller-pool";
import { raisedWarning } from "./lib/pylon/link/limits";
import { parsePylonPortConfig, portLabel } from "./lib/pylon/link/port-config";
import type { PylonPortDef, PylonPortNode } from "./types";

export = function register(RED: NodeAPI): void {
  const t = nodeRedTranslate(RED);
  function PylonPort(this: PylonPortNode, saved: PylonPortDef): void {
    RED.nodes.createNode(this, saved);
    // Every pylon-port naming this device with the same settings shares one link (registry.ts).
    const holder = { id: this.id, name: saved.name };
    ownLink(this, () => {
      const config = currentConfig("pylon-port", saved, this);
      const { link, mode, protocol, raised } = parsePylonPortConfig(config);
      if (raised.length > 0) this.warn(raisedWarning(raised)); // a flow saved before the minimums
      // Tests run the real node against @serialport/binding-mock through this setting.
      const binding = (RED.settings as unknown as { pylonPortSerialBinding?: SerialBinding }).pylonPortSerialBinding;
      if (binding && link.transport === "serial") {
        link.createTransport = (o) =>
          new SerialTransport({ path: (o as { path: string }).path, baudRate: (o as { baudRate?: number }).baudRate, reconnectMs: o.reconnectMs, binding });
      }
      try {
        // Passive: listens to the inverter's polls and never writes (pylon-protocol.md §12).
        // Console: the text shell of the console port (§7.2).
        this.link =
          mode === "passive" ? acquirePassiveLink(link, holder, protocol) : mode === "console" ? acquireConsoleLink(link, holder) : acquireLink(link, holder);
      } catch (err) {
        // The status is short; the error (configError) names the node, its id and what differs.
        if (err instanceof PylonDeviceInUseError) {
          this.configStatus = t("pylon-port.status.inUse", { holder: err.holder.name ? `"${err.holder.name}"` : err.holder.id });
        }
        throw err;
      }
      if (mode !== "passive") this.pollers = new PollerPool(this.link as PylonPortLink | PylonConsoleLink, mode === "console" ? { mode } : { mode, protocol });
      this.mode = mode;
      this.protocol = protocol;
      this.label = portLabel(config.name, link);
    }, (link) => releaseLink(link, holder), t);
  }
  RED.nodes.registerType("pylon-port", PylonPort);

  // GET /lxp-pylon/stats/<id> (needs pylon-port.read): the registry's snapshot of the node's link
  // (device, the pylon-port nodes sharing it, state, queue, counters).
  serveLinkStats<PylonPortNode>(RED, "pylon-port", (node) =>
    node.link ? linkSnapshots().find((snapshot) => snapshot.holders.some((h) => h.id === node.id)) : undefined,
  );

  // The editor's port picker; listing fails in containers without udevadm, so it degrades to an
  // empty list plus the reason and the user types the path.
  RED.httpAdmin.get("/pylon-port/ports", RED.auth.needsPermission("pylon-port.read"), (_req, res) => {
    listSerialPorts().then(
      (list) => res.json(list),
      (err: Error) => res.json({ ports: [], error: err.message }),
    );
  });
};

