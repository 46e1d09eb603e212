// The project's error classes: what the codecs and the command parser are allowed to throw. Anything
// else (TypeError, RangeError, …) escaping them is a bug the fuzzer reports.
import { LxpCommandError } from "../../nodes/lib/lxp/control/commands";
import { LxpFrameError } from "../../nodes/lib/lxp/codec";
import { PylonCommandError, PylonError, PylonFrameError } from "../../nodes/lib/pylon/codec";

/** "Class" or "Class:reason" for a typed error; undefined for anything else. */
export function typedLabel(err: unknown): string | undefined {
  if (err instanceof PylonFrameError) return `PylonFrameError:${err.reason}`;
  if (err instanceof PylonCommandError) return `PylonCommandError:${err.reason}`;
  if (err instanceof PylonError) return err.name;
  if (err instanceof LxpFrameError) return "LxpFrameError";
  if (err instanceof LxpCommandError) return "LxpCommandError";
  return undefined;
}
