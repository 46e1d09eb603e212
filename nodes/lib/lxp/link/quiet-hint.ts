// Status text when the inverter stopped sending input data (DongleLink "input-quiet"): most often
// nobody answers the dongle's heartbeats because the cloud is unreachable (lxp-protocol.md §5), but
// frames that did arrive and were dropped point to the real cause.

/** udp: what was dropped since the last input data, and the dongle's address (Source or pinned). */
export interface IgnoredSinceInput {
  otherSenders: number;
  otherSerials: number;
  dongleAddress?: string;
  /** True when the address is Source, false when it was pinned from the first sender. */
  source: boolean;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function quietHint(silentMs: number, answering: boolean, filteredFrames = 0, ignored?: IgnoredSinceInput): string {
  const quiet = `no input data for ${Math.max(1, Math.round(silentMs / 60000))} min`;
  // Datagrams came, but from another address than the dongle's: the pin (or Source) is the cause.
  if (ignored && ignored.otherSenders > 0) {
    const fix = ignored.source
      ? `Source is ${ignored.dongleAddress}: has the dongle's address changed?`
      : `pinned to ${ignored.dongleAddress}: set Source, or restart flows`;
    return `${quiet}: ${plural(ignored.otherSenders, "datagram")} from other senders ignored (${fix})`;
  }
  // Frames did arrive, but the datalog filter dropped them: that, not the heartbeats, is the cause.
  if (filteredFrames > 0) return `${quiet}: ${filteredFrames} frames from other datalogs (check the datalog filter)`;
  if (ignored && ignored.otherSerials > 0) {
    return `${quiet}: ${plural(ignored.otherSerials, "frame")} naming other serials ignored (check Datalog and Inverter in the dongle config)`;
  }
  return answering ? `${quiet} (heartbeats are answered)` : `${quiet}: try "answer heartbeats" in the dongle config`;
}
