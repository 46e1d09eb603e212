// The PylonTech links open in this process, one per device: pylon-port nodes naming the same serial
// device (by any path that resolves to it) or the same gateway share one link, so one bus has one
// master and one request queue. A pylon-port with other settings for a device in use is refused,
// naming the node that holds it. A device's next link opens only once its last one has let go.
// No Node-RED imports.
import { realpathSync } from "node:fs";
import { PylonError } from "../codec";
import { resolveLinkOptions, type PylonLinkTarget, type PylonPortLinkOptions } from "./link-options";
import type { PylonProtocol } from "../codec";
import { PylonConsoleLink, type ConsoleLinkStats } from "./console-link";
import { PylonPassiveLink, type PassiveLinkStats } from "./passive-link";
import { PylonPortLink, type PylonLinkStats } from "./port-link";
import type { TransportState } from "./types";

/** The config node that asked for a link: named in the error another one gets for its device. */
export interface LinkHolder {
  id: string;
  name?: string;
}

/** What a link does on its bus: polls it, talks to the console's text shell, or only listens to another master's polls. */
export type PylonLinkUse = "polling" | "console" | "listening";

/** Any link the registry holds. */
export type AnyPylonLink = PylonPortLink | PylonConsoleLink | PylonPassiveLink;

/** The settings that must agree for two holders to share a link, as the link applies them. */
interface SharedSettings {
  /** "polling", or "listening (pylontech)": a listening link decodes with one protocol. */
  use: string;
  baudRate?: number;
  timeoutMs: number;
  gapMs: number;
  retries: number;
  reconnectMs: number;
  idleCloseMs: number;
}

const SETTING_NAMES: Record<keyof SharedSettings, [name: string, unit: string]> = {
  use: ["use", ""],
  baudRate: ["baud rate", ""],
  timeoutMs: ["reply timeout", " ms"],
  gapMs: ["gap", " ms"],
  retries: ["retries", ""],
  reconnectMs: ["reopen delay", " ms"],
  idleCloseMs: ["idle close", " ms"],
};

interface Entry {
  device: string;
  link: AnyPylonLink;
  settings: SharedSettings;
  /** In the order they came; the first is named when another node is refused. */
  holders: LinkHolder[];
}

const entries = new Map<string, Entry>();
/** Per device, the close() of its last link while it runs: the next link opens after it. */
const closing = new Map<string, Promise<void>>();

/** What PylonDeviceInUseError is about. */
export interface PylonDeviceInUseDetails {
  /** The device, as the registry keys it: "serial:/dev/ttyUSB0" or "tcp:192.168.1.7:8899". */
  device: string;
  /** The pylon-port that holds it (the first of its holders). */
  holder: LinkHolder;
}

/** A pylon-port whose device another one holds with other settings (code "device_in_use"). */
export class PylonDeviceInUseError extends PylonError<"device_in_use", PylonDeviceInUseDetails> {
  declare readonly details: PylonDeviceInUseDetails;

  constructor(message: string, details: PylonDeviceInUseDetails) {
    super("device_in_use", message, details);
  }

  get holder(): LinkHolder {
    return this.details.holder;
  }
}

/**
 * The registry's key for a device: a serial path resolved through its symlinks (/dev/serial/by-id/…
 * and /dev/ttyUSB0 are one device) where it exists, else as given; a gateway as host:port.
 */
export function deviceKey(target: PylonLinkTarget): string {
  if (target.transport === "tcp") return `tcp:${target.host.trim().toLowerCase()}:${target.port}`;
  const path = target.path.trim();
  try {
    return `serial:${realpathSync(path)}`;
  } catch {
    return `serial:${path}`; // not there (yet): unplugged, or a name such as COM3
  }
}

function sharedSettings(options: PylonPortLinkOptions, use: string): SharedSettings {
  const { timeoutMs, gapMs, retries, idleCloseMs } = resolveLinkOptions(options);
  const reconnectMs = options.reconnectMs ?? 2_000;
  // A listening link has no timeout, gap or retries (the editor hides them): they never differ.
  const listening = use.startsWith("listening");
  const settings: SharedSettings = listening
    ? { use, timeoutMs: 0, gapMs: 0, retries: 0, reconnectMs, idleCloseMs }
    : { use, timeoutMs, gapMs, retries, reconnectMs, idleCloseMs };
  if (options.transport === "serial") settings.baudRate = options.baudRate ?? 115200;
  return settings;
}

/** "baud rate 9600 there, 115200 here", for each setting that differs. */
function differences(theirs: SharedSettings, ours: SharedSettings): string[] {
  return (Object.keys(SETTING_NAMES) as (keyof SharedSettings)[])
    .filter((key) => theirs[key] !== ours[key])
    .map((key) => {
      const [name, unit] = SETTING_NAMES[key];
      return `${name} ${theirs[key]}${unit} there, ${ours[key]}${unit} here`;
    });
}

