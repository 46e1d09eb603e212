// The public LuxPower codec (the package's `lxp` export, README "Codec API"): what a function node
// or another program needs to decode and build dongle frames. Everything here is a contract.
export { parseFrame, type LxpFrame, type TranslatedFrame, type HeartbeatFrame, type ParamFrame } from "./frame";
export type { ReadRequestFrame, ReadReplyFrame, WriteSingleFrame, WriteMultiRequestFrame, WriteMultiReplyFrame, ExceptionFrame } from "./frame";
export { LxpFrameError } from "./errors";
export { frameToMessage, type LxpMessage, type LxpMeta, type MessageKind, type MessageOptions, type DecodedMessage } from "./message";
export { LxpStreamParser, parseDatagram, type StreamItem, type StreamParserOptions } from "./stream";
export { decodeInputs, decodeHolds, type DecodeOptions } from "./decode";
export {
  encodeReadInput,
  encodeReadHold,
  encodeWriteSingle,
  encodeWriteMulti,
  encodeHeartbeat,
  encodeReadParam,
  encodeReadReply,
  encodeWriteSingleReply,
  encodeWriteMultiReply,
  encodeExceptionReply,
  encodeReadParamReply,
  type Target,
} from "./encode";
export { TcpFunction, DeviceFunction } from "./constants";
export { crc16Modbus } from "./crc16";
export { INPUT_FIELDS } from "./input-registers";
export { HOLD_NAMES } from "./hold-registers";
