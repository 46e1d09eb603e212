// Maps a connection state to a Node-RED status object, so every node reports it the same way.
import { describeConnectFailure } from "./connect-failure";
import { formatSeconds } from "./format-seconds";
import { english, type Translate } from "./i18n";
import type { StateChange } from "./transport";

export interface NodeStatusLike {
  fill?: "red" | "green" | "yellow" | "blue" | "grey";
  shape?: "ring" | "dot";
  text?: string;
}

export function clock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** The connection texts in the catalog of the config node that owns the link. */
const LINK_TEXTS = {
  "lxp-dongle": {
    connecting: "lxp-dongle.status.connecting",
    connected: "lxp-dongle.status.connected",
    listening: "lxp-dongle.status.listening",
    lastFrame: "lxp-dongle.status.lastFrame",
    disconnected: "lxp-dongle.status.disconnected",
    disconnectedBecause: "lxp-dongle.status.disconnectedBecause",
    retryIn: "lxp-dongle.status.retryIn",
    waiting: "lxp-dongle.status.waiting",
  },
  "pylon-port": {
    connecting: "pylon-port.status.connecting",
    connected: "pylon-port.status.connected",
    listening: "pylon-port.status.listening",
    lastFrame: "pylon-port.status.lastFrame",
    disconnected: "pylon-port.status.disconnected",
    disconnectedBecause: "pylon-port.status.disconnectedBecause",
    retryIn: "pylon-port.status.retryIn",
    waiting: "pylon-port.status.waiting",
  },
} as const;

/** Whose link it is: the config node whose catalog words the status. */
export type LinkOwner = keyof typeof LINK_TEXTS;

export function connectionStatus(
  change: StateChange,
  where: string,
  lastFrameAt?: number,
  t: Translate = english,
  owner: LinkOwner = "lxp-dongle",
): NodeStatusLike {
  const key = LINK_TEXTS[owner];
  switch (change.state) {
    case "connecting":
      return { fill: "grey", shape: "ring", text: t(key.connecting, { where }) };
    case "connected":
    case "listening":
      if (lastFrameAt) return { fill: "green", shape: "dot", text: t(key.lastFrame, { time: clock(lastFrameAt) }) };
      return { fill: "green", shape: "ring", text: t(change.state === "connected" ? key.connected : key.listening, { where }) };
    case "disconnected": {
      const why = change.error || change.detail ? describeConnectFailure(change) : undefined;
      const status = why === undefined ? t(key.disconnected) : t(key.disconnectedBecause, { why });
      const text = change.retryInMs ? t(key.retryIn, { status, delay: formatSeconds(change.retryInMs / 1000) }) : status;
      return { fill: "red", shape: "ring", text };
    }
    case "closed":
      return {};
    default:
      return { fill: "grey", shape: "ring", text: t(key.waiting) };
  }
}
