// Decides whether a frame from the dongle answers the request in flight. The dongle also passes on
// replies meant for the cloud or other clients (§1, §12.6): only datalog + inverter + device function
// + register (+ count for reads) identify our answer; exceptions match by the function without 0x80.
import { DeviceFunction, EXCEPTION_BIT, TcpFunction } from "./lxp/constants";
import type { LxpFrame } from "./lxp/frame";

export type Expectation =
  | { kind: "translated"; datalog: string; inverter: string; deviceFunction: number; register: number; count?: number }
  | { kind: "param"; datalog: string; param: number };

export type Verdict = "reply" | "exception" | "other";

export function classifyFrame(expect: Expectation, frame: LxpFrame): Verdict {
  if (frame.datalog !== expect.datalog) return "other";
  if (expect.kind === "param") {
    const isReply = frame.kind === "param" && frame.role === "reply" && frame.tcpFunction === TcpFunction.READ_PARAM;
    return isReply && frame.param === expect.param ? "reply" : "other";
  }
  if (frame.kind !== "translated" || frame.inverter !== expect.inverter || frame.register !== expect.register) return "other";
  if (frame.role === "exception") {
    return (frame.deviceFunction & ~EXCEPTION_BIT) === expect.deviceFunction ? "exception" : "other";
  }
  if (frame.role !== "reply" || frame.deviceFunction !== expect.deviceFunction) return "other";
  const isRead = frame.deviceFunction === DeviceFunction.READ_HOLD || frame.deviceFunction === DeviceFunction.READ_INPUT;
  if (isRead && expect.count !== undefined && frame.values.length !== expect.count) return "other";
  return "reply";
}
