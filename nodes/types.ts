// Editor-side properties of each node and the runtime shape of the config nodes.
import type { Node, NodeDef } from "node-red";
import type { DongleLink } from "./lib/dongle-link";

export interface LxpDongleDef extends NodeDef {
  transport: string;
  host: string;
  port: string;
  bind: string;
  source: string;
  reconnect: string;
  watchdog: string;
  datalog: string;
  currentDivisor: string;
}

export interface LxpDongleNode extends Node {
  /** Undefined when the configuration is invalid; see configError. */
  link?: DongleLink;
  configError?: string;
}

export interface LxpInDef extends NodeDef {
  dongle: string;
  inputRegs: boolean;
  holds: boolean;
  heartbeats: boolean;
  params: boolean;
  exceptions: boolean;
  requests: boolean;
  mergeBanks: boolean;
}
