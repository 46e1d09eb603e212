// Host names and addresses as users type them in config nodes and on the command line.
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

/** An IPv4 address, a DNS name or an IPv6 address (hex and colons). */
export function isHost(s: string): boolean {
  return IPV4.test(s) || HOSTNAME.test(s) || /^[0-9a-fA-F:]+$/.test(s);
}

/** "HOST[:PORT]" as used by the CLI. */
export function splitHostPort(spec: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(spec.trim());
  if (!m || !m[1]) throw new Error(`expected HOST[:PORT], got "${spec}"`);
  return { host: m[1], port: m[2] ? Number(m[2]) : defaultPort };
}
