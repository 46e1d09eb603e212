// Config node: one shared connection to a LuxPower WiFi/LAN dongle (TCP client or UDP listener).
import type { NodeAPI } from "node-red";
import type { LxpDongleDef, LxpDongleNode } from "./types";
import { parseDongleConfig } from "./lib/lxp/link/dongle-config";
import { ownLink } from "./lib/shared/config-node";
import { DongleLink } from "./lib/lxp/link/dongle-link";

export = function register(RED: NodeAPI): void {
  function LxpDongle(this: LxpDongleNode, config: LxpDongleDef): void {
    RED.nodes.createNode(this, config);
    ownLink(this, () => {
      this.link = new DongleLink(parseDongleConfig(config, (message) => this.warn(message)));
      // udp: the address taken as the dongle, and other senders ignored (a config node has no status).
      this.link.on("warning", (text) => this.warn(text));
    });
  }
  RED.nodes.registerType("lxp-dongle", LxpDongle);
};
