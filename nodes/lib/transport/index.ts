export type { LxpTransport, PeerAddress, StateChange, TransportEvents, TransportState } from "./types";
export { TcpClientTransport, type TcpClientOptions } from "./tcp-client";
export { UdpListenerTransport, type UdpListenerOptions } from "./udp-listener";
