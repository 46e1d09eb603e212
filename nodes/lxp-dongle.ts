// Config node: one shared connection to a LuxPower WiFi/LAN dongle (TCP client or UDP listener).
import type { NodeAPI } from "node-red";
import type { LxpDongleDef, LxpDongleNode } from "./types";
import { parseDongleConfig } from "./lib/dongle-config";
import { DongleLink } from "./lib/dongle-link";

export = function register(RED: NodeAPI): void {
  function LxpDongle(this: LxpDongleNode, config: LxpDongleDef): void {
    RED.nodes.createNode(this, config);
    try {
      this.link = new DongleLink(parseDongleConfig(config));
    } catch (err) {
      this.configError = (err as Error).message;
      this.error(`invalid configuration: ${this.configError}`);
    }
    this.on("close", (_removed: boolean, done: () => void) => {
      const link = this.link;
      this.link = undefined;
      if (!link) return done();
      link.close().then(
        () => done(),
        (err: Error) => {
          this.warn(`closing the dongle connection failed: ${err.message}`);
          done();
        },
      );
    });
  }
  RED.nodes.registerType("lxp-dongle", LxpDongle);
};
