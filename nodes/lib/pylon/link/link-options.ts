// Options of PylonPortLink, checked once at construction so a bad config fails at deploy time.
import { optionalMs, requireHost, requirePort } from "../../common/transport/validate";
import { requireBaudRate, requireDevicePath, SerialTransport } from "./serial-transport";
import { TcpGatewayTransport } from "./tcp-gateway-transport";
import type { PylonTransport } from "./types";

export type PylonLinkTarget =
  | { transport: "serial"; path: string; baudRate?: number }
  | { transport: "tcp"; host: string; port: number };

export type PylonPortLinkOptions = PylonLinkTarget & {
  /** Reply timeout per attempt. Default 1000 ms on serial, 2000 ms through a TCP gateway (pylon-protocol.md §8). */
  timeoutMs?: number;
  /** Quiet time between the end of one exchange and the next request. Default 50 ms. */
  gapMs?: number;
  /** Extra attempts after a timeout or a corrupt reply. Default 1. */
  retries?: number;
  /** Delay between reopen/reconnect attempts while the port or gateway is down. Default 2000 ms. */
  reconnectMs?: number;
  /** Grace period before the port closes once the last user leaves (a partial redeploy re-registers). Default 1000 ms. */
  idleCloseMs?: number;
  /**
   * Settles once the previous link to the same device has released it (registry.ts passes the
   * closing link's close()): the port is opened only then, as after this link's own reopen.
   */
  openAfter?: Promise<unknown>;
  /** Tests inject a transport here. */
  createTransport?: (options: PylonPortLinkOptions) => PylonTransport;
};

export interface ResolvedLinkOptions {
  timeoutMs: number;
  gapMs: number;
  retries: number;
  idleCloseMs: number;
}

export const MAX_RETRIES = 10;

export function requireRetries(value: unknown, name = "retries", fallback = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_RETRIES) {
    throw new Error(`${name} must be an integer 0-${MAX_RETRIES}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function resolveLinkOptions(options: PylonPortLinkOptions): ResolvedLinkOptions {
  if (!options || typeof options !== "object") throw new Error("PylonPortLink needs an options object");
  if (options.transport === "serial") {
    requireDevicePath(options.path);
    requireBaudRate(options.baudRate);
  } else if (options.transport === "tcp") {
    requireHost(options.host);
    requirePort(options.port);
  } else {
    throw new Error(`transport must be "serial" or "tcp", got ${JSON.stringify((options as { transport?: unknown }).transport)}`);
  }
  optionalMs(options.reconnectMs, "reconnectMs", 2_000, 1);
  return {
    timeoutMs: optionalMs(options.timeoutMs, "timeoutMs", options.transport === "tcp" ? 2_000 : 1_000, 1),
    gapMs: optionalMs(options.gapMs, "gapMs", 50),
    retries: requireRetries(options.retries),
    idleCloseMs: optionalMs(options.idleCloseMs, "idleCloseMs", 1_000),
  };
}

export function defaultTransport(options: PylonPortLinkOptions): PylonTransport {
  if (options.transport === "serial") {
    return new SerialTransport({ path: options.path, baudRate: options.baudRate, reconnectMs: options.reconnectMs });
  }
  return new TcpGatewayTransport({ host: options.host, port: options.port, reconnectMs: options.reconnectMs });
}

/** "/dev/ttyUSB0 @ 115200" or "192.168.1.7:8899", for status texts and logs. */
export function describeTarget(options: PylonLinkTarget): string {
  return options.transport === "serial" ? `${options.path} @ ${options.baudRate ?? 115200}` : `${options.host}:${options.port}`;
}
