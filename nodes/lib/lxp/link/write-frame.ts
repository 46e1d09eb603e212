// Which outgoing frames change the inverter or the dongle: they get the strictest send rules
// (never after their deadline, never behind a stalled connection, over UDP only with Source).
import { DeviceFunction, TcpFunction } from "../codec/constants";

/** A frame that changes the inverter or the dongle: write single/multi (C2) or write param (C4). */
export function isWriteFrame(buf: Buffer): boolean {
  if (buf[7] === TcpFunction.WRITE_PARAM) return true;
  const fn = buf[7] === TcpFunction.TRANSLATED ? buf[21] : undefined;
  return fn === DeviceFunction.WRITE_SINGLE || fn === DeviceFunction.WRITE_MULTI;
}
