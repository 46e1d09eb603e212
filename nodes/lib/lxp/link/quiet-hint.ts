// Status text when the inverter stopped sending input data (DongleLink "input-quiet"): most often
// nobody answers the dongle's heartbeats because the cloud is unreachable (lxp-protocol.md §5), but
// frames that did arrive and were dropped point to the real cause.
import { counted, english, type Translate } from "../../common/i18n";

/** udp: what was dropped since the last input data, and the dongle's address (Source or pinned). */
export interface IgnoredSinceInput {
  otherSenders: number;
  otherSerials: number;
  dongleAddress?: string;
  /** True when the address is Source, false when it was pinned from the first sender. */
  source: boolean;
}

export function quietHint(silentMs: number, answering: boolean, filteredFrames = 0, ignored?: IgnoredSinceInput, t: Translate = english): string {
  const quiet = t("lxp-dongle.quiet.noInput", { minutes: Math.max(1, Math.round(silentMs / 60000)) });
  // Datagrams came, but from another address than the dongle's: the pin (or Source) is the cause.
  if (ignored && ignored.otherSenders > 0) {
    const fix = t(ignored.source ? "lxp-dongle.quiet.sourceChanged" : "lxp-dongle.quiet.pinned", { address: String(ignored.dongleAddress) });
    const datagrams = counted(t, ignored.otherSenders, "lxp-dongle.quiet.datagram", "lxp-dongle.quiet.datagrams");
    return t("lxp-dongle.quiet.otherSenders", { quiet, datagrams, fix });
  }
  // Frames did arrive, but the datalog filter dropped them: that, not the heartbeats, is the cause.
  if (filteredFrames > 0) return t("lxp-dongle.quiet.otherDatalogs", { quiet, count: filteredFrames });
  if (ignored && ignored.otherSerials > 0) {
    const frames = counted(t, ignored.otherSerials, "lxp-dongle.quiet.frame", "lxp-dongle.quiet.frames");
    return t("lxp-dongle.quiet.otherSerials", { quiet, frames });
  }
  return t(answering ? "lxp-dongle.quiet.answered" : "lxp-dongle.quiet.notAnswered", { quiet });
}
