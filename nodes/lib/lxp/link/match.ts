// Decides whether a frame from the dongle answers the request in flight. The dongle also passes on
// replies meant for the cloud or other clients (lxp-protocol.md §1, §12.6): only datalog + inverter + device function
// + register (+ count for reads) identify our answer; exceptions match by the function without 0x80.
// A write single's echo with direction 00 parses as a request: it is taken only from a dongle whose
// replies are known to carry direction 00 (EG4), and then checked like any echo.
import { DeviceFunction, EXCEPTION_BIT, TcpFunction } from "../codec/constants";
import type { LxpFrame } from "../codec/frame";

export type Expectation =
  | {
      kind: "translated";
      datalog: string;
      inverter: string;
      deviceFunction: number;
      register: number;
      /** Reads: registers asked for; write multi: registers written. */
      count?: number;
      /** Write single: the value written (another client's write to the same register echoes its own). */
      value?: number;
    }
  | { kind: "param"; datalog: string; param: number };

/**
 * "mismatch": our datalog, inverter, function and register, but another count or echoed value: a
 * reply to another client's request, or ours gone wrong (a truncated read, a clamped write). The
 * requester keeps waiting for a matching one and reports the mismatch if none comes.
 */
export type Verdict = "reply" | "exception" | "mismatch" | "other";

/**
 * `directionZeroReplies`: the dongle has sent a reply told by its body with direction 00
 * (DongleLink.sendsDirectionZeroReplies), so its write-single echoes look like requests.
 */
export function classifyFrame(expect: Expectation, frame: LxpFrame, directionZeroReplies = false): Verdict {
  if (frame.datalog !== expect.datalog) return "other";
  if (expect.kind === "param") {
    const isReply = frame.kind === "param" && frame.role === "reply" && frame.tcpFunction === TcpFunction.READ_PARAM;
    return isReply && frame.param === expect.param ? "reply" : "other";
  }
  if (frame.kind !== "translated" || frame.inverter !== expect.inverter || frame.register !== expect.register) return "other";
  if (frame.role === "exception") {
    return (frame.deviceFunction & ~EXCEPTION_BIT) === expect.deviceFunction ? "exception" : "other";
  }
  if (frame.deviceFunction !== expect.deviceFunction) return "other";
  if (frame.role === "request") {
    // A write-single echo is the request's bytes; a dongle that sends direction 00 in replies makes
    // it look like a request (lxp-protocol.md §3). On any other dongle it is a request (another
    // client's, or ours reflected), never our echo.
    if (!directionZeroReplies || frame.deviceFunction !== DeviceFunction.WRITE_SINGLE) return "other";
    return frame.value === expect.value ? "reply" : "mismatch";
  }
  switch (frame.deviceFunction) {
    case DeviceFunction.READ_HOLD:
    case DeviceFunction.READ_INPUT:
      return expect.count !== undefined && frame.values.length !== expect.count ? "mismatch" : "reply";
    case DeviceFunction.WRITE_SINGLE:
      return expect.value !== undefined && frame.value !== expect.value ? "mismatch" : "reply";
    case DeviceFunction.WRITE_MULTI:
      return expect.count !== undefined && frame.count !== expect.count ? "mismatch" : "reply";
  }
  return "other";
}

/** Why a mismatching frame is not our reply, for the error when no matching one came. */
export function describeMismatch(expect: Expectation, frame: LxpFrame): string {
  if (expect.kind !== "translated" || frame.kind !== "translated") return "a non-matching reply";
  const echo = frame.role === "request" && frame.deviceFunction === DeviceFunction.WRITE_SINGLE; // direction 00
  if (frame.role !== "reply" && !echo) return "a non-matching reply";
  switch (frame.deviceFunction) {
    case DeviceFunction.READ_HOLD:
    case DeviceFunction.READ_INPUT:
      return `asked for ${expect.count} registers, the inverter returned ${frame.values.length}`;
    case DeviceFunction.WRITE_SINGLE:
      return `the inverter echoed ${frame.value}`;
    case DeviceFunction.WRITE_MULTI:
      return `the inverter confirmed ${frame.count} registers`;
  }
  return "a non-matching reply";
}
