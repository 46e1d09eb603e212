// Checksums of the PylonTech ASCII-hex frame (pylon-protocol.md §2.1, §2.2).

/**
 * LCHKSUM for a LENID: the nibble sum negated in 4 bits. The `& 0xf` matters: the spec's
 * "invert, then add 1" taken literally yields 16 when the nibble sum is a multiple of 16.
 */
export function lengthChecksum(lenid: number): number {
  const nibbleSum = (lenid & 0xf) + ((lenid >> 4) & 0xf) + ((lenid >> 8) & 0xf);
  return -nibbleSum & 0xf;
}

/** The 16-bit LENGTH field: LCHKSUM in the top nibble, LENID (INFO length in characters) below. */
export function lengthField(lenid: number): number {
  return (lengthChecksum(lenid) << 12) | lenid;
}

/** CHKSUM: the ASCII codes of `text[start..end)` summed, negated mod 65536. */
export function frameChecksum(text: string, start = 0, end = text.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += text.charCodeAt(i);
  return -sum & 0xffff;
}
