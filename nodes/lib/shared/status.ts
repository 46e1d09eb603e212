// Maps a connection state to a Node-RED status object, so every node reports it the same way.
import { describeConnectFailure } from "./connect-failure";
import { formatSeconds } from "./format-seconds";
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

export function connectionStatus(change: StateChange, where: string, lastFrameAt?: number): NodeStatusLike {
  switch (change.state) {
    case "connecting":
      return { fill: "grey", shape: "ring", text: `connecting to ${where}` };
    case "connected":
    case "listening":
      if (lastFrameAt) return { fill: "green", shape: "dot", text: `last frame ${clock(lastFrameAt)}` };
      return { fill: "green", shape: "ring", text: change.state === "connected" ? `connected to ${where}` : `listening on ${where}` };
    case "disconnected": {
      const retry = change.retryInMs ? `, retry in ${formatSeconds(change.retryInMs / 1000)}` : "";
      const why = change.error || change.detail ? `: ${describeConnectFailure(change)}` : "";
      return { fill: "red", shape: "ring", text: `disconnected${why}${retry}` };
    }
    case "closed":
      return {};
    default:
      return { fill: "grey", shape: "ring", text: "waiting" };
  }
}
