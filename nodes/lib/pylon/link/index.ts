// PylonTech RS485 connection layer: byte transports (serial, TCP gateway), the shared,
// one-request-at-a-time PylonPortLink and the registry of links per device. No Node-RED imports.
export * from "./link-error";
export * from "./console-types";
export * from "./console-link";
export { ConsoleOutputReader, trailingPrompt, type OutputStep } from "./console-output";
export * from "./console-wakeup";
export * from "./link-options";
export * from "./list-ports";
export { describeGatewayFailure } from "./gateway-errors";
export * from "./port-health";
export * from "./passive-link";
export * from "./port-link";
export * from "./registry";
export { describeSerialOpenError } from "./serial-errors";
export { type SerialBinding } from "./serial-modules";
export * from "./serial-transport";
export * from "./tcp-gateway-transport";
export * from "./types";
