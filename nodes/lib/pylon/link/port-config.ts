// Validates a pylon-port configuration (strings from the editor, possibly ${ENV}) into
// PylonPortLink options plus the addressing mode. Shared by the config node and the CLI. Defaults
// and ranges: the pylon-port schema in resources/config-schemas.js.
import { blankValue, defaultText, listOr, numbersOf, rangeOf, wordsOf } from "../../common/config-schema";
import { number, text } from "../../common/config-values";
import { isHost } from "../../common/host";
import type { PylonPortLinkOptions } from "./link-options";
import type { PylonAddressMode, PylonProtocol } from "../codec";
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

/**
 * How the port talks to the packs: it polls them (the address mode of the RS485 or the console
 * port's binary protocol), reads the console port's text shell ("console", §7), or only listens
 * to another master's polls ("passive", §12).
 */
export type PylonPortMode = PylonAddressMode | "console" | "passive";

export interface PylonPortConfig {
  link: PylonPortLinkOptions;
  mode: PylonPortMode;
  /** Whose layouts the replies use: "pylontech" (default) or "seplos" (pylon-protocol.md §11). */
  protocol: PylonProtocol;
  /** Timings below their minimum (limits.ts), raised to it: the node warns, the CLI refuses. */
  raised: RaisedValue[];
}

const TYPE = "pylon-port";
const quoted = (words: readonly string[]): string => listOr(words.map((w) => `"${w}"`));
const MODES = wordsOf(TYPE, "mode");
const PROTOCOLS = wordsOf(TYPE, "protocol");
const TRANSPORTS = wordsOf(TYPE, "transport");
const BAUD_RATES = numbersOf(TYPE, "baud");
const GATEWAY_PORT = rangeOf(TYPE, "port");

export function parsePylonPortConfig(input: PylonPortConfigInput): PylonPortConfig {
  const mode = (text(input.mode) || defaultText(TYPE, "mode")) as PylonPortMode;
  if (!MODES.includes(mode)) throw new Error(`mode must be ${quoted(MODES)}, got "${mode}"`);
  const protocol = (text(input.protocol) || defaultText(TYPE, "protocol")) as PylonProtocol;
  if (!PROTOCOLS.includes(protocol)) throw new Error(`protocol must be ${quoted(PROTOCOLS)}, got "${protocol}"`);
  if (protocol === "seplos" && (mode === "rs232" || mode === "console")) throw new Error('the Seplos protocol works on the RS485 port only: set the battery port to "rs485"');
  const transport = text(input.transport) || defaultText(TYPE, "transport");
  const raised: RaisedValue[] = [];
  const timing = {
    timeoutMs: limited("timeout", input.timeout, blankValue(TYPE, "timeout", { transport: transport === "tcp" ? "tcp" : "serial", mode }), raised),
    gapMs: limited("gap", input.gap, blankValue(TYPE, "gap"), raised),
    retries: limited("retries", input.retries, blankValue(TYPE, "retries"), raised),
    reconnectMs: limited("reconnect", input.reconnect, blankValue(TYPE, "reconnect"), raised) * 1000,
  };
  if (transport === "serial") {
    const path = text(input.path);
    if (!path) throw new Error("serial port path is required, e.g. /dev/ttyUSB0");
    // The console port's binary protocol runs at 1200 baud until woken; RS485 at 115200, an inverter's polls at 9600.
    const baudRate = number(input.baud, "baud rate", Math.min(...BAUD_RATES), Math.max(...BAUD_RATES), blankValue(TYPE, "baud", { mode }), true);
    if (!BAUD_RATES.includes(baudRate)) throw new Error(`baud rate must be ${listOr(BAUD_RATES)}, got ${baudRate}`);
    return { mode, protocol, raised, link: { transport, path, baudRate, ...timing } };
  }
  if (transport === "tcp") {
    const host = text(input.host);
    if (!host) throw new Error("gateway host is required for a TCP gateway");
    if (!isHost(host)) throw new Error(`host "${host}" is not a valid host name or IP address`);
    const port = number(input.port, GATEWAY_PORT.what, GATEWAY_PORT.min, GATEWAY_PORT.max, 0, true);
    if (port === 0) throw new Error("gateway port is required (e.g. 8899, 4196 or 23)");
    return { mode, protocol, raised, link: { transport, host, port, ...timing } };
  }
  throw new Error(`transport must be ${quoted(TRANSPORTS)}, got "${transport}"`);
}

/** The `{port}` of the topic (docs/pylon-payloads.md): the config node's name, else the device's last path segment or host:port. */
export function portLabel(name: string | undefined, link: PylonPortLinkOptions): string {
  if (name && name.trim()) return name.trim();
  if (link.transport === "serial") return link.path.split(/[\\/]/).filter(Boolean).pop() ?? link.path;
  return `${link.host}:${link.port}`;
}
