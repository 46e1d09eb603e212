// The public PylonTech codec (the package's `pylon` export, README "Codec API"): what a function
// node or another program needs to decode replies and build requests. Everything here is a contract.
export { parseFrame, encodeFrame, frameText, type PylonFrame, type PylonFrameFields } from "./frame";
export { decodeReply, summarizeRequest, type DecodeReplyOptions, type PylonRequestSummary } from "./reply";
export { encodeRequest, buildPackRequest, PYLON_PROTOCOLS, type PylonProtocol, type PylonAddressMode, type PylonAddressing } from "./request";
export { encodeReply, type PylonReplyFields } from "./encode-reply";
export { PylonFrameSplitter, type PylonStreamItem, type PylonFrameSplitterOptions } from "./stream";
export { PylonError, PylonFrameError, PylonCommandError, type PylonFrameErrorCode, type PylonFrameErrorDetails, type PylonCommandErrorCode } from "./errors";
export { READ_COMMANDS, PylonCommand, formatCid2, parseCid2, rtnName } from "./commands";
export { summarizeStack } from "./stack";
export type * from "./types";
