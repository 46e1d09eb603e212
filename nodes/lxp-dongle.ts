// Config node: one shared connection to a LuxPower WiFi/LAN dongle (TCP client or UDP listener).
import type { NodeAPI } from "node-red";
import type { LxpDongleDef, LxpDongleNode } from "./types";
import { parseDongleConfig } from "./lib/lxp/link/dongle-config";
import { ownLink } from "./lib/common/config-node";
import { nodeRedTranslate } from "./lib/common/i18n";
import { serveLinkStats } from "./lib/common/admin-stats";
import { currentConfig } from "./lib/common/config-schema";
import { DongleLink } from "./lib/lxp/link/dongle-link";
import { claimUdpPort, type UdpPortHolder } from "./lib/lxp/link/udp-ports";

export = function register(RED: NodeAPI): void {
  const t = nodeRedTranslate(RED);
  function LxpDongle(this: LxpDongleNode, saved: LxpDongleDef): void {
    RED.nodes.createNode(this, saved);
    ownLink(this, () => {
      const config = currentConfig("lxp-dongle", saved, this);
      this.link = new DongleLink({ ...parseDongleConfig(config, (message) => this.warn(message)), t });
      // udp: the address taken as the dongle, and other senders ignored (a config node has no status).
      this.link.on("warning", (text) => this.warn(text));
      if (this.link.options.transport === "udp") warnIfPortTaken(this, this.link);
    }, undefined, t);
  }

  /** `lxp-dongle "garage" (id 1a2b)`, or `lxp-dongle 1a2b` without a name. */
  const holderLabel = (holder: UdpPortHolder): string =>
    holder.name ? t("lxp-dongle.udpPort.holderNamed", { name: holder.name, id: holder.id }) : t("lxp-dongle.udpPort.holder", { id: holder.id });

  /** The short name of a holder in a status: "garage" (quoted), or its id. */
  const shortLabel = (holder: UdpPortHolder): string => (holder.name ? `"${holder.name}"` : holder.id);

  /**
   * udp: when another lxp-dongle listens on the port, the port's datagrams reach only one of the
   * two. The later one warns once, naming the other; the users of both say so in their status.
   */
  function warnIfPortTaken(node: LxpDongleNode, link: DongleLink): void {
    const { bind, port } = link.options;
    const holder = { id: node.id, ...(node.name && { name: node.name }) };
    const claim = claimUdpPort(bind, port, holder);
    node.on("close", () => claim.release());
    // Read when a status is drawn, so it clears once the other node is removed.
    Object.defineProperty(node, "portShared", {
      configurable: true,
      get: (): string | undefined => {
        const other = claim.others()[0];
        return other ? t("lxp-dongle.udpPort.status", { holder: shortLabel(other) }) : undefined;
      },
    });
    if (claim.sharedWith) node.warn(t("lxp-dongle.udpPort.inUse", { port: link.description, holder: holderLabel(claim.sharedWith) }));
  }
  RED.nodes.registerType("lxp-dongle", LxpDongle);

  // The edit dialog's Statistics: GET /lxp-pylon/stats/<id> (needs lxp-dongle.read).
  serveLinkStats<LxpDongleNode>(RED, "lxp-dongle", (node) => node.link?.snapshot());
};
