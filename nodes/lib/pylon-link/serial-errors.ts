// Turns the bindings' terse open errors into status texts a user can act on.

/** A clear error for a failed open; the original stays in `cause`. */
export function describeSerialOpenError(err: unknown, path: string): Error {
  const original = err instanceof Error ? err : new Error(String(err));
  const text = original.message;
  const code = (original as NodeJS.ErrnoException).code;
  let message: string;
  if (code === "ENOENT" || /no such file|does not exist|file not found|cannot find the file/i.test(text)) {
    message = `device ${path} not found (unplugged?)`;
  } else if (code === "EBUSY" || /lock|resource temporarily unavailable|busy|access is denied/i.test(text)) {
    // Windows reports a port held by another program as "Access denied".
    message = `device ${path} is busy (in use by another program or a previous deploy)`;
  } else if (code === "EACCES" || /permission denied/i.test(text)) {
    message = `no permission to open ${path} (add the user to the dialout group)`;
  } else {
    message = `cannot open ${path}: ${text}`;
  }
  return new Error(message, { cause: original });
}
