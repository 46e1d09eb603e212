// Shape checks and safe descriptions of untrusted command input (msg.topic, msg.payload). Every
// helper here runs in time linear in its input and never echoes more than a short preview of it.

/** How much of a string value an error message quotes. */
const PREVIEW_CHARACTERS = 40;

/** `s` without its leading and trailing slashes, in one pass (a regex like /^\/+|\/+$/g is quadratic). */
export function trimSlashes(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) === 0x2f) start++;
  while (end > start && s.charCodeAt(end - 1) === 0x2f) end--;
  return s.slice(start, end);
}

/** An object literal or JSON object: not an array, Date, Buffer, Map or class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  } catch {
    return false; // a Proxy whose trap throws
  }
}

/** The index of the first hole of an array (`new Array(2)`, `[1, , 3]`), or -1 when it is dense. */
export function firstHole(values: readonly unknown[]): number {
  for (let k = 0; k < values.length; k++) if (!Object.hasOwn(values, k)) return k;
  return -1;
}

function quote(s: string): string {
  if (s.length <= PREVIEW_CHARACTERS) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, PREVIEW_CHARACTERS))}… (${s.length} characters)`;
}

/**
 * A value for an error message: short values as JSON (`"0x10"`, `50`, `{"start":"1"}`), long ones cut,
 * anything else by its kind. Never throws (circular objects, BigInt, Symbol, throwing getters).
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
    case "boolean":
    case "undefined":
      return String(value);
    case "bigint":
      return "a BigInt";
    case "symbol":
    case "function":
      return `a ${typeof value}`;
  }
  if (value === null) return "null";
  try {
    if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
    if (Array.isArray(value)) {
      const hole = value.length <= 1000 ? firstHole(value) : -1;
      if (value.length > 20 || hole >= 0) return `an array of ${value.length}${hole >= 0 ? ` with a hole at index ${hole}` : ""}`;
    } else if (!isPlainObject(value)) {
      return "an object that is not a plain object";
    }
    const json = JSON.stringify(value);
    return json.length <= PREVIEW_CHARACTERS * 2 ? json : `${json.slice(0, PREVIEW_CHARACTERS * 2)}… (${json.length} characters as JSON)`;
  } catch {
    return "a value that cannot be shown";
  }
}
