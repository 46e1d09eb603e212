// The UDP ports the lxp-dongle nodes of this process listen on, by bind address and port. Two
// listeners on one port both bind (the sockets reuse the address, so a redeploy can bind again at
// once), but the port's datagrams then reach only one of them: the later one is told which node
// holds the port, as Node-RED's udp-in does ("udp: port … already in use"). No Node-RED imports.

/** A config node listening on a port: named in the warning another one gets. */
export interface UdpPortHolder {
  id: string;
  name?: string;
}

export interface UdpPortClaim {
  /** The holder that was on the port first, if another one was. */
  readonly sharedWith?: UdpPortHolder;
  /** The other holders on the port now (they come and go with deploys of modified nodes). */
  others(): UdpPortHolder[];
  /** Gives the port back (on close); the next holder, if any, keeps it. */
  release(): void;
}

interface Entry {
  address: string;
  port: number;
  holder: UdpPortHolder;
  onShared?: (later: UdpPortHolder) => void;
}

const entries: Entry[] = [];

/** 0.0.0.0 listens on every address: it overlaps each address of its port. */
const WILDCARD = "0.0.0.0";

function overlaps(a: Entry, address: string, port: number): boolean {
  return a.port === port && (a.address === address || a.address === WILDCARD || address === WILDCARD);
}

/**
 * Takes the port for `holder`; `sharedWith` names the node that already listens on it, and that
 * node's `onShared` hears of this one.
 */
export function claimUdpPort(
  address: string | undefined,
  port: number,
  holder: UdpPortHolder,
  onShared?: (later: UdpPortHolder) => void,
): UdpPortClaim {
  const own: Entry = { address: address || WILDCARD, port, holder, onShared };
  const other = entries.find((e) => overlaps(e, own.address, port));
  entries.push(own);
  other?.onShared?.({ ...holder });
  return {
    ...(other && { sharedWith: { ...other.holder } }),
    others: () => entries.filter((e) => e !== own && overlaps(e, own.address, port)).map((e) => ({ ...e.holder })),
    release: () => {
      const at = entries.indexOf(own);
      if (at >= 0) entries.splice(at, 1);
    },
  };
}

/** The ports listened on now, for tests and diagnostics. */
export function udpPortsInUse(): Array<{ address: string; port: number; holder: UdpPortHolder }> {
  return entries.map((e) => ({ address: e.address, port: e.port, holder: { ...e.holder } }));
}