/** `pylon-port "rack" (id 1a2b)`, or `pylon-port 1a2b` without a name. */
export function holderLabel(holder: LinkHolder): string {
  const name = holder.name?.trim();
  return name ? `pylon-port "${name}" (id ${holder.id})` : `pylon-port ${holder.id}`;
}

/**
 * The link for `options`' device: the open one when its settings are the same (shared), else a new
 * one. Throws PylonDeviceInUseError when another holder has the device with other settings, and
 * the link's option errors for bad options. Pair with releaseLink().
 */
export function acquireLink(options: PylonPortLinkOptions, holder: LinkHolder): PylonPortLink {
  return acquire(options, holder, "polling", (openAfter) => new PylonPortLink({ ...options, openAfter })) as PylonPortLink;
}

/** A link to the console port's text shell (pylon-protocol.md §7.2), shared by holders with the same settings. */
export function acquireConsoleLink(options: PylonPortLinkOptions, holder: LinkHolder): PylonConsoleLink {
  return acquire(options, holder, "console", (openAfter) => new PylonConsoleLink({ ...options, openAfter })) as PylonConsoleLink;
}

/**
 * A listen-only link for `options`' device (pylon-protocol.md §12), shared by holders that listen
 * with the same protocol; refused like acquireLink() when the device is held otherwise.
 */
export function acquirePassiveLink(options: PylonPortLinkOptions, holder: LinkHolder, protocol: PylonProtocol = "pylontech"): PylonPassiveLink {
  return acquire(options, holder, `listening (${protocol})`, (openAfter) => new PylonPassiveLink({ ...options, openAfter }, { protocol })) as PylonPassiveLink;
}

function acquire(options: PylonPortLinkOptions, holder: LinkHolder, use: string, create: (openAfter?: Promise<void>) => AnyPylonLink): AnyPylonLink {
  const settings = sharedSettings(options, use);
  const device = deviceKey(options);
  const entry = entries.get(device);
  if (entry) {
    const differ = differences(entry.settings, settings);
    if (differ.length > 0) {
      const first = entry.holders[0];
      throw new PylonDeviceInUseError(
        `${entry.link.description} is in use by ${holderLabel(first)} with other settings (${differ.join("; ")}): ` +
          "use that pylon-port, or give both the same settings",
        { device, holder: first },
      );
    }
    entry.holders.push(holder);
    return entry.link;
  }
  const link = create(closing.get(device));
  entries.set(device, { device, link, settings, holders: [holder] });
  return link;
}

/** Gives a link back; after its last holder the link closes (resolves once the device is released). */
export function releaseLink(link: AnyPylonLink, holder: LinkHolder): Promise<void> {
  const entry = [...entries.values()].find((e) => e.link === link);
  if (!entry) return link.close(); // not from the registry
  entry.holders = entry.holders.filter((h) => h !== holder);
  if (entry.holders.length > 0) return Promise.resolve();
  entries.delete(entry.device);
  const closed = link.close();
  closing.set(entry.device, closed);
  void closed.finally(() => {
    if (closing.get(entry.device) === closed) closing.delete(entry.device);
  });
  return closed;
}

/** Who holds the link of a device now (the first is the one another node's error names). */
export function linkHolders(link: AnyPylonLink): readonly LinkHolder[] {
  return [...entries.values()].find((e) => e.link === link)?.holders ?? [];
}

/** One live link as an admin page shows it: what it is, who uses it, its queue and its counters. */
export interface PylonLinkSnapshot {
  /** The registry's key: "serial:/dev/ttyUSB0" or "tcp:192.168.1.7:8899". */
  device: string;
  /** "/dev/ttyUSB0 @ 115200" or "192.168.1.7:8899". */
  description: string;
  /** The pylon-port nodes sharing the link, the first being the one that opened it. */
  holders: LinkHolder[];
  state: TransportState;
  /** Why the port is down, when it is. */
  detail?: string;
  /** pylon-poll nodes registered on it. */
  users: number;
  /** Whether a request is on the bus now. */
  inFlight: boolean;
  /** Requests waiting behind it. */
  queued: number;
  /** Polling or listening. */
  use: PylonLinkUse;
  /**
   * A copy. Polling: requests, replies, timeouts, bad frames, retries, echoes, late replies, ignored
   * bytes, last reply time. Listening: the pairer's counters (§12), bytes read, last reply time.
   */
  stats: PylonLinkStats | ConsoleLinkStats | PassiveLinkStats;
}

/** Every link of the registry now, for the admin endpoint and tests. */
export function linkSnapshots(): PylonLinkSnapshot[] {
  return [...entries.values()].map(({ device, link, holders }) => {
    const { state, detail, error } = link.state;
    const why = error?.message ?? detail;
    return {
      device,
      description: link.description,
      holders: holders.map((h) => ({ ...h })),
      state,
      ...(why !== undefined && { detail: why }),
      users: link.userCount,
      inFlight: link.pending > link.queued,
      queued: link.queued,
      use: link instanceof PylonPassiveLink ? "listening" : link instanceof PylonConsoleLink ? "console" : "polling",
      stats: { ...link.stats },
    };
  });
}
