// Option checks for the transport constructors: fail at deploy time with a clear message,
// never later inside a socket callback.
import { isIPv4 } from "node:net";

export function requireHost(value: unknown, name = "host"): string {
  if (typeof value !== "string" || value.trim() === "" || /\s/.test(value.trim())) {
    throw new Error(`${name} must be a non-empty host name or IP address, got ${JSON.stringify(value)}`);
  }
  return value.trim();
}

export function requireIPv4(value: unknown, name: string): string {
  if (typeof value !== "string" || !isIPv4(value.trim())) {
    throw new Error(`${name} must be an IPv4 address, got ${JSON.stringify(value)}`);
  }
  return value.trim();
}

/** Integer port; `allowZero` lets the OS pick a free port (listeners only). */
export function requirePort(value: unknown, name = "port", allowZero = false): number {
  const min = allowZero ? 0 : 1;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > 65535) {
    throw new Error(`${name} must be an integer ${min}-65535, got ${JSON.stringify(value)}`);
  }
  return value;
}

// setTimeout treats larger delays as 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds option: undefined gives the default; `min` is inclusive. */
export function optionalMs(value: unknown, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > MAX_TIMER_MS) {
    throw new Error(`${name} must be a number >= ${min} (milliseconds), got ${JSON.stringify(value)}`);
  }
  return value;
}
