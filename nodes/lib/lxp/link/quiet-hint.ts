// Status text when the inverter stopped sending input data (DongleLink "input-quiet"): most often
// nobody answers the dongle's heartbeats because the cloud is unreachable (lxp-protocol.md §5).

export function quietHint(silentMs: number, answering: boolean, filteredFrames = 0): string {
  const minutes = Math.max(1, Math.round(silentMs / 60000));
  // Frames did arrive, but the datalog filter dropped them: that, not the heartbeats, is the cause.
  if (filteredFrames > 0) return `no input data for ${minutes} min: ${filteredFrames} frames from other datalogs (check the datalog filter)`;
  return answering
    ? `no input data for ${minutes} min (heartbeats are answered)`
    : `no input data for ${minutes} min: try "answer heartbeats" in the dongle config`;
}
