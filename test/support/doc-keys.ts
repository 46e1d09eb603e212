// Key paths of decoded messages and the keys a Markdown page documents, for the test that holds
// the payload docs (docs/*-payloads.md) to what the decoders really produce.

export interface KeyPath {
  path: string;
  /** No further keys below it: a number, string, boolean, null, array of non-objects or a register map. */
  leaf: boolean;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

/**
 * Every key path under `value`: `a.b` for nested objects, `a[].b` for the objects of an array. An
 * object keyed only by numbers (`registers`) or empty counts as one value, like an array of values.
 */
export function keyPaths(value: unknown, prefix = ""): KeyPath[] {
  const join = (key: string): string => (prefix ? `${prefix}.${key}` : key);
  if (Array.isArray(value)) {
    const objects = value.filter(isPlainObject);
    if (objects.length === 0) return prefix ? [{ path: prefix, leaf: true }] : [];
    return [{ path: prefix, leaf: false }, ...objects.flatMap((o) => keyPaths(o, `${prefix}[]`))];
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0 || keys.every((k) => /^\d+$/.test(k))) return prefix ? [{ path: prefix, leaf: true }] : [];
    const self = prefix ? [{ path: prefix, leaf: false }] : [];
    return [...self, ...keys.flatMap((k) => keyPaths(value[k], join(k)))];
  }
  return prefix ? [{ path: prefix, leaf: true }] : [];
}

/** Paths of a whole Node-RED message: `msg.topic`, `msg.lxp.raw`, … and the payload's own keys unprefixed. */
export function messagePaths(msg: Record<string, unknown>): KeyPath[] {
  const out: KeyPath[] = [];
  for (const [key, value] of Object.entries(msg)) {
    if (key === "payload") {
      out.push({ path: "msg.payload", leaf: false }, ...keyPaths(value));
    } else {
      out.push(...keyPaths(value, `msg.${key}`));
    }
  }
  return out;
}

/** Every `code span` of a Markdown text. */
export function codeSpans(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]));
}

/** The code spans in the first column of every table whose first header cell is "key". */
export function tableKeys(markdown: string): Array<{ key: string; line: number }> {
  const out: Array<{ key: string; line: number }> = [];
  const lines = markdown.split("\n");
  let inKeyTable = false;
  lines.forEach((line, i) => {
    if (!line.startsWith("|")) {
      inKeyTable = false;
      return;
    }
    const first = line.split("|")[1]?.trim() ?? "";
    const next = lines[i + 1] ?? "";
    if (/^\|[\s|:-]+$/.test(next) && !/^\|[\s|:-]+$/.test(line)) {
      inKeyTable = first === "key"; // a header row
      return;
    }
    if (!inKeyTable || /^\|[\s|:-]+$/.test(line)) return;
    for (const m of first.matchAll(/`([^`]+)`/g)) out.push({ key: m[1], line: i + 1 });
  });
  return out;
}
