// Builds the Node-RED message for a decoded frame: the payload contract of docs/lxp-payloads.md. lxp-in, lxp-request
// and the CLI all call this, so the same bytes always give the same message.
import { DeviceFunction, EXCEPTION_BIT, EXCEPTION_CODES } from "./constants";
import { decodeHolds, decodeInputs, DecodeOptions } from "./decode";
import { LxpFrame, ParamFrame, TranslatedFrame } from "./frame";

export type MessageKind = "inputs" | "holds" | "write" | "heartbeat" | "param" | "exception" | "request";

export interface LxpMeta {
  datalog: string;
  inverter?: string;
  protocol: number;
  tcp_function: number;
  device_function?: number;
  register?: number;
  count?: number;
  raw: string;
}

export interface LxpMessage {
  topic: string;
  payload: Record<string, unknown>;
  lxp: LxpMeta;
}

/** A frame with its message: what the dongle link hands its listeners. */
export interface DecodedMessage {
  kind: MessageKind;
  msg: LxpMessage;
  frame: LxpFrame;
}

export interface MessageOptions extends DecodeOptions {
  /** Unix seconds stamped on input payloads; defaults to now. */
  time?: number;
  /** Topic prefix, "lxp" by default. */
  prefix?: string;
}

export const BANK_SIZE = 40;

/**
 * The topic suffix of an input reply (docs/lxp-payloads.md §3): `inputs/{n}` inside one 40-register
 * bank (n = floor(start / 40) + 1, any bank), `inputs/all` for a reply from register 0 that spans
 * banks, and `inputs/{first}-{last}` for any other reply that spans banks (e.g. the 127–253 and
 * 254–380 pushes of protocol-5 dongles), so a reply is never labelled as starting at 0 when it does not.
 */
export function inputsTopicSuffix(start: number, count: number): string {
  const last = start + Math.max(count, 1) - 1;
  const first = Math.floor(start / BANK_SIZE);
  if (first === Math.floor(last / BANK_SIZE)) return String(first + 1);
  return start === 0 ? "all" : `${start}-${last}`;
}

/** Decodes a param value: u16/u32 little-endian numbers, printable text, else hex. */
export function paramValue(value: Buffer): number | string {
  if (value.length === 1) return value[0];
  if (value.length === 2) return value.readUInt16LE(0);
  if (value.length === 4) return value.readUInt32LE(0);
  const text = value.toString("latin1");
  return /^[\x20-\x7e]*$/.test(text) ? text : value.toString("hex");
}

export function frameToMessage(frame: LxpFrame, options: MessageOptions = {}): { kind: MessageKind; msg: LxpMessage } {
  const prefix = `${options.prefix ?? "lxp"}/${frame.datalog}`;
  const lxp: LxpMeta = {
    datalog: frame.datalog,
    protocol: frame.protocol,
    tcp_function: frame.tcpFunction,
    raw: frame.raw.toString("hex"),
  };
  const time = options.time ?? Math.floor(Date.now() / 1000);

  if (frame.kind === "heartbeat") {
    const payload = { datalog: frame.datalog, protocol: frame.protocol, time };
    return { kind: "heartbeat", msg: { topic: `${prefix}/heartbeat`, payload, lxp } };
  }
  if (frame.kind === "param") return paramMessage(frame, prefix, lxp, time);
  return translatedMessage(frame, prefix, lxp, time, options);
}

function paramMessage(
  frame: ParamFrame,
  prefix: string,
  lxp: LxpMeta,
  time: number,
): { kind: MessageKind; msg: LxpMessage } {
  const payload: Record<string, unknown> = {
    datalog: frame.datalog,
    protocol: frame.protocol,
    param: frame.param,
    write: frame.tcpFunction !== 0xc3,
    time,
  };
  if (frame.value) {
    payload.value = paramValue(frame.value);
    payload.value_length = frame.value.length;
  }
  if (frame.role === "request") {
    return { kind: "request", msg: { topic: `${prefix}/request/param/${frame.param}`, payload, lxp } };
  }
  return { kind: "param", msg: { topic: `${prefix}/param/${frame.param}`, payload, lxp } };
}

function translatedMessage(
  frame: TranslatedFrame,
  prefix: string,
  lxp: LxpMeta,
  time: number,
  options: DecodeOptions,
): { kind: MessageKind; msg: LxpMessage } {
  lxp.inverter = frame.inverter;
  lxp.device_function = frame.deviceFunction;
  lxp.register = frame.register;

  if (frame.role === "exception") {
    lxp.count = 0;
    const payload = {
      datalog: frame.datalog,
      inverter: frame.inverter,
      protocol: frame.protocol,
      device_function: frame.deviceFunction,
      base_function: frame.deviceFunction & ~EXCEPTION_BIT,
      register: frame.register,
      exception_code: frame.exceptionCode,
      exception_text: EXCEPTION_CODES[frame.exceptionCode] ?? "unknown exception",
      time,
    };
    return { kind: "exception", msg: { topic: `${prefix}/exception/${frame.register}`, payload, lxp } };
  }

  if (frame.role === "request") {
    const payload: Record<string, unknown> = {
      datalog: frame.datalog,
      inverter: frame.inverter,
      protocol: frame.protocol,
      device_function: frame.deviceFunction,
      register: frame.register,
      time,
    };
    if (frame.deviceFunction === DeviceFunction.WRITE_SINGLE) {
      lxp.count = 1;
      payload.value = frame.value;
    } else if (frame.deviceFunction === DeviceFunction.WRITE_MULTI) {
      lxp.count = frame.count;
      payload.count = frame.count;
      payload.values = frame.values;
    } else {
      lxp.count = frame.count;
      payload.count = frame.count;
    }
    return { kind: "request", msg: { topic: `${prefix}/request/${frame.register}`, payload, lxp } };
  }

  switch (frame.deviceFunction) {
    case DeviceFunction.READ_INPUT: {
      lxp.count = frame.values.length;
      const ids = { time, datalog: frame.datalog, inverter: frame.inverter };
      const payload = decodeInputs(frame.register, frame.values, options, ids);
      const suffix = inputsTopicSuffix(frame.register, frame.values.length);
      return { kind: "inputs", msg: { topic: `${prefix}/inputs/${suffix}`, payload, lxp } };
    }
    case DeviceFunction.READ_HOLD: {
      lxp.count = frame.values.length;
      const payload = Object.assign(decodeHolds(frame.register, frame.values), {
        datalog: frame.datalog,
        inverter: frame.inverter,
        time,
      });
      return { kind: "holds", msg: { topic: `${prefix}/hold/${frame.register}`, payload, lxp } };
    }
    case DeviceFunction.WRITE_SINGLE: {
      lxp.count = 1;
      const payload = Object.assign(decodeHolds(frame.register, [frame.value]), {
        register: frame.register,
        value: frame.value,
        datalog: frame.datalog,
        inverter: frame.inverter,
        time,
      });
      return { kind: "write", msg: { topic: `${prefix}/write/${frame.register}`, payload, lxp } };
    }
    case DeviceFunction.WRITE_MULTI: {
      lxp.count = frame.count;
      const payload = {
        registers: {},
        register: frame.register,
        count: frame.count,
        datalog: frame.datalog,
        inverter: frame.inverter,
        time,
      };
      return { kind: "write", msg: { topic: `${prefix}/write/${frame.register}`, payload, lxp } };
    }
  }
}
