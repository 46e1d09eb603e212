// Validates a pylon-port configuration (strings from the editor, possibly ${ENV}) into
// PylonPortLink options plus the addressing mode. Shared by the config node and the CLI.
import { number, text } from "../../shared/config-values";
import { isHost } from "../../shared/host";
import type { PylonPortLinkOptions } from "./";
import { PYLON_PROTOCOLS, type PylonAddressMode, type PylonProtocol } from "../codec";
import { limited, type RaisedValue } from "./limits";

export interface PylonPortConfigInput {
  transport?: unknown;
  path?: unknown;
  baud?: unknown;
  host?: unknown;
  port?: unknown;
  mode?: unknown;
  protocol?: unknown;
  timeout?: unknown;
  gap?: unknown;
  retries?: unknown;
  reconnect?: unknown;
}

export interface PylonPortConfig {
  link: PylonPortLinkOptions;
  mode: PylonAddressMode;
  /** Whose layouts the replies use: "pylontech" (default) or "seplos" (pylon-protocol.md §11). */
  protocol: PylonProtocol;
  /** Timings below their minimum (limits.ts), raised to it: the node warns, the CLI refuses. */
  raised: RaisedValue[];
}

export function parsePylonPortConfig(input: PylonPortConfigInput): PylonPortConfig {
  const mode = text(input.mode) || "rs485";
  if (mode !== "rs485" && mode !== "rs232") throw new Error(`mode must be "rs485" or "rs232", got "${mode}"`);
  const protocol = (text(input.protocol) || "pylontech") as PylonProtocol;
  if (!PYLON_PROTOCOLS.includes(protocol)) throw new Error(`protocol must be "pylontech" or "seplos", got "${protocol}"`);
  if (protocol === "seplos" && mode !== "rs485") throw new Error('the Seplos protocol works on the RS485 port only: set the battery port to "rs485"');
  const transport = text(input.transport) || "serial";
  const raised: RaisedValue[] = [];
  const timing = {
    timeoutMs: limited("timeout", input.timeout, transport === "tcp" ? 2000 : 1000, raised),
    gapMs: limited("gap", input.gap, 50, raised),
    retries: limited("retries", input.retries, 1, raised),
    reconnectMs: limited("reconnect", input.reconnect, 2, raised) * 1000,
  };
  if (transport === "serial") {
    const path = text(input.path);
    if (!path) throw new Error("serial port path is required, e.g. /dev/ttyUSB0");
    // The console port's binary protocol runs at 1200 baud until woken; RS485 at 115200.
    const baudRate = number(input.baud, "baud rate", 1200, 115200, mode === "rs232" ? 1200 : 115200, true);
    if (![115200, 9600, 1200].includes(baudRate)) throw new Error(`baud rate must be 115200, 9600 or 1200, got ${baudRate}`);
    return { mode, protocol, raised, link: { transport, path, baudRate, ...timing } };
  }
  if (transport === "tcp") {
    const host = text(input.host);
    if (!host) throw new Error("gateway host is required for a TCP gateway");
    if (!isHost(host)) throw new Error(`host "${host}" is not a valid host name or IP address`);
    const port = number(input.port, "gateway port", 1, 65535, 0, true);
    if (port === 0) throw new Error("gateway port is required (e.g. 8899, 4196 or 23)");
    return { mode, protocol, raised, link: { transport, host, port, ...timing } };
  }
  throw new Error(`transport must be "serial" or "tcp", got "${transport}"`);
}

/** The `{port}` of the topic (docs/pylon-payloads.md): the config node's name, else the device's last path segment or host:port. */
export function portLabel(name: string | undefined, link: PylonPortLinkOptions): string {
  if (name && name.trim()) return name.trim();
  if (link.transport === "serial") return link.path.split(/[\\/]/).filter(Boolean).pop() ?? link.path;
  return `${link.host}:${link.port}`;
}
