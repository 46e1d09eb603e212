// Editor-side properties of each node and the runtime shape of the config nodes.
import type { Node, NodeDef } from "node-red";
import type { DongleLink } from "./lib/lxp/link/dongle-link";
import type { AnyPylonLink } from "./lib/pylon/link";
import type { PylonPortMode } from "./lib/pylon/link/port-config";
import type { PollerPool } from "./lib/pylon/poll/poller-pool";
import type { PylonProtocol } from "./lib/pylon/codec";

/** Every node's saved properties: declared in resources/config-schemas.js, with their config version. */
export interface VersionedDef extends NodeDef {
  /** The config version the node was saved at; absent in flows saved before versions existed (1). */
  configVersion?: number;
}

export interface LxpDongleDef extends VersionedDef {
  transport: string;
  host: string;
  port: string;
  bind: string;
  source: string;
  reconnect: string;
  watchdog: string;
  datalog: string;
  currentDivisor: string;
  inverter?: string;
  allowWrites?: boolean;
  writableRegisters?: string;
  answerHeartbeats?: boolean;
  /** Requests waiting or running at once; absent in flows saved before it existed (default 50). */
  queueLimit?: string;
  /** Not in the editor: seconds between input broadcasts until param 0 is seen (default 300). */
  broadcastInterval?: string;
}

export interface LxpDongleNode extends Node {
  /** Undefined when the configuration is invalid; see configError. */
  link?: DongleLink;
  configError?: string;
  /** udp: for the users' status, when another lxp-dongle listened on the port first: "port shared with …". */
  portShared?: string;
}

export interface LxpInDef extends VersionedDef {
  dongle: string;
  inputRegs: boolean;
  holds: boolean;
  heartbeats: boolean;
  params: boolean;
  exceptions: boolean;
  requests: boolean;
  mergeBanks: boolean;
}

export interface LxpRequestDef extends VersionedDef {
  dongle: string;
  /** Fixed command (topic); empty = msg.topic. */
  command: string;
  /** Fixed value (JSON or text); empty = msg.payload. */
  value: string;
  timeout: string;
  retries: string;
  autoSync: string;
}

export interface PylonPortDef extends VersionedDef {
  transport: string;
  path: string;
  baud: string;
  host: string;
  port: string;
  mode: string;
  /** "pylontech" (default) or "seplos"; absent in flows saved before it existed. */
  protocol?: string;
  timeout: string;
  gap: string;
  retries: string;
  /** Not in the editor: first reopen delay in seconds (default 2). */
  reconnect?: string;
}

export interface PylonPortNode extends Node {
  /** A PylonPassiveLink in mode "passive", else a PylonPortLink. */
  link?: AnyPylonLink;
  mode?: PylonPortMode;
  protocol?: PylonProtocol;
  /** `{port}` in the topic `pylon/{port}`. */
  label?: string;
  /** Pollers shared by the pylon-poll nodes of this port (none in mode "passive"). */
  pollers?: PollerPool;
  configError?: string;
  /** Short status for the pylon-poll nodes when there is no link (e.g. the device is held by another pylon-port). */
  configStatus?: string;
}

export interface PylonPollDef extends VersionedDef {
  port: string;
  packs: string;
  interval: string;
  chargeManagement: boolean;
  perPack: boolean;
  identityMinutes: string;
  /** V3.5 system commands at the group master; absent in flows saved before it existed. */
  system?: boolean;
}
