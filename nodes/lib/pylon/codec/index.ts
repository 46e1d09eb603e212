// PylonTech RS485/RS232 binary protocol codec: pure functions, no I/O (pylon-protocol.md §2–§5, docs/pylon-payloads.md).
export * from "./checksum";
export * from "./commands";
export * from "./errors";
export * from "./frame";
export * from "./request";
export * from "./decode";
export * from "./system";
export * from "./seplos";
export * from "./plausibility";
export * from "./reply";
export * from "./encode-reply";
export * from "./stream";
export * from "./stack";
export * from "./types";
