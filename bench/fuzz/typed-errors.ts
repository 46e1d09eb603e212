// The project's error classes: what the codecs and the command parser are allowed to throw. Anything
// else (TypeError, RangeError, …) escaping them is a bug the fuzzer reports.
import { LxpError } from "../../nodes/lib/lxp/codec";
import { PylonError } from "../../nodes/lib/pylon/codec";

/** "Class:code" for a typed error (every LuxPower and PylonTech error has a code); undefined for anything else. */
export function typedLabel(err: unknown): string | undefined {
  if (err instanceof PylonError || err instanceof LxpError) return `${err.name}:${err.code}`;
  return undefined;
}
