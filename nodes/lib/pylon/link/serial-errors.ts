// Turns the bindings' terse open errors into status texts a user can act on.
import { PylonPortError } from "./link-error";

/** A clear error for a failed open; the original stays in `cause`. */
export function describeSerialOpenError(err: unknown, path: string): PylonPortError {
  const original = err instanceof Error ? err : new Error(String(err));
  const text = original.message;
  const code = (original as NodeJS.ErrnoException).code;
  const options = { cause: original, code: typeof code === "string" ? code : undefined };
  if (code === "ENOENT" || /no such file|does not exist|file not found|cannot find the file/i.test(text)) {
    return new PylonPortError("not_found", `${path} not found (unplugged?)`, options);
  }
  if (code === "EBUSY" || /lock|resource temporarily unavailable|busy|access is denied/i.test(text)) {
    // Windows reports a port held by another program as "Access denied".
    return new PylonPortError("busy", `${path} is busy (in use by another program or a previous deploy)`, options);
  }
  if (code === "EACCES" || /permission denied/i.test(text)) {
    return new PylonPortError("permission_denied", `no permission to open ${path} (add the user to the dialout group)`, options);
  }
  return new PylonPortError("other", `cannot open ${path}: ${text}`, options);
}
