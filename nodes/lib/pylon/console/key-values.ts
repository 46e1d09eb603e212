// "Key   : value" lines of `info` and `stat`. Keys keep their words, runs of spaces made one.
export function keyValues(lines: readonly string[]): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of lines) {
    const colon = /^\s*([^:]*?)\s*:\s*(.*?)\s*$/.exec(line);
    // `stat` prints "Device address           1" without a colon.
    const spaced = colon ? null : /^\s*(\S.*?)\s{2,}(\S+)\s*$/.exec(line);
    const match = colon ?? spaced;
    if (match && match[1] !== "") entries.set(match[1].replace(/\s+/g, " "), match[2]);
  }
  return entries;
}
