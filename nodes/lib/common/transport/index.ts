export type { ByteTransport, PeerAddress, StateChange, TransportEvents, TransportState } from "./types";
export { TcpClientTransport, type TcpClientOptions } from "./tcp-client";
