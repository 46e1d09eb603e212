// How every node of the package hands errors to Node-RED: as text. The debug sidebar shows an
// Error object as a collapsed, cut-off object and a string as a readable line; a Catch node gets
// the text in msg.error.message either way. No Node-RED imports.

/** The message of an error (no "Error:" prefix), or the value as text. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : String(err);
}

/**
 * Ends an input handler like done(err), with the error as text; done() without an error. Node-RED
 * passes the value on to node.error(value, msg), so a Catch node still gets the input message.
 */
export function finishInput(done: (err?: Error) => void, err?: unknown): void {
  if (err === undefined || err === null) done();
  else (done as unknown as (err: string) => void)(errorText(err));
}
